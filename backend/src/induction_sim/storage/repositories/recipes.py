"""Operators' recipes (the built-in ones live in code, `machine/recipe.py`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.storage.tables import recipes


async def add_recipe(conn: AsyncConnection, name: str, recipe: dict[str, Any]) -> bool:
    """Store an operator's recipe; False when the name is taken (nothing is overwritten)."""
    added = await conn.execute(
        pg_insert(recipes)
        .values(name=name, recipe=recipe)
        .on_conflict_do_nothing(index_elements=[recipes.c.name])
        .returning(recipes.c.name)
    )
    return added.first() is not None


async def user_recipes(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Operators' recipes, oldest first."""
    query = select(recipes.c.recipe).order_by(recipes.c.created_at, recipes.c.name)
    rows = await conn.execute(query)
    return [r.recipe for r in rows]
