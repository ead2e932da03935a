"""A serial line at its real speed between two socat pty pairs (a pty pair ignores the baud
rate: bytes arrive at once). Each frame is held for its bytes' time on the wire (10 bits per
byte at 8N1) and a line stays silent for t3.5 after a frame (1.75 ms above 19200 baud, as the
Modbus RTU spec fixes it), in both directions.

    master <-> ptyA1 ==socat== ptyB1 <-> relay <-> ptyA2 ==socat== ptyB2 <-> slave
"""

from __future__ import annotations

import os
import select
import subprocess
import threading
import time
from pathlib import Path

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
        self._threads = [
            threading.Thread(target=self._pump, args=(self._fds[0], self._fds[1]), daemon=True),
            threading.Thread(target=self._pump, args=(self._fds[1], self._fds[0]), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, source: int, sink: int) -> None:
        byte_s = BITS_PER_BYTE / self.baud
        silence_s = t35_s(self.baud)
        line_free_at = 0.0
        while not self._stop.is_set():
            ready, _, _ = select.select([source], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(source, 512)
            except OSError:
                return
            start = max(time.perf_counter(), line_free_at)
            done = start + len(data) * byte_s
            while time.perf_counter() < done:  # sleep most of it, spin the last 0.3 ms
                left = done - time.perf_counter()
                if left > 0.0003:
                    time.sleep(left - 0.0003)
            os.write(sink, data)
            line_free_at = done + silence_s

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(1)
        for fd in self._fds:
            os.close(fd)
        for proc in self._procs:
            proc.terminate()
            proc.wait(5)
