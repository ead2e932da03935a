"""Qt stays in hmi.ui and hmi.app; dependencies point one way (pyproject's import-linter
contracts)."""

import ast
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


def test_asyncua_is_imported_only_by_the_opcua_adapter():
    adapter = ROOT / "hmi" / "hardware" / "opcua_adapter"
    found = []
    for path in (ROOT / "hmi").rglob("*.py"):
        if adapter in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])  # fmt: skip
            if any(n.split(".")[0] == "asyncua" for n in names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"asyncua outside hmi/hardware/opcua_adapter: {found}"
