"""`make bench-control`: every shipped scenario with the baseline and the model controller.

Runs each resources/scenarios/*.toml with both controllers through hmi.sim.runner (the same
runtime and controller code as the app, on the simulated clock; two worker processes), then
prints a table per scenario — areal mass 2σ MD and CD (%), gap error |mean| + 3σ and max (µm,
worse side), off-spec metres, settling times (s, one per event) — for each controller and the
ratio model / baseline, checks the targets of the issue, and writes everything as JSON to
bench-results/control.json:

* effective gap within ±1 µm at 3σ (outside the events' settling windows);
* areal mass 2σ MD ≤ 0.5 % of target;
* off-spec length ≤ 0.25 × the baseline's on the same scenario;
* a grade change settled within 2 × the total dead time (web to the gauge L/v + one scan).

Also the controllers' own cost: µs per step on the emulated line (the rest of a tick is the
plant, the runtime and the statistics).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "resources" / "scenarios"
CONTROLLERS = ("baseline", "model")
GAP_TARGET_UM = 1.0
MD_TARGET_PCT = 0.5
OFFSPEC_RATIO = 0.25
SETTLE_DEAD_TIMES = 2.0


def _run(job: tuple[str, str]) -> dict:
    from hmi.sim.runner import run_scenario
    from hmi.sim.scenario import load_scenario

    path, controller = job
    result = run_scenario(load_scenario(Path(path)), controller)
    result["file"] = Path(path).name
    return result


def _step_cost_us(controller: str, seconds: float = 60.0) -> float:
    """Mean wall time of controller.step on the emulated line (LFP 30 mg/cm², 50 m/min)."""
    from hmi.control import make_controller
    from hmi.control.base import ControlInputs
    from hmi.core.process import Outputs
    from hmi.hardware.config import ProfileConfig, ProfileSection
    from hmi.hardware.emulated import EmulatedProfile

    profile = EmulatedProfile(
        ProfileConfig(profile=ProfileSection(name="bench", driver="emulated"))
    )
    profile.connect()
    ctl = make_controller(controller, profile._config.startup.formulation, 2.0)
    inputs = ControlInputs(profile.initial_setpoints(), running=True, mode="auto")
    spent, n = 0.0, round(seconds / 0.01)
    for k in range(1, n + 1):
        image = profile.read(k * 0.01)
        start = time.perf_counter()
        result = ctl.step(image, inputs, 0.01)
        spent += time.perf_counter() - start
        profile.write(Outputs(result.outputs))
    return spent / n * 1e6


def _same(value: float | None) -> float | None:
    return value


def _worse(sides: dict | None) -> float | None:
    values = [v for v in (sides or {}).values() if v is not None]
    return max(values) if values else None


def _ratio(model: float | None, baseline: float | None) -> float | None:
    if model is None or baseline is None:
        return None
    if baseline == 0.0:
        return 0.0 if model == 0.0 else float("inf")
    return model / baseline


def _grade_settling(path: Path, result: dict) -> list[dict]:
    """Each grade change's settling time against 2 × (L/v + scan time) at the speed then."""
    from hmi.sim.scenario import load_scenario

    scenario = load_scenario(path)
    speed = scenario.recipe.line_speed_m_min
    gauge_m = scenario.equipment.get("gauge_distance_m", 2.0)
    scan_s = scenario.equipment.get("gauge_scan_time_s", 8.0)
    checks = []
    for event, settled in zip(scenario.timeline(), result["settling_time_s"], strict=False):
        if event.type == "speed_change":
            speed = event.line_speed_m_min
        if event.type == "grade_change":
            limit = SETTLE_DEAD_TIMES * (gauge_m / (speed / 60.0) + scan_s)
            ok = settled is not None and settled <= limit
            checks.append({"at_s": event.at_s, "settled_s": settled, "limit_s": round(limit, 1),
                           "met": ok})  # fmt: skip
    return checks


