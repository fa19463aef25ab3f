"""SQL expressions for values read out as JSON: REAL columns without float noise, NaN as null."""

from __future__ import annotations

from typing import Any

from sqlalchemy import REAL, Float, Text, func, literal


def nan_null(column: Any) -> Any:
    """NULLIF(x, 'NaN'): a part that was never heated has no measured quality."""
    return func.nullif(column, literal(float("nan"), REAL))


def real_value(column: Any) -> Any:
    """A REAL column as the float8 of its shortest text (57.61542, not 57.615421295166016), and
    NaN as null: readable JSON without changing the stored value."""
    return nan_null(column).cast(Text).cast(Float)
