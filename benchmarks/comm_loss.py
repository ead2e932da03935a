"""`python -m benchmarks.comm_loss`: recovery after a lost link (issue 9, item 2).

The emulated line (LFP 30 mg/cm², 50 m/min, the model controller, the runtime on the simulated
clock) takes a +10 % bulk-density step at t0 = 120 s; the link is lost from t0 for D s (D = 0
is the reference without a loss). Printed per D (errors in % of target, of the true film):
the peak at the gauge during the loss; the film made at the nip when the link returns; the
peak at the gauge after the return (as issue 9 measured it: it includes film made during the
loss still on its way); the peak of the film made at the nip after the return, and from 10 s
after it; seconds off-spec (> 1.5 %) at the gauge after the return; the largest gap-command
move in the first 0.5 s after the return and in any 0.5 s of the 20 s after it (µm, worse
side). For D = 0 "the return" is the step.
"""

from __future__ import annotations

import argparse
import json

from hmi.control import make_controller
from hmi.hardware.emulated import EmulatedProfile
from hmi.runtime import InjectFault, Runtime, SimClock
from hmi.sim.runner import profile_config
from hmi.sim.scenario import parse_scenario

SCENARIO = """
[scenario]
name = "comm loss with a bulk-density step"
duration_s = {duration}
seed = {seed}
startup_s = 60

[recipe]
material = "LFP"
areal_mass_mg_cm2 = 30.0
width_mm = 1000
line_speed_m_min = 50
tolerance_pct = 1.5
"""
T0_S = 120.0
AFTER_S = 300.0  # watched after the return


class _Probe:
    def __init__(self, profile: EmulatedProfile) -> None:
        self.line = profile.line
        self.rows: list[tuple[float, float, float, float, float]] = []

    def offer(self, t_s, wall, values, quality) -> None:
        line = self.line
        gauge = (line.true_areal_mass_at_gauge_mg_cm2 / 30.0 - 1.0) * 100.0
        nip = (line.nip_areal_mass_mean_mg_cm2 / 30.0 - 1.0) * 100.0
        self.rows.append((t_s, gauge, nip, values["gap_os_sp_um"], values["gap_ds_sp_um"]))


def measure(loss_s: float, step: float = 0.10, seed: int = 1) -> dict[str, float]:
    from pathlib import Path

    duration = T0_S + loss_s + AFTER_S
    scenario = parse_scenario(SCENARIO.format(duration=duration, seed=seed), Path("probe.toml"))
    config = profile_config(scenario)
    profile = EmulatedProfile(config)
    probe = _Probe(profile)
    runtime = Runtime(
        profile,
        make_controller("model", config.startup.formulation, 2.0, config.line.model_dump()),
        clock=SimClock(),
        sinks=[probe],
    )
    runtime.run_for(T0_S)
    runtime.submit(InjectFault("bulk_density_step", {"magnitude": step}, user="bench"))
    if loss_s > 0:
        runtime.submit(InjectFault("comm_loss", {"duration_s": loss_s}, user="bench"))
    runtime.run_for(duration - T0_S)
    back = T0_S + loss_s  # the link returns (for no loss: the step)
    rows = probe.rows
    k0 = next(k for k, r in enumerate(rows) if r[0] >= back)
    after = rows[k0:]
    held = rows[k0 - 1]  # the last command before the return
    half = round(0.5 / (rows[1][0] - rows[0][0]))
    window = after[: 40 * half]  # the 20 s after the return
    moves = [abs(b[k] - a[k]) for a, b in zip(window, window[half:], strict=False) for k in (3, 4)]
    dt_sample = rows[1][0] - rows[0][0]
    return {
        "loss_s": loss_s,
        "peak_error_during_pct": max((abs(r[1]) for r in rows if T0_S <= r[0] < back), default=0),
        "error_at_return_pct": abs(after[0][2]),
        "peak_error_after_pct": max(abs(r[1]) for r in after),
        "peak_error_made_after_pct": max(abs(r[2]) for r in after),
        "peak_error_made_10s_after_pct": max(abs(r[2]) for r in after if r[0] >= back + 10),
        "offspec_after_s": sum(dt_sample for r in after if abs(r[1]) > 1.5),
        "gap_move_first_0_5s_um": max(abs(r[k] - held[k]) for r in after[:half] for k in (3, 4)),
        "gap_move_max_0_5s_um": max(moves),
    }


COLUMNS = (
    ("loss_s", "loss s", "{:.0f}"),
    ("peak_error_during_pct", "peak during %", "{:.2f}"),
    ("error_at_return_pct", "at return % (nip)", "{:.2f}"),
    ("peak_error_after_pct", "peak after % (gauge)", "{:.2f}"),
    ("peak_error_made_after_pct", "peak made after % (nip)", "{:.2f}"),
    ("peak_error_made_10s_after_pct", "peak made 10 s+ after %", "{:.2f}"),
    ("offspec_after_s", "off-spec after s", "{:.1f}"),
    ("gap_move_first_0_5s_um", "gap move first 0.5 s µm", "{:.2f}"),
    ("gap_move_max_0_5s_um", "gap move any 0.5 s of 20 s µm", "{:.2f}"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loss-s", type=float, nargs="*", default=[0, 30, 120, 600])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [measure(d, seed=args.seed) for d in args.loss_s]
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(" | ".join(title for _, title, _ in COLUMNS))
    for r in results:
        print(" | ".join(fmt.format(r[key]).rjust(len(title)) for key, title, fmt in COLUMNS))


if __name__ == "__main__":
    main()
