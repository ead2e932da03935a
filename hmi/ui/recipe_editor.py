"""The recipe editor (Engineers): every field as a touch button showing its value and unit; a
tap opens the keypad with the field's allowed range; choices (material, foil, cell type) are
pickers. The derived values (feed per feeder, throughput, thickness, energy) and what this
machine cannot do update after every change. Save asks for a reason and stores a new draft
version through the recipe service (which checks the permission and audits)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hmi.core.tags import Tag, TagKind
from hmi.plant import MATERIALS
from hmi.recipes.derived import derive
from hmi.recipes.io import RecipeFileError, recipe_from_data
from hmi.recipes.model import LABELS, Recipe
from hmi.ui.keypad import KeypadDialog, error_text
from hmi.ui.picker import ChoicePicker
from hmi.ui.recipe_dialogs import ErrorLine
from hmi.ui.touchform import Field, TouchFormDialog

NUMBER_FIELDS = (
    "areal_mass_target_mg_cm2", "areal_mass_tolerance_pct", "web_width_mm", "line_speed_m_min",
    "active_frac", "carbon_frac", "binder_frac", "roll_temperature_c", "densify_line_load_kn_mm",
    "laminate_line_load_kn_mm", "laminate_temperature_c", "hopper_refill_request_frac",
    "hopper_refill_complete_frac", "roll_length_m",
)  # fmt: skip
CHOICES = {
    "material": tuple(MATERIALS),
    "foil": ("Al", "Cu"),
    "cell_type": ("conventional", "solid-state"),
}
COLUMNS = 3  # caption + value pairs across: 6 rows fit a 768 px panel
DECIMALS = {"active_frac": 3, "carbon_frac": 3, "binder_frac": 3, "areal_mass_target_mg_cm2": 2}


def field_tag(field: str) -> Tag:
    """The field as a keypad understands it: label, unit and allowed range from the model."""
    info = Recipe.model_fields[field]
    low = high = None
    for c in info.metadata:
        low = getattr(c, "ge", getattr(c, "gt", low))
        high = getattr(c, "le", getattr(c, "lt", high))
    text, unit = LABELS[field]
    return Tag(field, unit, text, float(low), float(high), TagKind.SETPOINT,
               decimals=DECIMALS.get(field, 1))  # fmt: skip


class RecipeEditor(QDialog):
    """Edit a copy of a recipe; `saved` holds the stored version once accepted."""

    def __init__(
        self,
        recipe: Recipe,
        save: Callable[[Recipe, str], object],
        problems: Callable[[Recipe], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("touchForm")
        self.setWindowTitle("Edit recipe")
        self.setModal(True)
        self.values: dict[str, object] = recipe.content()
        self.saved: object = None
        self._save, self._problems = save, problems
        self.active_dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        self.title = QLabel("")
        self.title.setObjectName("keypadTitle")
        layout.addWidget(self.title)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        self.pickers: dict[str, ChoicePicker] = {}
        name = self._field_button("name", self.edit_name)
        name.setStyleSheet("text-align: left;")
        grid.addWidget(self._caption("name"), 0, 0)
        grid.addWidget(name, 0, 1, 1, 2 * COLUMNS - 1)
        cells: list[tuple[str, QWidget]] = []
        for field, items in CHOICES.items():
            picker = ChoicePicker(items)
            picker.setMinimumHeight(48)
            picker.choose(str(self.values[field]))
            picker.changed.connect(lambda v, f=field: self.set_value(f, v))
            self.pickers[field] = picker
            cells.append((field, picker))
        for field in NUMBER_FIELDS:
            cells.append((field, self._field_button(field, lambda f=field: self.open_keypad(f))))
        rows = -(-len(cells) // COLUMNS)
        for i, (field, widget) in enumerate(cells):
            row, col = 1 + i % rows, 2 * (i // rows)
            grid.addWidget(self._caption(field), row, col)
            grid.addWidget(widget, row, col + 1)
        layout.addLayout(grid)

        self.derived = QLabel("")
        self.derived.setObjectName("caption")
        self.derived.setWordWrap(True)
        self.derived.setMinimumHeight(90)
        self.derived.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.derived)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = self._command("Cancel", self.reject)
        self.save_button = self._command("Save as new version", self.ask_reason)
        self.save_button.setObjectName("commandButton")
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.setMinimumWidth(1000)  # three columns of fields; fits a 1024 px panel
        self._update()

    def _caption(self, field: str) -> QLabel:
        text, unit = LABELS[field]
        caption = QLabel(f"{text} ({unit})" if unit else text)
        caption.setObjectName("formCaption")
        caption.setWordWrap(True)
        caption.setFixedWidth(165)
        return caption

    def _field_button(self, field: str, handler: Callable[[], object]) -> QPushButton:
        button = QPushButton("")
        button.setObjectName("setpoint")
        button.setMinimumHeight(48)
        button.setMinimumWidth(150)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _c=False: handler())
        self.buttons[field] = button
        return button

    def _command(self, text: str, handler: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(56)
        button.setMinimumWidth(160)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _c=False: handler())
        return button

    # ----- values -----
    def recipe(self) -> Recipe:
        """The edited recipe, validated (RecipeFileError naming every bad field)."""
        return recipe_from_data(dict(self.values), "recipe")

    def set_value(self, field: str, value: object) -> None:
        self.values[field] = value
        self._update()

    def open_keypad(self, field: str) -> KeypadDialog:
        definition = field_tag(field)
        current = self.values.get(field)
        dialog = KeypadDialog(
            definition,
            float(current) if isinstance(current, int | float) else float("nan"),
            lambda v: self.set_value(field, definition.check(v)),
            self,
        )
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def edit_name(self) -> TouchFormDialog:
        dialog = TouchFormDialog(
            "Recipe name",
            [Field("name", "Name", text=str(self.values["name"]))],
            lambda v: self.set_value("name", v["name"].strip()),
            primary="OK",
            parent=self,
        )
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def ask_reason(self) -> TouchFormDialog | None:
        try:
            recipe = self.recipe()
        except RecipeFileError as exc:
            self.error.setText("; ".join(exc.problems))
            return None
        dialog = TouchFormDialog(
            "Save recipe", [Field("reason", "Reason")], lambda v: self._save(recipe, v["reason"]),
            info=f"{recipe.name}: saved as a new draft version; a Supervisor approves it.",
            primary="Save", parent=self,
        )  # fmt: skip
        dialog.accepted.connect(lambda: self._saved(dialog.result_value))
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, version: object) -> None:
        self.saved = version
        self.accept()

    def _update(self) -> None:
        v = self.values
        self.title.setText(f"Edit recipe · {v['name']}")
        self.buttons["name"].setText(str(v["name"]))
        for field in NUMBER_FIELDS:
            t = field_tag(field)
            value = v.get(field)
            text = t.format(float(value)) if isinstance(value, int | float) else "----"
            self.buttons[field].setText(f"{text} {t.unit}".rstrip())
        try:
            recipe = self.recipe()
        except RecipeFileError as exc:
            self.derived.setText("Derived values appear when every field is valid.")
            self.error.setText("; ".join(p.split(" — ", 1)[-1] for p in exc.problems))
            self.save_button.setEnabled(False)
            return
        try:
            d = derive(recipe)
        except Exception as exc:  # the model cannot settle this combination: say so
            self.derived.setText(f"Derived values: not available ({error_text(exc)})")
        else:
            feeders = " · ".join(f"{f} {r:.1f}" for f, r in d.feeder_kg_h.items())
            energy = "" if d.energy_kwh_m2 is None else f" · energy {d.energy_kwh_m2:.4f} kWh/m²"
            self.derived.setText(
                f"Derived: fresh feed {d.fresh_feed_kg_h:.1f} kg/h ({feeders} kg/h) · "
                f"electrode {d.throughput_m2_h:.0f} m²/h · coating {d.coating_thickness_um:.1f} µm"
                f" · electrode {d.electrode_thickness_um:.1f} µm{energy}"
            )
        problems = self._problems(recipe)
        self.error.setText("; ".join(problems))
        self.save_button.setEnabled(not problems)
