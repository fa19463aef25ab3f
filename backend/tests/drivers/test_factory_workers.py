"""A factory dataset depends on (scenario, rows, seed) only: not on how many workers made it.

Each shard warms up on the shift before it by itself (no shard waits for another), so one
worker or three give the same rows, parts and events — and the boundaries between the shards
are continuous in what PostgreSQL holds.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.drivers.factory import Factory
from induction_sim.machine.scenario import BUILTIN
from induction_sim.machine.states import MachineState
from induction_sim.storage.database import DatabaseInfo
from induction_sim.storage.repositories import jobs
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.tables import machine_events, parts, telemetry

pytestmark = pytest.mark.db

SLOW_SIGNALS = ("quench_temp_c", "coil_water_out_c", "inverter_temp_c")
S = MachineState
AT_REST = [int(s) for s in (S.IDLE, S.LOADING, S.STOPPED, S.ALARM)]  # no heat, no spray


async def run_job(database: DatabaseInfo, engine: AsyncEngine, workers: int) -> int:
    scenario = BUILTIN["mixed_faults"].model_copy(update={"shift_h": 0.25})
    factory = Factory(engine, database.url, workers=workers)
    factory.start()
    try:
        job = await factory.create(scenario, 5 * scenario.shift_rows + 400, 21)  # six shards
        await factory.run(job.id)
    finally:
        await factory.close()
    async with engine.connect() as conn:
        done = await jobs.get_job(conn, job.id)
    assert done is not None and done.status == "succeeded", done
    assert done.shards == 6
    return int(done.run_id)


async def fingerprint(engine: AsyncEngine, run_id: int) -> tuple[str, ...]:
    """A hash of every row of the run's telemetry, parts and events (ids and run_id aside)."""
    hashes = []
    for table, order in ((telemetry, "seq"), (parts, "part_id"), (machine_events, "seq, id")):
        columns = ", ".join(c.name for c in table.columns if c.name not in ("run_id", "id"))
        async with engine.connect() as conn:
            value = await conn.scalar(
                text(
                    f"SELECT md5(string_agg(row({columns})::text, ';' ORDER BY {order})) "  # noqa: S608 - our names
                    f"FROM {table.name} WHERE run_id = :run"
                ),
                {"run": run_id},
            )
        hashes.append(str(value))
    return tuple(hashes)


async def test_one_worker_or_three_give_the_same_dataset_continuous_at_every_boundary(
    database: DatabaseInfo, engine: AsyncEngine
) -> None:
    made: list[int] = []
    try:
        for workers in (1, 3):
            made.append(await run_job(database, engine, workers))
        one, three = [await fingerprint(engine, run_id) for run_id in made]
        assert one == three
        run_id = made[0]
        shift_rows = BUILTIN["mixed_faults"].model_copy(update={"shift_h": 0.25}).shift_rows
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(telemetry.c.seq, telemetry.c.machine_state, telemetry.c.part_id)
                    .add_columns(*(telemetry.c[name] for name in SLOW_SIGNALS))
                    .where(telemetry.c.run_id == run_id)
                    .order_by(telemetry.c.seq)
                )
            ).all()
            judged = set(
                (
                    await conn.scalars(
                        select(parts.c.part_id).where(
                            parts.c.run_id == run_id, parts.c.verdict.in_(("OK", "NOK"))
                        )
                    )
                ).all()
            )
            counted = await conn.scalar(select(func.count()).where(parts.c.run_id == run_id))
        data = np.array([tuple(r) for r in rows], dtype=np.float64)
        seq, state, part = data[:, 0], data[:, 1], data[:, 2]
        # every part that has rows has its verdict, and no verdict lacks rows
        assert set(np.unique(part[part > 0]).astype(int).tolist()) == judged
        assert counted == len(judged)
        boundary = np.isin(seq[1:] % shift_rows, [0])  # step i → i+1 crosses a boundary
        rest = np.isin(state[1:], AT_REST) & np.isin(state[:-1], AT_REST) & ~boundary
        for i, name in enumerate(SLOW_SIGNALS):
            steps = np.abs(np.diff(data[:, 3 + i]))
            normal = np.nanmax(steps[rest])
            assert (steps[boundary] <= normal).all(), (name, steps[boundary], normal)
    finally:
        async with engine.begin() as conn:
            await runs_repo.delete_runs(conn, made)
