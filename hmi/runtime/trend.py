"""Ring buffer of recent samples for live trends: written by the runtime, read by the UI."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import numpy as np


class TrendBuffer:
    """Fixed-capacity ring of (t_s, tag values). Appends are O(tags); reads copy a window.

    One lock guards both sides; the writer holds it for a row copy, the reader for one slice
    copy, so neither waits long.
    """

    def __init__(self, tags: Sequence[str], capacity: int = 60_000) -> None:
        self.tags = tuple(tags)
        self._column = {name: i + 1 for i, name in enumerate(self.tags)}
        self._data = np.full((capacity, len(self.tags) + 1), np.nan)
        self._capacity = capacity
        self._count = 0  # total rows ever appended
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return min(self._count, self._capacity)

    def append(self, t_s: float, values: Mapping[str, float]) -> None:
        row = [t_s]
        row.extend(values.get(name, np.nan) for name in self.tags)
        with self._lock:
            self._data[self._count % self._capacity] = row
            self._count += 1

    def window(self, seconds: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The last `seconds` of samples in time order: (t_s array, {tag: values})."""
        with self._lock:
            n = min(self._count, self._capacity)
            end = self._count % self._capacity
            if n < self._capacity:
                rows = self._data[:n].copy()
            else:
                rows = np.concatenate((self._data[end:], self._data[:end]))
        if n:
            t = rows[:, 0]
            start = int(np.searchsorted(t, t[-1] - seconds, side="left"))
            rows = rows[start:]
        return rows[:, 0], {name: rows[:, col] for name, col in self._column.items()}
