"""The header: line state, mode, recipe, alarm banner, user · role with login / switch /
logout, clock and loop health."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi.runtime.snapshot import Snapshot, TickStats
from hmi.security.session import Session
from hmi.ui.alarm_banner import AlarmBanner
from hmi.ui.theme import set_state

NO_DATA = "NO DATA"
USER_MAX_PX = 290  # a long user name is elided in the middle; the tooltip has it whole


def clock_text(wall_time: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(wall_time))


def health_text(timing: TickStats) -> str:
    text = f"loop p99 {timing.lateness_p99_ms:.1f} ms · overruns {timing.overruns}"
    if timing.faults:
        text += f" · faults {timing.faults}"
    return text


def health_abnormal(timing: TickStats) -> bool:
    """Ticks starting later than half a period (p99) mean the loop is starved."""
    return timing.lateness_p99_ms > 500.0 * timing.period_s


class _Tile(QWidget):
    """A small caption over a value."""

    def __init__(self, caption: str, value_name: str = "headerValue") -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        top = QLabel(caption.upper())
        top.setObjectName("headerCaption")
        self.value = QLabel(NO_DATA)
        self.value.setObjectName(value_name)
        layout.addWidget(top)
        layout.addWidget(self.value)

    def set(self, text: str, state: str = "normal") -> None:
        if self.value.text() != text:
            self.value.setText(text)
        set_state(self.value, state)


class HeaderBar(QFrame):
    login_requested = Signal()  # log in, or switch user while someone is logged in
    logout_requested = Signal()

    def __init__(
        self,
        session: Session | Callable[[], Session],
        clock: Callable[[], str] | None = None,
        parent: QWidget | None = None,
        *,
        with_login: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setFixedHeight(76)
        self._session = (lambda: session) if isinstance(session, Session) else session
        self._clock = clock
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(16)

        self.state = _Tile("Line")
        self.state.setMinimumWidth(118)
        self.mode = _Tile("Mode")
        self.mode.setMinimumWidth(90)
        self.recipe = _Tile("Recipe")
        self.banner = AlarmBanner()
        self.alarms = self.banner.text  # the banner's text: the most urgent alarm
        self.user = _Tile("User")
        self.user.setMaximumWidth(USER_MAX_PX)
        self.login_button = self._button("Log in", self.login_requested.emit)
        self.logout_button = self._button("Log out", self.logout_requested.emit)
        self._with_login = with_login
        self._shown: Session | None = None

        right = QVBoxLayout()
        right.setSpacing(0)
        self.clock = QLabel("--:--:--")
        self.clock.setObjectName("headerClock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.health = QLabel("")
        self.health.setObjectName("headerSmall")
        self.health.setAlignment(Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.clock)
        right.addWidget(self.health)

        for tile in (self.state, self.mode, self.recipe):
            layout.addWidget(tile)
        layout.addWidget(self.banner, 1)
        layout.addWidget(self.user)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.login_button)
        buttons.addWidget(self.logout_button)
        layout.addLayout(buttons)
        layout.addLayout(right)
        for button in (self.login_button, self.logout_button):  # once parented: never a window
            button.setVisible(with_login)

    def _button(self, text: str, emit: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("headerButton")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _c=False: emit())
        return button

    def show_session(self) -> None:
        """Show who is acting (only touches the widgets when the session changed)."""
        session = self._session()
        if session is self._shown:
            return
        self._shown = session
        metrics = self.user.value.fontMetrics()
        self.user.set(metrics.elidedText(session.text, Qt.TextElideMode.ElideMiddle, USER_MAX_PX))
        self.user.setToolTip(session.text)
        if self._with_login:
            self.login_button.setText("Switch" if session.logged_in else "Log in")
            self.login_button.setToolTip(
                "Log in as another user" if session.logged_in else "Log in to operate the line"
            )
            self.logout_button.setVisible(session.logged_in)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.show_session()
        if snapshot is None:
            for tile in (self.state, self.mode, self.recipe):
                tile.set(NO_DATA, "bad")
            self.banner.update_from(None)
            self._set_clock(self._clock() if self._clock else "--:--:--")
            return
        self.state.set("RUNNING" if snapshot.running else "STOPPED")
        self.mode.set(snapshot.mode.upper())
        self.recipe.set(snapshot.recipe_text, "deviation" if snapshot.recipe_modified else "normal")
        self.banner.update_from(snapshot.alarms)
        self._set_clock(self._clock() if self._clock else clock_text(snapshot.wall_time))
        health = health_text(snapshot.timing)
        if self.health.text() != health:
            self.health.setText(health)
        set_state(self.health, "deviation" if health_abnormal(snapshot.timing) else "normal")

    def _set_clock(self, text: str) -> None:
        if self.clock.text() != text:
            self.clock.setText(text)
