"""Recipes as files: JSON with a schema version (import, export, the shipped recipes) and CSV
for a spreadsheet. Reading reports every bad field at once, each with its path, its label and
unit, the allowed range and the value given."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hmi.core.toml_files import read_text
from hmi.recipes.model import LABELS, SCHEMA_VERSION, Recipe, label


class RecipeFileError(ValueError):
    """A recipe file that cannot be used; the message lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: invalid recipe: " + "; ".join(problems))


def range_text(field: str) -> str:
    """'10 to 50 mg/cm²' from the model's constraints on `field` ('' if it has none)."""
    info = Recipe.model_fields.get(field)
    if info is None:
        return ""
    low = high = None
    for c in info.metadata:
        low = getattr(c, "ge", getattr(c, "gt", low))
        high = getattr(c, "le", getattr(c, "lt", high))
    if low is None or high is None:
        return ""
    unit = LABELS.get(field, ("", ""))[1]
    return f"{low:g} to {high:g} {unit}".rstrip()


def _problem(item: Any) -> str:
    loc = [str(p) for p in item["loc"]]
    field = loc[0] if loc else ""
    where = ".".join(loc) or "(recipe)"
    message = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "extra_forbidden":
        return f"{where}: not a recipe field"
    if field in Recipe.model_fields and field in LABELS:
        allowed = range_text(field)
        value = item.get("input")
        if allowed and item["type"] in ("float_parsing", "float_type"):
            return f"{where} — {label(field)}: {value!r} is not a number (allowed {allowed})"
        if allowed and item["type"] in (
            "greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number",
        ):  # fmt: skip
            return f"{where} — {label(field)}: {value!r} is outside the allowed range {allowed}"
        return f"{where} — {label(field)}: {message}"
    return f"{where}: {message}"


def recipe_from_data(data: object, source: str) -> Recipe:
    if not isinstance(data, dict):
        raise RecipeFileError(source, ["the file must hold one JSON object"])
    body = dict(data)
    schema = body.pop("schema_version", SCHEMA_VERSION)
    problems = []
    if schema != SCHEMA_VERSION:
        problems.append(f"schema_version: {schema!r} is not {SCHEMA_VERSION} (this HMI's)")
    try:
        recipe = Recipe.model_validate(body)
    except ValidationError as exc:
        raise RecipeFileError(source, problems + [_problem(i) for i in exc.errors()]) from None
    if problems:
        raise RecipeFileError(source, problems)
    return recipe


def parse_json(text: str, source: str) -> Recipe:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecipeFileError(source, [f"not valid JSON: {exc}"]) from None
    except RecursionError:
        raise RecipeFileError(source, ["not valid JSON: nested too deeply"]) from None
    return recipe_from_data(data, source)


def load_recipe_file(path: Path) -> Recipe:
    """A recipe JSON file (shipped recipes, imports, scenario files that name one)."""
    text = read_text(Path(path), "recipe", lambda m: RecipeFileError(str(path), [m]))
    return parse_json(text, str(path))


def to_json(recipe: Recipe, **extra: object) -> str:
    return json.dumps(
        {"schema_version": SCHEMA_VERSION, **recipe.content(), **extra},
        indent=2,
        ensure_ascii=False,
    )


def to_csv(recipe: Recipe) -> str:
    """field, label, value, unit — one row a field, for a spreadsheet user."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["field", "label", "value", "unit"])
    for field, value in recipe.content().items():
        text, unit = LABELS.get(field, (field, ""))
        writer.writerow([field, text, "" if value is None else value, unit])
    return out.getvalue()
