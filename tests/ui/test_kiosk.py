"""Kiosk panel: the window cannot be closed by an operator (close, Alt+F4, Ctrl+Q), only after
an Administrator logs in on the on-screen keyboard; every text entry has that keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from hmi.ui.kiosk import Kiosk
from tests.security.fakes import PASSWORD
from tests.ui.test_security_ui import make_panel, tap

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def kiosk_panel(qtbot, tmp_path, trend):
    panel = make_panel(qtbot, tmp_path, trend)
    panel.kiosk = Kiosk(panel.window, panel.security)
    panel.tmp = tmp_path
    panel.kiosk.show()
    yield panel
    panel.kiosk.allowed = True  # let the fixture's teardown close it
    panel.window.close()
    panel.security.close()


def test_kiosk_window_is_frameless_and_full_screen(kiosk_panel):
    window = kiosk_panel.window
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.isFullScreen()


def test_close_is_refused_and_asks_for_an_administrator(kiosk_panel):
    window, kiosk = kiosk_panel.window, kiosk_panel.kiosk
    assert window.close() is False
    assert window.isVisible()
    assert kiosk.dialog is not None and kiosk.dialog.isVisible()
    assert kiosk.dialog.keyboard.isVisible()  # the on-screen keyboard for the entry


@pytest.mark.parametrize(
    "modifier,key",
    [
        (Qt.KeyboardModifier.AltModifier, Qt.Key.Key_F4),
        (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Q),
        (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_W),
    ],
)
def test_close_keys_are_refused(qtbot, kiosk_panel, modifier, key):
    window, kiosk = kiosk_panel.window, kiosk_panel.kiosk
    qtbot.keyClick(window, key, modifier)
    assert window.isVisible()
    assert kiosk.refused == 1 and kiosk.dialog is not None


def test_an_operator_cannot_leave_and_the_attempt_is_audited(qtbot, kiosk_panel):
    window, kiosk, security = kiosk_panel.window, kiosk_panel.kiosk, kiosk_panel.security
    window.close()
    dialog = kiosk.dialog
    tap(qtbot, dialog, "user", "ann")
    tap(qtbot, dialog, "password", PASSWORD)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert dialog.isVisible() and "Administrator" in dialog.error.text()
    assert window.isVisible() and not kiosk.allowed
    denied = [r for r in security.audit.records() if r.action == "panel.exit"]
    assert denied and denied[-1].user == "ann" and denied[-1].outcome == "denied"


def test_a_wrong_password_keeps_the_panel(qtbot, kiosk_panel):
    window, kiosk = kiosk_panel.window, kiosk_panel.kiosk
    window.close()
    tap(qtbot, kiosk.dialog, "user", "chief")
    tap(qtbot, kiosk.dialog, "password", "wrong-one")
    qtbot.mouseClick(kiosk.dialog.ok_button, LEFT)
    assert window.isVisible() and not kiosk.allowed


def test_an_administrator_closes_the_panel(qtbot, kiosk_panel, monkeypatch):
    window, kiosk = kiosk_panel.window, kiosk_panel.kiosk
    quits = []
    monkeypatch.setattr(QApplication.instance(), "quit", lambda: quits.append(1))
    window.close()
    tap(qtbot, kiosk.dialog, "user", "chief")
    tap(qtbot, kiosk.dialog, "password", PASSWORD)
    qtbot.mouseClick(kiosk.dialog.ok_button, LEFT)
    assert kiosk.allowed
    qtbot.waitUntil(lambda: not window.isVisible())
    qtbot.waitUntil(lambda: quits == [1])


def test_minimising_is_undone(qtbot, kiosk_panel):
    window = kiosk_panel.window
    window.showMinimized()
    qtbot.waitUntil(lambda: window.isFullScreen() and not window.isMinimized())


def test_every_text_entry_has_the_on_screen_keyboard(qtbot, kiosk_panel):
    """The main window has no free-text field; each dialog with one carries the keyboard."""
    window = kiosk_panel.window
    edits = [e for e in window.findChildren(QLineEdit) if e.window() is window]
    assert edits == []
    window.close()
    dialog = kiosk_panel.kiosk.dialog
    for edit in dialog.fields.values():
        qtbot.mouseClick(edit, LEFT)
        assert dialog.keyboard.target is edit


def test_kiosk_export_asks_for_a_file_name_on_the_keyboard(qtbot, kiosk_panel, monkeypatch):
    """No file dialog on the panel (a text entry without the keyboard, and a way out): the
    name is typed on the on-screen keyboard and the file lands in the home folder."""
    from hmi.ui import save_dialog
    from hmi.ui.touchform import TouchFormDialog

    monkeypatch.setattr(save_dialog, "export_folder", lambda: kiosk_panel.tmp)
    monkeypatch.setattr(
        save_dialog.QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("file dialog")
    )
    window = kiosk_panel.window
    kiosk_panel.security.login("chief", PASSWORD)
    window.sync_session()
    window.show_screen("Audit")
    window.screens["Audit"].ask_export()
    dialog = next(
        d
        for d in window.findChildren(TouchFormDialog)
        if d.isVisible() and "Export" in d.windowTitle()
    )
    dialog.fields["name"].clear()
    tap(qtbot, dialog, "name", "shift-report")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert (kiosk_panel.tmp / "shift-report.csv").exists()


def test_export_names_are_plain_file_names(tmp_path):
    from hmi.ui.save_dialog import csv_path

    assert csv_path("a-1", tmp_path) == tmp_path / "a-1.csv"
    assert csv_path("b.csv", tmp_path) == tmp_path / "b.csv"
    for bad in ("", "../x", "/etc/passwd", "a\\b", ".hidden"):
        with pytest.raises(ValueError, match="File name"):
            csv_path(bad, tmp_path)
