"""List a Windows installer's contents (7z reads NSIS installers) and check it is complete.

    python packaging/windows/list_installer.py dist/dry-electrode-hmi-<v>-setup.exe [WHEELS]

It must hold the interpreter (Python/python.exe, python311.dll), the `hmi` command and the
Start-menu launcher script, the Qt `qwindows` platform plugin, and for every runtime
dependency its package and dist-info (from the wheels the installer was built from, when
WHEELS is given: every file each wheel installs, less what installer.cfg excludes).
Exit 0 when all are there; the missing ones are printed.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
import zipfile
from pathlib import Path

REQUIRED = (
    "Python/python.exe",
    "Python/python311.dll",
    "Python/python311.zip",
    "bin/hmi.exe",
    "pkgs/hmi/app.py",
    "pkgs/PySide6/plugins/platforms/qwindows.dll",
    "pkgs/PySide6/Qt6Core.dll",
    "pkgs/PySide6/Qt6Gui.dll",
    "pkgs/PySide6/Qt6Widgets.dll",
    "pkgs/PySide6/QtWidgets.pyd",
    "pkgs/shiboken6/Shiboken.pyd",
    "pkgs/resources/alarms.toml",
    "pkgs/hardware_profiles/emulated.toml",
    "pkgs/licenses/LGPL-3",
    "pkgs/licenses/Qt-LGPL-NOTICE.txt",
    "pkgs/licenses/THIRD-PARTY.txt",
    "pkgs/hmi/build_info.json",
)
# Runtime dependencies by import name: each must be a folder (or module) under pkgs/.
IMPORTS = (
    "PySide6", "shiboken6", "pyqtgraph", "numpy", "pydantic", "pydantic_core", "serial",
    "platformdirs", "argon2", "_argon2_cffi_bindings", "_cffi_backend", "annotated_types",
    "typing_extensions",
)  # fmt: skip


def listing(installer: Path) -> list[str]:
    out = subprocess.run(
        ["7z", "l", "-ba", "-slt", str(installer)], capture_output=True, text=True, check=True
    ).stdout
    names = re.findall(r"^Path = (.+)$", out, flags=re.MULTILINE)
    return [n.replace("\\", "/").removeprefix("$INSTDIR/") for n in names]


def excluded(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("*") + "/") for p in patterns)


def exclude_patterns() -> list[str]:
    cfg = (Path(__file__).parent / "installer.cfg.in").read_text()
    block = cfg.split("exclude=", 1)[1].split("\n[", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and ";" not in line]


def missing(names: list[str], wheels: Path | None) -> list[str]:
    have = set(names)
    top = {
        n.split("/")[1].removesuffix(".py").split(".")[0] for n in names if n.startswith("pkgs/")
    }
    lost = [r for r in REQUIRED if r not in have]
    lost += [f"pkgs/{i} (runtime dependency)" for i in IMPORTS if i not in top]
    if wheels is not None:
        patterns = exclude_patterns()
        for wheel in sorted(wheels.glob("*.whl")):
            for entry in zipfile.ZipFile(wheel).namelist():
                if entry.endswith("/") or ".data/" in entry:
                    continue
                path = f"pkgs/{entry}"
                if path not in have and not excluded(path, patterns):
                    lost.append(f"{path} (from {wheel.name})")
    return lost


def main(argv: list[str]) -> int:
    installer = Path(argv[0])
    wheels = Path(argv[1]) if len(argv) > 1 else None
    names = listing(installer)
    print(f"{installer.name}: {len(names)} entries")
    for name in REQUIRED:
        print(f"  {'ok ' if name in names else 'MISSING'} {name}")
    lost = missing(names, wheels)
    for name in lost[:40]:
        print(f"  MISSING {name}")
    if lost:
        print(f"{len(lost)} missing")
        return 1
    print("complete: interpreter, hmi command, qwindows plugin and every runtime dependency")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
