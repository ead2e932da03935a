"""Every screen, for every role, at the three panel sizes: no clipped text, no overlapping
widgets, nothing cut off at an edge, no scroll bars (tests/ui/geometry.py says how)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.geometry import problems
from tests.ui.panel_stack import (
    LONG_ERROR,
    ROLES,
    SIZES,
    build_window,
    every_dialog,
    every_view,
    log_in,
    settle,
)


@pytest.fixture(scope="module")
def panel():
    app = QApplication.instance() or QApplication([])
    from hmi.ui.theme import apply_theme

    apply_theme(app)
    # About and the Quality screen show the data directory: a long one, as an installation
    # has (110 characters, that must wrap), of a fixed length, not one that grows with
    # pytest's counter or an xdist worker's directory (.../popen-gw0/...).
    with tempfile.TemporaryDirectory(prefix="hmi-test-") as tmp:
        data_dir = Path(tmp) / "var/lib/dry-electrode-hmi/line-7-cathode-calender/hall-2-data"
        data_dir = data_dir.with_name(data_dir.name + "x" * (110 - len(str(data_dir))))
        data_dir.mkdir(parents=True)
        stack = build_window(data_dir)
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


def _buttons(dialog) -> dict[str, tuple[int, int, int, int]]:
    from PySide6.QtWidgets import QPushButton

    return {
        f"{b.objectName()}:{b.text()}": (b.x(), b.y(), b.width(), b.height())
        for b in dialog.findChildren(QPushButton)
        if b.isVisible()
    }


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_dialog_fits_and_an_error_moves_no_button(panel, size):
    """Each dialog for an Operator and an Administrator (a Viewer's are the Operator's, greyed):
    it fits the window, no text is clipped, nothing overlaps; and showing a (long) error leaves
    every button where the finger expects it."""
    app, stack = panel
    window = stack.window
    window.resize(*size)
    found: list[str] = []
    checked = 0
    for account, role in (ROLES[1], ROLES[4]):
        log_in(stack, account)
        settle(app, window)
        for name, dialog in every_dialog(app, stack):
            checked += 1
            where = f"{role.label} · {name}"
            if dialog.width() > size[0] or dialog.height() > size[1]:
                found.append(f"{where}: {dialog.width()}×{dialog.height()} is larger than {size}")
            found += [f"{where}: {p}" for p in problems(dialog, allow_scroll=True)]
            if hasattr(dialog, "show_error"):
                before = _buttons(dialog)
                dialog.show_error(LONG_ERROR)
                for _ in range(3):
                    app.processEvents()
                moved = {k for k, v in _buttons(dialog).items() if before.get(k) != v}
                if moved:
                    found.append(f"{where}: an error moved {sorted(moved)}")
                found += [f"{where} with error: {p}" for p in problems(dialog, allow_scroll=True)]
    assert checked >= 2 * 14
    assert not found, f"{len(found)} dialog problems at {size}:\n" + "\n".join(found[:40])
