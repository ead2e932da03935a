"""Tick lateness while an operator works the panel: the Trends screen animating 8 pens live,
browsing 8 h of history, a login, a CSV export (issue 15, goal p99 <= 2 ms, 0 overruns).

Each case builds the full stack on the real clock (emulated line, default controller,
historian at 10 Hz) on a store pre-filled with 8 h of synthetic history ending now, shows the
window at 1280x800 (offscreen), warms up 2 s, then measures over a window of exactly
`--seconds` of ticks while a QTimer repeats the operator's action. Cases run in turn, `--runs`
times round-robin (so a noisy minute hits every case), and the table gives medians. During
every measured window a bare loop per CPU (benchmarks/floor_probe.py) counts the deadlines the
machine itself misses: the table puts them beside the runtime's, run by run.

Cases:
- gui_idle: Overview refreshing (the baseline of this run).
- trends_8_pens_live: Trends, 8 pens, live 10 min (ring buffer) redrawn at the UI rate.
- trends_history_8h: Trends on the last 8 h, panned by a tenth every 0.5 s (each pan is a
  background historian read of 8 pens at the chart's width).
- login_worker: a login through the login dialog every 2 s (argon2 on a worker thread).
- login_gui_thread: the same login called on the GUI thread (how it was before), to compare.
- csv_export: Trends on the last 8 h, a CSV export of 8 pens every 3 s (worker thread).
- screen_switches: the next screen every second (Overview, Alarms, Recipes, Trends, ...).
- alarm_flood: the Alarms screen while 1,000 alarms come in within a second (10 new every
  tick), stand for 2 s and return (unacknowledged, so the list keeps 1,000 rows), every 5 s;
  flag alarms added to the line's own engine, so the journal, the banner and the list take
  them as they would real ones.
- child_trends_8_pens_live: trends_8_pens_live with the runtime in a child process
  (hmi.runtime.child: its own GIL); lateness measured in the child, the GUI in this process
  drawing the ring filled from the child's frames.
- child_<case> (`--cases child_csv_export ...`): any of the above with the runtime in a child
  process; this process keeps the panel, logins and history reads (benchmarks/lateness_hosts.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from benchmarks import historian as history_bench  # noqa: E402
from benchmarks.floor_probe import FloorProbes, ours_alone  # noqa: E402
from benchmarks.lateness_hosts import ChildHost, ThreadHost  # noqa: E402
from benchmarks.run import prefill_trend  # noqa: E402
from hmi.app import DEFAULT_PROFILE, build_stack  # noqa: E402
from hmi.history import database_path, open_store  # noqa: E402
from hmi.runtime.trend_range import TimeRange  # noqa: E402
from hmi.ui.trends import DEFAULT_PENS  # noqa: E402

PENS = (*DEFAULT_PENS, "line_speed_m_min")  # the screen's seven, and an eighth
CASES = (
    "gui_idle",
    "trends_8_pens_live",
    "trends_history_8h",
    "login_worker",
    "login_gui_thread",
    "csv_export",
    "screen_switches",
    "alarm_flood",
    "child_trends_8_pens_live",
)
# every operator action again with the runtime in a child process (`--cases child_...`)
CHILD_CASES = tuple(f"child_{c}" for c in CASES if not c.startswith(("child_", "login_gui")))
FLOOD = 1000  # alarms per flood: 10 a tick for 100 ticks, 2 s standing, 2 s clear
PASSWORD = "panel-login-7"
EIGHT_H = 8 * 3600.0


def prefill_history(data_dir: Path) -> float:
    """8 h of synthetic history ending now in `data_dir`'s store; returns the fill time, s."""
    open_store(data_dir).close()
    history_bench.NOW_WALL = float(int(time.time() // 60) * 60)  # the fill ends now
    started = time.perf_counter()
    history_bench.fill(database_path(data_dir), EIGHT_H / 86400.0)
    return time.perf_counter() - started


def _action(case: str, stack, window, screen):
    """The operator's repeated action for `case` and its period in ms (None: nothing)."""
    if case == "trends_history_8h":
        steps = iter(range(10**9))
        return (lambda: screen.pan(-0.1 if next(steps) % 2 == 0 else 0.1)), 500
    if case == "csv_export":
        return (lambda: screen.export_csv() if screen.csv_button.isEnabled() else None), 3000
    if case == "screen_switches":
        names = [n for n, b in window.nav.buttons.items() if b.isEnabled()]
        turn = iter(range(10**9))
        return (lambda: window.show_screen(names[next(turn) % len(names)])), 1000
    if case == "login_gui_thread":
        return (lambda: stack.security.login("bench", PASSWORD)), 2000
    if case == "login_worker":
        from hmi.ui.login import login_dialog

        dialog = login_dialog(stack.security, window)  # opened once: the tap on OK is timed

        def log_in() -> None:
            if dialog.checking:
                return
            dialog.fields["user"].setText("bench")
            dialog.fields["password"].setText(PASSWORD)
            dialog.confirm()  # returns at once; the check runs on a worker thread

        return log_in, 2000
    return None, 0


def flood_the_alarms(runtime) -> None:
    """Add FLOOD flag alarms to the runtime's engine and raise them in a 5 s cycle from the
    control thread itself (the sequencer's plan carries the flags, as the real ones do)."""
    import dataclasses

    from benchmarks.alarm_flood import flood_definitions
    from hmi.alarms import AlarmEngine, load_definitions

    old = runtime.alarms
    flood = flood_definitions(FLOOD, "flood")
    engine = AlarmEngine((*load_definitions(), *flood))
    for sink in old._sinks:  # the journal: a flood is journaled as real alarms are
        engine.add_sink(sink)
    runtime.alarms = engine
    flags = tuple(f"flood{i}" for i in range(FLOOD))
    plan = runtime.sequencer.plan

    def plan_with_flood(*args, **kwargs):
        made = plan(*args, **kwargs)
        phase = runtime._ticks % 500
        up = min(FLOOD, (phase + 1) * 10) if phase < 300 else 0
        return dataclasses.replace(made, conditions=made.conditions + flags[:up]) if up else made

    runtime.sequencer.plan = plan_with_flood


def run_case(case: str, seconds: float, data_dir: Path, realtime: bool = True) -> dict:
    """`realtime`: whether the control thread may take a real-time class (priority.py).
    A `child_` case is the same operator action with the runtime in a child process."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hmi.ui.main_window import MainWindow
    from hmi.ui.theme import apply_theme

    child, base = case.startswith("child_"), case.removeprefix("child_")
    stack = build_stack(DEFAULT_PROFILE, data_dir)
    stack.security.create_first_admin("bench", PASSWORD)  # an empty store: the first user
    stack.security.logout()
    flood = base == "alarm_flood"
    host = (
        ChildHost(stack, data_dir, realtime, flood) if child else ThreadHost(stack, realtime, flood)
    )
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    window = MainWindow(host.service, host.trend, security=stack.security, history=stack.history)
    window.resize(1280, 800)
    screen = probes = None
    try:
        if not child:  # a child's ring fills from its frames
            prefill_trend(stack)
        if flood:
            window.show_screen("Alarms")
        if base in ("trends_8_pens_live", "trends_history_8h", "csv_export"):
            window.show_screen("Trends")
            screen = window.current_screen()
            screen.set_pens(PENS)
            if base == "trends_8_pens_live":
                screen.set_window(600)
            else:
                now = time.time()
                screen.set_range(TimeRange(now - EIGHT_H, now))
        window.show()
        host.start()
        warm_up_s = 4.0 if child else 2.0  # first frames, first reads (a child's start too)
        probes = FloorProbes(seconds, delay_s=warm_up_s)  # the machine's own misses, beside
        action, period_ms = _action(base, stack, window, screen)
        n = int(seconds / stack.runtime.period_s)
        state: dict = {"actions": 0}

        def begin() -> None:
            host.begin(n)
            if action is not None:
                timer = QTimer(window)
                timer.timeout.connect(action)
                timer.start(period_ms)
                state["timer"] = timer
                timer.timeout.connect(lambda: state.__setitem__("actions", state["actions"] + 1))
            state["begun"] = True

        def check() -> None:
            if state.get("begun") and host.done():
                app.quit()

        QTimer.singleShot(int(warm_up_s * 1000), begin)
        poll = QTimer(window)
        poll.timeout.connect(check)
        poll.start(50)
        app.exec()
        poll.stop()
        if "timer" in state:
            state["timer"].stop()
        measured = {"case": case, "seconds": seconds, **host.result(), **probes.result()}
        alone = ours_alone(measured["overrun_log"], measured["floor_stalls"])
        return measured | {"overruns_alone": alone, "actions": state["actions"]}
    finally:
        if probes is not None:
            probes.stop()
        window.close()
        window.deleteLater()
        app.processEvents()
        host.close()
        stack.close()


def medians(rows: list[dict]) -> list[dict]:
    found = []
    for case in dict.fromkeys(r["case"] for r in rows):
        mine = [r for r in rows if r["case"] == case]
        found.append(
            {
                "case": case,
                "priority": mine[0].get("priority", ""),
                "runs": len(mine),
                "p99_ms_median": round(statistics.median(r["lateness_p99_ms"] for r in mine), 3),
                "p99_ms_runs": [r["lateness_p99_ms"] for r in mine],
                "max_ms_median": round(statistics.median(r["lateness_max_ms"] for r in mine), 3),
                "overruns_median": statistics.median(r["overruns"] for r in mine),
                "overruns_runs": [r["overruns"] for r in mine],
                "floor_overruns_runs": [r["floor_overruns"] for r in mine],
                "overruns_alone_runs": [r["overruns_alone"] for r in mine],
                "floor_max_ms_median": statistics.median(r["floor_max_ms"] for r in mine),
            }
        )
    return found


def table(summary: list[dict]) -> str:
    """Medians, then per run: the runtime's overruns, the bare probes' (floor_probe.py) and
    the runtime's during which no probe stalled ("ours alone")."""
    head = (
        f"{'case':<24}{'p99 ms':>8}{'max ms':>8}{'floor max':>10}  "
        "overruns per run / machine's own / ours alone  p99 per run"
    )
    lines = [head, "-" * len(head)]
    for r in summary:
        runs = " ".join(f"{v:.2f}" for v in r["p99_ms_runs"])
        ours = ",".join(str(v) for v in r["overruns_runs"])
        floor = ",".join(str(v) for v in r["floor_overruns_runs"])
        alone = ",".join(str(v) for v in r["overruns_alone_runs"])
        lines.append(
            f"{r['case']:<24}{r['p99_ms_median']:>8.3f}{r['max_ms_median']:>8.2f}"
            f"{r['floor_max_ms_median']:>10.2f}  {f'{ours} / {floor} / {alone}':<44}  {runs}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-trends", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured, per case")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--cases", nargs="*", default=list(CASES), choices=list(dict.fromkeys(CASES + CHILD_CASES))
    )
    parser.add_argument(
        "--priority",
        choices=("realtime", "normal", "both"),
        default="both",
        help="the control thread's class; both: every case at each, side by side",
    )
    parser.add_argument("--out", default="bench-results/trend_lateness.json")
    args = parser.parse_args(argv)
    classes = {"realtime": [True], "normal": [False], "both": [True, False]}[args.priority]
    rows = []
    with tempfile.TemporaryDirectory(prefix="hmi-bench-trends-") as tmp:
        for run in range(args.runs):
            for case in args.cases:
                for realtime in classes:
                    label = case if realtime else f"{case} @normal"
                    data_dir = Path(tmp) / f"{case}-{run}-{int(realtime)}"
                    fill_s = prefill_history(data_dir)
                    print(f"run {run + 1}: {label} ({fill_s:.0f} s fill) ...", file=sys.stderr,
                          flush=True)  # fmt: skip
                    row = run_case(case, args.seconds, data_dir, realtime)
                    rows.append(row | {"case": label})
    summary = medians(rows)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cpus": os.cpu_count(), "summary": summary, "runs": rows}, indent=2))
    print(table(summary))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
