"""The colour scale of the CD × MD map, shared by the Quality screen and the PDF report.

ColorBrewer's PuOr (purple–orange), a diverging scale chosen for colour-blind readers (its two
hues stay apart under protanopia, deuteranopia and tritanopia, and it reads in grey as light →
dark): film on target is near-white, light film purple, heavy film orange. The scale spans
±1.25 × the tolerance, so the tolerance itself sits at a distinct step and anything beyond it is
the darkest colour of its side.
"""

from __future__ import annotations

import numpy as np

SPAN = 1.25  # × tolerance at either end of the scale
# PuOr 11, light (purple, −) to heavy (orange, +)
_STOPS = np.array(
    [
        (0x2D, 0x00, 0x4B), (0x54, 0x27, 0x88), (0x80, 0x73, 0xAC), (0xB2, 0xAB, 0xD2),
        (0xD8, 0xDA, 0xEB), (0xF7, 0xF7, 0xF7), (0xFE, 0xE0, 0xB6), (0xFD, 0xB8, 0x63),
        (0xE0, 0x82, 0x14), (0xB3, 0x58, 0x06), (0x7F, 0x3B, 0x08),
    ],
    dtype=float,
)  # fmt: skip
_POS = np.linspace(-SPAN, SPAN, len(_STOPS))
NO_DATA = (0x80, 0x80, 0x80)


def lookup_table(n: int = 256) -> np.ndarray:
    """n × 3 uint8 colours from −SPAN to +SPAN (× tolerance), for an image widget."""
    x = np.linspace(-SPAN, SPAN, n)
    return np.stack([np.interp(x, _POS, _STOPS[:, c]) for c in range(3)], axis=1).astype(np.uint8)


def map_rgb(errors_pct: np.ndarray, tolerance_pct: float) -> np.ndarray:
    """RGB (uint8) of each error (% of target); NaN (no reading) grey."""
    e = np.asarray(errors_pct, dtype=float)
    x = np.clip(e / tolerance_pct, -SPAN, SPAN)
    rgb = np.stack([np.interp(x, _POS, _STOPS[:, c]) for c in range(3)], axis=-1)
    rgb[~np.isfinite(e)] = NO_DATA
    return rgb.astype(np.uint8)
