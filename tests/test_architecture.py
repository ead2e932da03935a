"""Qt stays in hmi.ui and hmi.app; dependencies point one way (pyproject's import-linter
contracts)."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import hmi

ROOT = Path(__file__).resolve().parent.parent
QT_ALLOWED = ("hmi.ui", "hmi.app", "hmi.__main__")


def qt_free_modules() -> list[str]:
    found = []
    for info in pkgutil.walk_packages(hmi.__path__, "hmi."):
        if not info.name.startswith(QT_ALLOWED):
            found.append(info.name)
    return found


def test_modules_outside_ui_import_without_qt_in_a_fresh_interpreter():
    modules = qt_free_modules()
    assert "hmi.runtime.loop" in modules and "hmi.control.line" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "", f"Qt imported outside hmi.ui: {out.stdout.strip()}"


def test_import_linter_contracts_hold():
    linter = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(linter)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken" in out.stdout
