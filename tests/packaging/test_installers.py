"""The built installers, when dist/ has them (make package-linux / package-windows; these
tests skip otherwise): the .deb's metadata and files, the Windows installer's contents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
DEB = ROOT / "dist" / f"dry-electrode-hmi_{VERSION}_amd64.deb"
EXE = ROOT / "dist" / f"dry-electrode-hmi-{VERSION}-setup.exe"
WHEELS = Path(os.environ.get("HMI_BUILD_ROOT", "/tmp/hmi-build")) / "windows" / "wheels"


def deb_field(name: str) -> str:
    out = subprocess.run(["dpkg-deb", "-f", str(DEB), name], capture_output=True, text=True)
    return out.stdout.strip()


@pytest.mark.skipif(not DEB.exists() or not shutil.which("dpkg-deb"), reason="no .deb built")
def test_deb_carries_the_version_its_dependencies_and_files():
    assert deb_field("Version") == VERSION
    depends = {d.strip() for d in deb_field("Depends").split(",")}
    assert {"fontconfig", "fonts-dejavu-core", "libgl1", "libc6"} <= depends
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(DEB)], capture_output=True, text=True, check=True
    ).stdout
    for path in (
        "./opt/dry-electrode-hmi/hmi",
        "./opt/dry-electrode-hmi/_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
        "./opt/dry-electrode-hmi/_internal/PySide6/Qt/lib/libQt6Core.so.6",
        "./opt/dry-electrode-hmi/licenses/LGPL-3",
        "./opt/dry-electrode-hmi/licenses/Qt-LGPL-NOTICE.txt",
        "./usr/bin/hmi",
        "./usr/share/applications/dry-electrode-hmi.desktop",
        "./usr/share/icons/hicolor/scalable/apps/dry-electrode-hmi.svg",
        "./usr/lib/systemd/user/hmi-kiosk.service",
    ):
        assert path in listing, path
    assert "designer" not in listing and "libqwayland" not in listing
    control = subprocess.run(
        ["dpkg-deb", "-I", str(DEB)], capture_output=True, text=True, check=True
    ).stdout
    assert "postrm" not in control  # nothing at removal or purge touches user data


@pytest.mark.skipif(not EXE.exists() or not shutil.which("7z"), reason="no Windows installer")
def test_windows_installer_holds_interpreter_entry_point_qwindows_and_dependencies():
    sys.path.insert(0, str(ROOT / "packaging" / "windows"))
    try:
        import list_installer
    finally:
        sys.path.pop(0)
    names = list_installer.listing(EXE)
    lost = list_installer.missing(names, WHEELS if WHEELS.is_dir() else None)
    assert lost == []
    assert not any(n.endswith("designer.exe") for n in names)  # Qt's tools left out
