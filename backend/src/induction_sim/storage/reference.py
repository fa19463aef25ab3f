"""Reference tables (state names, fault types, alarm codes) kept equal to the code's catalogues.

The catalogues grow with the engine; codes are never renumbered, so an upsert at start-up is
enough and old rows keep their meaning.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.faults import CATALOGUE
from induction_sim.machine.states import ALARMS, MachineState
from induction_sim.storage.tables import alarm_codes, fault_types, machine_states


async def sync_reference_data(conn: AsyncConnection) -> None:
    rows_and_tables = (
        (machine_states, "code", [{"code": int(s), "name": s.name} for s in MachineState]),
        (
            fault_types,
            "bit",
            [
                {
                    "bit": f.bit,
                    "id": f.id,
                    "name": f.name,
                    "subsystem": f.subsystem,
                    "sensor_only": f.sensor_only,
                }
                for f in CATALOGUE
            ],
        ),
        (
            alarm_codes,
            "code",
            [{"code": int(a.code), "name": a.code.name, "text": a.text} for a in ALARMS.values()],
        ),
    )
    for table, key, rows in rows_and_tables:
        statement = insert(table).values(rows)
        updates = {c: statement.excluded[c] for c in rows[0] if c != key}
        await conn.execute(statement.on_conflict_do_update(index_elements=[key], set_=updates))
