"""A native crash (SIGBUS, SIGSEGV) leaves every thread's stack where someone can read it."""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.core.crash_trace import CRASH_LOG, enable_crash_traces

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_fault_handler():
    yield
    faulthandler.enable(sys.__stderr__, all_threads=True)  # pytest's own, as before


def test_with_no_stderr_at_all_it_still_starts(tmp_path, monkeypatch, restore_fault_handler):
    monkeypatch.setattr(sys, "stderr", None)  # pythonw on Windows
    assert enable_crash_traces(tmp_path) == str(tmp_path / CRASH_LOG)


def crash(tmp_path: Path, stderr: str) -> tuple[subprocess.CompletedProcess, str]:
    """A process that takes SIGBUS inside scan_the_gauge(); its stderr and crash log."""
    code = (
        "import os, signal, sys\n"
        "from hmi.core.crash_trace import enable_crash_traces\n"
        f"sys.stderr = {stderr}\n"
        f"enable_crash_traces({str(tmp_path)!r})\n"
        "def scan_the_gauge():\n"
        "    os.kill(os.getpid(), signal.SIGBUS)\n"
        "scan_the_gauge()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    log = tmp_path / CRASH_LOG
    return done, log.read_text() if log.exists() else ""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signal")
def test_a_fatal_signal_prints_the_stack_of_the_thread_it_hit(tmp_path):
    done, log = crash(tmp_path, "sys.__stderr__")
    assert done.returncode == -signal.SIGBUS
    assert "Fatal Python error: Bus error" in done.stderr
    assert "scan_the_gauge" in done.stderr
    assert log == ""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signal")
def test_without_a_console_the_stack_goes_to_the_data_directory(tmp_path):
    done, log = crash(tmp_path, "None")  # pythonw on Windows: no stderr at all
    assert done.returncode == -signal.SIGBUS
    assert "Fatal Python error: Bus error" in log
    assert "scan_the_gauge" in log
