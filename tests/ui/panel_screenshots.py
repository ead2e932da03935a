"""Every screen for every role at 1024×768, 1280×800 and 1920×1080, offscreen, on the real
emulated line with one alarm active — what the geometry test checks, to look at by eye.

    python -m tests.ui.panel_screenshots [OUT_DIR]     (default /tmp/panel-shots)
    python -m tests.ui.panel_screenshots --readme      (docs/screenshot-overview.png: 1280×800)

Files: OUT_DIR/<width>x<height>/<role>-<screen>.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from hmi.ui.theme import apply_theme
    from tests.ui.panel_stack import (
        ROLES,
        SIZES,
        build_window,
        every_dialog,
        every_view,
        log_in,
        settle,
    )

    readme = "--readme" in argv
    args = [a for a in argv if a != "--readme"]
    out = Path(args[0]) if args else Path("/tmp/panel-shots")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    stack = build_window(Path(tempfile.mkdtemp(prefix="hmi-panel-shots-")), warm_up_s=120.0)
    window = stack.window
    window.show()
    log_in(stack, "eve")
    stack.service.inject_fault("gauge_fault", reason="screenshots", mode="nan", duration_s=600)
    stack.runtime.run_for(10.0)
    if readme:
        window.resize(1280, 800)
        window.show_screen("Overview")
        settle(app, window)
        path = ROOT / "docs" / "screenshot-overview.png"
        window.grab().save(str(path))
        print(path)
        faceplate = window.screens["Overview"].open_faceplate("nip")
        settle(app, window)
        path = ROOT / "docs" / "screenshot-faceplate.png"
        over_window(window, faceplate).save(str(path))
        print(path)
        return 0
    for width, height in SIZES:
        folder = out / f"{width}x{height}"
        folder.mkdir(parents=True, exist_ok=True)
        window.resize(width, height)
        for account, role in ROLES:
            log_in(stack, account)
            settle(app, window)
            for screen in every_view(app, stack):
                path = folder / f"{role.label.lower()}-{screen.lower()}.png"
                window.grab().save(str(path))
            if account in ("ann", None):
                for name, dialog in every_dialog(app, stack):
                    slug = name.replace(" ", "-")
                    path = folder / f"{role.label.lower()}-dialog-{slug}.png"
                    over_window(window, dialog).save(str(path))
        print(folder)
    return 0


def over_window(window, dialog):
    """The window dimmed with the dialog drawn centred on it, as the panel shows it."""
    from PySide6.QtGui import QColor, QPainter

    image = window.grab()
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
    shot = dialog.grab()
    painter.drawPixmap(
        (image.width() - shot.width()) // 2, (image.height() - shot.height()) // 2, shot
    )
    painter.end()
    return image


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
