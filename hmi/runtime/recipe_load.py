"""Loading a recipe onto the line: the diff an operator confirms (live value → recipe value
with units, anything the machine cannot do flagged), then one command that applies every
setpoint in one tick."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hmi.core.tags import TagKind, TagRangeError, tag
from hmi.recipes.store import RecipeVersion
from hmi.runtime.commands import LoadRecipe
from hmi.runtime.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class DiffRow:
    label: str
    unit: str
    live: float | None  # None: not known (no snapshot, bad value)
    recipe: float

    @property
    def changes(self) -> bool:
        return self.live is None or not math.isclose(self.live, self.recipe, abs_tol=1e-9)


def load_diff(snapshot: Snapshot | None, v: RecipeVersion) -> list[DiffRow]:
    """Every setpoint the recipe touches: live → recipe, with the registry's label and unit."""
    rows = []
    for name, value in v.recipe.setpoints().items():
        t = tag(name)
        live = snapshot.value(name) if snapshot is not None else math.nan
        rows.append(DiffRow(t.description, t.unit, live if math.isfinite(live) else None, value))
    return rows


def load_command(v: RecipeVersion, user: str) -> LoadRecipe:
    return LoadRecipe(
        v.name,
        v.version,
        v.hash,
        tuple(v.recipe.setpoints().items()),
        tuple(v.recipe.formulation.items()),
        user,
    )


def check_recipe(command: LoadRecipe, controller: object) -> tuple[dict[str, float] | None, str]:
    """The runtime's side of a load: every setpoint checked (range, kind) and the formulation
    given to the controller, or nothing if one is refused. (setpoints or None, message)."""
    where = f"recipe {command.name} v{command.version}"
    try:
        checked = {name: tag(name).check(value) for name, value in command.setpoints}
        for name in checked:
            if tag(name).kind is not TagKind.SETPOINT:
                raise ValueError(f"{name}: not a setpoint")
    except (KeyError, ValueError, TagRangeError) as exc:
        return None, f"rejected: {where}: {exc}"
    set_formulation = getattr(controller, "set_formulation", None)
    if command.formulation and set_formulation is not None:
        try:
            set_formulation(dict(command.formulation))
        except ValueError as exc:
            return None, f"rejected: {where}: {exc}"
    return checked, f"{where} loaded by {command.user}"
