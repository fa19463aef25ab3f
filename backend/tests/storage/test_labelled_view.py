"""The readable view `telemetry_labelled` is generated from the telemetry contract: its columns
are the contract's, its labels are `fault_labels` of the same masks (also where a fault's bit is
set in several masks), and start-up leaves an up-to-date view alone."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.chunk import KEY_COLUMNS
from induction_sim.machine.faults import CATALOGUE
from induction_sim.machine.sample_schema import MASKS, SAMPLE_COLUMNS, fault_labels
from induction_sim.machine.signals import SIGNAL_NAMES, TRUE_VALUE_SIGNALS
from induction_sim.storage.database import copy_payload
from induction_sim.storage.labelled_view import VIEW, ensure_view
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

pytestmark = pytest.mark.db

RUN_ID = 2**62 + 6  # telemetry has no FK to runs: an id no other test uses
ROWS = 2_000


async def test_the_view_has_the_contract_columns_then_the_decoded_ones(
    conn: AsyncConnection,
) -> None:
    names = (
        await conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = :view ORDER BY ordinal_position"
            ),
            {"view": VIEW},
        )
    ).scalars()
    assert list(names) == [
        *(c.name for c in SAMPLE_COLUMNS),
        "state_name",
        "alarm_name",
        "fault_labels",
    ]


async def test_view_labels_equal_fault_labels_where_masks_overlap(conn: AsyncConnection) -> None:
    rng = np.random.default_rng(12)
    columns = {name: np.zeros(ROWS, dtype=dtype) for name, dtype in KEY_COLUMNS.items()}
    columns["seq"] = np.arange(ROWS, dtype=np.int64)
    columns["machine_state"][:] = 3
    bits = np.array([f.bit for f in CATALOGUE[:4]], dtype=np.int64)
    for _, mask in MASKS:  # a few faults, each in any subset of the three masks
        chosen = rng.random((ROWS, bits.size)) < 0.3
        columns[mask] = (chosen * (np.int64(1) << bits)).sum(axis=1).astype(np.int64)
    columns["faults_recovering"][::7] |= np.int64(1) << 62  # outside the catalogue: no label
    for name in SIGNAL_NAMES:
        columns[name] = rng.normal(10, 1, ROWS)
    true = {name: rng.normal(10, 1, ROWS) for name in TRUE_VALUE_SIGNALS}
    start = datetime(2026, 4, 1, tzinfo=UTC)
    payload = telemetry_payload(RUN_ID, start, columns, true)
    await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)

    rows = (
        await conn.execute(
            text(
                f"SELECT seq, state_name, fault_labels FROM {VIEW} "  # noqa: S608
                "WHERE run_id = :run ORDER BY seq"
            ),
            {"run": RUN_ID},
        )
    ).all()
    assert len(rows) == ROWS
    expected = [fault_labels(*(int(columns[m][i]) for _, m in MASKS)) for i in range(ROWS)]
    assert [list(r.fault_labels) for r in rows] == expected
    assert {r.state_name for r in rows} == {"HEATING"}
    overlaps = (columns["faults_onset"] & columns["faults_active"]) | (
        columns["faults_active"] & columns["faults_recovering"]
    )
    assert (overlaps != 0).sum() > 100  # the case under test is there


async def test_start_up_recreates_the_view_only_when_it_changed(conn: AsyncConnection) -> None:
    assert await conn.run_sync(ensure_view) is False  # made at start-up, unchanged since
    await conn.execute(text(f"COMMENT ON VIEW {VIEW} IS 'hand-edited'"))
    assert await conn.run_sync(ensure_view) is True
    assert await conn.run_sync(ensure_view) is False
