"""The Quality screen on the real emulated line: a map after a scan, rolls listed as they are
cut, an operator's new roll (refused to a Viewer in the service), a roll report as PDF whose
first page pdftoppm renders, the headline figures with their assumptions."""

from __future__ import annotations

import csv
import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from hmi.quality.colours import lookup_table
from hmi.security import PermissionDenied
from tests.ui.geometry import problems
from tests.ui.panel_stack import build_window, log_in, settle


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    app = QApplication.instance() or QApplication([])
    from hmi.ui.theme import apply_theme

    apply_theme(app)
    stack = build_window(tmp_path_factory.mktemp("quality"), warm_up_s=1.0, roll_length_m=100.0)
    stack.window.resize(1024, 768)
    stack.window.show()
    yield app, stack
    stack.window.close()
    stack.security.close()


def test_the_map_appears_after_a_scan(panel):
    app, stack = panel
    window = stack.window
    window.show_screen("Quality")
    page = window.screens["Quality"].map_page
    settle(app, window)
    assert page.image.image is None, "no scan yet: no map"
    stack.runtime.run_for(20.0)  # two passes of the 8 s scanner
    settle(app, window)
    rows = page.image.image
    assert rows is not None and rows.shape[1] == 24 and rows.shape[0] >= 1
    assert np.isfinite(rows).all() and abs(rows).max() < 1.5, "% from target, in tolerance"
    x, y = page.cd_curve.getData()
    assert len(x) == 24 and 29.0 < float(np.mean(y)) < 31.0
    assert page.capability[0][0].text() == "1 now"
    assert page.capability[0][2].text() != "—"  # Cpk of the roll under way
    assert not problems(window)


def test_rolls_are_listed_and_a_report_is_written(panel, tmp_path):
    app, stack = panel
    window = stack.window
    quality = window.screens["Quality"]
    stack.runtime.run_for(260.0)  # 50 m/min: two 100 m rolls cut
    quality.show_page("Rolls")
    settle(app, window)
    table = quality.rolls_page.table
    assert table.rowCount() == 2
    assert [table.item(r, 3).text() for r in range(2)] == ["100.0", "100.0"]
    table.selectRow(0)
    csv_path, pdf_path = quality.rolls_page.export_selected()
    roll_id = int(table.item(0, 0).text())
    record = stack.rolls.get(roll_id)
    rows = {r[0]: r[1] for r in csv.reader(csv_path.open(encoding="utf-8")) if r}
    assert rows["Cpk"] == f"{record.cpk:.2f}" and rows["Length"] == "100.0"
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) missing: make system-deps installs it")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_path),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    image = QImage(str(tmp_path / "page-1.png"))
    assert (image.width(), image.height()) == (414, 585)  # A4 (210 × 297 mm) at 50 dpi
    # the map is on the page: many pixels of the colour scale, not only black on white
    palette = {tuple(int(c) for c in rgb) for rgb in lookup_table(64)}
    on_scale = 0
    for yy in range(0, image.height(), 2):
        for xx in range(0, image.width(), 2):
            c = image.pixelColor(xx, yy)
            rgb = (c.red(), c.green(), c.blue())
            if max(rgb) - min(rgb) > 30 and any(
                sum(abs(a - b) for a, b in zip(rgb, p, strict=True)) < 40 for p in palette
            ):
                on_scale += 1
    assert on_scale > 2000, f"only {on_scale} sampled pixels of the map's colours"


def test_a_new_roll_is_for_an_operator_and_is_checked_in_the_service(panel):
    app, stack = panel
    window = stack.window
    quality = window.screens["Quality"]
    quality.show_page("Rolls")
    log_in(stack, None)  # a Viewer
    settle(app, window)
    assert not quality.rolls_page.new_roll_button.isEnabled()
    with pytest.raises(PermissionDenied):
        stack.quality.new_roll()
    log_in(stack, "ann")
    settle(app, window)
    assert quality.rolls_page.new_roll_button.isEnabled()
    before = len(stack.rolls.rolls())
    quality.rolls_page.new_roll_button.click()
    stack.runtime.run_for(0.05)
    cut = stack.rolls.rolls()
    assert len(cut) == before + 1 and cut[0][1].cut == "operator"
    assert 0 < cut[0][1].length_m < 100.0
    assert stack.security.audit.records()[-1].action == "roll.new"


def test_the_headline_figures_state_their_assumptions(panel):
    app, stack = panel
    window = stack.window
    quality = window.screens["Quality"]
    stack.runtime.run_for(10.0)  # a scan: the figures are republished
    quality.show_page("Headline figures")
    settle(app, window)
    rows = quality.kpi_page.rows
    _, value, note = rows["cell_energy_gwh_year"]
    assert value.text().endswith("GWh/year") and "mAh/g" in note.text()
    assert "utilisation" in note.text() and "5–8 GWh" in note.text()
    _, value, note = rows["throughput_m2_h"]
    assert value.text() == "2910 m²/h"  # 50 m/min × 60 × 1 m less the 3 % edge trim
    assert "Degen" in rows["energy_kwh_per_kwh_cell"][2].text()
    assert not problems(window)
