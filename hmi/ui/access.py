"""What the current role may use, shown on the controls; input counted as activity.

A control names the action it performs (`bind`); when the session changes, `apply_session`
enables exactly the controls the role may use, so the rest are visibly disabled. This is
presentation only: the services refuse whatever the UI shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from hmi.security import Session
from hmi.security.permissions import permission, roles_text

ACTION_PROPERTY = "hmiAction"
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.KeyPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.Wheel,
    }
)


def bind(widget: QWidget, action: str) -> None:
    """`widget` performs `action`: enabled only for roles that may."""
    widget.setProperty(ACTION_PROPERTY, action)


def bound_action(widget: QWidget) -> str | None:
    value = widget.property(ACTION_PROPERTY)
    return str(value) if value else None


def requirement(action: str) -> str:
    """'Requires Engineer or higher' for a tooltip."""
    return f"Requires {roles_text(permission(action).roles)}"


def why_disabled(action: str) -> str:
    """What a tap on a greyed control says: 'Log in as Operator or higher to start the line'."""
    found = permission(action)
    return f"Log in as {roles_text(found.roles)} to {found.description}"


def apply_session(root: QWidget, session: Session) -> None:
    """Enable the bound controls under `root` the session may use, disable the others."""
    for widget in root.findChildren(QWidget):
        action = bound_action(widget)
        if action is None:
            continue
        allowed = session.may(action)
        widget.setEnabled(allowed)
        note = "" if allowed else requirement(action)
        tip = widget.toolTip().split("\n\u26bf ", 1)[0]
        widget.setToolTip(f"{tip}\n\u26bf {note}" if note else tip)


class ActivityFilter(QObject):
    """Application-wide event filter: input events (press, key, touch, wheel) call `touch`."""

    def __init__(self, touch: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._touch = touch
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() in INPUT_EVENTS:
            self.count += 1
            self._touch()
        return False


class DisabledTapFilter(QObject):
    """Application-wide: a tap on a control greyed for the role says why, in the status line
    (a touchscreen shows no tooltips). Qt does not deliver the press to a disabled widget; the
    application's filter still sees it first."""

    def __init__(self, notify: Callable[[str, bool], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notify = notify
        self.last = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            if isinstance(watched, QWidget) and not watched.isEnabled():
                action = bound_action(watched)
                if action is not None:
                    self.last = why_disabled(action)
                    self._notify(self.last, True)
        return False
