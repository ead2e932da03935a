"""The line's retained state: the last setpoints, mode, recipe and sequence state, in the store.

One row of JSON, replaced on every change. The runtime hands each new state to `save` (never
blocks: a writer thread commits the latest one, older ones not yet written are skipped), and
reads `load` once when it starts. A state that cannot be read (missing, or a file from a
foreign version) is None: the runtime then says it starts from the profile's values.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from hmi.history.store import connect

log = logging.getLogger(__name__)

FORMAT = 1  # the layout of the JSON below; a different one is not read


class RetainedStore:
    def __init__(self, db_path: Path) -> None:
        self._conn = connect(Path(db_path))
        self._pending: dict[str, Any] | None = None
        self._wake = threading.Condition()
        self._closed = False
        self.saves = 0  # states committed
        self._thread = threading.Thread(target=self._run, name="retained-writer", daemon=True)
        self._thread.start()

    def load(self) -> dict[str, Any] | None:
        """The last state saved, with `saved_at` (wall time); None when there is none."""
        with self._wake:
            row = self._conn.execute("SELECT saved_at, state FROM retained_state").fetchone()
        if row is None:
            return None
        try:
            state = json.loads(row[1])
        except ValueError:
            log.error("retained state unreadable: ignored")
            return None
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            return None
        return state | {"saved_at": row[0]}

    def save(self, state: dict[str, Any]) -> None:
        """Queue `state` to be written (the latest wins); returns at once."""
        with self._wake:
            self._pending = {"format": FORMAT, **state}
            self._wake.notify()

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until the latest state is committed (tests, shutdown)."""
        deadline = time.monotonic() + timeout_s
        with self._wake:
            while self._pending is not None and time.monotonic() < deadline:
                self._wake.wait(0.01)
            return self._pending is None

    def close(self) -> None:
        self.flush()
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(5.0)
        self._conn.close()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed and self._pending is None:
                    return
                state, self._pending = self._pending, None
                try:  # under the lock: load() shares the connection
                    self._write(state)
                except Exception as exc:  # a full disk must not kill the writer
                    log.error("retained state not saved: %s", exc)
                self._wake.notify_all()

    def _write(self, state: dict[str, Any]) -> None:
        text = json.dumps(state, allow_nan=True, sort_keys=True)
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.execute(
                "INSERT OR REPLACE INTO retained_state (id, saved_at, state) VALUES (1, ?, ?)",
                (time.time(), text),
            )
            self._conn.execute("COMMIT")
        except Exception:
            self._conn.execute("ROLLBACK")
            raise
        self.saves += 1
