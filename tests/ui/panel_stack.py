"""The whole operator window as the panel runs it — access control, recipes, commissioning,
About — on the real emulated line and a simulated clock, with one account per role.

The geometry test and the README screenshots share it, so what is checked is what is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from hmi.core.roles import Role
from hmi.runtime.commissioning import CommissioningService
from tests.ui import recipe_stack

PASSWORD = recipe_stack.PASSWORD
SIZES = ((1024, 768), (1280, 800), (1920, 1080))
# (account, role); None: nobody logged in, the panel is a Viewer
ROLES: tuple[tuple[str | None, Role], ...] = (
    (None, Role.VIEWER),
    ("ann", Role.OPERATOR),
    ("eve", Role.ENGINEER),
    ("sam", Role.SUPERVISOR),
    ("chief", Role.ADMINISTRATOR),
)


def build_window(
    data_dir: Path,
    *,
    warm_up_s: float = 60.0,
    roll_length_m: float = 2000.0,
    line_clock: bool = False,
) -> SimpleNamespace:
    """The stack (recipe_stack.build) plus its MainWindow (timer stopped: callers refresh)."""
    from hmi.ui.about import AboutInfo
    from hmi.ui.main_window import MainWindow

    stack = recipe_stack.build(
        data_dir, alarms=True, history=True, roll_length_m=roll_length_m, line_clock=line_clock
    )
    stack.runtime.run_for(warm_up_s)
    window = MainWindow(
        stack.service,
        stack.runtime.trend,
        clock_text=lambda: "12:34:56",
        security=stack.security,
        recipes=stack.recipes,
        commissioning=CommissioningService(stack.service, stack.runtime.profile),
        about=AboutInfo(data_dir=data_dir, profile_name="Emulated line"),
        history=stack.history,
        quality=stack.quality,
    )
    window.timer.stop()
    stack.window = window
    return stack


def log_in(stack: SimpleNamespace, account: str | None) -> None:
    if account is None:
        stack.security.logout()
    else:
        stack.security.login(account, PASSWORD)
    stack.window.sync_session()


def settle(app, window) -> None:
    """Let layouts settle: requests travel up the widget tree one event at a time."""
    for _ in range(3):
        app.processEvents()
    window.refresh()
    for _ in range(3):
        app.processEvents()


def every_view(app, stack: SimpleNamespace) -> Iterator[str]:
    """Show each screen the session may open in turn; yields its name while it is shown."""
    window = stack.window
    for name, button in window.nav.buttons.items():
        if not button.isEnabled():
            continue
        window.show_screen(name)
        settle(app, window)
        yield name
        pages = getattr(window.screens[name], "pages", {})  # a screen of several pages
        for page in list(pages)[1:]:
            window.screens[name].show_page(page)
            settle(app, window)
            yield f"{name}: {page}"
        if pages:
            window.screens[name].show_page(next(iter(pages)))


LONG_ERROR = (
    "Line speed setpoint: 95 m/min is outside the allowed range 0 to 80 m/min; the entry was "
    "not sent and nothing changed on the line"
)


def every_dialog(app, stack: SimpleNamespace) -> Iterator[tuple[str, object]]:
    """Open each dialog an operator meets, in turn (as the session sees it); yields its name
    and the dialog while it is shown, then closes it."""
    from hmi.security import Action
    from hmi.ui.equipment import LINE
    from hmi.ui.login import add_user_dialog, first_run_dialog, login_dialog, signature_dialog
    from hmi.ui.touchform import TouchFormDialog

    window = stack.window
    window.show_screen("Overview")
    overview = window.screens["Overview"]
    settle(app, window)

    def shown(name: str, dialog) -> Iterator[tuple[str, object]]:
        for _ in range(3):
            app.processEvents()
        yield name, dialog
        dialog.reject()
        app.processEvents()

    keypad = overview.setpoint("line_speed_sp_m_min").open_keypad()
    yield from shown("keypad", keypad)
    for equipment in LINE:
        yield from shown(f"faceplate {equipment.key}", overview.open_faceplate(equipment.key))
    summary = stack.runtime.latest().alarms
    alarm = summary.top_unacknowledged() or next(iter(summary.active), None)
    yield from shown("alarm detail", window.open_alarm_detail(alarm))
    forms: list[tuple[str, TouchFormDialog]] = [
        ("login", login_dialog(stack.security, window)),
        ("first run", first_run_dialog(stack.security, window)),
    ]
    if stack.security.current.may(Action.USERS_MANAGE):
        forms.append(("add user", add_user_dialog(stack.security, window)))
    if stack.security.current.logged_in:
        forms.append(
            ("signature", signature_dialog(stack.security, Action.ALARM_OUT_OF_SERVICE, "bank_low"))
        )
    for name, form in forms:
        form.open()
        yield from shown(name, form)
    window.show_screen("Trends")
    settle(app, window)
    trends = window.screens["Trends"]
    yield from shown("pens", trends.pick_pens())
    yield from shown("time range", trends.pick_range())
