"""The .deb's Depends, read off the bundle: every shared library an ELF file in the bundle
needs (readelf NEEDED) that the bundle does not ship itself, mapped to the Debian package
that provides it on this build host (dpkg -S), plus fontconfig and a font (Qt draws every
glyph as an empty box without them).

    python packaging/deb_depends.py BUNDLE_DIR      -> "libc6, libgl1, ..."
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

FONTS = ("fontconfig", "fonts-dejavu-core")
NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[(.+?)\]")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return set(NEEDED.findall(out))


def system_paths() -> dict[str, str]:
    """soname -> path, x86-64 entries of the host's linker cache."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    paths: dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+) \((.+?)\) => (\S+)", line)
        if m and "x86-64" in m.group(2):
            paths.setdefault(m.group(1), m.group(3))
    return paths


def owner(path: str) -> str | None:
    candidates = [path]
    if path.startswith("/usr/lib/"):
        candidates.append(path[len("/usr") :])
    elif path.startswith("/lib/"):
        candidates.append("/usr" + path)
    for candidate in candidates:
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":")[0].strip()
    return None


def depends(bundle: Path) -> tuple[list[str], list[str]]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    shipped = {p.name for p in bundle.rglob("*") if ".so" in p.name}
    wanted = set().union(*(needed(p) for p in files)) - shipped
    paths = system_paths()
    packages, unresolved = set(FONTS), []
    for soname in sorted(wanted):
        package = owner(paths[soname]) if soname in paths else None
        if package is None:
            unresolved.append(soname)
        else:
            packages.add(package)
    return sorted(packages), unresolved


if __name__ == "__main__":
    packages, unresolved = depends(Path(sys.argv[1]))
    if unresolved:
        sys.exit(f"deb_depends: no Debian package provides {', '.join(unresolved)} here")
    print(", ".join(packages))
