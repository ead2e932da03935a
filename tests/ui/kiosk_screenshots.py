"""Screenshots of the kiosk panel (About screen, then the "Leave the panel" dialog over it) at
1024×768, 1280×800 and 1920×1080, of the whole X screen, so the dialog shows where it opens:

    xvfb-run -s "-screen 0 1920x1080x24" python -m tests.ui.kiosk_screenshots [OUT_DIR]
    (default /tmp: kiosk-about-1024x768.png, kiosk-exit-1024x768.png, ...)
"""

from __future__ import annotations

import sys
import tempfile
from argparse import Namespace
from pathlib import Path

SIZES = ((1024, 768), (1280, 800), (1920, 1080))


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from hmi.app import DEFAULT_PROFILE, build_stack
    from hmi.ui.application import open_window

    out = Path(argv[0]) if argv else Path("/tmp")
    app = QApplication.instance() or QApplication([])
    data = Path(tempfile.mkdtemp(prefix="hmi-kiosk-shots-"))
    stack = build_stack(DEFAULT_PROFILE, data, history=False)
    stack.security.accounts.add_first_admin("chief", "s3cret-pass")
    args = Namespace(
        kiosk=True, screen="About", fullscreen=False, self_test=False, screenshot=None,
        profile=str(DEFAULT_PROFILE),
    )  # fmt: skip
    window = open_window(stack, args)
    stack.runtime.start()
    screen = app.primaryScreen()
    for width, height in SIZES:
        window.setGeometry(QRect(0, 0, width, height))
        for _ in range(20):
            app.processEvents()
        window.refresh()
        shot = screen.grabWindow(0, 0, 0, width, height)
        shot.save(str(out / f"kiosk-about-{width}x{height}.png"))
        window.close()  # refused: the Administrator's dialog opens
        for _ in range(20):
            app.processEvents()
        dialog = window.kiosk.dialog
        for _ in range(20):
            app.processEvents()
        shot = screen.grabWindow(0, 0, 0, width, height)
        shot.save(str(out / f"kiosk-exit-{width}x{height}.png"))
        dialog.reject()
        for _ in range(5):
            app.processEvents()
        print(out / f"kiosk-about-{width}x{height}.png", out / f"kiosk-exit-{width}x{height}.png")
    window.kiosk.allowed = True
    window.close()
    stack.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
