"""`make bench`: control-loop timing at 100 Hz with the GUI idle and with trends animating,
the alarm flood (1,000 alarms in one second: journaled, counted, shown; see alarm_flood), the
historian (10 Hz ingest, trend queries on 30 days of history, size per day; see historian).

Each case builds the full stack (emulated profile, controller, historian) on the real clock,
runs it for --seconds, and records every tick's lateness (how long after its absolute deadline
the tick started). Results go to bench-results/bench.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from benchmarks import alarm_flood, historian, sim_speed  # noqa: E402
from hmi.app import DEFAULT_PROFILE, build_stack  # noqa: E402

CASES: dict[str, tuple[str, float] | None] = {
    "headless": None,  # no window: the loop alone
    "gui_idle": ("Overview", 0),  # window open, Overview refreshing at the UI rate
    "trends_animating": ("Trends", 60),  # Trends visible, 1 min window, redrawn at the UI rate
    "trends_10min": ("Trends", 600),  # the longest window: ten times the points per curve
}


def prefill_trend(stack, seconds: float = 600.0) -> None:
    """Fill the trend ring with `seconds` of noisy history, so a long window draws as many
    points as it would after running that long."""
    rng = np.random.default_rng(0)
    stack.profile.connect()
    base = dict(stack.profile.read(0.0).values)
    period = stack.runtime._trend_period_s
    for t in np.arange(-seconds, 0, period):
        row = {k: v * (1 + 0.002 * rng.standard_normal()) for k, v in base.items()}
        stack.runtime.trend.append(float(t), row)


def run_case(name: str, view: tuple[str, float] | None, seconds: float, data_dir: Path) -> dict:
    stack = build_stack(DEFAULT_PROFILE, data_dir / name)
    runtime = stack.runtime
    # keep every tick's lateness of the run for the percentiles, not the default 60 s window
    runtime.reset_lateness_window(int(seconds / runtime.period_s) + 200)
    frames = redraws = 0
    try:
        if view is None:
            runtime.start()
            time.sleep(seconds)
        else:
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication

            from hmi.ui.main_window import MainWindow
            from hmi.ui.theme import apply_theme

            prefill_trend(stack)
            app = QApplication.instance() or QApplication([])
            apply_theme(app)
            window = MainWindow(stack.service, runtime.trend)
            window.resize(1280, 800)
            screen_name, window_s = view
            window.show_screen(screen_name)
            if window_s:
                window.current_screen().set_window(window_s)
            window.show()
            runtime.start()
            QTimer.singleShot(int(seconds * 1000), app.quit)
            app.exec()
            screen = window.current_screen()
            frames = screen.update_count  # refreshes of the visible screen
            redraws = getattr(screen, "redraw_count", 0)  # trend curves actually redrawn
            window.close()
            window.deleteLater()
        runtime._update_percentiles()
        snap = runtime.latest()
    finally:
        stack.close()
    t = snap.timing
    return {
        "case": name,
        "seconds": seconds,
        "ticks": t.ticks,
        "expected_ticks": round(seconds / runtime.period_s),
        "overruns": t.overruns,
        "faults": t.faults,
        "lateness_p50_ms": round(t.lateness_p50_ms, 4),
        "lateness_p99_ms": round(t.lateness_p99_ms, 4),
        "lateness_max_ms": round(t.lateness_max_ms, 4),
        "ui_frames": frames,
        "trend_redraws": redraws,
    }


def table(rows: list[dict]) -> str:
    head = (
        f"{'case':<18}{'ticks':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'overruns':>10}{'frames':>8}{'redraws':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['case']:<18}{r['ticks']:>8}{r['lateness_p50_ms']:>9.3f}"
            f"{r['lateness_p99_ms']:>9.3f}{r['lateness_max_ms']:>9.3f}{r['overruns']:>10}"
            f"{r['ui_frames']:>8}{r['trend_redraws']:>9}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="per case (default 60)")
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument(
        "--sim-seconds", type=float, default=3600.0, help="simulated run for the speed (0: skip)"
    )
    parser.add_argument(
        "--no-alarm-flood", action="store_true", help="skip the alarm flood measurement"
    )
    parser.add_argument(
        "--no-historian", action="store_true", help="skip the historian ingest/query/size figures"
    )
    parser.add_argument("--out", default="bench-results/bench.json")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="hmi-bench-") as tmp:
        for name in args.cases:
            print(f"running {name} for {args.seconds:g} s ...", file=sys.stderr, flush=True)
            rows.append(run_case(name, CASES[name], args.seconds, Path(tmp)))
        flood = None
        if not args.no_alarm_flood:
            print("alarm flood: 1000 alarms in 1 s ...", file=sys.stderr, flush=True)
            (Path(tmp) / "alarms").mkdir()
            flood = alarm_flood.measure(Path(tmp) / "alarms")
        history = None
        if not args.no_historian:
            history = historian.measure(Path(tmp) / "historian")
    result = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "loop_timing": rows,
    }
    if flood is not None:
        result["alarms"] = flood
    if history is not None:
        result["historian"] = history
    if args.sim_seconds > 0:
        print(f"simulating {args.sim_seconds:g} s ...", file=sys.stderr, flush=True)
        result["simulation"] = sim_speed.measure(args.sim_seconds)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(table(rows))
    if "simulation" in result:
        print(sim_speed.table(result["simulation"]))
    if flood is not None:
        print(alarm_flood.table(flood))
    if history is not None:
        print(historian.table(history))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
