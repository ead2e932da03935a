"""A serial line at its real speed between two socat pty pairs (a pty pair ignores the baud
rate: bytes arrive at once). Each frame is held for its bytes' time on the wire (10 bits per
byte at 8N1) and a line stays silent for t3.5 after a frame (1.75 ms above 19200 baud, as the
Modbus RTU spec fixes it). The line is half-duplex, as RS-485 is: one line for both directions,
so a reply starts no sooner than t3.5 after the request ended, and the next request no sooner
than t3.5 after the reply — the timing `benchmarks.fieldbus.wire_limit_s` counts.

    master <-> ptyA1 ==socat== ptyB1 <-> relay <-> ptyA2 ==socat== ptyB2 <-> slave

A wire has no scheduler: the pump threads take a real-time class where allowed
(hmi/core/priority.py), and `relay_process` runs the relay in a process of its own, so
neither the master's nor the slave's Python shares its GIL.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hmi.core.priority import SIMULATOR, raise_this_thread

BITS_PER_BYTE = 10  # start + 8 data + stop (parity none, one stop bit)


def t35_s(baud: int) -> float:
    return 0.00175 if baud > 19200 else 3.5 * 11 / baud


def _pty_pair(a: Path, b: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while not (a.exists() and b.exists()):
        if time.monotonic() > deadline:
            raise RuntimeError("socat did not create the ptys")
        time.sleep(0.01)
    return proc


class BaudRelay:
    def __init__(self, directory: Path, baud: int) -> None:
        self.baud = baud
        self.master_port = str(directory / "master")
        self.slave_port = str(directory / "slave")
        inner_a, inner_b = directory / "relayA", directory / "relayB"
        self._procs = [
            _pty_pair(Path(self.master_port), inner_a),
            _pty_pair(inner_b, Path(self.slave_port)),
        ]
        self._fds = [os.open(p, os.O_RDWR | os.O_NOCTTY) for p in (inner_a, inner_b)]
        self._stop = threading.Event()
        self._line = threading.Lock()
        self._line_free_at = 0.0  # when the (shared, half-duplex) line may carry a frame
        self._threads = [
            threading.Thread(target=self._pump, args=(self._fds[0], self._fds[1]), daemon=True),
            threading.Thread(target=self._pump, args=(self._fds[1], self._fds[0]), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, source: int, sink: int) -> None:
        raise_this_thread(SIMULATOR)
        byte_s = BITS_PER_BYTE / self.baud
        silence_s = t35_s(self.baud)
        while not self._stop.is_set():
            ready, _, _ = select.select([source], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(source, 512)
            except OSError:
                return
            with self._line:  # the frame takes the line: the other direction waits for it
                start = max(time.perf_counter(), self._line_free_at)
                done = start + len(data) * byte_s
                self._line_free_at = done + silence_s
            while time.perf_counter() < done:  # sleep most of it, spin the last 0.3 ms
                left = done - time.perf_counter()
                if left > 0.0003:
                    time.sleep(left - 0.0003)
            os.write(sink, data)

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(1)
        for fd in self._fds:
            os.close(fd)
        for proc in self._procs:
            proc.terminate()
            proc.wait(5)


class RelayPorts:
    def __init__(self, master_port: str, slave_port: str) -> None:
        self.master_port, self.slave_port = master_port, slave_port


@contextmanager
def relay_process(directory: Path, baud: int) -> Iterator[RelayPorts]:
    """The relay in a child process; its ports once it says it is ready."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.baud_relay", str(directory), str(baud)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.startswith("ready"):
            raise RuntimeError(f"baud relay did not start: {line!r}")
        yield RelayPorts(*line.split()[1:3])
    finally:
        if proc.stdin:
            proc.stdin.close()  # the relay stops at end of its input
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str]) -> int:
    relay = BaudRelay(Path(argv[0]), int(argv[1]))
    print(f"ready {relay.master_port} {relay.slave_port}", flush=True)
    try:
        sys.stdin.read()  # until the parent closes our input (or dies)
    finally:
        relay.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
