"""Child process for the recipe SIGKILL test: saves versions in a loop, printing each version
number after its save returned.   python -m tests.recipes.recipe_writer DATA_DIR"""

from __future__ import annotations

import sys
from pathlib import Path

from hmi.core.roles import Role
from hmi.recipes.model import Recipe
from hmi.recipes.service import RecipeService
from hmi.security import Session, make_hasher, open_security


def main(data_dir: str) -> None:
    security = open_security(Path(data_dir), hasher=make_hasher(cheap=True))
    service = RecipeService(security)
    engineer = Session("eng", Role.ENGINEER)
    n = 0
    while True:
        n += 1
        recipe = Recipe(
            name="LFP soak",
            areal_mass_target_mg_cm2=10.0 + (n % 400) / 10.0,
            line_speed_m_min=50.0,
            notes="x" * (n % 997),
        )
        print(service.save(engineer, recipe, f"save {n}").version, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
