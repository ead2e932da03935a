import subprocess
import sys
from pathlib import Path

import pytest

from hmi.app import _parser, main, resolve_data_dir

ROOT = Path(__file__).resolve().parent.parent


def test_help_documents_every_option():
    text = _parser().format_help()
    for action in _parser()._actions:
        for flag in action.option_strings:
            assert flag in text
        if action.option_strings and action.dest != "help":
            assert action.help, f"{action.option_strings} has no help text"


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("HMI_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("HMI_DATA_DIR")
    assert "dry-electrode-hmi" in str(resolve_data_dir(None))


def test_a_bad_profile_exits_2_with_the_field_named(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[profile]\nname='x'\ndriver='emulated'\n[startup]\nweb_width_mm=5000\n")
    assert main(["--profile", str(bad), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "startup.web_width_mm" in err and "100 to 1000 mm" in err


@pytest.mark.parametrize("period", ["0", "-5", "5000"])
def test_a_bad_period_is_refused(period, capsys):
    assert main(["--period-ms", period]) == 2
    assert "--period-ms" in capsys.readouterr().err


def test_python_m_hmi_help_runs_without_a_display():
    out = subprocess.run(
        [sys.executable, "-m", "hmi", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0
    assert "--self-test" in out.stdout and "--data-dir" in out.stdout
