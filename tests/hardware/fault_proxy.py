"""A Modbus TCP man-in-the-middle on 127.0.0.1 for fault tests: passes frames through, or
answers garbage, or rewrites the unit id of every request (a wrong unit id: no reply)."""

from __future__ import annotations

import os
import socket
import threading


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.mode = "pass"  # "pass" | "garbage" | "wrong_unit"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                downstream, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=2)
            except OSError:
                downstream.close()
                continue
            threading.Thread(
                target=self._pump, args=(downstream, upstream, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, downstream, False), daemon=True
            ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, request: bool) -> None:
        try:
            while not self._stop.is_set():
                data = source.recv(4096)
                if not data:
                    break
                if request and self.mode == "wrong_unit" and len(data) > 6:
                    data = data[:6] + bytes([(data[6] + 1) & 0xFF]) + data[7:]
                if not request and self.mode == "garbage":
                    data = os.urandom(len(data))
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass
