"""The one check of an equipment override section, for every file that has one."""

from __future__ import annotations

from collections.abc import Mapping

from hmi.plant.equipment import Equipment
from hmi.plant.equipment_limits import equipment_problems


def checked_equipment(
    overrides: Mapping[str, float], base: Mapping[str, float] | None = None, where: str = ""
) -> dict[str, float]:
    """`overrides` if each field is known, finite and in range and the machine they make with
    `base` (fields the file sets elsewhere, e.g. the web width) is consistent; else ValueError
    naming the fields (after `where`), the allowed ranges and the values."""
    problems = equipment_problems(overrides)
    if problems:
        raise ValueError("; ".join(where + p for p in problems))
    try:
        Equipment(**{**(base or {}), **overrides})
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise ValueError(where + str(exc).removeprefix("Equipment.")) from None
    return dict(overrides)
