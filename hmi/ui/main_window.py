"""The operator window: header, the screens (one shown at a time), navigation and status line.

A QTimer pulls the newest snapshot at the frame rate and updates the header and the visible
screen only. Nothing here is connected to the control loop's ticks.

With a security service the same timer checks inactivity (input anywhere in the application
counts as activity) and follows the session: on every login, logout or switch the controls
the role may not use are disabled, screens it may not open are greyed in the navigation, and
open entry dialogs are closed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from hmi.alarms.model import AlarmStatus
from hmi.quality.service import QualityService
from hmi.recipes.service import RecipeService
from hmi.runtime.commissioning import CommissioningService
from hmi.runtime.service import LineService
from hmi.runtime.snapshot import Snapshot
from hmi.runtime.trend import TrendBuffer
from hmi.runtime.trend_history import TrendHistory
from hmi.security import Action, SecurityService, Session
from hmi.ui.about import AboutInfo, AboutScreen
from hmi.ui.access import ActivityFilter, DisabledTapFilter, apply_session, requirement
from hmi.ui.alarm_detail import AlarmDetailDialog
from hmi.ui.alarms import AlarmsScreen
from hmi.ui.audit import AuditScreen
from hmi.ui.commissioning import CommissioningScreen
from hmi.ui.header import HeaderBar
from hmi.ui.keypad import KeypadDialog
from hmi.ui.login import first_run_dialog, login_dialog
from hmi.ui.messages import readable
from hmi.ui.mimic import OverviewScreen
from hmi.ui.nav import NavBar
from hmi.ui.quality import QualityScreen
from hmi.ui.recipes import RecipesScreen
from hmi.ui.screen import Screen, ScreenContext, ScreenFactory
from hmi.ui.theme import apply_theme, theme_applied_to_app
from hmi.ui.touchform import TouchFormDialog
from hmi.ui.trends import TrendsScreen
from hmi.ui.users import UsersScreen

# The screens, in navigation order. Adding a screen is one line here.
SCREENS: tuple[tuple[str, ScreenFactory], ...] = (
    ("Overview", OverviewScreen),
    ("Alarms", AlarmsScreen),
    ("Recipes", RecipesScreen),
    ("Trends", TrendsScreen),
    ("Quality", QualityScreen),
    ("Commissioning", CommissioningScreen),
    ("Audit", AuditScreen),
    ("Users", UsersScreen),
    ("About", AboutScreen),
)
FRAME_INTERVAL_MS = 40  # ~25 Hz


class MainWindow(QMainWindow):
    def __init__(
        self,
        service: LineService,
        trend: TrendBuffer,
        clock_text: Callable[[], str] | None = None,
        *,
        security: SecurityService | None = None,
        recipes: RecipeService | None = None,
        commissioning: CommissioningService | None = None,
        history: TrendHistory | None = None,
        screens: Sequence[tuple[str, ScreenFactory]] = SCREENS,
        interval_ms: int = FRAME_INTERVAL_MS,
        about: AboutInfo | None = None,
        quality: QualityService | None = None,
    ) -> None:
        """`security`: the panel's security service (login, Audit and Users screens,
        auto-logout). Without it the window acts as `service`'s session, with no login."""
        super().__init__()
        self.service = service
        self.security = security
        self.setWindowTitle("Dry-electrode line")
        self.resize(1280, 800)
        if not theme_applied_to_app():
            apply_theme(self)

        self.header = HeaderBar(lambda: service.session, clock_text, with_login=bool(security))
        self.header.login_requested.connect(self.open_login)
        self.header.logout_requested.connect(self.logout)
        self.header.detail_requested.connect(
            lambda caption, text: self.notify(f"{caption}: {text}")
        )
        self.header.banner.open_alarms.connect(self._open_alarms)
        self.header.banner.detail_requested.connect(self.open_alarm_detail)
        self.header.banner.acknowledge_requested.connect(self.acknowledge_alarm)
        self.nav = NavBar()
        self.stack = QStackedWidget()
        self.stack.setObjectName("screenArea")
        context = ScreenContext(
            service,
            trend,
            self.notify,
            security,
            recipes=recipes,
            about=about,
            commissioning=commissioning,
            history=history,
            quality=quality,
        )
        self.screens: dict[str, Screen] = {}
        for name, factory in screens:
            if security is None and getattr(factory, "needs_security", False):
                continue
            if recipes is None and getattr(factory, "needs_recipes", False):
                continue
            if quality is None and getattr(factory, "needs_quality", False):
                continue
            screen = factory(context)
            self.screens[name] = screen
            self.stack.addWidget(screen)
            self.nav.add(name)
        self.nav.selected.connect(self.show_screen)
        about = self.screens.get("About")
        if isinstance(about, AboutScreen):
            about.exit_requested.connect(self.request_exit)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.nav)
        self.setCentralWidget(central)

        self._last_event = ""
        self._restored_shown = False
        self.active_login: TouchFormDialog | None = None
        self._session_shown: Session | None = None
        self.activity: ActivityFilter | None = None
        if security is not None:
            self.activity = ActivityFilter(security.touch, self)
            QApplication.instance().installEventFilter(self.activity)  # type: ignore[union-attr]
        self.why = DisabledTapFilter(self.notify, self)
        QApplication.instance().installEventFilter(self.why)  # type: ignore[union-attr]
        self.alarm_detail: AlarmDetailDialog | None = None
        self.sync_session()
        self.show_screen(screens[0][0])

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    # ----- public -----
    def refresh(self) -> None:
        """Pull the newest snapshot once; update the header and the visible screen."""
        if self.security is not None and self.security.check_inactivity():
            minutes = self.security.settings.auto_logout_s / 60
            self.notify(f"Logged out after {minutes:g} min without input", False)
        self.sync_session()
        if self.isMinimized():
            return
        snapshot: Snapshot | None = self.service.snapshot()
        self.header.update_from(snapshot)
        self.current_screen().refresh(snapshot)
        if snapshot is not None and snapshot.restored and not self._restored_shown:
            self._restored_shown = True  # once: how the HMI took the line over at start
            self.notify(readable(snapshot.restored), False)
        elif (
            snapshot is not None and snapshot.messages and snapshot.messages[-1] != self._last_event
        ):
            self._last_event = snapshot.messages[-1]
            shown = readable(self._last_event)  # labels, not tag names
            self.nav.show_status(shown, self._last_event.startswith("rejected"))

    def current_screen_name(self) -> str:
        screen = self.current_screen()
        return next(name for name, s in self.screens.items() if s is screen)

    def current_screen(self) -> Screen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def show_screen(self, name: str) -> None:
        """Show a screen by name (case-insensitive) and update it at once. A screen the
        session may not open is not shown; the status line says what it requires."""
        found = {n.lower(): n for n in self.screens}.get(name.lower())
        if found is None:
            raise ValueError(f"screen: {name!r} is not one of {', '.join(self.screens)}")
        action = self.screens[found].required_action
        if action is not None and not self.service.session.may(action):
            self.notify(f"{found}: {requirement(action)}", True)
            self.nav.set_current(self.current_screen_name())
            return
        self.stack.setCurrentWidget(self.screens[found])
        self.nav.set_current(found)
        self.refresh()

    def _show_detail(self, caption: str, text: str) -> None:
        self.notify(f"{caption}: {text}", False)  # a tapped header tile, whole

    def _open_alarms(self) -> None:
        if "Alarms" in self.screens:
            self.show_screen("Alarms")

    def open_alarm_detail(self, alarm: AlarmStatus | None) -> AlarmDetailDialog:
        """The banner's alarm on a page of its own: whole text, Acknowledge, Alarms screen."""
        dialog = AlarmDetailDialog(alarm, self.acknowledge_alarm, self._open_alarms, self)
        dialog.finished.connect(dialog.deleteLater)
        apply_session(dialog, self.service.session)
        dialog.open()
        self.alarm_detail = dialog
        return dialog

    def acknowledge_alarm(self, name: str) -> None:
        try:
            self.service.acknowledge_alarms([name])
        except Exception as exc:  # refused by the service: say why, never crash
            self.notify(f"Acknowledge: {exc}", True)
            return
        self.notify("Alarm acknowledged", False)

    def request_exit(self) -> None:
        """Exit (Administrator): the service checks and audits, then the window closes and
        the application shuts the line's runtime down cleanly."""
        if self.security is not None:
            try:
                self.security.authorize(self.service.session, Action.PANEL_EXIT)
            except Exception as exc:  # refused: audited by the service
                self.notify(f"Exit: {exc}", True)
                return
            self.security.audit.record(self.service.session, "panel.exit", {}, "Exit button")
        kiosk = getattr(self, "kiosk", None)
        if kiosk is not None:
            kiosk.allowed = True  # the Administrator has just been checked
        self.close()
        app = QApplication.instance()
        if app is not None and self.isHidden():
            QTimer.singleShot(0, app.quit)

    def notify(self, message: str, is_error: bool = False) -> None:
        """Show a message in the status line (errors in the abnormal style)."""
        self.nav.show_status(message, is_error)

    # ----- the session -----
    def sync_session(self) -> None:
        """Follow a login, logout or switch: enable what the role may use, nothing more."""
        session = self.service.session
        if session is self._session_shown:
            return
        first = self._session_shown is None
        self._session_shown = session
        apply_session(self, session)
        for name, screen in self.screens.items():
            action = screen.required_action
            self.nav.buttons[name].setEnabled(action is None or session.may(action))
        self.header.show_session()
        if first:
            return
        for dialog in self.findChildren(QWidget):  # entries begun by the previous user
            if isinstance(dialog, KeypadDialog | TouchFormDialog) and dialog.isVisible():
                if not getattr(dialog, "keep_on_session_change", False):
                    dialog.reject()
        if not self.nav.buttons[self.current_screen_name()].isEnabled():
            self.show_screen(next(iter(self.screens)))

    def open_login(self) -> TouchFormDialog | None:
        """The login dialog (quick user switch), or the first-run set-up on an empty store."""
        if self.security is None:
            return None
        first = self.security.needs_first_admin()
        make = first_run_dialog if first else login_dialog
        dialog = make(self.security, self)
        dialog.accepted.connect(self._logged_in)
        dialog.finished.connect(self._login_closed)
        dialog.open()
        self.active_login = dialog
        return dialog

    def _login_closed(self) -> None:
        dialog, self.active_login = self.active_login, None
        if dialog is not None:
            dialog.deleteLater()

    def _logged_in(self) -> None:
        self.sync_session()
        session = self.service.session
        self.notify(f"Logged in: {session.text}", False)

    def logout(self) -> None:
        if self.security is None:
            return
        self.security.logout()
        self.sync_session()
        self.notify("Logged out: the panel is a Viewer", False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.timer.stop()
        app = QApplication.instance()
        if self.activity is not None:
            app.removeEventFilter(self.activity)  # type: ignore[union-attr]
        app.removeEventFilter(self.why)  # type: ignore[union-attr]
        super().closeEvent(event)
