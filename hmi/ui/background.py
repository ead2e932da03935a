"""Work off the GUI thread: argon2, history queries, exports.

A call runs on a plain worker thread and its result (or exception) comes back to the GUI
thread through a queued Qt signal. Only the newest call of a `Background` delivers: a
result overtaken by a newer request (the range was dragged again) is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

Done = Callable[[object], None]
Failed = Callable[[BaseException], None]


class Background(QObject):
    _finished = Signal(int, object, object)  # generation, result, error

    def __init__(self, parent: QObject | None = None, *, keep_all: bool = False) -> None:
        super().__init__(parent)
        self._generation = 0
        self._keep_all = keep_all
        self._handlers: dict[int, tuple[Done, Failed | None]] = {}
        self._finished.connect(self._deliver)
        self.busy = 0  # calls running now

    def run(self, work: Callable[[], object], done: Done, failed: Failed | None = None) -> int:
        """Start `work()` on a worker thread; `done(result)` or `failed(exc)` runs on the
        GUI thread afterwards. Returns the call's generation number."""
        self._generation += 1
        generation = self._generation
        self._handlers[generation] = (done, failed)
        self.busy += 1

        def target() -> None:
            try:
                result, error = work(), None
            except BaseException as exc:  # noqa: BLE001 (delivered to the GUI thread)
                result, error = None, exc
            self._finished.emit(generation, result, error)

        threading.Thread(target=target, name="hmi-background", daemon=True).start()
        return generation

    def _deliver(self, generation: int, result: object, error: object) -> None:
        self.busy -= 1
        done, failed = self._handlers.pop(generation, (None, None))
        if done is None or (not self._keep_all and generation != self._generation):
            return
        if error is not None:
            if failed is None:
                raise error  # type: ignore[misc]
            failed(error)  # type: ignore[arg-type]
        else:
            done(result)
