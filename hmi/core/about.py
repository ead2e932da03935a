"""What the program is: version, build commit, library versions. Read by `hmi --version` and
the About screen; no Qt here (the Qt version is added by the UI).

The build commit comes from ``build_info.json`` beside this package, written by the package
build (packaging/common.sh); a source checkout asks git instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from hmi import __version__

HMI_DIR = Path(__file__).resolve().parents[1]
BUILD_INFO = HMI_DIR / "build_info.json"
# (shown name, distribution): the GUI toolkit, numerics, and the field-bus driver libraries.
LIBRARIES: tuple[tuple[str, str], ...] = (
    ("PySide6", "PySide6-Essentials"),
    ("pyqtgraph", "pyqtgraph"),
    ("numpy", "numpy"),
    ("pydantic", "pydantic"),
    ("argon2-cffi", "argon2-cffi"),
    ("pyserial (serial driver)", "pyserial"),
    ("pymodbus (Modbus driver)", "pymodbus"),
    ("asyncua (OPC UA driver)", "asyncua"),
)
LICENCE = "Apache-2.0"
NOT_INSTALLED = "not installed"


def build_commit() -> str:
    """The commit the program was built from: the build's record, else git, else unknown."""
    try:
        return str(json.loads(BUILD_INFO.read_text())["commit"])
    except (OSError, ValueError, KeyError):
        pass
    try:
        done = subprocess.run(
            ["git", "-C", str(HMI_DIR), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def library_versions() -> list[tuple[str, str]]:
    """(name, version or 'not installed') for each library in LIBRARIES."""
    versions = []
    for shown, dist in LIBRARIES:
        try:
            versions.append((shown, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            versions.append((shown, NOT_INSTALLED))
    return versions


def python_version() -> str:
    return sys.version.split()[0]


def version_text() -> str:
    """One line for `hmi --version`: product version and build commit."""
    return f"hmi {__version__} (build {build_commit()}, Python {python_version()})"


def licences_folder() -> Path | None:
    """Where the third-party licence texts are: the installed bundle's licenses folder."""
    frozen = getattr(sys, "frozen", False)
    candidates = [Path(sys.executable).parent / "licenses"] if frozen else []
    candidates.append(HMI_DIR.parent / "licenses")  # the Windows installer's layout
    return next((c for c in candidates if c.is_dir()), None)
