"""`make run` on a fresh Debian/Ubuntu: the missing Qt system libraries are found and
installed as root, or the exact apt-get line is printed and the run stops."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hmi import sysdeps

LDCONFIG = """\
1234 libs found in cache `/etc/ld.so.cache'
\tlibxcb.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libxcb.so.1
\tlibGL.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libGL.so.1
\tlibEGL.so.1 (libc6) => /lib/i386-linux-gnu/libEGL.so.1
"""
ALL = set(sysdeps.QT_LIBRARIES)


def test_linker_cache_is_read_for_64_bit_only():
    assert sysdeps.linker_sonames(LDCONFIG) == {"libxcb.so.1", "libGL.so.1"}


def test_missing_libraries_and_fonts_name_their_packages():
    have = ALL - {"libxcb-cursor.so.0", "libEGL.so.1"}
    assert sysdeps.missing_packages(have, font_files=12) == ["libegl1", "libxcb-cursor0"]
    assert sysdeps.missing_packages(ALL, font_files=0) == ["fontconfig", "fonts-dejavu-core"]
    assert sysdeps.missing_packages(ALL, font_files=3) == []


def test_nothing_missing_is_silent_success():
    out = io.StringIO()
    assert sysdeps.check(True, probed=(ALL, 5), out=out) == 0
    assert out.getvalue() == ""


def test_not_root_prints_the_exact_apt_line_and_stops():
    out = io.StringIO()
    code = sysdeps.check(
        True, probed=(ALL - {"libxcb-cursor.so.0"}, 0), is_root=False, has_apt=True, out=out
    )
    assert code == 1
    line = "apt-get install -y --no-install-recommends libxcb-cursor0 fontconfig fonts-dejavu-core"
    assert f"sudo {line}" in out.getvalue()


def test_root_installs_what_is_missing():
    calls = []

    def installer(argv):
        calls.append(list(argv))
        return subprocess.CompletedProcess(argv, 0)

    out = io.StringIO()
    code = sysdeps.check(
        True,
        installer=installer,
        probed=(ALL - {"libGL.so.1"}, 4),
        is_root=True,
        has_apt=True,
        out=out,
    )
    assert code == 0
    assert calls == [
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "--no-install-recommends", "libgl1"],
    ]


def test_a_failed_install_stops_with_the_line():
    def failing(argv):
        return subprocess.CompletedProcess(argv, 100)

    out = io.StringIO()
    code = sysdeps.check(
        True,
        installer=failing,
        probed=(ALL - {"libGL.so.1"}, 4),
        is_root=True,
        has_apt=True,
        out=out,
    )
    assert code == 1 and "libgl1" in out.getvalue()


# Always there on Debian/Ubuntu (Priority: required) or part of the C/C++ runtime.
BASE = {
    "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6",
    "libz.so.1", "libzstd.so.1",
}  # fmt: skip


@pytest.mark.skipif(not shutil.which("readelf"), reason="needs readelf (binutils)")
def test_the_table_covers_what_the_installed_qt_plugins_need():
    """readelf on the wheel's xcb/offscreen plugins and Qt libraries: every library they need
    and the wheel does not ship is in QT_LIBRARIES (or in every base system)."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    files = [
        *qt.glob("plugins/platforms/libq[xo]*.so"),
        *qt.glob("plugins/xcbglintegrations/*.so"),
        *(qt / "lib" / f"libQt6{m}.so.6" for m in ("Core", "Gui", "Widgets", "XcbQpa", "DBus")),
    ]
    needed: set[str] = set()
    for file in files:
        out = subprocess.run(["readelf", "-d", str(file)], capture_output=True, text=True).stdout
        needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out))
    shipped = {p.name for p in (qt / "lib").iterdir()}
    assert needed, "readelf found nothing: the check would pass vacuously"
    assert needed - shipped - BASE - set(sysdeps.QT_LIBRARIES) == set()
