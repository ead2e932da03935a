"""Screenshots of the Recipes screen and its dialogs, offscreen, on the real line with the
shipped recipes (one approved, one edited into a second version):

python -m tests.ui.recipe_screenshots [OUT_DIR]    (default /tmp: recipes-<user>-<width>.png
    for ann, eve and sam at 1024, 1280 and 1920 px, recipe-editor.png, recipe-load.png,
    recipe-compare.png; with --readme, docs/screenshot-recipes.png only)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1024, 768), (1280, 800), (1920, 1080))


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from hmi.core.roles import Role
    from hmi.recipes.io import load_recipe_file
    from hmi.recipes.service import signature_target
    from hmi.security import Session
    from hmi.security.permissions import Action
    from hmi.ui.main_window import MainWindow
    from hmi.ui.theme import apply_theme
    from tests.ui.recipe_stack import PASSWORD, build

    readme = "--readme" in argv
    args = [a for a in argv if a != "--readme"]
    out = Path(args[0]) if args else Path("/tmp")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    stack = build(Path(tempfile.mkdtemp(prefix="hmi-recipe-shots-")))
    security, runtime, service, recipes = (
        stack.security,
        stack.runtime,
        stack.service,
        stack.recipes,
    )
    engineer = Session("eve", Role.ENGINEER)
    for path in sorted((ROOT / "resources" / "recipes").glob("*.json")):
        recipes.save(engineer, load_recipe_file(path), "shipped")
    sam = security.login("sam", PASSWORD)
    first = recipes.get("LFP cathode 30")
    signature = security.sign(sam, Action.RECIPE_APPROVE, PASSWORD, "trial passed",
                              target=signature_target(first))  # fmt: skip
    recipes.approve(sam, first.name, first.version, signature)
    slower = first.recipe.model_copy(update={"line_speed_m_min": 45.0})
    recipes.save(engineer, slower, "slower for the new foil")
    runtime.run_for(1.0)
    window = MainWindow(service, runtime.trend, security=security, recipes=recipes)
    window.timer.stop()
    screen = window.screens["Recipes"]

    def settle() -> None:
        for _ in range(3):
            app.processEvents()
            window.refresh()

    def show(user: str, size: tuple[int, int], version: int | None = None) -> None:
        security.login(user, PASSWORD)
        window.resize(*size)
        window.show()
        window.show_screen("Recipes")
        screen.select("LFP cathode 30", version)
        settle()

    if readme:
        show("sam", (1280, 800), 2)
        window.grab().save(str(ROOT / "docs" / "screenshot-recipes.png"))
        return 0
    for user in ("ann", "eve", "sam"):
        for size in SIZES:
            show(user, size)
            window.grab().save(str(out / f"recipes-{user}-{size[0]}.png"))
    show("ann", (1280, 800), 1)
    dialog = screen.load_selected()
    settle()
    dialog.grab().save(str(out / "recipe-load.png"))
    dialog.reject()
    show("eve", (1280, 800), 2)
    editor = screen.edit_selected()
    settle()
    editor.grab().save(str(out / "recipe-editor.png"))
    editor.reject()
    screen.versions_table.clearSelection()
    for row in (0, 1):
        screen.versions_table.selectRow(row)
    compare = screen.compare_selected()
    settle()
    compare.grab().save(str(out / "recipe-compare.png"))
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
