"""Web transport from the nip to the gauge (and the edge-trim knife just after it).

Transport is tracked in metres: a ring of cells of length Δx (default 5 mm) spanning the
gauge distance L (default 2.0 m, N = L/Δx cells). Each time the web advances past a cell
boundary the nip writes the film it is making into the next cell; the gauge reads the cell
written N cells ago, i.e. the web that left the nip L metres back. The delay is therefore L/v
at constant speed, follows speed changes exactly (to one cell), and nothing moves at v = 0.
The ring starts filled with the initial film, so the gauge reads that until new film arrives.

A record is any tuple of scalars; the line stores (m_os, m_ds, m_b, d_os, d_ds) from which the
gauge rebuilds the cross-direction profile (profile.py), not one value per zone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Record = tuple[float, ...]


class WebTransport:
    """Spatial shift register of film records between the nip and the gauge."""

    __slots__ = ("cell_m", "cells", "_ring", "_size", "_head", "_frac")

    def __init__(self, length_m: float, cell_m: float, initial: Any) -> None:
        self.cell_m = cell_m
        self.cells = max(1, round(length_m / cell_m))
        self._size = self.cells + 1  # head plus N older cells: the oldest is N writes back
        self._ring: list[Any] = [initial] * self._size
        self._head = 0
        self._frac = 0.0  # position past the last cell boundary, in cells

    @property
    def length_m(self) -> float:
        """Nip-to-gauge distance actually modelled: N·Δx."""
        return self.cells * self.cell_m

    def advance(self, distance_m: float, record: Any) -> None:
        """Move the web `distance_m` forward; write `record` into every cell passed."""
        if distance_m <= 0.0:
            return
        frac = self._frac + distance_m / self.cell_m
        n = int(frac + 1e-9)  # a boundary reached to rounding counts as passed
        self._frac = frac - n
        if n == 0:
            return
        size = self._size
        ring = self._ring
        head = self._head
        for _ in range(n if n < size else size):
            head += 1
            if head == size:
                head = 0
            ring[head] = record
        self._head = head

    def at_gauge(self) -> Any:
        """Film at the gauge: the cell written N cells ago."""
        i = self._head + 1
        return self._ring[0 if i == self._size else i]

    def total(self, value: Callable[[Any], float]) -> float:
        """Σ value(record)·Δx over the N cells between the nip and the gauge (the newest N):
        e.g. the film mass on the transport with value = areal mass × width."""
        size = self._size
        oldest = self._head + 1
        return self.cell_m * sum(
            value(self._ring[i % size]) for i in range(oldest + 1, oldest + size)
        )
