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


def build_window(data_dir: Path, *, warm_up_s: float = 60.0) -> SimpleNamespace:
    """The stack (recipe_stack.build) plus its MainWindow (timer stopped: callers refresh)."""
    from hmi.ui.about import AboutInfo
    from hmi.ui.main_window import MainWindow

    stack = recipe_stack.build(data_dir, alarms=True)
    stack.runtime.run_for(warm_up_s)
    window = MainWindow(
        stack.service,
        stack.runtime.trend,
        clock_text=lambda: "12:34:56",
        security=stack.security,
        recipes=stack.recipes,
        commissioning=CommissioningService(stack.service, stack.runtime.profile),
        about=AboutInfo(data_dir=data_dir, profile_name="Emulated line"),
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
