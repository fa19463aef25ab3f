"""Shared parameter types: ids are PostgreSQL bigints, so larger numbers are a 422, not a 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_BIGINT = 2**63 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_BIGINT)]
