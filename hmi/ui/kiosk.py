"""Kiosk panel (`hmi --kiosk`): full screen, frameless, no way out for an operator.

Closing the window (the window manager's close, Alt+F4, Ctrl+Q / Ctrl+W) is refused and opens
the "Leave the panel" dialog instead: an Administrator logs in there with the on-screen
keyboard, and only then does the program end. The check is the security service's
(`panel.exit`, Administrator only; refusals and wrong passwords are audited and count toward
lockout), not the dialog's. Minimising is undone at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from hmi.security import Action, SecurityService, Session
from hmi.ui.touchform import Field, TouchFormDialog

# Key combinations that close a window in some desktop or toolkit; all are taken over here.
CLOSE_KEYS = (
    (Qt.KeyboardModifier.AltModifier, Qt.Key.Key_F4),
    (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Q),
    (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_W),
)


def confirm_exit(security: SecurityService, user: str, password: str) -> Session:
    """Log `user` in and check they may leave the panel; raises (audited) otherwise."""
    session = security.login(user, password)
    security.authorize(session, Action.PANEL_EXIT)
    return session


def exit_dialog(security: SecurityService, parent: QWidget | None = None) -> TouchFormDialog:
    dialog = TouchFormDialog(
        "Leave the panel",
        [Field("user", "Administrator"), Field("password", "Password", secret=True)],
        lambda v: confirm_exit(security, v["user"].strip(), v["password"]),
        info="This panel runs in kiosk mode. Only an Administrator can close it: log in "
        "to confirm.",
        primary="Close the HMI",
        parent=parent,
    )
    dialog.keep_on_session_change = True
    return dialog


class Kiosk(QObject):
    """Holds `window` full screen and frameless; `allowed` becomes True once an Administrator
    has confirmed, and only then may the window close."""

    def __init__(self, window: QMainWindow, security: SecurityService | None) -> None:
        super().__init__(window)
        self.window = window
        self.security = security
        self.allowed = False
        self.dialog: TouchFormDialog | None = None
        self.refused = 0  # close attempts refused so far (tests, the status line)
        window.setWindowFlags(
            window.windowFlags()
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        window.setProperty("kiosk", True)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # the close keys, whichever widget has the focus

    def show(self) -> None:
        self.window.showFullScreen()

    def request_exit(self) -> None:
        """Refuse to close; open the Administrator's dialog (once)."""
        self.refused += 1
        if self.dialog is not None:
            return
        notify = getattr(self.window, "notify", None)
        if self.security is None:
            if notify is not None:
                notify("Kiosk panel: it cannot be closed here", True)
            return
        self.dialog = exit_dialog(self.security, self.window)
        self.dialog.accepted.connect(self._leave)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()

    def _dialog_closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _leave(self) -> None:
        self.allowed = True
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            QTimer.singleShot(0, app.quit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        kind = event.type()
        if kind == QEvent.Type.Close and watched is self.window and not self.allowed:
            assert isinstance(event, QCloseEvent)
            event.ignore()
            self.request_exit()
            return True
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and not self.allowed:
            assert isinstance(event, QKeyEvent)
            combo = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier, event.key())
            if any(combo == (mods, key) for mods, key in CLOSE_KEYS):
                if kind == QEvent.Type.KeyPress:
                    self.request_exit()
                event.accept()
                return True
        if kind == QEvent.Type.WindowStateChange and watched is self.window:
            if not self.allowed and self.window.isMinimized():
                QTimer.singleShot(0, self.window.showFullScreen)
        return super().eventFilter(watched, event)
