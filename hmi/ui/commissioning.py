"""Commissioning screen: the fieldbus link as a maintenance technician checks it.

Top: link state, profile, endpoint, poll cycle, request round trip p50/p99, timeouts, retries,
reconnects. Middle: the I/O list — every mapped tag with its address, raw and engineering
value, quality and age. Bottom: the loop check — force one output, only with the line stopped,
by an Engineer (the service checks and audits; the buttons only follow it). Everyone who can
see the panel can read this screen.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
)

from hmi.core.process import Quality
from hmi.core.tags import TAGS
from hmi.hardware.fieldbus import IoRow, LinkDiagnostics
from hmi.runtime.snapshot import Snapshot
from hmi.security.permissions import Action
from hmi.ui.access import bind
from hmi.ui.alarm_models import _RowsModel
from hmi.ui.keypad import KeypadDialog, error_text
from hmi.ui.picker import ChoicePicker
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.widgets import Panel, add_touch_button

Index = QModelIndex | QPersistentModelIndex
QUALITY_TEXT = {Quality.GOOD: "good", Quality.UNCERTAIN: "uncertain", Quality.BAD: "BAD"}
STATE_TEXT = {"connected": "CONNECTED", "connecting": "CONNECTING…", "lost": "LINK LOST"}


def _number(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}" if math.isfinite(value) else "----"


def _age(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "never"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.0f} s"


class IoModel(_RowsModel):
    COLUMNS = ("Tag", "Description", "Address", "Dir", "Raw", "Value", "Unit", "Quality", "Age")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[IoRow] = []

    def data(self, index: Index, role: int = 0) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        tag = TAGS[row.tag]
        raw = _number(row.raw, 0 if abs(row.raw) >= 100 else 3)
        cells = (
            row.tag,
            tag.description,
            row.address,
            ("out" if row.direction == "write" else "in") + (" FORCED" if row.forced else ""),
            raw,
            _number(row.value, tag.decimals),
            tag.unit,
            QUALITY_TEXT[row.quality],
            _age(row.age_s),
        )
        return cells[index.column()]


class CommissioningScreen(Screen):
    def __init__(self, context: ScreenContext, parent=None) -> None:
        super().__init__(context, parent)
        self.commissioning = context.commissioning
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)

        link = Panel("Fieldbus link")
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.fields: dict[str, QLabel] = {}
        captions = (
            ("state", "Link"), ("profile", "Profile"), ("endpoint", "Endpoint"),
            ("cycle", "Poll cycle"), ("rtt", "Round trip p50 / p99"),
            ("counts", "Timeouts · retries · reconnects"), ("losses", "Link losses"),
            ("reason", "Last fault"), ("priority", "Control loop"),
        )  # fmt: skip
        for i, (key, caption) in enumerate(captions):
            label = QLabel(caption)
            label.setObjectName("caption")
            value = QLabel("----")
            value.setObjectName("linkField")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            # long endpoints and fault texts must never widen the window past a 1024 px panel
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            value.setStyleSheet("font-weight: bold;")
            value.setWordWrap(True)
            grid.addWidget(label, i // 4 * 2, i % 4)
            grid.addWidget(value, i // 4 * 2 + 1, i % 4)
            self.fields[key] = value
        for column in range(4):
            grid.setColumnStretch(column, 1)
        link.body.addLayout(grid)
        layout.addWidget(link)

        self.model = IoModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        check = QHBoxLayout()
        caption = QLabel("Loop check:")
        check.addWidget(caption)
        outputs = [r.tag for r in self._rows() if r.direction == "write"]
        self.output_picker = ChoicePicker(outputs)
        self.output_picker.setMinimumHeight(48)
        self.output_picker.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        check.addWidget(self.output_picker, 1)
        self.force_button = add_touch_button(check, "Force value…", self.open_force)
        self.release_button = add_touch_button(check, "Release all", self.release_all)
        for button in (self.force_button, self.release_button):
            bind(button, Action.IO_FORCE)
        self.check_state = QLabel("")
        self.check_state.setObjectName("caption")
        check.addWidget(self.check_state)
        layout.addLayout(check)
        self.active_dialog: KeypadDialog | None = None

    def _rows(self) -> tuple[IoRow, ...]:
        diagnostics = self.commissioning.diagnostics() if self.commissioning else None
        return diagnostics.rows if diagnostics else ()

    def update_from(self, snapshot: Snapshot | None) -> None:
        if self.commissioning is not None:
            self.fields["priority"].setText(self.commissioning.control_priority or "----")
        diagnostics = self.commissioning.diagnostics() if self.commissioning else None
        if diagnostics is None:
            self._show_no_fieldbus()
            return
        self._show_link(diagnostics)
        self.model.set_rows(diagnostics.rows)
        may = self.commissioning.may_force()
        stopped = self.commissioning.line_stopped()
        for button in (self.force_button, self.release_button):
            button.setEnabled(may and stopped)
        if not may:
            self.check_state.setText("read-only: needs Engineer")
        else:
            self.check_state.setText("line stopped" if stopped else "stop the line first")

    def _show_no_fieldbus(self) -> None:
        name = self.commissioning.profile_name if self.commissioning else ""
        self.fields["state"].setText("NO FIELDBUS")
        self.fields["profile"].setText(name or "----")
        self.fields["endpoint"].setText("in-process emulated line")
        for button in (self.force_button, self.release_button):
            button.setEnabled(False)

    def _show_link(self, d: LinkDiagnostics) -> None:
        self.fields["state"].setText(STATE_TEXT.get(d.state, d.state))
        self.fields["state"].setProperty("linkState", d.state)
        self.fields["profile"].setText(f"{d.profile} ({d.driver})")
        self.fields["endpoint"].setText(d.endpoint)
        self.fields["cycle"].setText(f"{_number(d.poll_cycle_ms, 1)} ms")
        self.fields["rtt"].setText(f"{_number(d.rtt_p50_ms)} / {_number(d.rtt_p99_ms)} ms")
        self.fields["counts"].setText(f"{d.timeouts} · {d.retries} · {d.reconnects}")
        extra = "  · safe state" if d.safe_state_active else ""
        extra += "  · restart interlock" if d.restart_interlock else ""
        self.fields["losses"].setText(f"{d.comm_losses}{extra}")
        self.fields["reason"].setText(d.reason or "none")

    # ----- loop check -----
    def open_force(self) -> None:
        name = self.output_picker.current()
        if not name or self.commissioning is None:
            return
        row = next((r for r in self._rows() if r.tag == name), None)
        current = row.value if row else math.nan

        def submit(value: float) -> None:
            self.commissioning.force_output(name, value, reason="loop check")
            self.context.notify(f"{name} forced to {value:g} {TAGS[name].unit}", False)

        self.active_dialog = KeypadDialog(TAGS[name], current, submit, self)
        self.active_dialog.open()

    def release_all(self) -> None:
        if self.commissioning is None:
            return
        try:
            self.commissioning.release_all("loop check done")
            self.context.notify("loop check: forces released", False)
        except Exception as exc:  # refused in the service: say why
            self.context.notify(error_text(exc), True)
