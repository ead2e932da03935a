"""About screen: version, build commit, Python / Qt / library versions (the field-bus drivers
among them), licences, the data directory and the active hardware profile. On a kiosk panel
it also holds the "Leave the panel" button (an Administrator confirms)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, Signal, qVersion
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi import __version__
from hmi.core.about import LICENCE, build_commit, library_versions, licences_folder
from hmi.core.about import python_version as python_text
from hmi.runtime.snapshot import Snapshot
from hmi.security import Action
from hmi.ui.access import bind
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.wrapping_text import WrappingText


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
    exit_requested = Signal()  # Exit the HMI (the main window checks and closes)

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
        self.values: dict[str, WrappingText] = {}
        # two columns: the program and its place on the left, the software it runs on right
        rows = about_rows(self.info)
        split = next((i for i, (caption, _) in enumerate(rows) if caption == "Licence"), 0)
        columns = (rows[:1] + rows[1:2] + rows[split:], rows[2:split])
        for column, shown in enumerate(columns):
            for row, (caption, text) in enumerate(shown, start=1):
                label = QLabel(caption)
                label.setObjectName("caption")
                value = WrappingText(text)
                grid.addWidget(label, row, 2 * column, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(value, row, 2 * column + 1, Qt.AlignmentFlag.AlignTop)
                self.values[caption] = value
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setRowStretch(len(rows) + 1, 1)
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
        self.exit_button = QPushButton("Exit the HMI")
        self.exit_button.setObjectName("commandButton")
        self.exit_button.setMinimumHeight(60)
        self.exit_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bind(self.exit_button, Action.PANEL_EXIT)  # Administrators; a tap otherwise says why
        self.exit_button.clicked.connect(lambda _c=False: self.exit_requested.emit())
        layout.addWidget(self.exit_button, 0, Qt.AlignmentFlag.AlignLeft)
        exit_note = QLabel(
            "Exit stops the line's control loop, puts the outputs in their safe state and "
            "closes the HMI."
        )
        exit_note.setObjectName("caption")
        exit_note.setWordWrap(True)
        layout.addWidget(exit_note)
        layout.addStretch(1)

    def text(self, caption: str) -> str:
        return self.values[caption].text()

    def update_from(self, snapshot: Snapshot | None) -> None:
        pass  # nothing here changes while the program runs
