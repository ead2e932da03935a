"""The recipe workflow at the panel: an Engineer creates a recipe on the keypad, a Supervisor
approves it with a signature, an Operator loads it through the diff dialog; the runtime's
setpoints change in one tick, the header shows name and version, the audit holds all three."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from tests.security.fakes import ADMIN, PASSWORD, FakeClock
from tests.ui.recipe_stack import ROOT, build
from tests.ui.test_security_ui import log_in, tap

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def panel(qtbot, tmp_path):
    from hmi.ui.main_window import MainWindow

    stack = build(tmp_path / "data", FakeClock())
    security, runtime, service, recipes = (
        stack.security,
        stack.runtime,
        stack.service,
        stack.recipes,
    )
    runtime.run_for(0.05)
    window = MainWindow(service, runtime.trend, clock_text=lambda: "12:00:00",
                        security=security, recipes=recipes)  # fmt: skip
    window.timer.stop()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.refresh()
    yield SimpleNamespace(window=window, security=security, runtime=runtime, recipes=recipes)
    window.close()
    security.close()


def keypad(qtbot, dialog, text: str) -> None:
    dialog.edit.clear()
    dialog.press(text)
    qtbot.mouseClick(dialog.keys["OK"] if "OK" in dialog.keys else dialog.ok_button, LEFT)


def test_engineer_creates_supervisor_approves_operator_loads(qtbot, panel):
    window, runtime = panel.window, panel.runtime
    # --- the Engineer writes the recipe on the keypad
    log_in(qtbot, panel, "eve")
    window.show_screen("Recipes")
    screen = window.screens["Recipes"]
    assert screen.new_button.isEnabled() and not screen.approve_button.isEnabled()
    qtbot.mouseClick(screen.new_button, LEFT)
    editor = screen.active_dialog
    qtbot.mouseClick(editor.buttons["name"], LEFT)
    naming = editor.active_dialog
    naming.fields["name"].clear()
    tap(qtbot, naming, "name", "NMC 24")
    qtbot.mouseClick(naming.ok_button, LEFT)
    editor.pickers["material"].choose("NMC")
    for field, value in (("areal_mass_target_mg_cm2", "24"), ("line_speed_m_min", "35")):
        qtbot.mouseClick(editor.buttons[field], LEFT)
        pad = editor.active_dialog
        assert "Allowed range" in pad.range_label.text()
        pad.edit.clear()
        pad.press(value)
        pad.confirm()
        assert not pad.isVisible()
    assert editor.buttons["areal_mass_target_mg_cm2"].text() == "24.00 mg/cm²"
    assert "fresh feed" in editor.derived.text()
    qtbot.mouseClick(editor.save_button, LEFT)
    reason = editor.active_dialog
    tap(qtbot, reason, "reason", "new grade")
    qtbot.mouseClick(reason.ok_button, LEFT)
    assert not editor.isVisible()
    draft = panel.recipes.get("NMC 24", 1)
    assert draft.state == "draft" and draft.recipe.line_speed_m_min == 35.0

    # --- the Supervisor approves it with a signature
    log_in(qtbot, panel, "sam")
    window.show_screen("Recipes")
    screen.select("NMC 24", 1)
    window.refresh()
    assert screen.approve_button.isEnabled()
    qtbot.mouseClick(screen.approve_button, LEFT)
    sign = screen.active_dialog
    assert "Approval:" in sign.info.text() and draft.hash in sign.info.text()
    tap(qtbot, sign, "reason", "trial passed")
    tap(qtbot, sign, "password", PASSWORD)
    qtbot.mouseClick(sign.ok_button, LEFT)
    assert panel.recipes.get("NMC 24", 1).state == "approved"

    # --- the Operator loads it through the diff dialog
    log_in(qtbot, panel, "ann")
    window.show_screen("Recipes")
    screen.select("NMC 24", 1)
    window.refresh()
    assert not screen.edit_button.isEnabled() and screen.load_button.isEnabled()
    qtbot.mouseClick(screen.load_button, LEFT)
    load = screen.active_dialog
    cells = {load.table.item(r, 0).text(): (load.table.item(r, 1).text(),
             load.table.item(r, 2).text()) for r in range(load.table.rowCount())}  # fmt: skip
    assert cells["Target areal mass"] == ("30", "24") and cells["Line speed setpoint"] == (
        "50",
        "35",
    )
    before = runtime.latest().tick
    qtbot.mouseClick(load.confirm_button, LEFT)
    runtime.run_for(runtime.period_s)  # one tick
    snap = runtime.latest()
    assert snap.tick == before + 1
    assert snap.value("areal_mass_target_mg_cm2") == 24.0
    assert snap.value("line_speed_sp_m_min") == 35.0
    window.refresh()
    assert window.header.recipe.value.text() == "NMC 24 v1"
    actions = [(r.user, r.action) for r in panel.security.audit.records()]
    assert ("eve", "recipe.save") in actions
    assert ("sam", "recipe.approve") in actions
    assert ("ann", "recipe.load") in actions


def test_a_viewer_sees_recipes_but_no_action_is_enabled(qtbot, panel):
    panel.recipes.save(
        ADMIN,
        panel.recipes.problems
        and __import__("hmi.recipes.io", fromlist=["x"]).load_recipe_file(
            ROOT / "resources" / "recipes" / "lfp_cathode.json"
        ),
        "shipped",
    )
    window = panel.window
    window.show_screen("Recipes")
    screen = window.screens["Recipes"]
    screen.select("LFP cathode 30")
    window.refresh()
    assert "LFP cathode 30" in screen.heading.text()
    values = {screen.detail.item(r, 0).text(): screen.detail.item(r, 1).text()
              for r in range(screen.detail.rowCount())}  # fmt: skip
    assert values["Target areal mass (mg/cm²)"] == "30" and "Derived: fresh feed (kg/h)" in values
    for button in (
        screen.new_button,
        screen.edit_button,
        screen.approve_button,
        screen.load_button,
    ):
        assert not button.isEnabled()


def test_import_and_export_from_the_screen(qtbot, panel, tmp_path):
    window = panel.window
    log_in(qtbot, panel, "eve")
    window.show_screen("Recipes")
    screen = window.screens["Recipes"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "X", "areal_mass_target_mg_cm2": 99, "line_speed_m_min": 0}')
    assert screen.import_from(bad) is None
    status = window.nav.status.text()
    assert "Target areal mass" in status and "Line speed" in status
    v = screen.import_from(ROOT / "resources" / "recipes" / "graphite_anode.json")
    assert v is not None and screen.chosen_version().ref == v.ref
    out = tmp_path / "out.csv"
    screen.export_to(out)
    assert out.read_text().startswith("field,label,value,unit")
