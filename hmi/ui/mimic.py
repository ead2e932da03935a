"""Overview: the line as a process mimic, left to right — feeders → mixer → nip 1 → densify →
laminate (foil unwind) → gauge → rewind, with the edge-trim recycle drawn back to the mixer —
the product targets under it and the line commands at the bottom.

Every block comes from the equipment table (hmi/ui/equipment.py); a tap on a block opens its
faceplate. Blocks have a minimum and a maximum width, so at 1024 px everything fits without
scrolling and at 1920 px values stay beside their captions instead of drifting apart.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hmi.runtime.snapshot import Snapshot
from hmi.ui import theme
from hmi.ui.equipment import BY_KEY, FEEDER_EQUIPMENT, RECYCLE_TAG
from hmi.ui.faceplate import FaceplateDialog
from hmi.ui.indicators import DeviationBar
from hmi.ui.mimic_parts import AnalogBar, EquipmentBlock, MimicValue
from hmi.ui.overview import CommandBar
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.sections import AREAL_MASS_DEVIATION, DEFAULT_TOLERANCE_PCT, DEVIATION_SPAN_PCT
from hmi.ui.widgets import SetpointButton, ValueLabel

BLOCK_MAX_PX = 300  # wider than this and values drift away from their captions
# The drawing, column by column (flow goes down the 4th column and up the 5th), with the
# height of the pipe that enters each column (negative: from the bottom).
COLUMNS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((*(e.key for e in FEEDER_EQUIPMENT), "|"), 46.0),
    (("mixer", "|"), 46.0),
    (("nip", "|"), 46.0),
    (("densify", "down", "laminate", "|"), 46.0),
    (("rewind", "up", "gauge", "|"), 0.0),  # y follows the laminate block (update_from)
)


class Pipe(QWidget):
    """Material flow between two blocks: a line with an arrowhead, right, down or up. A
    horizontal pipe runs at `y` from the top (negative: from the bottom)."""

    def __init__(self, direction: str = "right", y: float = 46.0) -> None:
        super().__init__()
        self.direction, self.pipe_y = direction, y
        if direction == "right":
            self.setFixedWidth(12)
        else:
            self.setFixedHeight(14)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setPen(QPen(QColor(theme.TEXT_MUTED), 2))
        painter.setBrush(QColor(theme.TEXT_MUTED))
        w, h = self.width(), self.height()
        if self.direction == "right":
            y = self.pipe_y if self.pipe_y >= 0 else h + self.pipe_y
            painter.drawLine(QPointF(0, y), QPointF(w - 5, y))
            head = ((w - 1, y), (w - 8, y - 5), (w - 8, y + 5))
        else:
            x = w / 2
            painter.drawLine(QPointF(x, 0), QPointF(x, h))
            tip, back = (h - 1, h - 8) if self.direction == "down" else (1, 8)
            head = ((x, tip), (x - 5, back), (x + 5, back))
        painter.drawPolygon(QPolygonF([QPointF(px, py) for px, py in head]))
        painter.end()


class RecycleLine(QWidget):
    """The edge trim cut after nip 1 goes back to the mixer: drawn under the line, right to
    left, with the recycle flow on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(34)
        self.start_x = 0.0  # mixer centre
        self.end_x = 0.0  # nip centre
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)  # text under the drawn line
        layout.addStretch(1)
        self.value = MimicValue(RECYCLE_TAG, "")
        self.value.caption.hide()
        self.value.marker.hide()
        self.label = QLabel("Edge trim recycle")
        self.label.setObjectName("mimicCaption")
        layout.addWidget(self.label)
        layout.addWidget(self.value)
        layout.addStretch(1)

    def set_ends(self, start_x: float, end_x: float) -> None:
        if (start_x, end_x) != (self.start_x, self.end_x):
            self.start_x, self.end_x = start_x, end_x
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if self.end_x <= self.start_x:
            return
        painter = QPainter(self)
        painter.setPen(QPen(QColor("#44484c"), 2, Qt.PenStyle.DashLine))
        y = 6.0
        painter.drawLine(QPointF(self.end_x, 0), QPointF(self.end_x, y))
        painter.drawLine(QPointF(self.end_x, y), QPointF(self.start_x, y))
        painter.drawLine(QPointF(self.start_x, y), QPointF(self.start_x, 2))
        painter.setBrush(QColor("#44484c"))
        x = self.start_x
        painter.drawPolygon(QPolygonF([QPointF(x, 0), QPointF(x - 4, 5), QPointF(x + 4, 5)]))
        painter.end()


