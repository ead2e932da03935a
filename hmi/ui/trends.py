"""Trends: stacked live plots of the last 1 / 5 / 10 minutes from the runtime's trend buffer.

Frames are kept cheap because Qt paints while holding the GIL that the 100 Hz control loop
needs: pen width 1, no antialiasing, peak downsampling and clip-to-view on each PlotItem,
curve items created once and fed with setData, a fixed x range (y autoranges), and a redraw
only while the screen is shown and only once the newest data has moved by about a pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hmi.core.tags import tag
from hmi.runtime.snapshot import Snapshot
from hmi.ui import theme
from hmi.ui.screen import Screen, ScreenContext


@dataclass(frozen=True)
class Curve:
    name: str  # tag
    color: str
    label: str
    setpoint: bool = False  # dashed


@dataclass(frozen=True)
class PlotSpec:
    title: str
    curves: tuple[Curve, ...]

    @property
    def unit(self) -> str:
        return tag(self.curves[0].name).unit

    @property
    def min_span(self) -> float:
        """Smallest y span: ten steps of the tag's display resolution, so autorange does not
        zoom a steady signal into its noise floor (and its tick labels into 8 digits)."""
        return 10.0 * 10.0 ** -tag(self.curves[0].name).decimals


A, B = theme.CURVE_A, theme.CURVE_B
PLOTS: tuple[PlotSpec, ...] = (
    PlotSpec(
        "Roll gap",
        (
            Curve("gap_os_um", A, "OS"),
            Curve("gap_ds_um", B, "DS"),
            Curve("gap_os_sp_um", A, "OS setpoint", True),
            Curve("gap_ds_sp_um", B, "DS setpoint", True),
        ),
    ),
    PlotSpec(
        "Areal mass",
        (
            Curve("areal_mass_mg_cm2", A, "Actual"),
            Curve("areal_mass_target_mg_cm2", B, "Target", True),
        ),
    ),
    PlotSpec("Powder bank", (Curve("bank_mass_kg", A, "Bank mass"),)),
    PlotSpec(
        "Roll force", (Curve("roll_force_os_kn", A, "OS"), Curve("roll_force_ds_kn", B, "DS"))
    ),
)
WINDOWS_S: tuple[int, ...] = (60, 300, 600)
AXIS_WIDTH = 64


def _pen(curve: Curve) -> pg.QtGui.QPen:
    pen = pg.mkPen(curve.color, width=1)
    if curve.setpoint:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([5.0, 4.0])
    return pen


def _legend(spec: PlotSpec) -> str:
    items = []
    for curve in spec.curves:
        mark = "╍╍╍" if curve.setpoint else "━━━"
        items.append(f"<span style='color:{curve.color}'>{mark}</span>&nbsp;{curve.label}")
    return "&nbsp;&nbsp;&nbsp;&nbsp;".join(items)


class TrendsScreen(Screen):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.window_s: float = WINDOWS_S[0]
        self.redraw_count = 0
        self._drawn_at = -np.inf
        self._dirty = True
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.plots: list[pg.PlotItem] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addLayout(self._window_buttons())
        axis_font = QFont()
        axis_font.setPixelSize(12)
        for index, spec in enumerate(PLOTS):
            layout.addLayout(self._title_row(spec))
            widget = self._plot(spec, axis_font, last=index == len(PLOTS) - 1)
            layout.addWidget(widget, 1)
        # copy only the trended columns out of the ring buffer
        self._trended_tags = tuple(n for n in self.curves if n in context.trend.tags)

    # ----- construction -----
    def _window_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        title = QLabel("TRENDS")
        title.setObjectName("panelTitle")
        row.addWidget(title)
        hint = QLabel("time axis: seconds before now")
        hint.setObjectName("legend")
        row.addWidget(hint)
        row.addStretch(1)
        self.window_buttons: dict[float, QPushButton] = {}
        group = QButtonGroup(self)
        for seconds in WINDOWS_S:
            button = QPushButton(f"{seconds // 60} min")
            button.setObjectName("navButton")
            button.setCheckable(True)
            button.setMinimumHeight(52)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a focus ring would look selected
            button.setChecked(seconds == self.window_s)
            button.clicked.connect(lambda _checked=False, s=seconds: self.set_window(s))
            group.addButton(button)
            row.addWidget(button)
            self.window_buttons[seconds] = button
        return row

    def _title_row(self, spec: PlotSpec) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(AXIS_WIDTH, 6, 0, 0)
        title = QLabel(f"{spec.title} ({spec.unit})")
        title.setObjectName("plotTitle")
        legend = QLabel(_legend(spec))
        legend.setObjectName("legend")
        legend.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(title)
        row.addSpacing(24)
        row.addWidget(legend)
        row.addStretch(1)
        return row

    def _plot(self, spec: PlotSpec, axis_font: QFont, last: bool) -> pg.PlotWidget:
        widget = pg.PlotWidget(background=theme.PLOT_BG)
        widget.setAntialiasing(False)
        widget.setMinimumHeight(90)
        # The plots share the height equally (their own 600×480 hint would make the screen
        # ask for 2000 px).
        widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        item: pg.PlotItem = widget.getPlotItem()
        # These two act only when set on the PlotItem; per-curve settings are ignored.
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setContentsMargins(0, 8, 8, 0)  # room for the top tick label
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        # A GridItem in the view, not the axes' grid: the axes' alpha grid lines cost ~10 ms
        # of painting per plot and frame (measured), the GridItem well under 1 ms.
        grid = pg.GridItem(pen=pg.mkPen(theme.GRID, width=1), textPen=None)
        item.addItem(grid)
        item.setXRange(-self.window_s, 0, padding=0)
        item.disableAutoRange(axis="x")
        item.enableAutoRange(axis="y")
        item.setLimits(minYRange=spec.min_span)
        item.setAutoVisible(y=True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(theme.TEXT_MUTED)
            axis.setTextPen(theme.TEXT)
            axis.setStyle(tickFont=axis_font)
        item.getAxis("left").setWidth(AXIS_WIDTH)
        if not last:
            item.getAxis("bottom").setStyle(showValues=False)
            item.getAxis("bottom").setHeight(6)
        if self.plots:
            item.setXLink(self.plots[0])
        for curve in spec.curves:
            self.curves[curve.name] = item.plot(
                pen=_pen(curve), antialias=False, connect="finite", name=curve.label
            )
        self.plots.append(item)
        return widget

    # ----- behaviour -----
    def set_window(self, seconds: float) -> None:
        self.window_s = float(seconds)
        self.window_buttons[seconds].setChecked(True)
        self.plots[0].setXRange(-self.window_s, 0, padding=0)
        self._dirty = True

    def min_redraw_interval_s(self) -> float:
        """About one pixel of the time axis: redrawing more often moves nothing visible."""
        width = max(self.plots[0].vb.width(), 200.0)
        return self.window_s / width

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        self._dirty = True
        super().showEvent(event)

    def update_from(self, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            return
        if not self._dirty and snapshot.t_s - self._drawn_at < self.min_redraw_interval_s():
            return
        self._dirty = False
        self._drawn_at = snapshot.t_s
        self.redraw()

    def redraw(self) -> None:
        self.redraw_count += 1
        t, columns = self.context.trend.window(self.window_s, self._trended_tags)
        x = t - t[-1] if len(t) else t
        for name, item in self.curves.items():
            y = columns.get(name)
            if y is None or not len(t):
                item.setData([], [])
            else:
                item.setData(x, y)
