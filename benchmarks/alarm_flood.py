"""Alarm flood: 1,000 alarms raised within one second (10 new every 10 ms tick). Are they all
journaled, counted correctly, and shown without freezing the UI? Also the engine's cost per
tick with the line's default definitions in steady state (the budget is ~15 µs).

The engine runs as in the loop (one `evaluate` per tick, events to the journal's bounded
queue, its writer thread on a real SQLite file); the window is the real MainWindow fed the
snapshots the runtime would publish, refreshed once per tick (4× the UI's real rate).
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from pathlib import Path

from hmi.alarms import AlarmEngine, AlarmJournal, definition, load_definitions
from hmi.control import LineController
from hmi.hardware import build_profile, load_profile
from hmi.history.store import database_path
from hmi.runtime import Runtime, SimClock

PROFILE = Path(__file__).resolve().parent.parent / "hardware_profiles" / "emulated.toml"
FLOOD = 1000
TICKS = 100  # one second at 100 Hz


def _line_snapshot():
    runtime = Runtime(build_profile(load_profile(PROFILE)), LineController(), clock=SimClock())
    return runtime.run_for(1.0)


def steady_cost(ticks: int = 100_000) -> dict:
    """µs per `evaluate` with the default definitions, values of a running line."""
    snap = _line_snapshot()
    defs = load_definitions()
    engine = AlarmEngine(defs, settle_s=0.0)
    values, quality = snap.values, snap.quality
    engine.evaluate(0.0, 0.0, values, quality, (), True)
    started = time.perf_counter()
    for k in range(1, ticks + 1):
        engine.evaluate(k * 0.01, k * 0.01, values, quality, (), True)
    per_tick = (time.perf_counter() - started) / ticks * 1e6
    return {"definitions": len(defs), "us_per_tick": round(per_tick, 2)}


def flood_definitions(count: int = FLOOD, flag: str = "f") -> list:
    """`count` flag alarms `flood_0000`... raised by the flags `<flag>0`, `<flag>1`, ...,
    all four priorities in turn."""
    return [
        definition(
            name=f"flood_{i:04d}",
            tag="bank_mass_kg",
            condition="flag",
            flag=f"{flag}{i}",
            priority=("critical", "high", "medium", "low")[i % 4],
            message=f"Flood alarm {i}",
        )
        for i in range(count)
    ]


def flood(data_dir: Path, with_ui: bool = True) -> dict:
    defs = flood_definitions()
    journal = AlarmJournal(database_path(data_dir))
    journal.start()
    engine = AlarmEngine(defs, journal.offer, settle_s=0.0)
    base = _line_snapshot()
    window = app = runtime = None
    if with_ui:
        from PySide6.QtWidgets import QApplication

        from hmi.core.roles import Role
        from hmi.runtime.service import LineService
        from hmi.security.session import Session
        from hmi.ui.main_window import MainWindow
        from hmi.ui.theme import apply_theme

        class _Latest:
            snapshot = base

            def latest(self):
                return self.snapshot

            def submit(self, command) -> None:
                pass

        app = QApplication.instance() or QApplication([])
        apply_theme(app)
        runtime = _Latest()
        service = LineService(runtime, Session("bench", Role.OPERATOR), journal=journal)
        window = MainWindow(
            service, Runtime(build_profile(load_profile(PROFILE)), LineController()).trend
        )
        window.timer.stop()
        window.resize(1280, 800)
        window.show_screen("Alarms")
        window.show()
        app.processEvents()

    flags: set[str] = set()
    tick_ms: list[float] = []
    frame_ms: list[float] = []
    started = time.perf_counter()
    for k in range(TICKS):
        flags.update(f"f{i}" for i in range(k * FLOOD // TICKS, (k + 1) * FLOOD // TICKS))
        t0 = time.perf_counter()
        engine.evaluate(k * 0.01, base.wall_time + k * 0.01, base.values, base.quality, flags, True)
        summary = engine.summary()
        tick_ms.append((time.perf_counter() - t0) * 1e3)
        if window is not None:
            runtime.snapshot = dataclasses.replace(base, alarms=summary)
            t0 = time.perf_counter()
            window.refresh()
            app.processEvents()
            frame_ms.append((time.perf_counter() - t0) * 1e3)
    flood_s = time.perf_counter() - started
    t0 = time.perf_counter()
    while journal.written < FLOOD and time.perf_counter() - t0 < 30:
        time.sleep(0.005)
    journaled_after_s = time.perf_counter() - t0
    summary = engine.summary()
    counts = summary.counts(unacknowledged_only=True)
    shown = None
    if window is not None:
        shown = window.screens["Alarms"].proxy.rowCount()
        banner = window.header.banner
        chips_ok = [banner.counts[p].text() for p in (1, 2, 3, 4)] == [
            f"{c} {FLOOD // 4}" for c in "CHML"
        ]
        window.grab().save("/tmp/alarm-flood.png")
        window.close()
    # and all of them return in one tick (a lost link restored): 1,000 clears, journaled too
    t0 = time.perf_counter()
    engine.evaluate(
        TICKS * 0.01, base.wall_time + TICKS * 0.01, base.values, base.quality, (), True
    )
    engine.summary()
    clear_ms = (time.perf_counter() - t0) * 1e3
    journal.close()
    stored = _count(data_dir)
    return {
        "alarms": FLOOD,
        "raised_over_s": TICKS * 0.01,
        "engine_tick_max_ms": round(max(tick_ms), 3),
        "engine_tick_mean_ms": round(statistics.fmean(tick_ms), 3),
        "engine_clear_all_tick_ms": round(clear_ms, 3),
        "journaled": stored,  # the raises and the clears: 2 x alarms
        "journal_dropped": journal.dropped,
        "journal_done_after_flood_s": round(journaled_after_s, 3),
        "counts_ok": counts == {p: FLOOD // 4 for p in (1, 2, 3, 4)},
        "ui_rows_shown": shown,
        "ui_banner_counts_ok": chips_ok if window is not None else None,
        "ui_refresh_max_ms": round(max(frame_ms), 1) if frame_ms else None,
        "ui_refresh_mean_ms": round(statistics.fmean(frame_ms), 2) if frame_ms else None,
        "wall_s": round(flood_s, 3),
    }


def _count(data_dir: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(database_path(data_dir))
    try:
        return int(conn.execute("SELECT count(*) FROM alarm_journal").fetchone()[0])
    finally:
        conn.close()


def table(result: dict) -> str:
    s, f = result["steady"], result["flood"]
    return "\n".join(
        [
            f"alarm engine, steady state: {s['us_per_tick']} µs/tick for {s['definitions']} "
            "definitions",
            f"alarm flood: {f['alarms']} raised in {f['raised_over_s']:g} s; journaled "
            f"{f['journaled']} (dropped {f['journal_dropped']}, "
            f"done {f['journal_done_after_flood_s']} s after); counts ok {f['counts_ok']}; "
            f"engine tick max {f['engine_tick_max_ms']} ms, all {f['alarms']} cleared in one "
            f"tick {f['engine_clear_all_tick_ms']} ms; "
            f"UI rows {f['ui_rows_shown']}, refresh max {f['ui_refresh_max_ms']} ms, "
            f"mean {f['ui_refresh_mean_ms']} ms",
        ]
    )


def measure(data_dir: Path, with_ui: bool = True) -> dict:
    return {"steady": steady_cost(), "flood": flood(data_dir, with_ui)}
