"""`make run` on a fresh Debian/Ubuntu: the missing Qt system libraries are found and
installed as root, or the exact apt-get line is printed and the run stops."""

from __future__ import annotations

import io
import subprocess

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
