"""Manual mode on a faceplate: the operator drives the gap per side or the total feed on the
keypad. The service checks the role (line.manual), that the line is in Manual, the range, and
audits; the button shows the command in force (or ---- while none is set)."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from hmi.core.tags import Tag, tag
from hmi.runtime.service import LineService
from hmi.runtime.snapshot import Snapshot
from hmi.security import Action
from hmi.ui.access import bind
from hmi.ui.keypad import KeypadDialog

# what: (caption, the tag whose range and unit the entry takes, snapshot.manual field)
MANUAL: dict[str, tuple[str, str, str]] = {
    "gap_os": ("Manual gap, operator side", "gap_os_sp_um", "gap_os_um"),
    "gap_ds": ("Manual gap, drive side", "gap_ds_sp_um", "gap_ds_um"),
    "feed": ("Manual total feed", "feed_total_sp_kg_h", "feed_total_kg_h"),
}


class ManualEntry(QPushButton):
    def __init__(
        self,
        what: str,
        service: LineService,
        notify: Callable[[str, bool], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("----", parent)
        self.what = what
        self.caption, name, self._field = MANUAL[what]
        self.name = f"manual_{what}"
        base = tag(name)
        self.definition = Tag(
            name, base.unit, self.caption, base.low, base.high, base.kind, decimals=base.decimals
        )
        self.current = math.nan
        self.active_dialog: KeypadDialog | None = None
        self._service, self._notify = service, notify
        self.setObjectName("setpoint")
        self.setMinimumHeight(44)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        bind(self, Action.LINE_MANUAL)
        self.clicked.connect(self.open_keypad)

    def open_keypad(self) -> KeypadDialog:
        dialog = KeypadDialog(self.definition, self.current, self._write, self.window())
        dialog.finished.connect(lambda _r: setattr(self, "active_dialog", None))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _write(self, value: float) -> None:
        service = self._service
        if self.what == "feed":
            sent = service.set_manual_feed(value)
        else:
            sent = service.set_manual_gap(self.what.removeprefix("gap_"), value)
        d = self.definition
        self._notify(f"{d.description}: {d.format(sent)} {d.unit} sent", False)

    def update_from(self, snapshot: Snapshot | None) -> None:
        manual = snapshot.manual if snapshot is not None else None
        value = getattr(manual, self._field, None) if manual is not None else None
        if value is None and snapshot is not None:  # none set yet: the output in force
            value = snapshot.value(self.definition.name)
        self.current = math.nan if value is None else float(value)
        text = self.definition.format(self.current)
        if text != self.text():
            self.setText(text)
