"""Every screen, for every role, at the three panel sizes: no clipped text, no overlapping
widgets, nothing cut off at an edge, no scroll bars (tests/ui/geometry.py says how)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.geometry import problems
from tests.ui.panel_stack import ROLES, SIZES, build_window, every_view, log_in, settle


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    app = QApplication.instance() or QApplication([])
    from hmi.ui.theme import apply_theme

    apply_theme(app)
    stack = build_window(tmp_path_factory.mktemp("panel"))
    stack.window.show()
    yield app, stack
    stack.window.close()
    stack.security.close()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits_for_every_role(panel, size):
    app, stack = panel
    window = stack.window
    window.resize(*size)
    found: list[str] = []
    for account, role in ROLES:
        log_in(stack, account)
        settle(app, window)
        for screen in every_view(app, stack):
            if (window.width(), window.height()) != size:
                found.append(
                    f"{role.label} · {screen}: window grew to {window.width()}×"
                    f"{window.height()}: its content needs more than the panel"
                )
            found += [f"{role.label} · {screen}: {p}" for p in problems(window)]
    assert not found, f"{len(found)} layout problems at {size}:\n" + "\n".join(found[:40])
