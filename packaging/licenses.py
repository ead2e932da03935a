"""Collect the third-party licence texts into a folder shipped with both installers.

    python packaging/licenses.py OUT_DIR

For each installed distribution the product bundles: its licence files from the dist-info
(where the wheel ships them) and a line in THIRD-PARTY.txt (name, version, licence). Qt and
PySide6 are LGPL-3: their wheels carry no licence file, so the LGPL-3 and GPL-3 texts are
copied from this Debian build host, with a notice saying how to replace the Qt libraries.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

BUNDLED = (
    "PySide6-Essentials", "shiboken6", "pyqtgraph", "numpy", "pydantic", "pydantic_core",
    "annotated-types", "typing_extensions", "typing-inspection", "platformdirs",
    "argon2-cffi", "argon2-cffi-bindings", "cffi", "pycparser", "pyserial", "pymodbus",
    "asyncua",
)  # fmt: skip
LGPL_NOTICE = """\
Qt 6 and Qt for Python (PySide6, shiboken6) are used under the GNU Lesser General Public
License version 3 (LGPL-3.0-only); the texts are LGPL-3 and GPL-3 in this folder.

They are shipped unmodified, as separate shared libraries, so you can replace them with a
compatible build of your own:
  Linux:   /opt/dry-electrode-hmi/_internal/PySide6/ (Qt libraries in Qt/lib, plugins in
           Qt/plugins) and _internal/shiboken6/
  Windows: <install folder>\\pkgs\\PySide6\\ and pkgs\\shiboken6\\
The corresponding source code is available from the Qt Project (https://download.qt.io/,
https://code.qt.io/) for the versions listed in THIRD-PARTY.txt; on request we provide it.
"""


def licence_name(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []]
    licences = [c for c in classifiers if "License" in c or "GPL" in c]
    text = (meta.get("License") or "").strip().splitlines()
    return ", ".join(licences) or (text[0] if text else "see licence file")


def collect(out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for name in BUNDLED:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        version = dist.version
        lines.append(f"{dist.metadata['Name']} {version}: {licence_name(dist)}")
        for file in dist.files or []:
            base = file.name.upper()
            if any(word in base for word in ("LICENSE", "LICENCE", "COPYING", "NOTICE")):
                source = Path(file.locate())
                if source.is_file():
                    shutil.copyfile(source, out / f"{dist.metadata['Name']}-{file.name}")
    # data, not a distribution: the OPC Foundation's nodesets the plant server imports
    lines.append("OPC Foundation nodesets DI, IA, Machinery (resources/opcua/): "
                 "MIT (OPC Foundation MIT License 1.00, the header of each file)")  # fmt: skip
    for text in ("LGPL-3", "GPL-3", "Apache-2.0"):
        shutil.copyfile(Path("/usr/share/common-licenses") / text, out / text)
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():  # the interpreter the bundle carries (PSF licence)
        shutil.copyfile(python_licence, out / "Python-LICENSE.txt")
        lines.insert(0, f"Python {sys.version.split()[0]}: PSF-2.0")
    (out / "Qt-LGPL-NOTICE.txt").write_text(LGPL_NOTICE)
    header = "dry-electrode-hmi is Apache-2.0 (text: Apache-2.0). Third-party components:\n"
    (out / "THIRD-PARTY.txt").write_text(header + "\n".join(lines) + "\n")
    return lines


if __name__ == "__main__":
    for line in collect(Path(sys.argv[1])):
        print(line)
