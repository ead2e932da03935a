"""The runtime hosted in a child process: its own interpreter, so its own GIL.

In one process the control thread waits whenever the GUI thread holds the GIL (Qt paints
holding it). Here the child runs the Runtime; the parent gets the same `latest()` and
`submit()` the services use, and a local trend ring filled from the child's. Snapshots and
commands are plain picklable dataclasses, so nothing else changes. A measurement aid for
issue 15 (`benchmarks/trend_lateness.py`), not the default: see docs/ and the closing note.

Wire (a multiprocessing Pipe): parent -> child `("command", Command)`, `("measure", n)`,
`("stop", None)`; child -> parent `("frame", Snapshot, t_s array, values matrix, alarms)`
about 25 times a second, `("measured", stats dict)`. A frame's snapshot travels without its
alarm summary (`alarms` is None) unless the summary's version changed: in a flood of 1,000
standing alarms, pickling the summary each frame cost more than the rest of the snapshot.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hmi.alarms.model import AlarmSummary
from hmi.runtime.commands import Command
from hmi.runtime.snapshot import Snapshot
from hmi.runtime.trend import TrendBuffer

FRAME_S = 0.04  # the child sends what is new this often (the panel draws at ~25 Hz)


_NO_ALARMS = AlarmSummary()  # what a frame's snapshot carries in place of an unchanged summary


def split_alarms(
    snapshot: Snapshot, sent_version: int | None
) -> tuple[Snapshot, AlarmSummary | None]:
    """Child side: the snapshot to send, and its alarm summary only if its version is new."""
    summary = snapshot.alarms
    light = dataclasses.replace(snapshot, alarms=_NO_ALARMS)
    return light, (summary if summary.version != sent_version else None)


def join_alarms(
    snapshot: Snapshot, alarms: AlarmSummary | None, held: AlarmSummary | None
) -> tuple[Snapshot, AlarmSummary | None]:
    """Parent side: the snapshot with the latest summary put back; the summary to hold."""
    held = alarms if alarms is not None else held
    return (snapshot if held is None else dataclasses.replace(snapshot, alarms=held)), held


def _serve(conn: Any, factory: Callable[[], Any], tags: Sequence[str]) -> None:
    """Child: build the runtime, start it, forward frames, take commands until told to stop."""
    built = factory()  # a Runtime, or a stack holding one (`.runtime`, `.close()`)
    runtime = getattr(built, "runtime", built)
    runtime.start()
    present = [name for name in tags if name in runtime.trend.tags]  # the rest stays NaN
    last_t = -np.inf
    sent_version: int | None = None
    measuring: dict[str, int] = {}
    pending = 0  # a window asked for before the first tick
    try:
        while True:
            while conn.poll():
                kind, payload = conn.recv()
                if kind == "stop":
                    return
                if kind == "command":
                    runtime.submit(payload)
                elif kind == "measure":  # a fresh lateness window exactly n ticks long
                    pending = int(payload)
            snapshot = runtime.latest()
            if pending and snapshot is not None:  # from the first tick on
                measuring = {"n": pending, "ticks0": runtime._ticks, "since": runtime.clock.now()}
                measuring["overruns0"] = snapshot.timing.overruns
                runtime.reset_lateness_window(pending)
                pending = 0
            if measuring and runtime._ticks - measuring["ticks0"] >= measuring["n"] + 2:
                runtime._update_percentiles()
                t = runtime.latest().timing
                conn.send(
                    (
                        "measured",
                        {
                            "ticks": measuring["n"],
                            "priority": runtime.control_priority,
                            "overruns": t.overruns - measuring["overruns0"],
                            "lateness_p50_ms": round(t.lateness_p50_ms, 3),
                            "lateness_p99_ms": round(t.lateness_p99_ms, 3),
                            "lateness_max_ms": round(t.lateness_max_ms, 3),
                            "overrun_log": [
                                o for o in runtime.overrun_log if o[0] >= measuring["since"]
                            ],
                        },
                    )
                )
                measuring = {}
            snapshot = runtime.latest()
            if snapshot is not None:
                t, columns = runtime.trend.window(60.0, present)
                new = t > last_t
                if new.any():
                    nan = np.full(int(new.sum()), np.nan)
                    rows = np.column_stack([columns[n][new] if n in columns else nan for n in tags])
                    light, alarms = split_alarms(snapshot, sent_version)
                    conn.send(("frame", light, t[new], rows, alarms))
                    sent_version = snapshot.alarms.version
                    last_t = float(t[new][-1])
            time.sleep(FRAME_S)
    finally:
        runtime.stop()
        close = getattr(built, "close", None)
        if close is not None:
            close()


class ChildRuntime:
    """`latest()`, `submit()` and `trend` of a Runtime that runs in a child process.

    `factory`: a picklable zero-argument callable (a module-level function or a partial of
    one) that builds the runtime in the child. `tags`: what the local trend ring keeps."""

    def __init__(
        self, factory: Callable[[], Any], tags: Sequence[str], capacity: int = 60_000
    ) -> None:
        self.tags = tuple(tags)
        self.trend = TrendBuffer(self.tags, capacity)
        self._factory = factory
        self._latest: Snapshot | None = None
        self._alarms: AlarmSummary | None = None
        self._measured: list[dict] = []
        self._conn: Any = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reader: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter, no Qt state
        parent, child = context.Pipe()
        self._conn = parent
        self._process = context.Process(
            target=_serve, args=(child, self._factory, self.tags), name="hmi-runtime"
        )
        self._process.start()
        self._reader = threading.Thread(target=self._read, name="runtime-frames", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                return
            kind = message[0]
            if kind == "frame":
                _, snapshot, t, rows, alarms = message
                for t_s, row in zip(t.tolist(), rows.tolist(), strict=True):
                    self.trend.append(t_s, dict(zip(self.tags, row, strict=True)))
                self._latest, self._alarms = join_alarms(snapshot, alarms, self._alarms)
            elif kind == "measured":
                with self._lock:
                    self._measured.append(message[1])

    def latest(self) -> Snapshot | None:
        return self._latest

    def submit(self, command: Command) -> None:
        with self._lock:
            self._conn.send(("command", command))

    def measure(self, ticks: int) -> None:
        """Ask the child for the lateness over its next `ticks` ticks (see `measured`)."""
        with self._lock:
            self._conn.send(("measure", ticks))

    def measured(self) -> dict | None:
        with self._lock:
            return self._measured.pop(0) if self._measured else None

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._process is None:
            return
        try:
            with self._lock:
                self._conn.send(("stop", None))
        except (BrokenPipeError, OSError):
            pass
        self._process.join(timeout_s)
        if self._process.is_alive():
            self._process.kill()
        self._conn.close()
        self._process = None
