"""Field types for everything a client or a file can send: text without control characters,
and numbers that are JSON numbers.

A NUL cannot be stored by PostgreSQL at all (`text`, `jsonb` and COPY refuse it), and the other
control characters (C0, DEL, C1) corrupt logs, CSV exports and the dashboard. So every text field
of every request model and data file uses one of these types, and a control character is a 422
naming the field. The rules are regular-expression `pattern`s, so the OpenAPI schema states them.

- `Name`: one line, 1–80 characters, no leading or trailing space (identifiers, operators).
- `Line`: one line, may be empty (short labels).
- `FreeText`: descriptions and comments: tab and newline allowed, nothing else below U+0020.

Numbers: pydantic's lax mode reads JSON `true` or `"1.5"` as a number, which the schema says
is not one; `Number` and `Integer` take JSON numbers only (`Real`: a `Number` kept as the float32
a REAL column stores) (`Integer` also takes `3.0`, as JSON
Schema's `integer` does), and `Timestamp` takes only RFC 3339 date-times (not Unix time, not a
bare date, not a time without its offset).

Lone surrogates (`"\\ud800"` in JSON) are refused too: pydantic refuses them in any constrained
string. The patterns use `\\xNN` escapes only, which ECMA-262 (JSON Schema), Rust (pydantic) and
Python read alike, and no look-around, which pydantic's Rust engine lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import numpy as np
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BeforeValidator,
    JsonValue,
    Strict,
    StringConstraints,
)

# A character allowed anywhere in one line of text: not C0, DEL or C1.
_LINE_CHAR = r"[^\x00-\x1f\x7f-\x9f]"
# A character allowed at either end of a name: the same, and not a space either.
_EDGE_CHAR = r"[^\x00-\x20\x7f-\x9f]"

NAME_PATTERN = rf"^{_EDGE_CHAR}(?:{_LINE_CHAR}*{_EDGE_CHAR})?$"
LINE_PATTERN = rf"^{_LINE_CHAR}*$"
# Tab (\x09) and newline (\x0a) are meaningful in free text; carriage return is not needed.
FREE_TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"

# What each pattern means, for error messages (a regular expression is no answer to a person).
PATTERN_RULES = {
    NAME_PATTERN: "must be one line without control characters (NUL, tab, newline, …) and "
    "without spaces at either end",
    LINE_PATTERN: "must be one line without control characters (NUL, tab, newline, …)",
    FREE_TEXT_PATTERN: "must not contain control characters other than tab and newline",
}

NAME_MAX = 80
LINE_MAX = 200
FREE_TEXT_MAX = 2000

Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, pattern=NAME_PATTERN)]
Line = Annotated[str, StringConstraints(max_length=LINE_MAX, pattern=LINE_PATTERN)]
FreeText = Annotated[str, StringConstraints(max_length=FREE_TEXT_MAX, pattern=FREE_TEXT_PATTERN)]


def json_number(value: object) -> object:
    """Before-validator: refuse what is not a JSON number (see `Integer`)."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("Input should be a JSON number")
    return value


# RFC 3339, what JSON Schema's `date-time` means: the offset is required (`Z` or ±hh:mm).
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise ValueError("Input should be an RFC 3339 date-time with an offset: 2026-01-05T06:00:00Z")


# Strict float still takes an int (both are JSON numbers); Python's JSON reader turns `1e999` into
# infinity, which no JSON can hold again (PostgreSQL's jsonb refuses it).
Number = Annotated[float, Strict(), AllowInfNan(False)]
Integer = Annotated[int, BeforeValidator(json_number)]


def _as_real(value: float) -> float:
    return float(np.float32(value))


# A number stored in a PostgreSQL REAL (float4) column: kept as the float32 it will be stored as,
# so the engine and the stored row agree and a value too small for REAL (1e-300: "underflow")
# is 0, not a row the database refuses after the request was answered.
Real = Annotated[Number, AfterValidator(_as_real)]
# Lax pydantic also reads Unix time, bare dates and naive times; the schema says RFC 3339.
Timestamp = Annotated[datetime, BeforeValidator(_rfc3339)]


# Tags of "a name or an object" unions: not valid field names, so that error locations can drop
# them (`scenario.faults.0.fault`, not `scenario.as-object.faults.0.fault`).
BY_NAME = "by-name"
AS_OBJECT = "as-object"
UNION_TAGS = frozenset({BY_NAME, AS_OBJECT})


def one_of(values: Iterable[str]) -> dict[str, JsonValue]:
    """Schema extra `{"enum": [...]}`: says which values a field's own validator accepts."""
    names: list[JsonValue] = [*values]
    return {"enum": names}


# The control characters: `Name` and `Line` refuse all, `FreeText` all but tab and newline.
CONTROL_CHARACTERS = tuple(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))
