from __future__ import annotations

import pytest

from hmi.recipes.service import RecipeService
from tests.security.conftest import clock, people, security  # noqa: F401  (fixtures)


@pytest.fixture
def recipes(security) -> RecipeService:  # noqa: F811
    return RecipeService(security)