class TargetStrip(QFrame):
    """The product under the drawing: line speed and areal-mass target (tap to enter), the
    deviation from target with its tolerance band."""

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.setSpacing(10)
        write, notify = context.service.write_setpoint, context.notify
        self.speed = SetpointButton("line_speed_sp_m_min", write, notify)
        self.target = SetpointButton("areal_mass_target_mg_cm2", write, notify)
        self.deviation = ValueLabel(AREAL_MASS_DEVIATION.name, definition=AREAL_MASS_DEVIATION)
        self.deviation_bar = DeviationBar(DEVIATION_SPAN_PCT, DEFAULT_TOLERANCE_PCT)
        self.deviation_bar.setMinimumWidth(100)
        for caption, widget, unit in (
            ("Speed setpoint", self.speed, "m/min"),
            ("Target", self.target, "mg/cm²"),
            ("Deviation", self.deviation, "%"),
        ):
            label = QLabel(caption)
            label.setObjectName("caption")
            row.addWidget(label)
            row.addWidget(widget)
            unit_label = QLabel(unit)
            unit_label.setObjectName("unit")
            row.addWidget(unit_label)
            row.addSpacing(8)
        row.addWidget(self.deviation_bar, 1)

    @property
    def tolerance(self) -> float:
        return self.deviation_bar.tolerance

    def update_from(self, snapshot: Snapshot | None, areal_mass: ValueLabel) -> None:
        self.speed.update_from(snapshot)
        self.target.update_from(snapshot)
        if snapshot is None:
            self.deviation.show_value(math.nan)
            self.deviation_bar.set_value(math.nan)
            return
        name = "areal_mass_mg_cm2"
        actual, target = snapshot.value(name), snapshot.value("areal_mass_target_mg_cm2")
        good = snapshot.is_good(name) and math.isfinite(actual)
        deviation = (actual - target) / target * 100.0 if good and target > 0 else math.nan
        tolerance = snapshot.value("areal_mass_tolerance_pct")
        if math.isfinite(tolerance) and tolerance != self.deviation_bar.tolerance:
            self.deviation_bar.tolerance = tolerance
            self.deviation_bar.update()
        beyond = math.isfinite(deviation) and abs(deviation) > self.deviation_bar.tolerance
        areal_mass.show_value(actual, good=good, abnormal=beyond)
        self.deviation.show_value(deviation, abnormal=beyond)
        self.deviation_bar.set_value(deviation)


class OverviewScreen(Screen):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("screenArea")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.blocks: dict[str, EquipmentBlock] = {}
        line = QHBoxLayout()
        line.setSpacing(0)
        line.addStretch(1)
        self.pipes: list[Pipe] = []
        for index, (column, pipe_y) in enumerate(COLUMNS):
            if index:
                self.pipes.append(Pipe("right", pipe_y))
                line.addWidget(self.pipes[-1])
            line.addLayout(self._column(column))
        line.addStretch(1)
        layout.addStretch(1)  # a tall window centres the drawing instead of stretching it
        layout.addLayout(line)
        self.recycle = RecycleLine()
        layout.addWidget(self.recycle)
        layout.addStretch(1)
        self.gauge = TargetStrip(context)
        layout.addWidget(self.gauge)
        self.commands = CommandBar(context)
        layout.addWidget(self.commands)
        self.faceplate: FaceplateDialog | None = None

    def _column(self, spec: tuple[str, ...]) -> QVBoxLayout:
        """Blocks stacked in flow order; "↓" / "↑" between two of them draw the flow."""
        column = QVBoxLayout()
        column.setSpacing(0)
        for item in spec:
            if item in ("down", "up"):
                column.addWidget(Pipe(item))
            elif item == "|":
                column.addStretch(1)
            else:
                column.addWidget(self._block(item))
        return column

    def _block(self, key: str) -> EquipmentBlock:
        block = EquipmentBlock(BY_KEY[key])
        block.setMaximumWidth(BLOCK_MAX_PX)
        block.tapped.connect(self.open_faceplate)
        self.blocks[key] = block
        return block

    def open_faceplate(self, key: str) -> FaceplateDialog:
        """The faceplate of equipment `key` (window-modal, non-blocking)."""
        if self.faceplate is not None:
            self.faceplate.reject()
        dialog = FaceplateDialog(BY_KEY[key], self.context, self.window())
        dialog.finished.connect(self._faceplate_closed)
        self.faceplate = dialog
        dialog.open()
        dialog.refresh(self.context.service.snapshot())
        return dialog

    def _faceplate_closed(self) -> None:
        dialog, self.faceplate = self.faceplate, None
        if dialog is not None:
            dialog.deleteLater()

    # ----- lookups (tests, other screens) -----
    def field(self, name: str) -> ValueLabel | SetpointButton:
        """The widget showing a tag on this screen."""
        for widget in (self.gauge.speed, self.gauge.target, self.gauge.deviation):
            if widget.name == name:
                return widget
        for block in self.blocks.values():
            for value in block.values:
                if value.name == name:
                    return value.value
        if name == RECYCLE_TAG:
            return self.recycle.value.value
        raise KeyError(f"no field for {name!r} on the overview")

    def bar(self, name: str) -> AnalogBar:
        for block in self.blocks.values():
            for indicator, _ in block.bars:
                if indicator.bar.tag == name:
                    return indicator
        raise KeyError(f"no bar for {name!r} on the overview")

    def unit_label(self, name: str) -> QLabel:
        for block in self.blocks.values():
            for value in block.values:
                if value.name == name:
                    return value.unit
        raise KeyError(f"no unit for {name!r} on the overview")

    def setpoint(self, name: str) -> SetpointButton:
        widget = self.field(name)
        if not isinstance(widget, SetpointButton):
            raise KeyError(f"{name!r} is not a setpoint entry on the overview")
        return widget

    def update_from(self, snapshot: Snapshot | None) -> None:
        for block in self.blocks.values():
            block.update_from(snapshot)
        self.recycle.value.update_from(snapshot)
        self.gauge.update_from(snapshot, self.field("areal_mass_mg_cm2"))  # type: ignore[arg-type]
        self.commands.update_from(snapshot)
        mixer, nip = self.blocks["mixer"], self.blocks["nip"]
        self.recycle.set_ends(
            mixer.geometry().center().x() - self.recycle.x(),
            nip.geometry().center().x() - self.recycle.x(),
        )
        laminate = self.blocks["laminate"].geometry()
        last = self.pipes[-1]
        y = laminate.top() + 46.0 - last.y()
        if last.pipe_y != y:
            last.pipe_y = y
            last.update()
        if self.faceplate is not None:
            self.faceplate.refresh(snapshot)
