"""Grid lines at the axes' ticks, as one short line-pair curve per plot.

pyqtgraph's GridItem caches a three-level picture that it rebuilds in Python whenever the
view range changes; a clock-time axis moves every frame, so it rebuilt every frame for every
plot (py-spy: GridItem was the largest part of the Trends frame, holding the GIL the control
loop waits for). Here the grid is a PlotCurveItem of a few dozen line pairs at the axes' own
tick values (computed for the labels anyway), so a grid line is always under a label and a
range change costs one small setData. (A Python-painted QGraphicsObject crashed PySide6
6.11.3 in its boundingRect override lookup here, so none is used.)
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

MIN_LINES = 4  # a finer tick level is added only while the major one gives fewer lines
MAX_LINES = 12


class TickGrid:
    def __init__(self, plot: pg.PlotItem, colour: str, horizontal: bool = True) -> None:
        self.plot = plot
        self.horizontal = horizontal  # False: vertical (time) lines only
        pen = pg.mkPen(colour, width=1)
        self.curve = pg.PlotCurveItem(pen=pen, connect="pairs", antialias=False)
        self.curve.setZValue(-10)
        plot.addItem(self.curve, ignoreBounds=True)
        self.updates = 0

    def values_of(self, plot: pg.PlotItem | None, name: str) -> list[float]:
        """Tick values of `plot`'s axis `name` over its view (the clock-time axis)."""
        if plot is None:
            return []
        (x0, x1), _ = plot.vb.viewRange()
        return self._values(plot, name, x0, x1, plot.vb.width())

    def _values(
        self, plot: pg.PlotItem, name: str, low: float, high: float, size: float
    ) -> list[float]:
        try:
            levels = plot.getAxis(name).tickValues(low, high, max(size, 1.0))
        except AttributeError:  # a date axis before its first paint has no font metrics
            return []
        chosen: list[float] = []
        for _spacing, values in levels:
            merged = sorted(set(chosen) | set(values))
            if chosen and (len(chosen) >= MIN_LINES or len(merged) > MAX_LINES):
                break
            chosen = merged
        return [v for v in chosen if low <= v <= high]

    def update(self, times: list[float]) -> None:
        """Lines at the current ticks; called by the chart after a paint, never inside one
        (changing an item's geometry during a paint crashed the scene here)."""
        self.updates += 1
        vb = self.plot.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        xs = [t for t in times if x0 <= t <= x1]
        ys = self._values(self.plot, "left", y0, y1, vb.height()) if self.horizontal else []
        x = [c for v in xs for c in (v, v)] + [c for _ in ys for c in (x0, x1)]
        y = [c for _ in xs for c in (y0, y1)] + [c for v in ys for c in (v, v)]
        self.curve.setData(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
