"""Tag-bound widgets: each knows its tag's name and takes its unit, range, decimals and
description from the registry. Screens place them; a snapshot updates them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hmi.core.tags import Tag, tag
from hmi.runtime.service import ConfirmationNeeded
from hmi.runtime.snapshot import Snapshot
from hmi.security.permissions import setpoint_action
from hmi.ui.access import bind
from hmi.ui.keypad import KeypadDialog
from hmi.ui.theme import set_state

NO_VALUE = "----"
VALUE_MIN_WIDTH = 96
Source = Literal["value", "correction"]
Notify = Callable[[str, bool], None]  # (message, is_error)


def describe(definition: Tag) -> str:
    """Tooltip text: the registry's description, name and range."""
    return (
        f"{definition.description}\n{definition.name}: "
        f"{definition.low:g} to {definition.high:g} {definition.unit}".rstrip()
    )


def brief(name: str) -> str:
    """The registry description up to its first comma ("Roll gap, drive side" -> "Roll gap")."""
    return tag(name).description.split(",", 1)[0]


class ValueLabel(QLabel):
    """One live value: formatted with the tag's decimals; bad quality or NaN shows ``----``
    in the abnormal (magenta) style. Text and style are touched only when they change."""

    def __init__(
        self,
        name: str,
        *,
        source: Source = "value",
        definition: Tag | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(NO_VALUE, parent)
        self.name = name
        self.definition = definition or tag(name)
        self.source = source
        self.setObjectName("value")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setMinimumWidth(VALUE_MIN_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(describe(self.definition))
        set_state(self, "bad")

    def update_from(self, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            self.show_value(math.nan, good=False)
        elif self.source == "correction":
            self.show_value(snapshot.corrections.get(self.name, math.nan))
        else:
            self.show_value(snapshot.value(self.name), good=snapshot.is_good(self.name))

    def show_value(self, value: float, *, good: bool = True, abnormal: bool = False) -> None:
        """Show `value`; `abnormal` marks a good value beyond its tolerance (amber)."""
        text = self.definition.format(value) if good else NO_VALUE
        if text != self.text():
            self.setText(text)
        if text == NO_VALUE:
            set_state(self, "bad")
        else:
            set_state(self, "deviation" if abnormal else "normal")


class SetpointButton(QPushButton):
    """A setpoint the operator may change: shows the current value; a tap (or Enter/Space when
    focused) opens the numeric keypad, which writes through `writer` (the service)."""

    def __init__(
        self,
        name: str,
        writer: Callable[[str, float], float],
        notify: Notify,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(NO_VALUE, parent)
        self.name = name
        self.definition = tag(name)
        self.current = math.nan
        self.active_dialog: KeypadDialog | None = None
        self._asked = math.nan  # the value a large-change question was asked for
        self._writer = writer
        self._notify = notify
        self.setObjectName("setpoint")
        self.setFocusPolicy(
            Qt.FocusPolicy.TabFocus
        )  # a tap leaves no frame that looks like a state
        self.setMinimumWidth(VALUE_MIN_WIDTH)
        self.setMinimumHeight(44)
        self.setToolTip(describe(self.definition) + "\nTap to enter a new value")
        bind(self, setpoint_action(name))  # disabled for roles that may not write the tag
        self.clicked.connect(self.open_keypad)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.current = math.nan if snapshot is None else snapshot.value(self.name)
        text = self.definition.format(self.current)
        if text != self.text():
            self.setText(text)
        set_state(self, "bad" if text == NO_VALUE else "normal")

    def open_keypad(self) -> KeypadDialog:
        """Open the keypad (window-modal, non-blocking); returns it for scripted use."""
        dialog = KeypadDialog(self.definition, self.current, self._write, self.window())
        dialog.finished.connect(self._closed)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _write(self, value: float) -> None:
        """A large change asks first (the service says when): the keypad shows the question
        and a second OK with the same value confirms it."""
        confirmed = self._asked == value
        try:
            if confirmed:
                sent = self._writer(self.name, value, confirmed=True)  # type: ignore[call-arg]
            else:
                sent = self._writer(self.name, value)
        except ConfirmationNeeded as exc:
            self._asked = value
            raise ConfirmationNeeded(f"{exc} Press OK again to confirm.") from None
        self._asked = math.nan
        d = self.definition
        self._notify(f"{d.description}: {d.format(sent)} {d.unit} sent", False)

    def _closed(self) -> None:
        dialog, self.active_dialog = self.active_dialog, None
        if dialog is not None:
            dialog.deleteLater()


class Panel(QFrame):
    """A titled section of the line (FEEDERS, NIP 1, …)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(12, 8, 12, 10)
        self.body.setSpacing(6)
        heading = QLabel(title.upper())
        heading.setObjectName("panelTitle")
        self.body.addWidget(heading)


class TagForm(QWidget):
    """Rows of caption | value(s) | unit, aligned in a grid. `update_from` refreshes every
    bound widget. Several value columns show one quantity per side (OS | DS)."""

    def __init__(
        self, columns: int = 1, *, stacked: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.columns = columns
        self.stacked = stacked  # caption on its own line above the value (narrow panels)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(7)
        # Captions take the spare width; stacked forms keep everything left and pad the right.
        self.grid.setColumnStretch(columns + 1 if stacked else 0, 1)
        self.bound: list[ValueLabel | SetpointButton] = []
        self.units: dict[str, QLabel] = {}  # by tag name, for every bound widget
        self._row = 0

    def heading(self, text: str) -> None:
        label = QLabel(text)
        label.setObjectName("groupTitle")
        self.grid.addWidget(label, self._row, 0, 1, -1)
        self._row += 1

    def column_titles(self, *titles: str) -> None:
        for column, text in enumerate(titles, start=1):
            label = QLabel(text)
            label.setObjectName("columnTitle")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            self.grid.addWidget(label, self._row, column)
        self._row += 1

    def add(
        self,
        *names: str,
        caption: str | None = None,
        source: Source = "value",
        definition: Tag | None = None,
    ) -> list[ValueLabel]:
        """One row of live values; caption and unit come from the first tag's registry entry."""
        labels = [ValueLabel(n, source=source, definition=definition) for n in names]
        self.add_row(caption, labels)
        return labels

    def add_setpoint(
        self,
        name: str,
        writer: Callable[[str, float], float],
        notify: Notify,
        caption: str | None = None,
    ) -> SetpointButton:
        button = SetpointButton(name, writer, notify)
        self.add_row(caption, [button])
        return button

    def add_row(self, caption: str | None, widgets: Sequence[ValueLabel | SetpointButton]) -> None:
        definition = widgets[0].definition
        text = QLabel(caption or definition.description)
        text.setObjectName("caption")
        text.setWordWrap(True)
        text.setToolTip(describe(definition))
        # The first value column; a row with fewer values than columns aligns them right.
        first = (0 if self.stacked else 1) + self.columns - len(widgets)
        if self.stacked:
            self.grid.addWidget(text, self._row, 0, 1, self.columns + 1)
            self._row += 1
        else:  # the caption also takes the value columns this row leaves empty
            self.grid.addWidget(text, self._row, 0, 1, first)
        unit = QLabel(definition.unit)
        unit.setObjectName("unit")
        unit.setMinimumWidth(unit.sizeHint().width())
        for column, widget in enumerate(widgets, start=first):
            self.grid.addWidget(widget, self._row, column)
            self.bound.append(widget)
            self.units[widget.name] = unit
        self.grid.addWidget(unit, self._row, first + len(widgets))
        self._row += 1

    def add_wide(self, widget: QWidget) -> None:
        """A widget across the whole form (an indicator under the values it belongs to)."""
        self.grid.addWidget(widget, self._row, 0, 1, -1)
        self._row += 1

    def stretch(self) -> None:
        self.grid.setRowStretch(self._row, 1)

    def update_from(self, snapshot: Snapshot | None) -> None:
        for widget in self.bound:
            widget.update_from(snapshot)


def add_touch_button(row: QHBoxLayout, text: str, handler: Callable[[], object]) -> QPushButton:
    """A 48 px push button added to `row` that calls `handler()`; no focus ring on a panel."""
    button = QPushButton(text)
    button.setMinimumHeight(48)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda _checked=False: handler())
    row.addWidget(button)
    return button


def cancel_and_primary(row: QHBoxLayout, dialog, primary: str, confirm) -> QPushButton:  # noqa: ANN001
    """A dialog's Cancel (rejects) and its primary button (calls `confirm`), added to `row`;
    returns the primary one."""
    dialog_button("Cancel", row).clicked.connect(dialog.reject)
    ok = dialog_button(primary, row)
    ok.clicked.connect(confirm)
    return ok


def dialog_button(text: str, row: QHBoxLayout) -> QPushButton:
    """A dialog's large touch button (keypad-sized), added to `row`; no focus ring."""
    button = QPushButton(text)
    button.setObjectName("keypadAction")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    row.addWidget(button)
    return button
