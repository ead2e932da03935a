"""Where to save an export (CSV). At a desk: the file dialog. On a kiosk panel: a file name
typed on the on-screen keyboard, saved in the panel user's home folder — the file dialog
there would be a text entry without the keyboard and a way around the kiosk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from hmi.ui.touchform import Field, TouchFormDialog

BAD_CHARS = set('/\\:*?"<>|')


def export_folder() -> Path:
    return Path.home()


def csv_path(name: str, folder: Path) -> Path:
    """`name` (a plain file name, .csv added if missing) inside `folder`; ValueError if not."""
    name = name.strip()
    if not name or name.startswith(".") or BAD_CHARS & set(name):
        raise ValueError("File name: letters, digits, - _ . only, no folders")
    if not name.lower().endswith(".csv"):
        name += ".csv"
    return folder / name


def on_kiosk(widget: QWidget) -> bool:
    return bool(widget.window().property("kiosk"))


def ask_save_path(
    parent: QWidget, title: str, default_name: str, save: Callable[[Path], object]
) -> TouchFormDialog | None:
    """Ask where to save, then call `save(path)`; nothing when the user cancels. Returns the
    kiosk's dialog (open, not yet answered), None at a desk."""
    if not on_kiosk(parent):
        path, _ = QFileDialog.getSaveFileName(
            parent, title, str(Path.home() / default_name), "CSV (*.csv)"
        )
        if path:
            save(Path(path))
        return None
    folder = export_folder()
    dialog = TouchFormDialog(
        title,
        [Field("name", "File name", text=default_name)],
        lambda v: csv_path(v["name"], folder),
        info=f"Saved in {folder}",
        primary="Export",
        parent=parent,
    )
    dialog.accepted.connect(lambda: save(dialog.result_value))  # type: ignore[arg-type]
    dialog.open()
    return dialog
