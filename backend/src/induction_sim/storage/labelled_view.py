"""`telemetry_labelled`: the readable face of the coded telemetry, generated from the telemetry
contract (`machine/sample_schema.py`) — every stored column, the state and alarm names, and
`fault_labels` as 'fault_id:phase' with the contract's phase precedence (`MASKS` order).

It is not part of the migrated schema: `storage/migrate.py` (re)creates it right after the
migrations, in their transaction and under their lock, whenever its definition changed (the
definition's hash is kept as the view's comment). A new signal therefore needs no hand-written
view: its migration adds the column, the next start brings the view along.
"""

from __future__ import annotations

import hashlib
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection

from induction_sim.machine.sample_schema import MASKS, SAMPLE_COLUMNS

VIEW: Final = "telemetry_labelled"
_BIT: Final = "(1::bigint << f.bit)"


def view_sql() -> str:
    """The view's CREATE statement."""
    stored = ",\n       ".join(f"t.{c.name}" for c in SAMPLE_COLUMNS)
    phase = " ".join(f"WHEN t.{mask} & {_BIT} <> 0 THEN '{p.value}'" for p, mask in MASKS)
    any_mask = " | ".join(f"t.{mask}" for _, mask in MASKS)
    return f"""CREATE VIEW {VIEW} AS
SELECT {stored},
       s.name AS state_name,
       a.name AS alarm_name,
       ARRAY(
           SELECT f.id || ':' || CASE {phase} END
           FROM fault_types f
           WHERE ({any_mask}) & {_BIT} <> 0
           ORDER BY f.bit
       ) AS fault_labels
FROM telemetry t
LEFT JOIN machine_states s ON s.code = t.machine_state
LEFT JOIN alarm_codes a ON a.code = t.alarm_code"""  # noqa: S608 (names from the contract)


def _tag(sql: str) -> str:
    digest = hashlib.sha256(sql.encode()).hexdigest()[:16]
    return f"generated from machine/sample_schema.py by storage/labelled_view.py; {digest}"


def ensure_view(connection: Connection) -> bool:
    """Create or replace the view when its definition differs from the contract's; True when it
    was (re)created. Runs inside the caller's transaction (drop and create commit together)."""
    sql = view_sql()
    tag = _tag(sql)
    current = connection.scalar(
        text("SELECT obj_description(to_regclass(:view), 'pg_class')"), {"view": VIEW}
    )
    if current == tag:
        return False
    connection.execute(text(f"DROP VIEW IF EXISTS {VIEW}"))
    connection.execute(text(sql))
    connection.execute(text(f"COMMENT ON VIEW {VIEW} IS '{tag}'"))
    return True