def summarise(results: list[dict]) -> dict:
    rows = {}
    for r in results:
        rows.setdefault(r["file"], {})[r["controller"]] = r
    report = {}
    for file, by in sorted(rows.items()):
        b, m = by["baseline"], by["model"]
        metrics = {
            key: (pick(b[key]), pick(m[key]))
            for key, pick in (
                ("areal_mass_2sigma_pct", _same),
                ("areal_mass_cd_2sigma_pct", _same),
                ("gap_error_3sigma_um", _worse),
                ("gap_error_max_um", _worse),
                ("offspec_length_m", _same),
            )
        }
        grade = _grade_settling(SCENARIOS / file, m)
        targets = {
            "gap_3sigma_le_1um": (metrics["gap_error_3sigma_um"][1] or 0.0) <= GAP_TARGET_UM,
            "md_2sigma_le_0.5pct": (metrics["areal_mass_2sigma_pct"][1] or 0.0) <= MD_TARGET_PCT,
            "offspec_le_0.25x_baseline": m["offspec_length_m"]
            <= OFFSPEC_RATIO * b["offspec_length_m"] + 1e-9,
            "grade_change_settled_in_2x_dead_time": all(c["met"] for c in grade) if grade else None,
        }
        report[file] = {
            "scenario": m["scenario"],
            "metrics": {
                k: {"baseline": v[0], "model": v[1], "ratio": _ratio(v[1], v[0])}
                for k, v in metrics.items()
            },
            "settling_time_s": {"baseline": b["settling_time_s"], "model": m["settling_time_s"]},
            "grade_changes": grade,
            "sim_speed_x_realtime": {
                "baseline": b["sim_speed_x_realtime"],
                "model": m["sim_speed_x_realtime"],
            },
            "targets_met": targets,
        }
    return report


def _fmt(value: float | None, width: int = 9, digits: int = 3) -> str:
    if value is None:
        return "-".rjust(width)
    if value == float("inf"):
        return "inf".rjust(width)
    return f"{value:{width}.{digits}f}"


def table(report: dict, cost_us: dict[str, float]) -> str:
    labels = {
        "areal_mass_2sigma_pct": "areal mass 2σ MD (%)",
        "areal_mass_cd_2sigma_pct": "areal mass 2σ CD (%)",
        "gap_error_3sigma_um": "gap error 3σ (µm)",
        "gap_error_max_um": "gap error max (µm)",
        "offspec_length_m": "off-spec (m)",
    }
    lines = []
    for file, entry in report.items():
        lines.append(f"\n{entry['scenario']}  ({file})")
        lines.append(f"  {'metric':<24}{'baseline':>10}{'model':>10}{'model/base':>12}")
        for key, label in labels.items():
            v = entry["metrics"][key]
            lines.append(
                f"  {label:<24}{_fmt(v['baseline'], 10)}{_fmt(v['model'], 10)}"
                f"{_fmt(v['ratio'], 12)}"
            )
        for name in CONTROLLERS:
            settled = ", ".join(
                "-" if s is None else f"{s:g}" for s in entry["settling_time_s"][name]
            )
            lines.append(f"  {'settling (s) ' + name:<24}  [{settled}]")
        met = ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in entry["targets_met"].items()
                        if v is not None)  # fmt: skip
        lines.append(f"  targets: {met}")
    lines.append(
        "\ncontroller cost per step: " + ", ".join(f"{k} {v:.1f} µs" for k, v in cost_us.items())
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-control", description=__doc__)
    parser.add_argument("--out", default="bench-results/control.json")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("scenarios", nargs="*", help="scenario files (default: all shipped)")
    args = parser.parse_args(argv)
    files = [Path(p) for p in args.scenarios] or sorted(SCENARIOS.glob("*.toml"))
    jobs = [(str(f), c) for f in files for c in CONTROLLERS]
    started = time.perf_counter()
    with Pool(args.workers) as pool:
        results = pool.map(_run, jobs)
    cost = {c: round(_step_cost_us(c), 1) for c in CONTROLLERS}
    report = summarise(results)
    print(table(report, cost))
    print(f"\n{len(jobs)} runs in {time.perf_counter() - started:.0f} s")
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scenarios": report, "controller_us_per_step": cost,
                               "runs": results}, indent=2))  # fmt: skip
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
