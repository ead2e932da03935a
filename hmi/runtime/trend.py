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
        self._missing = (np.nan,) * len(self.tags)  # the default of each tag's get
        self._data = np.full((capacity, len(self.tags) + 1), np.nan)
        self._capacity = capacity
        self._count = 0  # total rows ever appended
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return min(self._count, self._capacity)

    def append(self, t_s: float, values: Mapping[str, float]) -> None:
        row = [t_s]
        row.extend(map(values.get, self.tags, self._missing))  # one C-level pass
        with self._lock:
            self._data[self._count % self._capacity] = row
            self._count += 1

    def window(
        self, seconds: float, tags: Sequence[str] | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The last `seconds` of samples in time order: (t_s array, {tag: values}).

        Only the rows in the window and the columns asked for are copied, so the writer waits
        for a short copy, not for the whole ring.
        """
        names = self.tags if tags is None else tuple(tags)
        columns = [0] + [self._column[name] for name in names]
        with self._lock:
            n = min(self._count, self._capacity)
            if n == 0:
                empty = np.empty(0)
                return empty, {name: empty for name in names}
            first = (self._count - n) % self._capacity  # physical row of the oldest sample
            times = self._data[:, 0]
            threshold = times[(self._count - 1) % self._capacity] - seconds
            lo, hi = 0, n  # binary search over logical rows: time is monotonic in that order
            while lo < hi:
                mid = (lo + hi) // 2
                if times[(first + mid) % self._capacity] < threshold:
                    lo = mid + 1
                else:
                    hi = mid
            start = (first + lo) % self._capacity
            count = n - lo
            if start + count <= self._capacity:
                rows = self._data[start : start + count, columns]
            else:
                tail = self._data[start:, columns]
                head = self._data[: count - len(tail), columns]
                rows = np.concatenate((tail, head))
        return rows[:, 0], {name: rows[:, i + 1] for i, name in enumerate(names)}
