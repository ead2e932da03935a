"""Access control at the panel: log in through the dialog on the on-screen keyboard, change a
setpoint and find its audit record; Viewer controls disabled; auto-logout on the simulated
clock with input counted as activity; quick switch; first run; Users, Audit, signature."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from hmi.core.roles import Role
from hmi.runtime.service import LineService
from hmi.security import Signature, make_hasher, open_security
from hmi.security.service import WRONG
from tests.security.fakes import ADMIN, PASSWORD, FakeClock
from tests.ui.fakes import FakeRuntime

LEFT = Qt.MouseButton.LeftButton


def make_panel(qtbot, tmp_path, trend, *, users: bool = True) -> SimpleNamespace:
    from hmi.ui.main_window import MainWindow

    clock = FakeClock()
    security = open_security(tmp_path / "data", clock=clock, hasher=make_hasher(cheap=True))
    if users:
        for name, role in (
            ("chief", Role.ADMINISTRATOR),
            ("ann", Role.OPERATOR),
            ("eve", Role.ENGINEER),
            ("sam", Role.SUPERVISOR),
        ):
            security.accounts.add(ADMIN, name, role, PASSWORD)
    runtime = FakeRuntime()
    service = LineService(runtime, security, audit=security.audit)
    window = MainWindow(service, trend, clock_text=lambda: "12:34:56", security=security)
    window.timer.stop()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.refresh()
    return SimpleNamespace(window=window, security=security, runtime=runtime, clock=clock)


@pytest.fixture
def panel(qtbot, tmp_path, trend):
    p = make_panel(qtbot, tmp_path, trend)
    yield p
    p.window.close()
    p.security.close()


def tap(qtbot, dialog, key: str, text: str) -> None:
    """Tap the field, then the on-screen keys, like a person at the panel."""
    qtbot.mouseClick(dialog.fields[key], LEFT)
    for char in text:
        qtbot.mouseClick(dialog.keyboard.key_for(char), LEFT)


def log_in(qtbot, panel, name: str, password: str = PASSWORD):
    qtbot.mouseClick(panel.window.header.login_button, LEFT)
    dialog = panel.window.active_login
    assert dialog.isVisible()
    tap(qtbot, dialog, "user", name)
    tap(qtbot, dialog, "password", password)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=5000)  # argon2 on a worker thread
    panel.window.refresh()
    return dialog


def overview(panel):
    return panel.window.screens["Overview"]


def test_nobody_logged_in_is_a_viewer_with_controls_visibly_disabled(panel):
    window = panel.window
    assert window.header.user.value.text() == "— · Viewer"
    assert window.header.login_button.text() == "Log in"
    assert not window.header.logout_button.isVisible()
    screen = overview(panel)
    assert not screen.commands.start_button.isEnabled()
    assert not screen.setpoint("line_speed_sp_m_min").isEnabled()
    assert not window.nav.buttons["Audit"].isEnabled()
    assert not window.nav.buttons["Users"].isEnabled()
    window.show_screen("Users")
    assert window.current_screen_name() == "Overview"
    assert "Users: Requires Administrator" in window.nav.status.text()


def test_log_in_through_the_dialog_change_a_setpoint_and_find_the_audit_record(qtbot, panel):
    log_in(qtbot, panel, "ann")
    window = panel.window
    assert window.active_login is None  # accepted, closed and let go
    assert window.header.user.value.text() == "ann · Operator"
    assert window.header.login_button.text() == "Switch" and window.header.logout_button.isVisible()
    button = overview(panel).setpoint("line_speed_sp_m_min")
    assert button.isEnabled()
    qtbot.mouseClick(button, LEFT)
    keypad = button.active_dialog
    qtbot.mouseClick(keypad.clear_button, LEFT)
    for key in "42.5":
        qtbot.mouseClick(keypad.keys[key], LEFT)
    qtbot.mouseClick(keypad.ok_button, LEFT)
    assert panel.runtime.writes() == [("line_speed_sp_m_min", 42.5)]
    assert panel.runtime.commands[-1].user == "ann"

    record = panel.security.audit.records(action="setpoint.write")[-1]
    assert (record.user, record.role) == ("ann", "Operator")
    assert record.data == {"tag": "line_speed_sp_m_min", "old": 50.0, "new": 42.5, "unit": "m/min"}

    qtbot.mouseClick(window.nav.buttons["Audit"], LEFT)
    audit = window.screens["Audit"]
    assert window.current_screen_name() == "Audit"
    rows = [
        [audit.table.item(r, c).text() for c in range(audit.table.columnCount())]
        for r in range(audit.table.rowCount())
    ]
    assert rows[0][1:6] == [
        "ann",
        "Operator",
        "setpoint.write",
        "ok",
        "line_speed_sp_m_min: 50 → 42.5 m/min",
    ]
    assert rows[1][1:4] == ["ann", "Operator", "session.login"]


def test_a_wrong_password_is_shown_and_cleared_and_audited(qtbot, panel):
    dialog = log_in(qtbot, panel, "ann", "guess-123")
    assert dialog.isVisible()
    assert dialog.error.text() == WRONG
    assert dialog.fields["password"].text() == "" and dialog.fields["user"].text() == "ann"
    assert panel.security.current.role is Role.VIEWER
    assert panel.security.audit.records()[-1].action == "session.login_failed"
    dialog.reject()


def test_quick_switch_by_tapping_a_name(qtbot, panel):
    log_in(qtbot, panel, "ann")
    qtbot.mouseClick(panel.window.header.login_button, LEFT)
    dialog = panel.window.active_login
    assert "ann (Operator) is logged in" in dialog.info.text()
    qtbot.mouseClick(dialog.chips["eve"], LEFT)
    assert dialog.fields["user"].text() == "eve"
    for char in PASSWORD:  # the password field has the keyboard now
        qtbot.mouseClick(dialog.keyboard.key_for(char), LEFT)
    qtbot.mouseClick(dialog.keyboard.enter_key, LEFT)
    qtbot.waitUntil(lambda: not dialog.checking, timeout=5000)
    panel.window.refresh()
    assert panel.window.header.user.value.text() == "eve · Engineer"
    actions = [(r.user, r.action) for r in panel.security.audit.records()[-3:]]
    assert actions == [
        ("ann", "session.login"),
        ("ann", "session.logout"),
        ("eve", "session.login"),
    ]


def test_logout_button_returns_to_viewer(qtbot, panel):
    log_in(qtbot, panel, "ann")
    qtbot.mouseClick(panel.window.header.logout_button, LEFT)
    assert panel.window.header.user.value.text() == "— · Viewer"
    assert not overview(panel).commands.start_button.isEnabled()


def test_inactivity_logs_out_and_input_counts_as_activity(qtbot, panel):
    log_in(qtbot, panel, "ann")
    window, clock = panel.window, panel.clock
    keypad = overview(panel).setpoint("line_speed_sp_m_min").open_keypad()
    clock.advance(590)
    qtbot.keyClick(keypad.edit, Qt.Key.Key_4)  # typing is activity
    clock.advance(590)
    window.refresh()
    assert panel.security.current.user == "ann" and keypad.isVisible()
    clock.advance(10)
    window.refresh()
    assert window.header.user.value.text() == "— · Viewer"
    assert not keypad.isVisible()  # what the previous user began is closed
    assert not overview(panel).setpoint("line_speed_sp_m_min").isEnabled()
    assert "Logged out after 10 min without input" in window.nav.status.text()
    assert panel.security.audit.records()[-1].reason == "inactivity"
    assert window.activity.count > 0


def test_a_screen_the_new_role_may_not_use_is_left(qtbot, panel):
    log_in(qtbot, panel, "chief")
    panel.window.show_screen("Users")
    assert panel.window.current_screen_name() == "Users"
    log_in(qtbot, panel, "ann")
    assert panel.window.current_screen_name() == "Overview"
    assert not panel.window.nav.buttons["Users"].isEnabled()
    assert panel.window.nav.buttons["Audit"].isEnabled()


def test_first_start_asks_for_the_administrator(qtbot, tmp_path, trend):
    p = make_panel(qtbot, tmp_path, trend, users=False)
    try:
        dialog = p.window.open_login()
        assert dialog.windowTitle() == "Create the administrator"
        assert "no default password" in dialog.info.text()
        tap(qtbot, dialog, "user", "chief")
        tap(qtbot, dialog, "password", PASSWORD)
        tap(qtbot, dialog, "repeat", PASSWORD + "x")
        qtbot.mouseClick(dialog.ok_button, LEFT)
        assert "differ" in dialog.error.text() and dialog.isVisible()
        tap(qtbot, dialog, "password", PASSWORD)
        tap(qtbot, dialog, "repeat", PASSWORD)
        qtbot.mouseClick(dialog.ok_button, LEFT)
        p.window.refresh()
        assert p.window.header.user.value.text() == "chief · Administrator"
        assert p.window.nav.buttons["Users"].isEnabled()
        assert p.window.open_login().windowTitle() == "Log in"  # only once
    finally:
        p.window.close()
        p.security.close()


def test_users_screen_adds_and_disables_a_user(qtbot, panel):
    log_in(qtbot, panel, "chief")
    panel.window.show_screen("Users")
    users = panel.window.screens["Users"]
    assert [u.name for u in users.users] == ["ann", "chief", "eve", "sam"]
    dialog = users.add_user()
    tap(qtbot, dialog, "user", "Zoe")
    tap(qtbot, dialog, "password", "Night-shift7")
    tap(qtbot, dialog, "repeat", "Night-shift7")
    qtbot.mouseClick(dialog.choices["Engineer"], LEFT)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert not dialog.isVisible(), dialog.error.text()
    assert ("Zoe", Role.ENGINEER) in [(u.name, u.role) for u in users.users]
    users.select("Zoe")
    qtbot.mouseClick(users.disable_button, LEFT)
    assert users.selected().disabled and users.enable_button.isEnabled()
    assert users.table.item(users.table.currentRow(), 2).text() == "disabled"
    records = panel.security.audit.records(user="chief", action="user")
    assert [r.action for r in records][-2:] == ["user.add", "user.disable"]
    assert records[-2].data == {"name": "Zoe", "role": "Engineer"}


def test_audit_screen_filters_exports_and_verifies(qtbot, panel, tmp_path):
    log_in(qtbot, panel, "ann")
    overview(panel).commands.stop_button.click()
    log_in(qtbot, panel, "sam")
    panel.window.show_screen("Audit")
    audit = panel.window.screens["Audit"]
    audit.user_filter.choose("ann")
    assert {r.user for r in audit.shown} == {"ann"}
    audit.action_filter.choose("line")
    assert [r.action for r in audit.shown] == ["line.stop"]
    assert audit.export_to(tmp_path / "out.csv") == 1
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as f:
        assert [row["action"] for row in csv.DictReader(f)] == ["line.stop"]
    audit.verify()
    assert audit.status.text().startswith("Chain intact")
    panel.clock.advance(8 * 86400)
    audit.period_filter.choose("Last 7 days")  # already chosen: no change, no reload
    audit.reload()
    assert audit.shown == []


def test_an_operator_may_view_but_not_export_the_trail(qtbot, panel, tmp_path):
    log_in(qtbot, panel, "ann")
    panel.window.show_screen("Audit")
    audit = panel.window.screens["Audit"]
    assert audit.shown and not audit.export_button.isEnabled()
    assert audit.export_to(tmp_path / "x.csv") is None  # past the UI: refused by the service
    assert "Operator may not export" in panel.window.nav.status.text()
    assert not (tmp_path / "x.csv").exists()


def test_signature_dialog_signs_with_password_and_reason(qtbot, panel):
    from hmi.ui.login import signature_dialog

    log_in(qtbot, panel, "sam")
    dialog = signature_dialog(
        panel.security, "recipe.approve", "LFP 30@1", {"recipe": "LFP 30"}, panel.window
    )
    dialog.open()
    assert "Approval:" in dialog.info.text()
    tap(qtbot, dialog, "reason", "trial passed")
    tap(qtbot, dialog, "password", "guess-999")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert "Wrong password" in dialog.error.text()
    tap(qtbot, dialog, "password", PASSWORD)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert isinstance(dialog.result_value, Signature)
    record = panel.security.audit.records()[-1]
    assert record.action == "signature" and record.reason == "trial passed"
    assert record.data["for"] == "recipe.approve" and record.data["target"] == "LFP 30@1"
    assert record.data["meaning"].startswith("Approval:") and record.data["recipe"] == "LFP 30"


def test_keyboard_types_capitals_and_symbols(qtbot, panel):
    dialog = panel.window.open_login()
    tap(qtbot, dialog, "password", "Ab1&x{Z} q")
    assert dialog.fields["password"].text() == "Ab1&x{Z} q"
    qtbot.mouseClick(dialog.keyboard.backspace_key, LEFT)
    assert dialog.fields["password"].text() == "Ab1&x{Z} "
    dialog.reject()


def test_security_screens_at_panel_size(qtbot, panel, tmp_path):
    log_in(qtbot, panel, "chief")
    for name in ("Audit", "Users"):
        panel.window.show_screen(name)
        image = panel.window.grab()
        assert (image.width(), image.height()) == (1280, 800)


def test_the_password_is_checked_off_the_gui_thread(qtbot, panel, monkeypatch):
    import threading

    from hmi.security.login_check import PendingLogin

    threads, release = [], threading.Event()
    real = PendingLogin.check

    def slow_check(self):
        threads.append(threading.current_thread())
        release.wait(5.0)  # argon2 taking its time
        return real(self)

    monkeypatch.setattr(PendingLogin, "check", slow_check)
    qtbot.mouseClick(panel.window.header.login_button, LEFT)
    dialog = panel.window.active_login
    tap(qtbot, dialog, "user", "eve")
    tap(qtbot, dialog, "password", PASSWORD)
    qtbot.mouseClick(dialog.ok_button, LEFT)
    qtbot.waitUntil(lambda: len(threads) == 1, timeout=2000)
    assert threads[0] is not threading.main_thread()
    # the GUI thread is free meanwhile: the dialog says it is checking and takes no 2nd tap
    assert dialog.checking and dialog.ok_button.text() == "Checking…"
    assert not dialog.ok_button.isEnabled() and not dialog.cancel_button.isEnabled()
    panel.window.refresh()
    assert panel.security.current.role is Role.VIEWER
    release.set()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=5000)
    panel.window.refresh()
    assert panel.window.header.user.value.text() == "eve · Engineer"
    assert len(threads) == 1
