"""The trend chart: pens on clock time, one plot (one y-axis) per unit, a cursor, markers.

The Trends screen and the faceplates' small trends are this widget. Frames stay cheap because
Qt paints holding the GIL the control loop needs: pen width 1, no antialiasing, peak
downsampling and clip-to-view, curve items made once and fed with setData, a GridItem (the
axes' alpha grid costs ~10 ms a plot and frame; see chart_grid for pyqtgraph's GridItem).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem, QVBoxLayout, QWidget

from hmi.core.tags import TAGS
from hmi.runtime.trend_history import Marker
from hmi.runtime.trend_range import TimeRange, axes_of
from hmi.ui import theme
from hmi.ui.chart_fit import bends, y_range
from hmi.ui.chart_grid import TickGrid

AXIS_WIDTH = 64
MARKER_PX = 18  # a symbol a finger can hit
MARKER_SYMBOLS = {"alarm": "t", "recipe": "d", "setpoint": "s"}
TAP_SLOP_PX = 24


def pen_style(index: int) -> tuple[str, bool]:
    """(colour, dashed) of the `index`-th pen: six hues solid, then dashed."""
    return theme.PEN_COLOURS[index % len(theme.PEN_COLOURS)], index >= 4


def make_pen(index: int) -> pg.QtGui.QPen:
    colour, dashed = pen_style(index)
    pen = pg.mkPen(colour, width=1)
    if dashed:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([5.0, 4.0])
    return pen


def min_span(unit_pens: Sequence[str]) -> float:
    """Smallest y span: ten display steps, so autorange does not zoom into the noise."""
    return 10.0 * 10.0 ** -max(TAGS[name].decimals for name in unit_pens)


class TrendChart(QWidget):
    """`set_pens` builds the plots; `set_series` and `set_range` feed them.

    Signals: `range_dragged(TimeRange)` when a finger or the wheel pans or zooms the time axis,
    `cursor_moved(float)` with the cursor's clock time, `marker_tapped(Marker)`.
    `compact`: the faceplates' small trend (no cursor, no markers row, small axes).
    """

    range_dragged = Signal(object)
    cursor_moved = Signal(float)
    marker_tapped = Signal(object)

    def __init__(self, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compact = compact
        self.pens: tuple[str, ...] = ()
        self.plots: dict[str, pg.PlotItem] = {}  # unit -> plot
        self.curves: dict[str, pg.PlotDataItem] = {}  # pen -> curve
        self.cursor_lines: list[pg.InfiniteLine] = []
        self.grids: list[TickGrid] = []
        self._grid_pending = False
        self.cursor_time: float | None = None
        self.markers: list[Marker] = []
        self._marker_plot: pg.PlotItem | None = None
        self._marker_items: list[pg.ScatterPlotItem] = []
        self._band: QGraphicsPathItem | None = None
        self._band_data: tuple = ("",)  # (pen, (t, low), (t, high)) as last drawn
        self._fitted: dict[str, tuple[float, float]] = {}  # unit -> the y range last set
        self._range = TimeRange(0.0, 600.0)
        self._setting_range = False
        self._font = QFont()
        self._font.setPixelSize(11 if compact else 12)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(theme.PLOT_BG)
        self.view.setAntialiasing(False)
        self.view.ci.setContentsMargins(0, 4, 8, 0)
        self.view.ci.setSpacing(8)  # room between plots: no separating axis line
        self.view.scene().sigMouseClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    # ----- construction -----
    def set_pens(self, pens: Sequence[str]) -> None:
        """Rebuild for `pens`: one plot per unit, in order, the markers row on top."""
        self.view.ci.clear()
        self.plots.clear()
        self.curves.clear()
        self.cursor_lines.clear()
        self.grids.clear()
        self._time_axis: pg.PlotItem | None = None
        self._band = None
        self._band_data = ("",)
        self._fitted.clear()
        self._marker_plot = None
        self._marker_items = []
        self.pens = tuple(pens)
        row = 0
        if not self.compact:
            self._marker_plot = self._add_plot(row, None)
            self._marker_plot.setMaximumHeight(MARKER_PX + 14)
            self._marker_plot.setYRange(0, 1, padding=0)
            self._marker_plot.getAxis("left").setStyle(showValues=False)
            caption = pg.TextItem("events", color=theme.TEXT_MUTED, anchor=(1.0, 0.5))
            caption.setParentItem(self._marker_plot.getAxis("left"))
            caption.setPos(AXIS_WIDTH - 4, (MARKER_PX + 10) / 2)
            row += 1
        groups = axes_of(self.pens)
        for position, (unit, names) in enumerate(groups.items()):
            plot = self._add_plot(row, unit, last=position == len(groups) - 1)
            plot.setLimits(minYRange=min_span(names))
            plot.setLabel("left", unit or "state")
            for name in names:
                index = self.pens.index(name)
                self.curves[name] = plot.plot(
                    pen=make_pen(index), antialias=False, connect="finite", name=name
                )
            self.plots[unit] = plot
            row += 1
        self._apply_range()
        self.set_markers(self.markers)

    def _add_plot(self, row: int, unit: str | None, last: bool = False) -> pg.PlotItem:
        # Only the bottom plot has a clock-time axis: each DateAxisItem computes its ticks in
        # Python every frame (py-spy), and the others would show no labels anyway.
        axes = {"bottom": pg.DateAxisItem(orientation="bottom")} if last else {}
        plot: pg.PlotItem = self.view.addPlot(row=row, col=0, axisItems=axes)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=not self.compact, y=False)
        self.grids.append(TickGrid(plot, theme.GRID_LINE, horizontal=unit is not None))
        plot.vb.sigRangeChanged.connect(self._grid_due)
        plot.disableAutoRange()  # y is fitted on each data change (fit_y), not in paint
        for name in ("left", "bottom"):
            item = plot.getAxis(name)
            item.setPen(theme.TEXT_MUTED)
            item.setTextPen(theme.TEXT)
            item.setStyle(tickFont=self._font)
        plot.getAxis("left").setWidth(AXIS_WIDTH)
        if not last:
            plot.hideAxis("bottom")
        else:
            self._time_axis = plot
        first = self._first_plot()
        if first is not None:
            plot.setXLink(first)
        plot.vb.sigRangeChangedManually.connect(self._dragged)  # a drag or the wheel, any plot
        if not self.compact:
            line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(theme.TEXT, width=1))
            line.setVisible(self.cursor_time is not None)
            if self.cursor_time is not None:
                line.setValue(self.cursor_time)
            line.sigDragged.connect(self._cursor_dragged)
            plot.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)
        return plot

    def _first_plot(self) -> pg.PlotItem | None:
        if self._marker_plot is not None:
            return self._marker_plot
        return next(iter(self.plots.values()), None)

    def _grid_due(self, *_args) -> None:
        """A range moved (perhaps inside a paint, by autorange): redo the grid lines after it,
        once for however many plots moved. The timer dies with the chart."""
        if not self._grid_pending:
            self._grid_pending = True
            QTimer.singleShot(0, self, self._update_grids)

    def _update_grids(self) -> None:
        self._grid_pending = False
        if not self.grids:
            return
        times = self.grids[-1].values_of(self._time_axis, "bottom")  # once for every plot
        for grid in self.grids:
            grid.update(times)

    # ----- data -----
    def set_series(
        self, series: Mapping[str, tuple[np.ndarray, np.ndarray]], fit: bool = True
    ) -> None:
        """Each pen's (clock times, values); a pen missing from `series` is cleared. `fit`
        False: the caller changes more and calls `fit_y` once after (a draw fits once)."""
        for name, curve in self.curves.items():
            t, v = series.get(name, (np.empty(0), np.empty(0)))
            curve.setData(t, v) if len(t) else curve.setData([], [])
        if fit:
            self.fit_y()

    def set_band(
        self, pen: str, low: np.ndarray, high: np.ndarray, t: np.ndarray, fit: bool = True
    ) -> None:
        """A tolerance band (e.g. target ± tolerance on areal mass) behind `pen`'s curve.

        One path item built from the outline in numpy: pyqtgraph's FillBetweenItem rebuilt its
        polygon in Python on each edge's setData (2 × 2.6 ms a pan over 8 h, GIL held)."""
        plot = self.plots.get(TAGS[pen].unit) if pen in self.curves else None
        if plot is None:
            return
        if self._band is None:
            self._band = QGraphicsPathItem()
            self._band.setPen(pg.mkPen(None))
            self._band.setBrush(pg.mkBrush(*theme.TOLERANCE_BAND))
            self._band.setZValue(-5)
            plot.addItem(self._band, ignoreBounds=True)
        finite = np.isfinite(t) & np.isfinite(low) & np.isfinite(high)
        t, low, high = t[finite], low[finite], high[finite]
        keep = bends(t, low, high)
        t, low, high = t[keep], low[keep], high[keep]
        self._band_data = (pen, (t, low), (t, high))
        if len(t) < 2:
            self._band.setPath(QPainterPath())
        else:
            outline = np.concatenate([low, high[::-1]])
            self._band.setPath(pg.arrayToQPath(np.concatenate([t, t[::-1]]), outline))
        if fit:
            self.fit_y()

    def fit_y(self) -> None:
        """Each plot's y range to its pens' (and the band's) values in the visible time."""
        first = self._first_plot()
        if first is None:
            return
        x0, x1 = first.vb.viewRange()[0]
        band_pen, *band = self._band_data
        for unit, plot in self.plots.items():
            names = [n for n in self.curves if TAGS[n].unit == unit]
            data = [(c.xData, c.yData) for c in map(self.curves.get, names) if c.xData is not None]
            if band_pen and TAGS[band_pen].unit == unit:
                data += band
            fitted = y_range(data, x0, x1, min_span(names))
            if fitted is not None and fitted != self._fitted.get(unit):
                self._fitted[unit] = fitted
                plot.setYRange(*fitted, padding=0)

    def set_range(self, span: TimeRange, fit: bool = True) -> None:
        self._range = span
        self._apply_range()
        if fit:
            self.fit_y()

    @property
    def time_range(self) -> TimeRange:
        return self._range

    def _apply_range(self) -> None:
        first = self._first_plot()
        if first is None:
            return
        self._setting_range = True
        try:
            first.setXRange(self._range.start, self._range.end, padding=0)
        finally:
            self._setting_range = False

    def plot_width_px(self) -> int:
        first = self._first_plot()
        return max(200, int(first.vb.width())) if first is not None else 1000

    # ----- cursor and markers -----
    def set_cursor(self, wall_time: float | None) -> None:
        self.cursor_time = wall_time
        for line in self.cursor_lines:
            line.setVisible(wall_time is not None)
            if wall_time is not None:
                line.setValue(wall_time)
        if wall_time is not None:
            self.cursor_moved.emit(wall_time)

    def set_markers(self, markers: Sequence[Marker]) -> None:
        self.markers = list(markers)
        plot = self._marker_plot
        if plot is None:
            return
        for item in self._marker_items:
            plot.removeItem(item)
        self._marker_items = []
        for kind, symbol in MARKER_SYMBOLS.items():
            mine = [m for m in self.markers if m.kind == kind]
            if not mine:
                continue
            item = pg.ScatterPlotItem(
                x=[m.wall_time for m in mine],
                y=[0.5] * len(mine),
                data=mine,
                symbol=symbol,
                size=MARKER_PX,
                pen=pg.mkPen(theme.TEXT, width=1),
                brush=pg.mkBrush(theme.MARKER_COLOURS[kind]),
            )
            plot.addItem(item)
            self._marker_items.append(item)

    def nearest_marker(self, wall_time: float, slop_s: float) -> Marker | None:
        near = [m for m in self.markers if abs(m.wall_time - wall_time) <= slop_s]
        return min(near, key=lambda m: abs(m.wall_time - wall_time)) if near else None

    def _clicked(self, event) -> None:
        """A tap places the cursor; a tap on the events row near a marker shows its text."""
        if self.compact or not self.plots:
            return
        position: QPointF = event.scenePos()
        for plot in (self._marker_plot, *self.plots.values()):
            if plot is None or not plot.vb.sceneBoundingRect().contains(position):
                continue
            wall = plot.vb.mapSceneToView(position).x()
            if plot is self._marker_plot:
                slop = TAP_SLOP_PX * self._range.span_s / self.plot_width_px()
                marker = self.nearest_marker(wall, slop)
                if marker is not None:
                    self.marker_tapped.emit(marker)
                return
            self.set_cursor(wall)
            return

    def _cursor_dragged(self, line: pg.InfiniteLine) -> None:
        self.set_cursor(float(line.value()))

    def _dragged(self, *_args) -> None:
        if self._setting_range:
            return
        first = self._first_plot()
        if first is None:
            return
        low, high = first.vb.viewRange()[0]
        if not (math.isfinite(low) and math.isfinite(high)) or high - low < 1.0:
            return
        try:
            span = TimeRange(low, high)
        except ValueError:
            span = self._range.zoom(1.0, (low + high) / 2)  # past a limit: keep the span
            self.set_range(span)
        self._range = span
        self.fit_y()
        self.range_dragged.emit(span)
