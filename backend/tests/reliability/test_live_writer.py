"""The live writer on its own: exactly-once through merged segments and lost acknowledgements,
a bounded queue, and live runs abandoned by a dead server marked interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.drivers import live_writer
from induction_sim.drivers.hub import Hub, StreamSink
from induction_sim.drivers.live import LiveRunner
from induction_sim.drivers.live_writer import LiveWriter, mark_abandoned_live_runs, trim
from induction_sim.machine.chunk import EventRecord, SampleChunk
from induction_sim.machine.machine import Machine, MachineConfig, OperatorModel
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.storage.repositories import runs as runs_repo

START = datetime(2026, 1, 1, tzinfo=UTC)


def samples(n: int) -> list[SampleChunk]:
    """`n` one-sample chunks of a producing machine, as the live loop makes them."""
    config = MachineConfig(
        recipe=builtin_recipes()["1045-shaft-scan"],
        seed=7,
        operator=OperatorModel(auto=False),
        autostart=True,
        start_sim=START,
    )
    machine = Machine(config)
    return [machine.advance(1) for _ in range(n)]


def seqs(chunks: list[SampleChunk]) -> list[int]:
    return [int(s) for c in chunks for s in c.columns["seq"]]


def test_trim_keeps_what_follows_the_newest_written_sample() -> None:
    merged = SampleChunk.concatenate(samples(120))
    assert trim(merged, 119) is None
    assert trim(merged, -1) is merged
    rest = trim(merged, 79)
    assert rest is not None and seqs([rest]) == list(range(80, 120))
    assert all(e.seq >= 80 for e in rest.events)
    assert all(p.finished_seq >= 80 for p in rest.parts)
    assert len(rest.true_values["power_kw"]) == 40


def test_the_queue_merges_chunks_and_drops_the_oldest_beyond_its_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live_writer, "MAX_QUEUED_ROWS", 300)
    no_io: AsyncEngine = None  # type: ignore[assignment]  # nothing is written here
    writer = LiveWriter(no_io, START, Path("unused"))
    for chunk in samples(1_000):
        writer.append(chunk)
    assert len(writer.pending) < 64 + 300 // 64 + 1  # segments of 64, not 1,000 chunks
    kept = seqs(writer.pending)
    assert kept == list(range(kept[0], 1_000))  # the newest, contiguous
    assert writer.rows_lost == 1_000 - len(kept) > 0
    assert writer.queued_rows == len(kept) <= 300


@pytest.fixture
async def writer(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[LiveWriter]:
    writer = LiveWriter(engine, START, tmp_path)
    await writer.create_run({"name": "test"}, 7)
    yield writer
    await writer.finish("completed", "test over")
    async with engine.begin() as conn:
        await runs_repo.delete_runs(conn, [writer.run_id])


async def table_seqs(engine: AsyncEngine, run_id: int) -> tuple[list[int], int, int]:
    async with engine.connect() as conn:
        rows = [
            int(s)
            for (s,) in await conn.execute(
                text("SELECT seq FROM telemetry WHERE run_id = :r ORDER BY seq"), {"r": run_id}
            )
        ]
        events = await conn.scalar(
            text(
                "SELECT count(*) - count(DISTINCT (seq, kind, from_state, to_state, code)) "
                "FROM machine_events WHERE run_id = :r"
            ),
            {"r": run_id},
        )
        parts = await conn.scalar(
            text("SELECT count(*) FROM parts WHERE run_id = :r"), {"r": run_id}
        )
    return rows, int(events or 0), int(parts or 0)


@pytest.mark.db
async def test_a_lost_acknowledgement_in_the_middle_of_a_segment_writes_nothing_twice(
    engine: AsyncEngine, writer: LiveWriter
) -> None:
    chunks = samples(300)
    for chunk in chunks[:200]:
        writer.append(chunk)
    await writer.flush()
    # a write of 150..249 committed but its answer was lost: it is queued again, merged with
    # samples never written, so the segment straddles what the table holds
    writer.pending = [SampleChunk.concatenate(chunks[150:250])]
    for chunk in chunks[250:]:
        writer.append(chunk)
    await writer.flush()
    assert writer.pending == []
    rows, duplicated_events, parts = await table_seqs(engine, writer.run_id)
    assert rows == list(range(300))
    assert duplicated_events == 0
    assert parts == sum(len(c.parts) for c in chunks) > 0  # parts are keyed: a twice would fail


@pytest.mark.db
async def test_flushes_at_the_same_time_write_each_sample_once(
    engine: AsyncEngine, writer: LiveWriter
) -> None:
    """The writer task and a stop (or a test) can flush together: the one that finds the queue
    already emptied by the other has nothing to do (it once failed on an empty queue)."""
    for chunk in samples(200):
        writer.append(chunk)
    await asyncio.gather(*(writer.flush() for _ in range(3)))
    assert writer.pending == []
    rows, duplicated_events, _ = await table_seqs(engine, writer.run_id)
    assert rows == list(range(200))
    assert duplicated_events == 0


@pytest.mark.db
async def test_a_live_run_whose_server_died_is_marked_interrupted_and_a_live_one_is_not(
    engine: AsyncEngine, writer: LiveWriter
) -> None:
    async with engine.begin() as conn:
        orphan = await conn.scalar(
            text(
                "INSERT INTO runs (kind, status, engine_version, start_sim) "
                "VALUES ('live', 'running', 'test', now()) RETURNING id"
            )
        )
    try:
        assert await mark_abandoned_live_runs(engine) >= 1
        async with engine.connect() as conn:
            status = dict(
                (
                    await conn.execute(
                        text("SELECT id, status FROM runs WHERE id IN (:a, :b)"),
                        {"a": orphan, "b": writer.run_id},
                    )
                ).all()
            )
        assert status == {orphan: "interrupted", writer.run_id: "running"}  # its lock is held
    finally:
        async with engine.begin() as conn:
            await runs_repo.delete_runs(conn, [orphan])


@pytest.mark.db
async def test_the_live_machine_stops_even_when_its_writer_swallows_the_cancel(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """On Python 3.11 `asyncio.wait_for` can lose a cancel that lands as its work completes; a
    writer that kept looping made the server's shutdown hang. The stop must end regardless."""
    writer = LiveWriter(engine, START, tmp_path)
    sinks = [writer, StreamSink(Hub())]
    recipe = builtin_recipes()["1045-shaft-scan"]
    runner = LiveRunner(recipe, 50.0, True, START, writer, sinks)
    await runner.start()
    entered = asyncio.Event()

    async def stubborn_step() -> None:
        entered.set()
        with contextlib.suppress(asyncio.CancelledError):  # the lost cancel
            await asyncio.sleep(30)

    runner.writer.step = stubborn_step  # type: ignore[method-assign]
    try:
        async with asyncio.timeout(20):  # a hang fails here instead of stalling the suite
            await entered.wait()
        async with asyncio.timeout(60):
            await runner.stop()
        assert all(task.done() for task in runner._tasks)
        async with engine.connect() as conn:
            status, rows = (
                await conn.execute(
                    text(
                        "SELECT status, (SELECT count(*) FROM telemetry WHERE run_id = :r) "
                        "FROM runs WHERE id = :r"
                    ),
                    {"r": runner.run_id},
                )
            ).one()
        assert status == "completed" and rows == runner.tick.count  # `finish` wrote the rest
    finally:
        async with engine.begin() as conn:
            await runs_repo.delete_runs(conn, [runner.run_id])


