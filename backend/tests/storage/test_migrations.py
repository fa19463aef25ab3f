"""The schema comes from Alembic migrations and matches the tables the code uses."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.storage.migrate import current_revision, head_revision, upgrade_to_head
from induction_sim.storage.tables import metadata

pytestmark = pytest.mark.db


async def test_database_is_at_the_head_revision(engine: AsyncEngine) -> None:
    assert head_revision() is not None
    assert await current_revision(engine) == head_revision()


async def test_upgrading_again_is_a_no_op(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    assert await current_revision(engine) == head_revision()


async def test_migrations_and_table_definitions_agree(conn: AsyncConnection) -> None:
    def diff(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, metadata))

    assert await conn.run_sync(diff) == []


async def test_time_series_tables_are_append_only_with_fillfactor_100(
    conn: AsyncConnection,
) -> None:
    rows = await conn.execute(
        text(
            "SELECT relname, reloptions FROM pg_class "
            "WHERE relname IN ('telemetry', 'machine_events', 'parts')"
        )
    )
    options = dict(rows.all())
    assert set(options) == {"telemetry", "machine_events", "parts"}
    assert all(opts == ["fillfactor=100"] for opts in options.values()), options


async def test_timestamp_sim_has_a_btree_index(conn: AsyncConnection) -> None:
    definition = await conn.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_telemetry_timestamp_sim'")
    )
    assert definition is not None
    assert "USING btree (timestamp_sim)" in definition


async def test_signals_are_typed_columns_not_json(conn: AsyncConnection) -> None:
    rows = await conn.execute(
        text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'telemetry'"
        )
    )
    types = dict(rows.all())
    assert types["power_kw"] == "real"
    assert types["timestamp_sim"] == "timestamp with time zone"
    assert "json" not in " ".join(types.values())


async def test_reference_tables_name_every_code_and_the_view_decodes_labels(
    conn: AsyncConnection,
) -> None:
    from induction_sim.machine.faults import CATALOGUE
    from induction_sim.machine.states import MachineState

    assert await conn.scalar(text("SELECT count(*) FROM machine_states")) == len(MachineState)
    assert await conn.scalar(text("SELECT count(*) FROM fault_types")) == len(CATALOGUE)
    await conn.execute(
        text("INSERT INTO telemetry SELECT 99, 0, now(), 3, 1, 101, 1, 4, 0" + ", 0" * 24)
    )
    row = (
        await conn.execute(
            text(
                "SELECT state_name, alarm_name, fault_labels "
                "FROM telemetry_labelled WHERE run_id = 99"
            )
        )
    ).one()
    assert row.state_name == "HEATING"
    assert row.alarm_name == "COIL_WATER_FLOW_LOW"
    assert row.fault_labels == ["coil_water_flow_loss:onset", "quench_pump_wear:active"]
