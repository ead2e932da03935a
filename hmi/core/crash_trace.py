"""Where a fatal signal's stack goes: Python's faulthandler prints every thread's stack on
SIGSEGV, SIGBUS, SIGFPE, SIGILL and abort, which is the one trace a native crash leaves.

To stderr when it is a real file (a terminal, a service's journal); otherwise (the windowed
Windows build has no console, a test captures stderr) to `crash.log` in the data directory,
opened for appending and kept open, because a crashing process can no longer open files."""

from __future__ import annotations

import faulthandler
import io
import sys
from pathlib import Path
from typing import IO

CRASH_LOG = "crash.log"
_kept: list[IO[str]] = []  # the log file stays open for the process's life


def enable_crash_traces(data_dir: Path) -> str:
    """Turn the fault handler on; returns where its traces go."""
    stream = sys.stderr
    try:
        if stream is not None:
            stream.fileno()
            faulthandler.enable(stream, all_threads=True)
            return "stderr"
    except (AttributeError, OSError, io.UnsupportedOperation, ValueError):
        pass
    path = Path(data_dir) / CRASH_LOG
    log = path.open("a", encoding="utf-8")
    _kept.append(log)
    faulthandler.enable(log, all_threads=True)
    return str(path)
