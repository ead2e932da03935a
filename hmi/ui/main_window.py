"""The operator window: header, the screens (one shown at a time), navigation and status line.

A QTimer pulls the newest snapshot at the frame rate and updates the header and the visible
screen only. Nothing here is connected to the control loop's ticks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from hmi.runtime.service import LineService
from hmi.runtime.snapshot import Snapshot
from hmi.runtime.trend import TrendBuffer
from hmi.ui.header import HeaderBar
from hmi.ui.nav import NavBar
from hmi.ui.overview import OverviewScreen
from hmi.ui.screen import Screen, ScreenContext, ScreenFactory
from hmi.ui.theme import apply_theme, theme_applied_to_app
from hmi.ui.trends import TrendsScreen

# The screens, in navigation order. Adding a screen is one line here.
SCREENS: tuple[tuple[str, ScreenFactory], ...] = (
    ("Overview", OverviewScreen),
    ("Trends", TrendsScreen),
)
FRAME_INTERVAL_MS = 40  # ~25 Hz


class MainWindow(QMainWindow):
    def __init__(
        self,
        service: LineService,
        trend: TrendBuffer,
        clock_text: Callable[[], str] | None = None,
        *,
        screens: Sequence[tuple[str, ScreenFactory]] = SCREENS,
        interval_ms: int = FRAME_INTERVAL_MS,
    ) -> None:
        super().__init__()
        self.service = service
        self.setWindowTitle("Dry-electrode line")
        self.resize(1280, 800)
        if not theme_applied_to_app():
            apply_theme(self)

        self.header = HeaderBar(service.session, clock_text)
        self.nav = NavBar()
        self.stack = QStackedWidget()
        self.stack.setObjectName("screenArea")
        context = ScreenContext(service, trend, self.notify)
        self.screens: dict[str, Screen] = {}
        for name, factory in screens:
            screen = factory(context)
            self.screens[name] = screen
            self.stack.addWidget(screen)
            self.nav.add(name)
        self.nav.selected.connect(self.show_screen)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.nav)
        self.setCentralWidget(central)

        self._last_event = ""
        self.show_screen(screens[0][0])

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    # ----- public -----
    def refresh(self) -> None:
        """Pull the newest snapshot once; update the header and the visible screen."""
        if self.isMinimized():
            return
        snapshot: Snapshot | None = self.service.snapshot()
        self.header.update_from(snapshot)
        self.current_screen().refresh(snapshot)
        if snapshot is not None and snapshot.messages and snapshot.messages[-1] != self._last_event:
            self._last_event = snapshot.messages[-1]
            self.nav.show_status(self._last_event, self._last_event.startswith("rejected"))

    def current_screen_name(self) -> str:
        screen = self.current_screen()
        return next(name for name, s in self.screens.items() if s is screen)

    def current_screen(self) -> Screen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def show_screen(self, name: str) -> None:
        """Show a screen by name (case-insensitive) and update it at once."""
        found = {n.lower(): n for n in self.screens}.get(name.lower())
        if found is None:
            raise ValueError(f"screen: {name!r} is not one of {', '.join(self.screens)}")
        self.stack.setCurrentWidget(self.screens[found])
        self.nav.set_current(found)
        self.refresh()

    def notify(self, message: str, is_error: bool = False) -> None:
        """Show a message in the status line (errors in the abnormal style)."""
        self.nav.show_status(message, is_error)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.timer.stop()
        super().closeEvent(event)
