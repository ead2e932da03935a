"""The header, two rows:

- status: line state, mode, recipe, user · role with login / switch / logout, clock and loop
  health;
- the alarm banner across the whole width, so the most urgent alarm's text has room.

Tiles have fixed or elided widths: nothing jumps when a value gains a digit, and a long recipe
or user name is cut with "…" (a tap shows it whole) instead of squeezing the banner.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi.runtime.snapshot import Snapshot, TickStats
from hmi.security.session import Session
from hmi.ui.alarm_banner import AlarmBanner
from hmi.ui.elided import ElidedLabel
from hmi.ui.theme import set_state

NO_DATA = "NO DATA"
STATUS_HEIGHT = 56
HEADER_HEIGHT = 4 + STATUS_HEIGHT + 4 + 52 + 6  # margins, status row, spacing, banner


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


def _value_font(base: QFont) -> QFont:
    """The theme's header value font (19 px, semi-bold): widths are measured in it before
    the style sheet has polished the label."""
    font = QFont(base)
    font.setPixelSize(19)
    font.setWeight(QFont.Weight.DemiBold)
    return font


class _Tile(QWidget):
    """A small caption over a value. `widest`: the longest value it shows (fixed width);
    None: the value elides to whatever room the header gives it."""

    tapped = Signal(str, str)  # caption, whole value (shown when the value is elided)

    def __init__(
        self,
        caption: str,
        widest: str | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.caption = QLabel(caption.upper())
        self.caption.setObjectName("headerCaption")
        self.value = ElidedLabel(NO_DATA, mode=mode)
        self.value.setObjectName("headerValue")
        self.value.tapped.connect(lambda: self.tapped.emit(caption, self.value.text()))
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        if widest is not None:
            metrics = QFontMetrics(_value_font(self.value.font()))
            self.setFixedWidth(metrics.horizontalAdvance(widest) + 16)

    def set(self, text: str, state: str = "normal") -> None:
        if self.value.text() != text:
            self.value.setText(text)
            self.value.update()
        set_state(self.value, state)


class HeaderBar(QFrame):
    login_requested = Signal()  # log in, or switch user while someone is logged in
    logout_requested = Signal()
    detail_requested = Signal(str, str)  # (caption, whole text) of an elided tile

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
        self.setFixedHeight(HEADER_HEIGHT)
        self._session = (lambda: session) if isinstance(session, Session) else session
        self._clock = clock
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 4, 12, 6)
        outer.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(10)
        outer.addLayout(row)

        self.state = _Tile("Line", "STOPPING")
        self.mode = _Tile("Mode", "MANUAL")
        self.recipe = _Tile("Recipe")
        self.user = _Tile("User", mode=Qt.TextElideMode.ElideRight)  # the name stays whole
        for tile in (self.recipe, self.user):
            tile.tapped.connect(self.detail_requested.emit)
        metrics = QFontMetrics(_value_font(self.user.value.font()))
        self.user.setMinimumWidth(metrics.horizontalAdvance("user · Operator"))
        self.login_button = self._button("Log in", self.login_requested.emit)
        self.logout_button = self._button("Log out", self.logout_requested.emit)
        self._with_login = with_login
        self._shown: Session | None = None

        right = QVBoxLayout()
        right.setSpacing(0)
        self.clock = QLabel("--:--:--")
        self.clock.setObjectName("headerClock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.health = QLabel("loop p99 0.0 ms · overruns 0")
        self.health.setObjectName("headerSmall")
        self.health.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.health.setMinimumWidth(self.health.sizeHint().width())
        self.health.setText("")
        right.addWidget(self.clock)
        right.addWidget(self.health)

        row.addWidget(self.state)
        row.addWidget(self.mode)
        row.addWidget(self.recipe, 1)
        row.addWidget(self.user, 1)
        for button in (self.login_button, self.logout_button):
            row.addWidget(button)
        row.addLayout(right)

        self.banner = AlarmBanner()
        self.alarms = self.banner.text  # the banner's text: the most urgent alarm
        outer.addWidget(self.banner)
        for button in (self.login_button, self.logout_button):
            button.setVisible(with_login)  # once parented: never a window

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
        self.user.set(session.text)
        if self._with_login:
            self.login_button.setText("Switch" if session.logged_in else "Log in")
            self.logout_button.setVisible(session.logged_in)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.show_session()
        if snapshot is None:
            for tile in (self.state, self.mode, self.recipe):
                tile.set(NO_DATA, "bad")
            self.banner.update_from(None)
            self._set_clock(self._clock() if self._clock else "--:--:--")
            return
        line_state = snapshot.sequence.line_state if snapshot.sequence.sequence else ""
        if line_state in ("starting", "stopping"):
            self.state.set(line_state.upper(), "deviation" if snapshot.sequence.held else "normal")
        else:
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