@pytest.mark.db
@pytest.mark.parametrize(
    "poison",
    [
        EventRecord(0, "alarm_acknowledged", operator="eve\x00"),  # 22021: NUL in a text
        EventRecord(0, "operator_action", message="a\x00b", comment="\x00"),
        EventRecord(0, "alarm_raised", code=70_000),  # out of range for the int2 column
        EventRecord(0, "operator_action", operator="\ud800"),  # a lone surrogate: no UTF-8
    ],
    ids=["nul-operator", "nul-message", "code-out-of-range", "lone-surrogate"],
)
async def test_rows_refused_for_their_data_are_set_aside_and_the_rest_written(
    writer: LiveWriter, engine: AsyncEngine, poison: EventRecord
) -> None:
    """A row PostgreSQL refuses for its content must not block the live run: the batch's other
    rows and every later sample are written, the refused row lands in the dead-letter file."""
    chunks = samples(300)
    bad_at = 150
    poisoned = chunks[bad_at]
    seq = int(poisoned.columns["seq"][0])
    poisoned.events = [*poisoned.events, dataclasses.replace(poison, seq=seq)]
    for chunk in chunks[:200]:
        writer.append(chunk)
    await writer.step()
    for chunk in chunks[200:]:
        writer.append(chunk)
    await writer.step()
    assert writer.failing_since is None  # never stuck retrying
    written, _, _ = await table_seqs(engine, writer.run_id)
    assert written == list(range(300))
    expected_events = sum(len(c.events) for c in chunks) - 1
    async with engine.connect() as conn:
        events = await conn.scalar(
            text("SELECT count(*) FROM machine_events WHERE run_id = :r"), {"r": writer.run_id}
        )
    assert events == expected_events
    assert writer.dead_letters.rows == 1
    lines = writer.dead_letters.path.read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["table"] == "machine_events" and entry["row"]["seq"] == seq
    assert entry["run_id"] == writer.run_id


@pytest.mark.db
async def test_health_stops_blaming_the_writer_at_its_first_write_after_an_outage(
    engine: AsyncEngine, writer: LiveWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an outage the queue is written back in batches; the database takes writes from the
    first one on, so `failing_since` (health's 'live run writes failing') clears then, not after
    the whole back-fill (a long back-fill kept health at 503 with the database back)."""
    monkeypatch.setattr("induction_sim.drivers.live_writer.BATCH_ROWS", 50)
    for chunk in samples(200):
        writer.append(chunk)
    writer.failing_since = time.monotonic() - 60.0  # writes failed for a minute
    writer.last_error = "ConnectionRefusedError"
    seen: list[tuple[float | None, int]] = []
    write_batch = writer._write_batch

    async def observed() -> None:
        seen.append((writer.failing_since, writer.queued_rows))
        await write_batch()

    monkeypatch.setattr(writer, "_write_batch", observed)
    await writer.step()
    assert len(seen) == 4  # 200 samples in batches of 50
    assert seen[0][0] is not None  # failing until the first write went through
    assert all(since is None for since, _ in seen[1:])  # then the database is back
    assert seen[1][1] > 0  # while samples were still queued
    assert writer.last_error is None and writer.pending == []
