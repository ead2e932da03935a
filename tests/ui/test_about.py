"""About screen: what a service engineer reads off the panel."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import qVersion

from hmi import __version__
from hmi.core import about
from hmi.runtime.service import LineService
from hmi.ui.about import AboutInfo


def make_window(qtbot, runtime, session, trend, info):
    from hmi.ui.main_window import MainWindow

    window = MainWindow(LineService(runtime, session), trend, clock_text=lambda: "", about=info)
    window.timer.stop()
    qtbot.addWidget(window)
    window.show()
    window.show_screen("About")
    return window


def test_about_screen_shows_versions_data_dir_and_profile(qtbot, runtime, session, trend):
    info = AboutInfo(Path("/data/hmi"), "Emulated line", Path("/etc/hmi/emulated.toml"))
    screen = make_window(qtbot, runtime, session, trend, info).screens["About"]
    assert screen.text("Version") == __version__
    assert screen.text("Qt") == qVersion()
    assert screen.text("Data directory") == "/data/hmi"
    assert screen.text("Hardware profile") == "Emulated line (/etc/hmi/emulated.toml)"
    assert screen.text("Python").count(".") == 2
    assert "Apache-2.0" in screen.text("Licence")
    assert "LGPL-3" in screen.text("Third-party licences")
    for name, version in about.library_versions():
        if name != "PySide6":
            assert screen.text(name) == version
    assert "pymodbus (Modbus driver)" in screen.values  # driver libraries, installed or not
    assert screen.leave_button is None  # not a kiosk panel


def test_about_screen_on_a_kiosk_offers_to_leave(qtbot, runtime, session, trend):
    asked = []
    info = AboutInfo(kiosk=True, leave_panel=lambda: asked.append(1))
    screen = make_window(qtbot, runtime, session, trend, info).screens["About"]
    assert "kiosk" in screen.text("Panel mode")
    screen.leave_button.click()
    assert asked == [1]


def test_build_commit_comes_from_the_build_record(tmp_path, monkeypatch):
    record = tmp_path / "build_info.json"
    record.write_text(json.dumps({"version": "9.9", "commit": "abc123def456"}))
    monkeypatch.setattr(about, "BUILD_INFO", record)
    assert about.build_commit() == "abc123def456"
    assert "build abc123def456" in about.version_text()


def test_build_commit_without_a_record_asks_git(tmp_path, monkeypatch):
    monkeypatch.setattr(about, "BUILD_INFO", tmp_path / "none.json")
    commit = about.build_commit()
    assert commit == "unknown" or len(commit) == 12
