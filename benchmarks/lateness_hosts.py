"""Where the runtime runs for `benchmarks.trend_lateness`: a thread of the GUI's process (the
default), or a child process with its own GIL (`hmi.runtime.child`). Each host starts the
runtime, opens a lateness window exactly n ticks long and reads it back when it is full."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from hmi.app import DEFAULT_PROFILE, build_stack


def child_stack(data_dir: str, realtime: bool = True, flood: bool = False):
    """Built in the child process (picklable: module level)."""
    stack = build_stack(DEFAULT_PROFILE, Path(data_dir))
    stack.runtime.realtime_priority = realtime
    if flood:
        from benchmarks.trend_lateness import flood_the_alarms

        flood_the_alarms(stack.runtime)
    return stack


class ThreadHost:
    """The stack's own runtime in its control thread."""

    def __init__(self, stack, realtime: bool, flood: bool) -> None:
        from benchmarks.trend_lateness import flood_the_alarms

        self.runtime = stack.runtime
        self.runtime.realtime_priority = realtime
        self.service, self.trend = stack.service, self.runtime.trend
        if flood:
            flood_the_alarms(self.runtime)
        self._found: dict = {}

    def start(self) -> None:
        self.runtime.start()

    def begin(self, n: int) -> None:
        self._n, self._ticks0 = n, self.runtime._ticks
        self._overruns0 = self.runtime.latest().timing.overruns
        self._since = self.runtime.clock.now()  # the clock overrun_log is kept on
        self.runtime.reset_lateness_window(n)  # exactly the measured window

    def done(self) -> bool:
        return self.runtime._ticks - self._ticks0 >= self._n + 2

    def result(self) -> dict:
        self.runtime._update_percentiles()
        t = self.runtime.latest().timing
        return {
            "priority": self.runtime.control_priority,
            "ticks": self._n,
            "overruns": t.overruns - self._overruns0,
            "lateness_p50_ms": round(t.lateness_p50_ms, 3),
            "lateness_p99_ms": round(t.lateness_p99_ms, 3),
            "lateness_max_ms": round(t.lateness_max_ms, 3),
            "overrun_log": [o for o in self.runtime.overrun_log if o[0] >= self._since],
        }

    def close(self) -> None:
        pass  # the stack's close stops it


class ChildHost:
    """The runtime (a whole stack) in a child process; this process keeps the stack's
    security and history (same data directory) for the panel, and a LineService on the
    child's snapshots and command pipe."""

    def __init__(self, stack, data_dir: Path, realtime: bool, flood: bool) -> None:
        from hmi.core.tags import TAGS
        from hmi.runtime.child import ChildRuntime
        from hmi.runtime.service import LineService

        self.runtime = ChildRuntime(
            partial(child_stack, str(data_dir), realtime, flood), tuple(TAGS)
        )
        self.service = LineService(self.runtime, stack.security, audit=stack.security.audit)
        self.trend = self.runtime.trend
        self._found: dict | None = None

    def start(self) -> None:
        self.runtime.start()

    def begin(self, n: int) -> None:
        self.runtime.measure(n)

    def done(self) -> bool:
        self._found = self._found or self.runtime.measured()
        return self._found is not None

    def result(self) -> dict:
        return dict(self._found or {})

    def close(self) -> None:
        self.runtime.stop()
