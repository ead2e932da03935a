"""Recipes screen: the recipes (newest version each, filtered by material and state, with who
approved), the selected recipe's version history and its values with derived figures; New and
Edit (Engineers, the editor), Save from line, Approve with a signature and Obsolete
(Supervisors), Compare two versions, Load with the diff (Operators). Every action goes through
the recipe and line services, which check the permission and audit; the buttons only say what
the role may use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from hmi.plant import MATERIALS
from hmi.recipes.derived import derive
from hmi.recipes.model import Recipe, label
from hmi.recipes.service import RecipeService, signature_target
from hmi.recipes.store import RecipeVersion
from hmi.runtime.recipe_load import load_diff
from hmi.runtime.snapshot import Snapshot
from hmi.security.permissions import Action
from hmi.ui.access import bind
from hmi.ui.keypad import error_text
from hmi.ui.login import signature_dialog
from hmi.ui.picker import ChoicePicker
from hmi.ui.recipe_dialogs import CompareDialog, LoadDialog
from hmi.ui.recipe_editor import RecipeEditor
from hmi.ui.recipe_tables import fill, from_line, shown, table, when
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.touchform import Field, TouchFormDialog
from hmi.ui.widgets import add_touch_button

ALL = "All"
LIST_COLUMNS = ("Recipe", "Ver", "State", "Material", "Approved")
VERSION_COLUMNS = ("Ver", "State", "By", "Saved", "Reason")


class RecipesScreen(Screen):
    needs_security = True
    needs_recipes = True

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        assert context.recipes is not None, "the Recipes screen needs a recipe service"
        self.recipes: RecipeService = context.recipes
        self.listed: list[RecipeVersion] = []
        self.versions: list[RecipeVersion] = []
        self.active_dialog: object = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)

        left = QVBoxLayout()
        filters = QHBoxLayout()
        self.material_filter = ChoicePicker([ALL, *MATERIALS])
        self.state_filter = ChoicePicker([ALL, "draft", "approved", "obsolete"])
        for caption, picker in (("Material", self.material_filter), ("State", self.state_filter)):
            text = QLabel(caption)
            text.setObjectName("formCaption")
            filters.addWidget(text)
            picker.setMinimumHeight(48)
            picker.changed.connect(lambda _v: self.reload())
            filters.addWidget(picker, 1)
        left.addLayout(filters)
        self.list_table = table(LIST_COLUMNS)
        self.list_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_table.itemSelectionChanged.connect(self._recipe_chosen)
        left.addWidget(self.list_table, 1)
        row = QHBoxLayout()
        self.new_button = self._button(row, "New", self.new_recipe, Action.RECIPE_EDIT)
        self.upload_button = self._button(row, "Save from line", self.upload, Action.RECIPE_EDIT)
        self.import_button = self._button(row, "Import", self.ask_import, Action.RECIPE_EDIT)
        self.export_button = self._button(row, "Export", self.ask_export, None)
        left.addLayout(row)
        layout.addLayout(left, 5)

        right = QVBoxLayout()
        self.versions_table = table(VERSION_COLUMNS)
        self.versions_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )
        self.versions_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.versions_table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.versions_table.itemSelectionChanged.connect(self._version_chosen)
        right.addWidget(self.versions_table, 2)
        self.heading = QLabel("Choose a recipe")
        self.heading.setObjectName("panelTitle")
        self.heading.setWordWrap(True)
        right.addWidget(self.heading)
        self.detail = table(("Field", "Value"))
        self.detail.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.detail.verticalHeader().setDefaultSectionSize(34)
        self.detail.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.detail.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.detail, 3)
        self.problems = QLabel("")
        self.problems.setObjectName("keypadError")
        self.problems.setWordWrap(True)
        self.problems.setVisible(False)
        right.addWidget(self.problems)
        actions = QHBoxLayout()
        self.edit_button = self._button(actions, "Edit", self.edit_selected, Action.RECIPE_EDIT)
        self.compare_button = self._button(actions, "Compare", self.compare_selected, None)
        self.approve_button = self._button(
            actions, "Approve", self.approve_selected, Action.RECIPE_APPROVE
        )
        self.obsolete_button = self._button(
            actions, "Obsolete", self.obsolete_selected, Action.RECIPE_OBSOLETE
        )
        self.load_button = self._button(actions, "Load", self.load_selected, Action.RECIPE_LOAD)
        right.addLayout(actions)
        layout.addLayout(right, 6)

    def _button(self, row: QHBoxLayout, text: str, handler: Callable[[], object],
                action: str | None):  # fmt: skip
        button = add_touch_button(row, text, handler)
        button.setMinimumHeight(56)  # plain buttons: five fit the detail column at 1024 px
        if action is not None:
            bind(button, action)
        return button

    # ----- data -----
    def reload(self) -> None:
        chosen = self.chosen_recipe()
        material = self.material_filter.current()
        state = self.state_filter.current()
        self.listed = self.recipes.list(
            None if material == ALL else material, None if state == ALL else state
        )
        fill(
            self.list_table,
            [
                (v.name, str(v.version), v.state, v.recipe.material, self._approved(v.name))
                for v in self.listed
            ],
        )
        for r, v in enumerate(self.listed):
            if chosen is not None and v.name == chosen.name:
                self.list_table.selectRow(r)
        self._recipe_chosen()

    def _approved(self, name: str) -> str:
        """'v3 by sam': the newest approved version, the one an operator loads; '—' if none."""
        approved = [v for v in self.recipes.versions(name) if v.state == "approved"]
        return f"v{approved[-1].version} by {approved[-1].state_user}" if approved else "—"

    def chosen_recipe(self) -> RecipeVersion | None:
        rows = self.list_table.selectionModel().selectedRows()
        return self.listed[rows[0].row()] if rows and rows[0].row() < len(self.listed) else None

    def chosen_versions(self) -> list[RecipeVersion]:
        rows = sorted(i.row() for i in self.versions_table.selectionModel().selectedRows())
        return [self.versions[r] for r in rows if r < len(self.versions)]

    def chosen_version(self) -> RecipeVersion | None:
        versions = self.chosen_versions()
        if versions:
            return versions[-1]
        return self.versions[-1] if self.versions else None

    def select(self, name: str, version: int | None = None) -> None:
        for r, v in enumerate(self.listed):
            if v.name == name:
                self.list_table.selectRow(r)
        if version is not None:
            self.versions_table.clearSelection()
            for r, v in enumerate(self.versions):
                if v.version == version:
                    self.versions_table.selectRow(r)

    def _recipe_chosen(self) -> None:
        chosen = self.chosen_recipe()
        self.versions = self.recipes.versions(chosen.name) if chosen else []
        rows = [
            (str(v.version), v.state, v.state_user, when(v.time), v.reason) for v in self.versions
        ]
        self.versions_table.blockSignals(True)
        fill(self.versions_table, rows)
        self.versions_table.blockSignals(False)
        self._version_chosen()

    def _version_chosen(self) -> None:
        v = self.chosen_version()
        if v is None:
            self.heading.setText("Choose a recipe")
            fill(self.detail, [])
            self.problems.setText("")
            self.problems.setVisible(False)
        else:
            state = f"{v.state} by {v.state_user}"
            self.heading.setText(f"{v.name} · version {v.version} · {state} · sha256 {v.hash[:12]}")
            fill(self.detail, self.describe(v))
            problems = self.recipes.problems(v.recipe)
            self.problems.setText("This machine cannot run it: " + "; ".join(problems))
            self.problems.setVisible(bool(problems))
        self.gate_buttons()

    def gate_buttons(self) -> None:
        """Enable what the role may do and the chosen version's state allows."""
        v = self.chosen_version()
        may = self.context.service.may
        state = v.state if v else ""
        self.new_button.setEnabled(may(Action.RECIPE_EDIT))
        self.upload_button.setEnabled(may(Action.RECIPE_EDIT))
        self.import_button.setEnabled(may(Action.RECIPE_EDIT))
        self.export_button.setEnabled(v is not None)
        self.edit_button.setEnabled(v is not None and may(Action.RECIPE_EDIT))
        self.compare_button.setEnabled(len(self.chosen_versions()) == 2)
        self.approve_button.setEnabled(state == "draft" and may(Action.RECIPE_APPROVE))
        self.obsolete_button.setEnabled(
            state in ("draft", "approved") and may(Action.RECIPE_OBSOLETE)
        )
        self.load_button.setEnabled(state == "approved" and may(Action.RECIPE_LOAD))

    def describe(self, v: RecipeVersion) -> list[tuple[str, str]]:
        """(label with unit, value) for every field, then the derived values."""
        rows = [(label(f), shown(val)) for f, val in v.recipe.content().items() if f != "name"]
        try:
            d = derive(v.recipe)
        except Exception as exc:  # the model cannot settle it: say so, do not hide the recipe
            return [*rows, ("Derived values", f"not available ({error_text(exc)})")]
        rows += [("Derived: fresh feed (kg/h)", f"{d.fresh_feed_kg_h:.1f}")]
        rows += [(f"Derived: {f} feeder (kg/h)", f"{r:.1f}") for f, r in d.feeder_kg_h.items()]
        rows += [
            ("Derived: electrode throughput (m²/h)", f"{d.throughput_m2_h:.0f}"),
            ("Derived: coating thickness (µm)", f"{d.coating_thickness_um:.1f}"),
            ("Derived: electrode thickness (µm)", f"{d.electrode_thickness_um:.1f}"),
        ]
        if d.energy_kwh_m2 is not None:
            rows.append(("Derived: energy (kWh/m²)", f"{d.energy_kwh_m2:.4f}"))
        return rows

    # ----- actions -----
    def _open(self, dialog, done: Callable[[], None]) -> object:
        dialog.accepted.connect(done)
        dialog.finished.connect(dialog.deleteLater)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _session(self):
        return self.context.service.session

    def _save(self, recipe: Recipe, reason: str) -> RecipeVersion:
        return self.recipes.save(self._session(), recipe, reason)

    def _edit(self, recipe: Recipe) -> RecipeEditor:
        editor = RecipeEditor(recipe, self._save, self.recipes.problems, self.window())

        def saved() -> None:
            v = editor.saved
            self.context.notify(f"Saved {v.ref} as a draft", False)  # type: ignore[union-attr]
            self.reload()
            self.select(v.name, v.version)  # type: ignore[union-attr]

        return self._open(editor, saved)  # type: ignore[return-value]

    def new_recipe(self) -> RecipeEditor:
        chosen = self.chosen_version()
        base = chosen.recipe if chosen else from_line(self.context.service.snapshot(), "New recipe")
        return self._edit(base.model_copy(update={"name": f"{base.name} copy"}) if chosen else base)

    def edit_selected(self) -> RecipeEditor | None:
        v = self.chosen_version()
        return self._edit(v.recipe) if v else None

    def upload(self) -> RecipeEditor:
        """Upload: the live setpoints (over the chosen recipe, if any) into the editor."""
        chosen = self.chosen_version()
        snapshot = self.context.service.snapshot()
        name = chosen.name if chosen else (snapshot.recipe_name if snapshot else "") or "From line"
        return self._edit(from_line(snapshot, name, chosen.recipe if chosen else None))

    def compare_selected(self) -> CompareDialog | None:
        versions = self.chosen_versions()
        if len(versions) != 2:
            self.context.notify("Compare: choose two versions in the list", True)
            return None
        return self._open(CompareDialog(*versions, self.window()), lambda: None)  # type: ignore[return-value]

    def approve_selected(self) -> TouchFormDialog | None:
        v, security = self.chosen_version(), self.context.security
        if v is None or security is None:
            return None
        dialog = signature_dialog(
            security, Action.RECIPE_APPROVE, signature_target(v), {"recipe": v.ref}, self.window()
        )

        def signed() -> None:
            try:
                done = self.recipes.approve(self._session(), v.name, v.version, dialog.result_value)  # type: ignore[arg-type]
            except Exception as exc:
                self.context.notify(f"Approve: {error_text(exc)}", True)
                return
            self.context.notify(f"Approved {done.ref}", False)
            self.reload()

        return self._open(dialog, signed)  # type: ignore[return-value]

    def obsolete_selected(self) -> TouchFormDialog | None:
        v = self.chosen_version()
        if v is None:
            return None

        def obsolete(values: dict[str, str]) -> object:
            return self.recipes.obsolete(self._session(), v.name, v.version, values["reason"])

        dialog = TouchFormDialog(
            "Make obsolete", [Field("reason", "Reason")], obsolete,
            info=f"{v.ref} can no longer be loaded.", primary="Obsolete", parent=self.window(),
        )  # fmt: skip
        return self._open(
            dialog, lambda: (self.context.notify(f"{v.ref} is obsolete", False), self.reload())
        )  # type: ignore[return-value]

    def load_selected(self) -> LoadDialog | None:
        v = self.chosen_version()
        if v is None:
            return None
        service = self.context.service
        dialog = LoadDialog(
            v,
            load_diff(service.snapshot(), v),
            self.recipes.problems(v.recipe),
            lambda: service.load_recipe(self.recipes, v.name, v.version),
            self.window(),
        )
        return self._open(dialog, lambda: self.context.notify(f"Loading {v.ref}", False))  # type: ignore[return-value]

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import recipe", str(Path.home()), "Recipe (*.json)"
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> RecipeVersion | None:
        try:
            v = self.recipes.import_file(self._session(), path)
        except Exception as exc:  # every bad field, or the refusal, in the status line
            self.context.notify(f"Import: {error_text(exc)}", True)
            return None
        self.context.notify(f"Imported {v.ref} as a draft", False)
        self.reload()
        self.select(v.name, v.version)
        return v

    def ask_export(self) -> None:
        v = self.chosen_version()
        if v is None:
            return
        name = f"{v.name}-v{v.version}.json".replace(" ", "_")
        path, _ = QFileDialog.getSaveFileName(
            self, "Export recipe", str(Path.home() / name), "Recipe (*.json);;CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        v = self.chosen_version()
        if v is None:
            return
        try:
            self.recipes.export_file(v, path)
        except OSError as exc:
            self.context.notify(f"Export: {error_text(exc)}", True)
            return
        self.context.notify(f"Exported {v.ref} to {path}", False)

    # ----- screen -----
    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.reload()

    def update_from(self, snapshot: Snapshot | None) -> None:
        session = self.context.service.session
        if session is not getattr(self, "_gated_for", None):
            self._gated_for = session
            self.gate_buttons()
