"""Are the system libraries Qt needs here? `make run` asks before it opens the window.

    python -m hmi.sysdeps            report; exit 1 with the exact apt-get line if any is missing
    python -m hmi.sysdeps --install  as root on Debian/Ubuntu: install what is missing

The PySide6 wheels bring Qt but not the X11/OpenGL/font libraries of the system. Without them
Qt aborts at start ("could not load the Qt platform plugin xcb", "libGL.so.1: cannot open"),
or draws every glyph as an empty box when there is no font. Standard library only: this runs
before anything is installed, and imports no Qt.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

# soname -> Debian/Ubuntu package, for the xcb and offscreen platform plugins of PySide6
# (readelf NEEDED of the wheel's plugins, mapped with dpkg -S on Debian 12; see FACTS.md).
QT_LIBRARIES: dict[str, str] = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
FONT_PACKAGES = ("fontconfig", "fonts-dejavu-core")

Run = Callable[[Sequence[str]], subprocess.CompletedProcess]


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), capture_output=True, text=True)


def _run_visible(argv: Sequence[str]) -> subprocess.CompletedProcess:
    # apt-get's progress goes to the terminal; no debconf questions mid-install
    return subprocess.run(list(argv), env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def linker_sonames(ldconfig_output: str) -> set[str]:
    """The 64-bit sonames in `ldconfig -p` output."""
    found = set()
    for line in ldconfig_output.splitlines():
        m = re.match(r"\s*(\S+) \((.+?)\) => ", line)
        if m and "x86-64" in m.group(2):
            found.add(m.group(1))
    return found


def missing_packages(sonames: set[str], font_files: int) -> list[str]:
    """Packages to install: one per missing library, and the font packages without fonts."""
    packages = [pkg for lib, pkg in QT_LIBRARIES.items() if lib not in sonames]
    if font_files == 0:
        packages += list(FONT_PACKAGES)
    return list(dict.fromkeys(packages))


def apt_line(packages: Sequence[str]) -> str:
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


def probe(run: Run = _run) -> tuple[set[str], int]:
    """(sonames the linker finds, number of fonts fontconfig lists)."""
    sonames = linker_sonames(run(["ldconfig", "-p"]).stdout) if shutil.which("ldconfig") else set()
    if not sonames and shutil.which("/sbin/ldconfig"):
        sonames = linker_sonames(run(["/sbin/ldconfig", "-p"]).stdout)
    fonts = 0
    if shutil.which("fc-list"):
        fonts = len([line for line in run(["fc-list"]).stdout.splitlines() if line.strip()])
    return sonames, fonts


def check(
    install: bool,
    *,
    run: Run = _run,
    installer: Run = _run_visible,
    probed: tuple[set[str], int] | None = None,
    is_root: bool | None = None,
    has_apt: bool | None = None,
    out=sys.stdout,
) -> int:
    """0 when nothing is missing (or it was installed); 1 with the apt-get line otherwise."""
    if not sys.platform.startswith("linux"):
        return 0  # Windows and macOS wheels carry what Qt needs
    sonames, fonts = probed if probed is not None else probe(run)
    if not sonames:
        print("hmi.sysdeps: cannot list the system libraries (no ldconfig); not checked", file=out)
        return 0
    packages = missing_packages(sonames, fonts)
    if not packages:
        return 0
    line = apt_line(packages)
    root = os.geteuid() == 0 if is_root is None else is_root
    apt = shutil.which("apt-get") is not None if has_apt is None else has_apt
    print(f"Qt needs system libraries that are missing: {', '.join(packages)}", file=out)
    if install and root and apt:
        print(f"installing: apt-get update && {line}", file=out, flush=True)
        if installer(["apt-get", "update", "-qq"]).returncode == 0:
            if installer(line.split()).returncode == 0:
                return 0
        print(f"hmi.sysdeps: the install failed; run as root: {line}", file=out)
        return 1
    where = "as root" if apt else "with your system's package manager (Debian/Ubuntu names)"
    print(f"Install them {where}, then run again:\n  sudo {line}", file=out)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    return check("--install" in args)


if __name__ == "__main__":
    raise SystemExit(main())
