"""`hmi --version`: the product version from pyproject and the build commit, then exit 0."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from hmi import __version__
from hmi.app import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert __version__ == project["version"]


def test_version_option_prints_version_and_commit(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"hmi {__version__} (build ")
    assert "Python 3." in out


def test_version_starts_without_qt():
    code = (
        "import sys; from hmi.app import main\ntry: main(['--version'])\nexcept SystemExit: pass\n"
    )
    code += "assert 'PySide6' not in sys.modules, 'Qt loaded for --version'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout


def test_the_command_answers_version_without_loading_the_product():
    """`hmi --version` (hmi.launch) must not need numpy, pydantic or Qt to load."""
    code = (
        "import sys; from hmi.launch import main; assert main(['--version']) == 0\n"
        "loaded = [m for m in ('numpy', 'pydantic', 'PySide6', 'hmi.app') if m in sys.modules]\n"
        "assert not loaded, loaded"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"hmi {__version__} (build ")


def test_the_command_passes_everything_else_to_the_app(capsys):
    from hmi.launch import main as launch

    assert launch(["--period-ms", "0"]) == 2
    assert "--period-ms" in capsys.readouterr().err
