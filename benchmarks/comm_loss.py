"""`python -m benchmarks.comm_loss`: recovery after a lost link (issue 9, item 2).

The emulated line (LFP 30 mg/cm², 50 m/min, the model controller, the runtime on the simulated
clock) takes a +10 % bulk-density step at t0 = 120 s; the link is lost from t0 for D s (D = 0
is the reference without a loss). Printed per D: the peak |areal-mass error| of the true film
at the gauge before and after the link returns (% of target), seconds off-spec after the
return, the largest gap-command move within 0.5 s of the return and the largest rate of the
gap command after the return (µm, µm/s, the worse side).
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
        self.rows: list[tuple[float, float, float, float]] = []

    def offer(self, t_s, wall, values, quality) -> None:
        err = (self.line.true_areal_mass_at_gauge_mg_cm2 / 30.0 - 1.0) * 100.0
        self.rows.append((t_s, err, values.get("gap_os_sp_um"), values.get("gap_ds_sp_um")))


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
    back = T0_S + loss_s
    rows = probe.rows
    during = [abs(e) for t, e, _, _ in rows if T0_S <= t < back]
    after = [r for r in rows if back <= r[0]]
    jump = 0.0
    rate = 0.0
    held = [r for r in rows if r[0] < back + 0.02][-3]  # the command the line held
    for prev, row in zip(after, after[1:], strict=False):
        dt = row[0] - prev[0]
        for k in (2, 3):
            if row[0] <= back + 0.5:
                jump = max(jump, abs(row[k] - held[k]))
            rate = max(rate, abs(row[k] - prev[k]) / dt)
    dt_sample = rows[1][0] - rows[0][0]
    return {
        "loss_s": loss_s,
        "peak_error_during_pct": round(max(during, default=0.0), 2),
        "peak_error_after_pct": round(max(abs(r[1]) for r in after), 2),
        "offspec_after_s": round(sum(dt_sample for r in after if abs(r[1]) > 1.5), 1),
        "gap_move_0_5s_um": round(jump, 2),
        "gap_rate_max_um_s": round(rate, 1),
    }


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
    print(f"{'loss s':>7} {'peak during %':>14} {'peak after %':>13} {'off-spec after s':>17} "
          f"{'gap move 0.5 s µm':>18} {'gap rate max µm/s':>18}")  # fmt: skip
    for r in results:
        print(f"{r['loss_s']:7.0f} {r['peak_error_during_pct']:14.2f} "
              f"{r['peak_error_after_pct']:13.2f} {r['offspec_after_s']:17.1f} "
              f"{r['gap_move_0_5s_um']:18.2f} {r['gap_rate_max_um_s']:18.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
