"""The Quality screen's three pages after 15 minutes of the emulated line cut into 200 m rolls,
with a 20 % bulk-density drop at 6 min (off-spec film in one roll), and one roll's PDF report.

    python -m tests.ui.quality_screenshots [OUT_DIR]   (default /tmp/quality-shots: 1024×768,
                                                        1280×800, 1920×1080 and the report)
    python -m tests.ui.quality_screenshots --readme    (docs/screenshot-quality.png,
                                                        docs/screenshot-rolls.png: 1280×800)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from hmi.ui.theme import apply_theme
    from tests.ui.panel_stack import SIZES, build_window, log_in, settle

    readme = "--readme" in argv
    args = [a for a in argv if a != "--readme"]
    out = Path(args[0]) if args else Path("/tmp/quality-shots")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    stack = build_window(
        Path(tempfile.mkdtemp(prefix="hmi-quality-shots-")), warm_up_s=360.0, roll_length_m=200.0
    )
    window = stack.window
    window.show()
    log_in(stack, "ann")
    stack.runtime.profile.inject("bulk_density_step", {"magnitude": -0.2})
    stack.runtime.run_for(540.0)
    quality = window.screens["Quality"]
    shots = [("CD × MD map", "quality"), ("Rolls", "rolls"), ("Headline figures", "kpis")]
    sizes = ((1280, 800),) if readme else SIZES
    for width, height in sizes:
        window.resize(width, height)
        window.show_screen("Quality")
        for page, slug in shots:
            quality.show_page(page)
            if page == "Rolls":
                quality.rolls_page.table.selectRow(1)
            settle(app, window)
            if readme:
                if slug == "kpis":
                    continue
                path = ROOT / "docs" / f"screenshot-{slug}.png"
            else:
                (out / f"{width}x{height}").mkdir(parents=True, exist_ok=True)
                path = out / f"{width}x{height}" / f"operator-{slug}.png"
            window.grab().save(str(path))
            print(path)
    if not readme:
        csv_path, pdf_path = quality.rolls_page.export_selected()
        shutil.copy(pdf_path, out / pdf_path.name)
        shutil.copy(csv_path, out / csv_path.name)
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1",
                            str(pdf_path), str(out / "report-page")], check=True)  # fmt: skip
        print(out / pdf_path.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
