"""Recipes: the built-in ones and the ones operators added (kept in the database)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import ValidationError

from induction_sim.api.deps import Conn
from induction_sim.api.security import OperatorOnly
from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.storage.repositories import recipes

router = APIRouter(tags=["live machine"])
log = logging.getLogger(__name__)


@router.get("/recipes", response_model=list[Recipe])
async def list_recipes(conn: Conn) -> list[Recipe]:
    """The built-in recipes, then the ones operators added (kept in the database)."""
    added = await recipes.user_recipes(conn)
    return [*builtin_recipes().values(), *_still_valid(added)]


def _still_valid(stored: list[dict[str, Any]]) -> list[Recipe]:
    """Stored recipes that today's rules accept: one saved under older, looser rules is left out
    (and logged) instead of failing the whole list."""
    valid = []
    for data in stored:
        try:
            valid.append(Recipe.model_validate(data))
        except ValidationError as exc:
            log.warning("stored recipe %r no longer valid, not listed: %s", data.get("name"), exc)
    return valid


@router.post("/recipes", status_code=201, response_model=Recipe, dependencies=[OperatorOnly])
async def add_recipe(recipe: Recipe, conn: Conn) -> Recipe:
    """Add a recipe (validated; every error names its field). Names are unique."""
    conflict = HTTPException(409, f"name: a recipe named {recipe.name!r} exists already")
    if recipe.name in builtin_recipes():
        raise conflict
    async with conn.begin():
        if not await recipes.add_recipe(conn, recipe.name, recipe.model_dump(mode="json")):
            raise conflict
    return recipe
