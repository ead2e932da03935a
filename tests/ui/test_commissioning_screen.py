"""Commissioning screen: link figures and the I/O list from the driver's diagnostics; the loop
check is read-only for a Viewer or Operator and enabled for an Engineer only with the line
stopped; a force goes through the service (permission, line stopped) to the driver."""

from __future__ import annotations

import dataclasses
import math

import pytest

from hmi.core.process import Quality
from hmi.core.roles import Role
from hmi.hardware.fieldbus import IoRow, LinkDiagnostics
from hmi.runtime.commissioning import CommissioningService
from hmi.runtime.service import LineService
from hmi.security.session import Session
from hmi.ui.commissioning import CommissioningScreen
from hmi.ui.screen import ScreenContext
from tests.ui.fakes import STEADY, FakeRuntime, make_snapshot


class FakeDriver:
    name = "Line PLC"

    def __init__(self) -> None:
        self.forced: dict[str, float] = {}
        self.state = "connected"

    def diagnostics(self) -> LinkDiagnostics:
        rows = (
            IoRow("areal_mass_mg_cm2", "IR 2 float32", "read", 30.01, 30.01, Quality.GOOD, 0.012),
            IoRow("gap_os_um", "IR 12 float32", "read", math.nan, math.nan, Quality.BAD, math.inf),
            IoRow("gap_os_sp_um", "HR 10 float32", "write", 101.2, self.forced.get(
                "gap_os_sp_um", 101.2), Quality.GOOD, 0.3, "gap_os_sp_um" in self.forced),
        )  # fmt: skip
        return LinkDiagnostics(
            "Line PLC", "modbus_tcp", "tcp://127.0.0.1:5020 unit 1", self.state,
            "" if self.state == "connected" else "PLC heartbeat frozen for 1.2 s",
            20.4, 0.41, 1.9, 1200, 3, 2, 1, 1, self.state == "lost", False, 412.0, rows,
        )  # fmt: skip

    def force(self, tag: str, value: float) -> None:
        self.forced[tag] = value

    def release(self) -> None:
        self.forced.clear()


def _screen(qtbot, role: Role, *, stopped: bool):
    values = dict(STEADY) | ({"line_running": 0.0, "line_speed_m_min": 0.0} if stopped else {})
    runtime = FakeRuntime(dataclasses.replace(make_snapshot(), running=not stopped, values=values))
    runtime.control_priority = "normal priority (real-time refused: Operation not permitted)"
    line = LineService(runtime, Session(role.name.lower(), role))
    driver = FakeDriver()
    notes: list[tuple[str, bool]] = []
    context = ScreenContext(line, None, lambda m, e: notes.append((m, e)),
                            commissioning=CommissioningService(line, driver))  # fmt: skip
    screen = CommissioningScreen(context)
    qtbot.addWidget(screen)
    screen.refresh(runtime.latest())
    return screen, driver, notes


def test_link_figures_and_io_list_are_shown(qtbot):
    screen, driver, _ = _screen(qtbot, Role.VIEWER, stopped=False)
    assert screen.fields["state"].text() == "CONNECTED"
    assert screen.fields["rtt"].text() == "0.41 / 1.90 ms"
    assert screen.fields["counts"].text() == "3 · 2 · 1"
    # the technician sees the loop is not real-time, and why (hmi/core/priority.py)
    assert screen.fields["priority"].text() == (
        "normal priority (real-time refused: Operation not permitted)"
    )
    model = screen.model
    cells = [[model.data(model.index(r, c)) for c in range(model.columnCount())]
             for r in range(model.rowCount())]  # fmt: skip
    assert cells[0][:3] == ["areal_mass_mg_cm2", "Areal mass at the gauge", "IR 2 float32"]
    assert cells[0][5:] == ["30.01", "mg/cm²", "good", "12 ms"]
    assert cells[1][5:] == ["----", "µm", "BAD", "never"]
    driver.state = "lost"
    screen.refresh(None)
    assert screen.fields["state"].text() == "LINK LOST"
    assert "heartbeat frozen" in screen.fields["reason"].text()
    assert "safe state" in screen.fields["losses"].text()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_loop_check_is_read_only_below_engineer(qtbot, role):
    screen, _, _ = _screen(qtbot, role, stopped=True)
    assert not screen.force_button.isEnabled() and not screen.release_button.isEnabled()
    assert screen.check_state.text() == "read-only: needs Engineer"


def test_engineer_forces_only_with_the_line_stopped(qtbot):
    running, _, _ = _screen(qtbot, Role.ENGINEER, stopped=False)
    assert not running.force_button.isEnabled()
    assert running.check_state.text() == "stop the line first"

    screen, driver, notes = _screen(qtbot, Role.ENGINEER, stopped=True)
    assert screen.force_button.isEnabled()
    assert screen.output_picker.current() == "gap_os_sp_um"  # the outputs, not the inputs
    screen.open_force()
    dialog = screen.active_dialog
    dialog.edit.setText("120")
    dialog.confirm()
    assert driver.forced == {"gap_os_sp_um": 120.0}
    assert notes[-1] == ("gap_os_sp_um forced to 120 µm", False)
    screen.release_all()
    assert driver.forced == {}
