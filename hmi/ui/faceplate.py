"""One faceplate design for every piece of equipment (a feeder, the mixer, the nip, the gauge):
its values, its setpoints (keypad; the service checks the role), its active alarms with
Acknowledge, a small live trend, and the control mode.

What goes on it is the equipment table's entry (hmi/ui/equipment.py); equipment-specific
extras (the nip's gap-controller terms) are named there and built from `EXTRAS`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from hmi.core.tags import TAGS
from hmi.runtime.snapshot import Snapshot
from hmi.runtime.trend_range import TimeRange
from hmi.security import Action
from hmi.ui.access import apply_session, bind
from hmi.ui.alarm_banner import banner_text
from hmi.ui.chart import TrendChart
from hmi.ui.keypad import error_text
from hmi.ui.manual_entry import ManualEntry
from hmi.ui.mimic_parts import AlarmMarker, alarms_on
from hmi.ui.screen import ScreenContext
from hmi.ui.sections import ControllerView
from hmi.ui.theme import set_active
from hmi.ui.widgets import TagForm, dialog_button

TREND_WINDOW_S = 300.0
TREND_EVERY_S = 0.5  # the small trend redraws twice a second at most
ALARM_ROWS = 3
EXTRAS: dict[str, Callable[[], QWidget]] = {"nip": ControllerView}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class MiniTrend(TrendChart):
    """The last five minutes of one tag: the Trends screen's chart, compact (no cursor, no
    markers row), on clock time."""

    def __init__(self, name: str) -> None:
        super().__init__(compact=True)
        self.name = name
        self.setMinimumHeight(150)
        self.set_pens((name,))
        self.points = 0

    def redraw(self, wall: np.ndarray, values: np.ndarray) -> None:
        """`wall`: clock times (Unix s) of `values`; the range ends at the newest."""
        if wall.size:
            self.set_range(TimeRange.last(TREND_WINDOW_S, float(wall[-1])))
            self.set_series({self.name: (wall, values)})
        self.points = int(wall.size)


class FaceplateDialog(QDialog):
    def __init__(self, equipment, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.equipment = equipment
        self.context = context
        self.setObjectName("faceplate")
        self.setWindowTitle(equipment.title)
        self.setModal(True)
        if parent is not None:  # fills most of the panel, whatever its size
            self.resize(min(parent.width() - 40, 1100), min(parent.height() - 60, 640))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)
        top = QHBoxLayout()
        title = QLabel(equipment.title)
        title.setObjectName("keypadTitle")
        top.addWidget(title, 1)
        self.close_button = dialog_button("Close", top)
        self.close_button.clicked.connect(lambda _c=False: self.reject())
        outer.addLayout(top)
        body = QHBoxLayout()
        body.setSpacing(14)
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        sided = equipment.columns == 2  # one row per quantity, OS | DS side by side
        self.form = TagForm(columns=2 if sided else 1)
        if sided:
            self.form.column_titles("OS", "DS")
        names = [n for n in equipment.shown + equipment.detail if n not in equipment.setpoints]
        for name in names:
            twin = name.replace("_os_", "_ds_")
            if "_ds_" in name and name.replace("_ds_", "_os_") in names:
                continue  # shown beside its operator side
            source = "correction" if name in equipment.corrections else "value"
            if sided and twin != name and twin in names:
                caption = _cap(TAGS[name].description.replace(", operator side", ""))
                self.form.add(name, twin, caption=caption, source=source)
            else:
                self.form.add(name, caption=_cap(TAGS[name].description), source=source)
        self.setpoints = {
            name: self.form.add_setpoint(name, self._write, self._notify)
            for name in equipment.setpoints
        }
        self.manual = [
            ManualEntry(what, context.service, self._notify) for what in equipment.manual
        ]
        if sided and len(self.manual) == 2:
            self.form.add_row("Manual gap", self.manual)
        else:
            for entry in self.manual:
                self.form.add_row(entry.caption, [entry])
        left.addWidget(self.form)
        self.extra = EXTRAS[equipment.key]() if equipment.key in EXTRAS else None
        if self.extra is not None:
            left.addWidget(self.extra)
        left.addStretch(1)
        body.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self._title("Alarms"))
        self.alarm_rows = [self._alarm_row(right) for _ in range(ALARM_ROWS)]
        self.no_alarms = QLabel("No active alarms on this equipment")
        self.no_alarms.setObjectName("caption")
        right.addWidget(self.no_alarms)
        actions = QHBoxLayout()
        self.ack_button = dialog_button("Acknowledge", actions)
        bind(self.ack_button, Action.ALARM_ACKNOWLEDGE)
        self.ack_button.clicked.connect(lambda _c=False: self.acknowledge())
        actions.addStretch(1)
        right.addLayout(actions)
        right.addWidget(self._title("Control mode"))
        modes = QHBoxLayout()
        self.auto_button = dialog_button("AUTO", modes)
        self.manual_button = dialog_button("MANUAL", modes)
        for button, mode in ((self.auto_button, "auto"), (self.manual_button, "manual")):
            bind(button, Action.LINE_MODE)
            button.clicked.connect(lambda _c=False, m=mode: self._set_mode(m))
        modes.addStretch(1)
        right.addLayout(modes)
        self.mode_note = QLabel(
            "Auto: the feedback loops correct gap and feed. Manual: the operator sets the gap "
            "per side and the total feed here; switching back is bumpless."
        )
        self.mode_note.setObjectName("caption")
        self.mode_note.setWordWrap(True)
        right.addWidget(self.mode_note)
        self.trend = MiniTrend(equipment.trend) if equipment.trend else None
        if self.trend is not None:
            right.addWidget(self._title(f"Last 5 min: {TAGS[equipment.trend].description}"))
            right.addWidget(self.trend, 1)
        else:
            right.addStretch(1)
        body.addLayout(right, 2)
        self.message = QLabel("")
        self.message.setObjectName("statusLine")
        self.message.setFixedHeight(26)  # reserved: a message never moves a button
        outer.addWidget(self.message)
        self._next_trend_s = 0.0
        self.shown_alarms: list[str] = []
        apply_session(self, context.service.session)

    # ----- building -----
    def _title(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("groupTitle")
        return label

    def _alarm_row(self, column: QVBoxLayout) -> tuple[QFrame, AlarmMarker, QLabel]:
        frame = QFrame()
        row = QHBoxLayout(frame)
        row.setContentsMargins(0, 0, 0, 0)
        marker = AlarmMarker()
        text = QLabel("")
        text.setWordWrap(True)
        row.addWidget(marker, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(text, 1)
        column.addWidget(frame)
        frame.hide()
        return frame, marker, text

    # ----- actions (the service checks, audits and says no) -----
    def _write(self, name: str, value: float, confirmed: bool = False) -> float:
        return self.context.service.write_setpoint(name, value, confirmed=confirmed)

    def _notify(self, message: str, is_error: bool) -> None:
        self.message.setText(message)
        self.context.notify(message, is_error)

    def _set_mode(self, mode: str) -> None:
        self._call(f"Mode {mode.upper()}", partial(self.context.service.set_mode, mode))

    def acknowledge(self) -> None:
        """Acknowledge this equipment's unacknowledged alarms (journaled by the runtime)."""
        snapshot = self.context.service.snapshot()
        names = [a.name for a in alarms_on(snapshot, self.equipment.tags) if a.unacknowledged]
        if not names:
            self._notify("No alarm to acknowledge on this equipment", False)
            return
        self._call("Acknowledge", partial(self.context.service.acknowledge_alarms, names))

    def _call(self, what: str, call: Callable[[], object]) -> None:
        try:
            call()
        except Exception as exc:  # refused by the service: say why, never crash
            self._notify(f"{what}: {error_text(exc)}", True)
            return
        self._notify(f"{what}: sent", False)

    def field(self, name: str) -> QWidget:
        """The widget showing tag (or controller term) `name` on this faceplate."""
        bound = list(self.form.bound) + list(getattr(self.extra, "labels", ()))
        for widget in bound:
            if widget.name == name:
                return widget
        raise KeyError(f"no field for {name!r} on the {self.equipment.title} faceplate")

    # ----- refresh -----
    def refresh(self, snapshot: Snapshot | None) -> None:
        self.form.update_from(snapshot)
        for button in self.setpoints.values():
            button.update_from(snapshot)
        if self.extra is not None:
            for label in getattr(self.extra, "labels", ()):
                label.update_from(snapshot)
            self.extra.update_from(snapshot)
        alarms = alarms_on(snapshot, self.equipment.tags)
        self.shown_alarms = [a.name for a in alarms]
        for index, (frame, marker, text) in enumerate(self.alarm_rows):
            alarm = alarms[index] if index < len(alarms) else None
            frame.setVisible(alarm is not None)
            if alarm is not None:
                marker.show_alarms([alarm])
                state = "" if alarm.unacknowledged else " (acknowledged)"
                text.setText(banner_text(alarm) + state)
        self.no_alarms.setVisible(not alarms)
        mode = snapshot.mode if snapshot is not None else ""
        set_active(self.auto_button, mode == "auto")
        set_active(self.manual_button, mode == "manual")
        if self.trend is not None and snapshot is not None:
            now = snapshot.t_s
            if now >= self._next_trend_s or self.trend.points == 0:
                self._next_trend_s = now + TREND_EVERY_S
                t, columns = self.context.trend.window(TREND_WINDOW_S, (self.trend.name,))
                offset = snapshot.wall_time - snapshot.t_s  # runtime clock -> clock time
                self.trend.redraw(t + offset, columns[self.trend.name])
