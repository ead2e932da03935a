"""Shared pieces of the fieldbus tests: shipped profiles with test ports and short timeouts,
a socat pty pair, free loopback ports, and waiting for a condition on the real clock."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hmi.hardware.config import ProfileConfig, driver_settings, load_profile
from hmi.hardware.modbus import ModbusProfile

ROOT = Path(__file__).resolve().parents[2]
TCP_PROFILE = ROOT / "hardware_profiles" / "modbus-tcp.toml"
RTU_PROFILE = ROOT / "hardware_profiles" / "modbus-rtu.toml"
# short enough that a fault test takes well under a second to see the fault
FAST_LINK = {"timeout_s": 0.2, "retries": 1, "reconnect_min_s": 0.05, "reconnect_max_s": 0.2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(path: Path, heartbeat_timeout_s: float = 0.6, **link: object):
    config = load_profile(path)
    settings = driver_settings(config, path)
    heartbeat = settings.heartbeat.model_copy(update={"timeout_s": heartbeat_timeout_s})
    return config, settings.model_copy(
        update={"link": settings.link.model_copy(update=FAST_LINK | link), "heartbeat": heartbeat}
    )


def client(config: ProfileConfig, settings) -> ModbusProfile:
    return ModbusProfile(config, settings)


def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0, what: str = "") -> None:
    """Poll `condition` on the real clock (the wire runs in real time)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"not within {timeout_s} s: {what}")


@contextmanager
def pty_pair(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A virtual null-modem cable: two ptys joined by socat (baud rates are ignored)."""
    if sys.platform == "win32":
        pytest.skip("socat pty pairs are Linux only")
    if shutil.which("socat") is None:
        pytest.fail("socat is missing: `make test` installs it (apt-get install socat)")
    a, b = str(tmp_path / "ttyA"), str(tmp_path / "ttyB")
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: os.path.exists(a) and os.path.exists(b), 5.0, "socat ptys")
        yield a, b
    finally:
        proc.terminate()
        proc.wait(5)


@contextmanager
def plc_process(profile: Path, port: int, *extra: str) -> Iterator[subprocess.Popen]:
    """`hmi plc serve` in a child process, ready when it says it is serving."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "hmi", "plc", "serve", "--profile", str(profile),
         "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "serving" in line, f"hmi plc serve did not start: {line!r}"
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(5)
