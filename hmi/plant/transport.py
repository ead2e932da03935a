"""Web transport from the nip to the gauge, and the gauge itself.

Transport is tracked in metres: a ring of cells of length Δx (default 5 mm) spanning the
gauge distance L (default 2.0 m, N = L/Δx cells). Each time the web advances past a cell
boundary the nip writes the film it is making into the next cell; the gauge reads the cell
written N cells ago, i.e. the web that left the nip L metres back. The delay is therefore L/v
at constant speed, follows speed changes exactly (to one cell), and nothing moves at v = 0.
The ring starts filled with the initial film, so the gauge reads that until new film arrives.

A record is (m_os, m_ds, h_os, h_ds): areal mass in mg/cm² and thickness in µm per side.

Gauge: areal mass = mean(m_os, m_ds)·(1 + σ_m·ξ₁) (σ_m default 0.2 %), thickness =
mean(h_os, h_ds) + σ_h·ξ₂ (σ_h default 0.5 µm), both clamped at 0; one reading per step.
"""

from __future__ import annotations

from hmi.plant.noise import NormalStream

Record = tuple[float, float, float, float]


class WebTransport:
    """Spatial shift register of film records between the nip and the gauge."""

    __slots__ = ("cell_m", "cells", "_ring", "_size", "_head", "_frac")

    def __init__(self, length_m: float, cell_m: float, initial: Record) -> None:
        self.cell_m = cell_m
        self.cells = max(1, round(length_m / cell_m))
        self._size = self.cells + 1  # head plus N older cells: the oldest is N writes back
        self._ring: list[Record] = [initial] * self._size
        self._head = 0
        self._frac = 0.0  # position past the last cell boundary, in cells

    @property
    def length_m(self) -> float:
        """Nip-to-gauge distance actually modelled: N·Δx."""
        return self.cells * self.cell_m

    def advance(self, distance_m: float, record: Record) -> None:
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

    def at_gauge(self) -> Record:
        """Film at the gauge: the cell written N cells ago."""
        i = self._head + 1
        return self._ring[0 if i == self._size else i]


class Gauge:
    """Areal mass and thickness gauge at the end of the web transport."""

    __slots__ = ("areal_mass_mg_cm2", "thickness_um", "_sigma_rel", "_sigma_um", "_rng")

    def __init__(self, sigma_rel: float, sigma_um: float, rng: NormalStream) -> None:
        self._sigma_rel = sigma_rel
        self._sigma_um = sigma_um
        self._rng = rng
        self.areal_mass_mg_cm2 = 0.0
        self.thickness_um = 0.0

    def set_exact(self, record: Record) -> None:
        """Show `record` without noise (the reading before the first step)."""
        self.areal_mass_mg_cm2 = 0.5 * (record[0] + record[1])
        self.thickness_um = 0.5 * (record[2] + record[3])

    def read(self, record: Record) -> None:
        """Take one noisy reading of `record`."""
        m = 0.5 * (record[0] + record[1])
        h = 0.5 * (record[2] + record[3])
        if self._sigma_rel > 0.0:
            m *= 1.0 + self._sigma_rel * self._rng.draw()
        if self._sigma_um > 0.0:
            h += self._sigma_um * self._rng.draw()
        self.areal_mass_mg_cm2 = m if m > 0.0 else 0.0
        self.thickness_um = h if h > 0.0 else 0.0
