"""Real-time scheduling for the control thread, where the operating system allows it.

Measured here (2-core machine, load ~2.8, a bare loop sleeping to absolute 10 ms deadlines,
2000 ticks): p99 lateness 1.48 ms at normal priority, 0.13 ms with SCHED_FIFO. Under load the
scheduler alone eats most of a 2 ms budget, so the control thread asks for a real-time class:

- Linux: SCHED_FIFO at a modest priority (below the kernel's own threads at 50), which needs
  root, CAP_SYS_NICE or an RLIMIT_RTPRIO (the installer's limits file / systemd LimitRTPRIO).
  The kernel's RT throttling (95 % of each second by default) keeps a runaway from freezing the
  panel; the loop sleeps between ticks anyway.
- Windows: THREAD_PRIORITY_TIME_CRITICAL for this thread (allowed without administrator rights).

Three levels, because several real-time threads share two cores and SCHED_FIFO never
time-slices between equals: one that is running keeps its core until it blocks. The control
loop comes first (CONTROL); the fieldbus I/O thread that feeds it next (FIELDBUS: it must not
hold the control thread back, and the tick never waits for it anyway); the simulators of
hardware that on a real line runs elsewhere (the PLC simulator's scan and Modbus server, the
baud-rate relay) last (SIMULATOR): on the panel's machine they must never outrank the loop
they stand in for. All three stay below the kernel's interrupt threads (50).

Refused or unsupported: the thread stays at normal priority and says why, in words, so the
Commissioning screen and the log show what the loop runs at. Only threads that sleep between
ticks may ask: a simulated clock never sleeps, and a FIFO thread that never sleeps would hold
its core.
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple


class Level(NamedTuple):
    """A real-time level: its SCHED_FIFO priority (1-99) and its Windows thread priority."""

    fifo: int
    windows: int
    windows_text: str


CONTROL = Level(30, 15, "time-critical")  # THREAD_PRIORITY_TIME_CRITICAL
FIELDBUS = Level(25, 2, "highest")  # THREAD_PRIORITY_HIGHEST
SIMULATOR = Level(20, 1, "above-normal")  # THREAD_PRIORITY_ABOVE_NORMAL
FIFO_PRIORITY = CONTROL.fifo  # the control loop's


class Scheduling(NamedTuple):
    """What a thread or process got: `raised` or not, and `text` in words for the screens."""

    raised: bool
    text: str


def _kernel32(setter: str, handle: str, value: int) -> bool:
    """Windows: kernel32.<setter>(kernel32.<handle>(), value) succeeded."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return bool(getattr(kernel32, setter)(getattr(kernel32, handle)(), value))


def raise_this_thread(level: Level = CONTROL) -> Scheduling:
    """Put the calling thread at `level` of the real-time class if allowed; say what it runs
    at."""
    if hasattr(os, "sched_setscheduler"):
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(level.fifo))
        except (PermissionError, OSError) as error:
            return Scheduling(False, f"normal priority (real-time refused: {_why(error)})")
        return Scheduling(True, f"real-time priority (SCHED_FIFO {level.fifo})")
    if sys.platform == "win32":
        if _kernel32("SetThreadPriority", "GetCurrentThread", level.windows):
            return Scheduling(True, f"{level.windows_text} priority")
        return Scheduling(False, f"normal priority ({level.windows_text} refused)")
    return Scheduling(False, "normal priority (no real-time class on this system)")


PANEL_NICE = -10  # the panel's process ahead of other desktop work, below real-time threads
_ABOVE_NORMAL_PRIORITY_CLASS = 0x00008000  # Windows


def raise_this_process() -> Scheduling:
    """Give the panel's process (GUI, I/O, history) a higher share of the CPU where allowed.

    The control thread waits for the GIL whenever another thread of this process holds it; if
    that thread is preempted by other programs meanwhile, the control thread waits with it. A
    higher share makes that rarer (measured under load ~10: Trends 8 pens live p99 17.2 and
    5.7 ms at nice 0 against 4.0 and 3.1 ms at nice -10). Call it before any thread starts:
    Linux threads take their creator's nice value.
    """
    if hasattr(os, "nice"):
        try:
            now = os.nice(0)
            if now > PANEL_NICE:
                os.nice(PANEL_NICE - now)
        except (PermissionError, OSError) as error:
            return Scheduling(False, f"normal share (nice {PANEL_NICE} refused: {_why(error)})")
        return Scheduling(True, f"nice {os.nice(0)}")
    if sys.platform == "win32":
        if _kernel32("SetPriorityClass", "GetCurrentProcess", _ABOVE_NORMAL_PRIORITY_CLASS):
            return Scheduling(True, "above-normal priority class")
        return Scheduling(False, "normal priority class (above-normal refused)")
    return Scheduling(False, "normal share")


def _why(error: OSError) -> str:
    return str(error.strerror or error)
