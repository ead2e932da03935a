"""About screen: version, build commit, Python / Qt / library versions (the field-bus drivers
among them), licences, the data directory and the active hardware profile. On a kiosk panel
it also holds the "Leave the panel" button (an Administrator confirms)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi import __version__
from hmi.core.about import LICENCE, build_commit, library_versions, licences_folder
from hmi.core.about import python_version as python_text
from hmi.runtime.snapshot import Snapshot
from hmi.ui.screen import Screen, ScreenContext


@dataclass(frozen=True)
class AboutInfo:
    """What the composition root knows and the About screen shows."""

    data_dir: Path | None = None
    profile_name: str = ""
    profile_path: Path | None = None
    kiosk: bool = False
    leave_panel: Callable[[], None] | None = None  # the kiosk's exit request


def about_rows(info: AboutInfo) -> list[tuple[str, str]]:
    """(caption, text) rows of the screen, in order."""
    profile = info.profile_name or "—"
    if info.profile_path is not None:
        profile = f"{profile} ({info.profile_path})"
    folder = licences_folder()
    third_party = (
        f"Qt and PySide6: LGPL-3.0, as replaceable shared libraries. Texts: {folder}"
        if folder is not None
        else "Qt and PySide6: LGPL-3.0 (texts ship with the installers)"
    )
    rows = [
        ("Version", __version__),
        ("Build", build_commit()),
        ("Python", python_text()),
        ("Qt", qVersion()),
        ("PySide6 (runtime)", pyside_version),
    ]
    rows += [(name, version) for name, version in library_versions() if name != "PySide6"]
    rows += [
        ("Licence", f"dry-electrode-hmi: {LICENCE}"),
        ("Third-party licences", third_party),
        ("Data directory", str(info.data_dir) if info.data_dir is not None else "—"),
        ("Hardware profile", profile),
        ("Panel mode", "kiosk (full screen, locked)" if info.kiosk else "window"),
    ]
    return rows


class AboutScreen(Screen):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.info: AboutInfo = context.about or AboutInfo()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        panel = QFrame()
        panel.setObjectName("panel")
        grid = QGridLayout(panel)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        title = QLabel("Dry-electrode line HMI")
        title.setObjectName("panelTitle")
        grid.addWidget(title, 0, 0, 1, 2)
        self.values: dict[str, QLabel] = {}
        for row, (caption, text) in enumerate(about_rows(self.info), start=1):
            label = QLabel(caption)
            label.setObjectName("caption")
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.values[caption] = value
        grid.setColumnStretch(1, 1)
        layout.addWidget(panel)
        self.leave_button: QPushButton | None = None
        if self.info.kiosk and self.info.leave_panel is not None:
            leave = self.info.leave_panel
            self.leave_button = QPushButton("Leave the panel…")
            self.leave_button.setObjectName("commandButton")
            self.leave_button.setMinimumHeight(60)
            self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.leave_button.clicked.connect(lambda _c=False: leave())
            layout.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def text(self, caption: str) -> str:
        return self.values[caption].text()

    def update_from(self, snapshot: Snapshot | None) -> None:
        pass  # nothing here changes while the program runs
