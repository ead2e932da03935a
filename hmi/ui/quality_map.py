"""Quality, first page: the CD × MD areal-mass map of the last scans, the latest CD profile with
its tolerance lines, the MD trend of scan means, and the capability of the roll under way and
the last rolls.

The map is one pyqtgraph ImageItem (zones across, metres of web down, newest at the top),
coloured by hmi/quality/colours.py (PuOr, colour-blind safe, scaled to ±1.25 × the tolerance).
It is redrawn only when a new scan has come (every 8 s by default), never per frame.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hmi.quality.colours import SPAN, lookup_table
from hmi.quality.monitor import QualityView
from hmi.ui import theme

CAPABILITY_ROWS = 4  # the roll under way and the last three


def _index(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.2f}"


def _plot(title_left: str, axis_font: QFont) -> pg.PlotWidget:
    widget = pg.PlotWidget(background=theme.PLOT_BG)
    widget.setAntialiasing(False)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    widget.setMinimumHeight(80)
    item = widget.getPlotItem()
    item.setMenuEnabled(False)
    item.setMouseEnabled(x=False, y=False)
    item.hideButtons()
    item.setContentsMargins(0, 6, 8, 0)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(theme.TEXT_MUTED)
        axis.setTextPen(theme.TEXT)
        axis.setStyle(tickFont=axis_font)
    item.getAxis("left").setWidth(56)
    return widget


class QualityMapPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drawn_scans = -1
        axis_font = QFont()
        axis_font.setPixelSize(12)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)

        left = QVBoxLayout()
        left.setSpacing(2)
        self.map_title = QLabel("CD × MD map (% of target)")
        self.map_title.setObjectName("plotTitle")
        left.addWidget(self.map_title)
        self.map_widget = _plot("m", axis_font)
        map_item = self.map_widget.getPlotItem()
        map_item.getAxis("left").setLabel("m of web")
        map_item.getAxis("bottom").setLabel("zone (OS → DS)")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(lookup_table())
        map_item.addItem(self.image)
        map_item.invertY(False)
        left.addWidget(self.map_widget, 1)
        self.legend = QLabel("")
        self.legend.setObjectName("legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.legend)
        outer.addLayout(left, 5)

        middle = QVBoxLayout()
        middle.setSpacing(2)
        cd_title = QLabel("CD profile, latest scan (mg/cm²)")
        cd_title.setObjectName("plotTitle")
        middle.addWidget(cd_title)
        self.cd_widget = _plot("mg/cm²", axis_font)
        cd = self.cd_widget.getPlotItem()
        self.cd_curve = cd.plot(pen=pg.mkPen(theme.CURVE_A, width=2), symbol="o", symbolSize=5,
                                symbolBrush=theme.CURVE_A)  # fmt: skip
        dash = pg.mkPen(theme.CURVE_B, width=1, style=Qt.PenStyle.DashLine)
        self.cd_limits = [cd.addLine(y=0, pen=dash) for _ in range(2)]
        self.cd_target = cd.addLine(y=0, pen=pg.mkPen(theme.CURVE_C, width=1))
        middle.addWidget(self.cd_widget, 1)
        md_title = QLabel("MD trend: scan means (mg/cm²)")
        md_title.setObjectName("plotTitle")
        middle.addWidget(md_title)
        self.md_widget = _plot("mg/cm²", axis_font)
        md = self.md_widget.getPlotItem()
        self.md_curve = md.plot(pen=pg.mkPen(theme.CURVE_A, width=1))
        self.md_limits = [md.addLine(y=0, pen=dash) for _ in range(2)]
        middle.addWidget(self.md_widget, 1)
        outer.addLayout(middle, 4)

        right = QVBoxLayout()
        right.setSpacing(4)
        title = QLabel("Capability (areal mass)")
        title.setObjectName("plotTitle")
        right.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        for col, text in enumerate(("Roll", "Cp", "Cpk", "Pp", "Ppk")):
            head = QLabel(text)
            head.setObjectName("columnTitle")
            grid.addWidget(head, 0, col, alignment=Qt.AlignmentFlag.AlignRight)
        self.capability: list[list[QLabel]] = []
        for row in range(CAPABILITY_ROWS):
            cells = []
            for col in range(5):
                cell = QLabel("—")
                cell.setObjectName("caption" if col == 0 else "qualityValue")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(cell, row + 1, col)
                cells.append(cell)
            self.capability.append(cells)
        right.addLayout(grid)
        self.figures = QLabel("")
        self.figures.setObjectName("caption")
        self.figures.setWordWrap(True)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        right.addWidget(self.figures, 1)
        outer.addLayout(right, 3)

    # ----- drawing -----
    def show_view(self, view: QualityView) -> None:
        if view.scans == self.drawn_scans:
            return
        self.drawn_scans = view.scans
        target, tol = view.target_mg_cm2, view.tolerance_pct
        if not view.has_profile:
            self.map_title.setText("No CD profile from this gauge")
        elif len(view.rows) and target > 0 and tol > 0:
            self.map_title.setText("CD × MD map (% of target)")
            errors = (view.rows / target - 1.0) * 100.0
            zones = errors.shape[1]
            pos = np.asarray(view.positions_m)
            top, bottom = (pos[-1], pos[0]) if len(pos) > 1 else (1.0, 0.0)
            self.image.setImage(errors, levels=(-SPAN * tol, SPAN * tol), autoLevels=False)
            self.image.setRect(0.5, bottom, zones, max(top - bottom, 1e-3))
            self.map_widget.getPlotItem().setRange(xRange=(0.5, zones + 0.5),
                                                   yRange=(bottom, top), padding=0)  # fmt: skip
        self.legend.setText(_legend_html(tol))
        if view.profile and target > 0:
            x = np.arange(1, len(view.profile) + 1)
            self.cd_curve.setData(x, np.asarray(view.profile))
            self.cd_target.setValue(target)
            for line, sign in zip(self.cd_limits, (1, -1), strict=True):
                line.setValue(target * (1 + sign * tol / 100))
            self.cd_widget.getPlotItem().setYRange(*_y_range(view.profile, target, tol))
        if view.scan_means and target > 0:
            self.md_curve.setData(np.asarray(view.positions_m), np.asarray(view.scan_means))
            for line, sign in zip(self.md_limits, (1, -1), strict=True):
                line.setValue(target * (1 + sign * tol / 100))
            self.md_widget.getPlotItem().setYRange(*_y_range(view.scan_means, target, tol))
        self._capability(view)

    def _capability(self, view: QualityView) -> None:
        rows: list[tuple[str, tuple[float | None, ...]]] = []
        f = view.roll_figures
        if f is not None:
            c = f.capability
            rows.append((f"{view.roll_number} now", (c.cp, c.cpk, c.pp, c.ppk)))
        for r in view.last_rolls[: CAPABILITY_ROWS - len(rows)]:
            rows.append((str(r.number), (r.cp, r.cpk, r.pp, r.ppk)))
        for i, cells in enumerate(self.capability):
            name, values = rows[i] if i < len(rows) else ("", (None,) * 4)
            cells[0].setText(name or "—")
            for cell, value in zip(cells[1:], values, strict=True):
                cell.setText(_index(value))
                low = value is not None and math.isfinite(value) and value < 1.33
                theme.set_state(cell, "deviation" if low else "normal")
        if f is None:
            self.figures.setText("")
            return
        made = view.position_m - view.roll_start_m
        self.figures.setText(
            f"Roll {view.roll_number}: {made:.0f} of {view.roll_length_m:.0f} m\n"
            f"Mean {f.mean_mg_cm2:.2f} mg/cm² ({f.mean_error_pct:+.2f} %)\n"
            f"CD 2σ {f.cd_2sigma_mg_cm2:.3f} mg/cm²\n"
            f"MD 2σ {f.md_2sigma_mg_cm2:.3f} mg/cm²\n"
            f"Off-spec {f.offspec_m:.1f} m\n"
            f"Target {view.target_mg_cm2:.2f} mg/cm² ± {view.tolerance_pct:g} %\n"
            f"Map colours: ±{SPAN:g} × tolerance\n"
            "Cpk below 1.33 shows amber"
        )


def _y_range(values, target: float, tol: float) -> tuple[float, float]:  # noqa: ANN001
    """The tolerance band and a margin, widened to every finite value shown."""
    lo, hi = target * (1 - 1.4 * tol / 100), target * (1 + 1.4 * tol / 100)
    finite = [v for v in values if math.isfinite(v)]
    if finite:
        lo, hi = min(lo, min(finite)), max(hi, max(finite))
    return lo, hi


def _legend_html(tol: float) -> str:
    table = lookup_table(5)
    swatch = "".join(
        f"<span style='background-color:#{r:02x}{g:02x}{b:02x}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>"
        for r, g, b in table
    )
    t = SPAN * tol if math.isfinite(tol) else 0.0
    return f"light −{t:.1f} % {swatch} +{t:.1f} % heavy"
