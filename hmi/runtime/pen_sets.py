"""Named pen sets, saved per user: "my refill check" brings back the same eight pens.

A small JSON file beside the database, replaced atomically (write, fsync, rename), so a
crash leaves the old file or the new one and never half of one.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from hmi.core.files import open_private
from hmi.runtime.trend_range import PenError, check_pens

MAX_NAME = 40
MAX_SETS = 50  # per user: a list a finger can still scroll


class PenSetStore:
    def __init__(self, path: Path, known: Sequence[str]) -> None:
        self.path = path
        self._known = tuple(known)
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, list[str]]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise PenError(f"The saved pen sets cannot be read ({self.path}): {exc}") from exc
        return data if isinstance(data, dict) else {}

    def names(self, user: str) -> list[str]:
        with self._lock:
            return sorted(self._read().get(user, {}))

    def get(self, user: str, name: str) -> tuple[str, ...]:
        with self._lock:
            pens = self._read().get(user, {}).get(name)
        if pens is None:
            raise PenError(f"No pen set named {name!r}")
        return tuple(p for p in pens if p in self._known)  # a tag since retired is dropped

    def save(self, user: str, name: str, pens: Sequence[str]) -> None:
        """Save (or replace) `user`'s set `name`. Raises PenError with the reason."""
        name = name.strip()
        if not user:
            raise PenError("Log in to save a pen set: sets are kept per user")
        if not name or len(name) > MAX_NAME:
            raise PenError(f"Pen set name: 1 to {MAX_NAME} characters")
        chosen = check_pens(pens, self._known)
        with self._lock:
            data = self._read()
            mine = data.setdefault(user, {})
            if name not in mine and len(mine) >= MAX_SETS:
                raise PenError(f"At most {MAX_SETS} pen sets per user: delete one first")
            mine[name] = list(chosen)
            self._write(data)

    def delete(self, user: str, name: str) -> None:
        with self._lock:
            data = self._read()
            if data.get(user, {}).pop(name, None) is not None:
                self._write(data)

    def _write(self, data: dict) -> None:
        temporary = self.path.with_suffix(".tmp")
        with open_private(temporary, encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
