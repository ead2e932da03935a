"""Cross-direction (CD) profile of the film, rebuilt from a few scalars.

With ξ ∈ [0, 1] the position across the web from the OS edge (0) to the DS edge (1), the
unloaded gap is linear between the sides plus the roll bending parabola (zero at the edges,
b in the middle), and the nip intake is proportional to the local gap, so the areal mass is

    m(ξ) = m_os·(1 − ξ) + m_ds·ξ + m_b·4ξ(1 − ξ)        (mg/cm²)

with m_os, m_ds the areal mass at the edges and m_b = intake·b the bending bulge. Each half is
compacted at its side's porosity, so the relaxed thickness is h(ξ) = m(ξ) / d_side with
d_side = ρ_true·(1 − ε_side)·0.1 / (1 + springback) (mg/cm² per µm). A film record is
therefore the five scalars (m_os, m_ds, m_b, d_os, d_ds): the transport stores those per
cell and the gauge rebuilds any zone from them.

Integrals over a strip [p, q] of the width (fractions of W):
∫(1 − ξ) = (q − p) − (q² − p²)/2, ∫ξ = (q² − p²)/2, ∫4ξ(1 − ξ) = 2(q² − p²) − 4(q³ − p³)/3.
Zone values are strip averages, so the mean of the zones is exactly the width mean
(m_os + m_ds)/2 + (2/3)·m_b. The half-width means that the force solve per side uses are
OS: 0.75·m_os + 0.25·m_ds + (2/3)·m_b, DS: 0.25·m_os + 0.75·m_ds + (2/3)·m_b. The edge trim
removes the strips [0, f/2] and [1 − f/2, 1]: mass fraction weights (f/2, f/2, 2(2a² − 4a³/3))
with a = f/2.
"""

from __future__ import annotations

import numpy as np

Record = tuple[float, float, float, float, float]
"""(m_os, m_ds, m_b, d_os, d_ds): edge areal masses and bulge in mg/cm², densities per µm."""

BEND_MEAN = 2.0 / 3.0
"""Width mean (and half-width mean) of the bending shape 4ξ(1 − ξ)."""


def strip_integrals(p: float, q: float) -> tuple[float, float, float]:
    """∫ over [p, q] of (1 − ξ), ξ and 4ξ(1 − ξ): the weights of m_os, m_ds and m_b."""
    d1 = q - p
    d2 = q * q - p * p
    d3 = q**3 - p**3
    return d1 - d2 / 2.0, d2 / 2.0, 2.0 * d2 - 4.0 * d3 / 3.0


def width_mean(record: Record) -> float:
    """(m_os + m_ds)/2 + (2/3)·m_b: areal mass averaged over the width."""
    return 0.5 * (record[0] + record[1]) + BEND_MEAN * record[2]


def half_means(record: Record) -> tuple[float, float]:
    """Areal mass averaged over the OS half and over the DS half."""
    m_os, m_ds, m_b = record[0], record[1], record[2]
    bulge = BEND_MEAN * m_b
    return 0.75 * m_os + 0.25 * m_ds + bulge, 0.25 * m_os + 0.75 * m_ds + bulge


def mean_thickness_um(record: Record) -> float:
    """Relaxed thickness averaged over the width: (m̄_os/d_os + m̄_ds/d_ds)/2."""
    h_os, h_ds = half_means(record)
    d_os, d_ds = record[3], record[4]
    return 0.5 * ((h_os / d_os if d_os > 0.0 else 0.0) + (h_ds / d_ds if d_ds > 0.0 else 0.0))


class CrossProfile:
    """Zone weights for `zones` equal CD zones and the edge-trim strips."""

    def __init__(self, zones: int, trim_width_frac: float) -> None:
        self.zones = zones
        edges = np.linspace(0.0, 1.0, zones + 1)
        w = [
            strip_integrals(float(p), float(q)) for p, q in zip(edges[:-1], edges[1:], strict=True)
        ]
        width = 1.0 / zones
        self.w_os = [a / width for a, _, _ in w]
        self.w_ds = [b / width for _, b, _ in w]
        self.w_b = [c / width for _, _, c in w]
        centres = 0.5 * (edges[:-1] + edges[1:])
        # Share of each zone compacted on the DS side (0 in the OS half, 1 in the DS half,
        # 0.5 for a zone astride the middle).
        self.ds_share = [
            0.0 if c < 0.5 - 1e-12 else (1.0 if c > 0.5 + 1e-12 else 0.5) for c in centres
        ]
        self.centres = centres
        self._a_os = np.array(self.w_os)
        self._a_ds = np.array(self.w_ds)
        self._a_b = np.array(self.w_b)
        self._a_side = np.array(self.ds_share)
        a = trim_width_frac / 2.0
        left = strip_integrals(0.0, a)
        right = strip_integrals(1.0 - a, 1.0)
        self.trim_w = (left[0] + right[0], left[1] + right[1], left[2] + right[2])

    def zone(self, j: int, record: Record) -> float:
        """Areal mass of zone j (strip average)."""
        return record[0] * self.w_os[j] + record[1] * self.w_ds[j] + record[2] * self.w_b[j]

    def zone_density(self, j: int, record: Record) -> float:
        """d of zone j: its side's areal mass per µm of relaxed thickness."""
        s = self.ds_share[j]
        return record[3] * (1.0 - s) + record[4] * s

    def zones_mg_cm2(self, record: Record) -> np.ndarray:
        """All zones' areal mass, mg/cm² (numpy, for statistics and displays)."""
        return record[0] * self._a_os + record[1] * self._a_ds + record[2] * self._a_b

    def zones_thickness_um(self, record: Record) -> np.ndarray:
        """All zones' relaxed thickness, µm."""
        d = record[3] * (1.0 - self._a_side) + record[4] * self._a_side
        m = self.zones_mg_cm2(record)
        return np.divide(m, d, out=np.zeros_like(m), where=d > 0.0)

    def trim_fraction_mg_cm2(self, record: Record) -> float:
        """Trimmed mass per unit width·length, as a width-averaged areal mass (mg/cm²)."""
        w = self.trim_w
        return record[0] * w[0] + record[1] * w[1] + record[2] * w[2]
