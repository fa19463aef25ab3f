"""Export for ML: the streamed CSV/Parquet equals the database, labels follow the schedule,
the same seed exports the same bytes, and the manifest adds up."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from induction_sim.errors import NotFoundError
from induction_sim.machine.faults import CATALOGUE, OnsetMode
from induction_sim.machine.machine import Machine
from induction_sim.machine.scenario import Scenario
from induction_sim.machine.schedule import FaultRule
from induction_sim.machine.signals import SIGNAL_NAMES, TRUE_VALUE_SIGNALS, true_column
from induction_sim.storage import export, records
from induction_sim.storage.binary_copy import SIGNATURE
from induction_sim.storage.database import copy_payload
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.tables import fault_injections, parts, telemetry
from induction_sim.storage.telemetry_copy import TELEMETRY_FORMAT, telemetry_payload

pytestmark = pytest.mark.db

ROWS = 4_000
BATCH = 1_000  # small batches, so a 4,000-row run streams in several
SCENARIO = Scenario(
    name="export_test",
    start_sim=datetime(2026, 2, 2, 6, 0, tzinfo=UTC),
    faults=[
        FaultRule(fault="quench_pump_wear", severity=0.6, at_s=1_500, duration_s=900),
        FaultRule(
            fault="pyrometer_dirty_lens", severity=0.5, mode=OnsetMode.RAMP, at_s=2_600, ramp_s=300
        ),
    ],
)


async def write_run(
    conn: AsyncConnection, scenario: Scenario, rows: int, seed: int, status: str = "completed"
) -> int:
    """A batch run made by the real engine, written as the factory writes it (one shard)."""
    run_id = await runs_repo.create_run(
        conn,
        kind="batch",
        start_sim=scenario.start_sim,
        recipe=None,
        scenario=scenario.model_dump(mode="json"),
        seed=seed,
        rows_expected=rows,
    )
    await records.insert_fault_injections(
        conn, run_id, scenario.start_sim, scenario.fault_instances(rows, seed), "schedule"
    )
    if rows:
        chunk = Machine(scenario.machine_config(rows, seed, 0)).advance(rows)
        payload = telemetry_payload(run_id, scenario.start_sim, chunk.columns, chunk.true_values)
        await copy_payload(conn, "telemetry", TELEMETRY_FORMAT.names, payload)
        await records.copy_parts(conn, run_id, scenario.start_sim, chunk.parts)
        await records.copy_events(conn, run_id, scenario.start_sim, chunk.events)
    await runs_repo.finish_run(conn, run_id, status)
    return run_id


@pytest.fixture(scope="module")
async def runs_made(engine: AsyncEngine) -> AsyncIterator[dict[str, int]]:
    """Three committed runs: two with the same scenario and seed, one with another seed."""
    made: dict[str, int] = {}
    try:
        for key, seed in (("a", 7), ("b", 7), ("other_seed", 8)):
            async with engine.begin() as conn:
                made[key] = await write_run(conn, SCENARIO, ROWS, seed)
        yield made
    finally:
        async with engine.begin() as conn:
            ids = list(made.values())
            await runs_repo.delete_runs(conn, ids)


async def collect(
    source: AsyncEngine | AsyncConnection, run_id: int, fmt: str, batch_rows: int = BATCH
) -> list[bytes]:
    return [chunk async for chunk in export.iter_export(source, run_id, fmt, batch_rows=batch_rows)]


def read_parquet(chunks: list[bytes]) -> pa.Table:
    return pq.read_table(io.BytesIO(b"".join(chunks)))


async def test_parquet_round_trip_equals_the_rows_in_the_database(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    run_id = runs_made["a"]
    chunks = await collect(engine, run_id, "parquet")
    data = b"".join(chunks)
    assert pq.ParquetFile(io.BytesIO(data)).metadata.num_row_groups == ROWS // BATCH
    table = read_parquet(chunks)
    assert table.schema.remove_metadata() == export.SCHEMA
    assert json.loads(table.schema.metadata[b"induction_sim"])["run_id"] == run_id
    got = table.to_pydict()

    async with engine.connect() as conn:
        db = (
            await conn.execute(
                text(
                    "SELECT t.*, s.name AS state_name, a.name AS alarm_name, "
                    "array_to_string(fault_labels, ';') AS labels "
                    "FROM telemetry_labelled t LEFT JOIN machine_states s "
                    "ON s.code = t.machine_state LEFT JOIN alarm_codes a "
                    "ON a.code = t.alarm_code WHERE t.run_id = :run ORDER BY t.seq"
                ),
                {"run": run_id},
            )
        ).all()
    assert len(db) == ROWS == table.num_rows
    rows = [r._mapping for r in db]
    assert got["run_id"] == [run_id] * ROWS
    assert got["seq"] == [r["seq"] for r in rows] == list(range(ROWS))
    assert got["timestamp_sim"] == [r["timestamp_sim"] for r in rows]
    assert got["machine_state"] == [r["state_name"] for r in rows]
    assert got["part_id"] == [r["part_id"] or None for r in rows]
    assert got["alarm_code"] == [r["alarm_code"] or None for r in rows]
    assert got["alarm_name"] == [r["alarm_name"] for r in rows]
    for name in (*SIGNAL_NAMES, *(true_column(s) for s in TRUE_VALUE_SIGNALS)):
        assert table.schema.field(name).type == pa.float32()
        np.testing.assert_array_equal(
            np.asarray(got[name], dtype=np.float64),
            np.array([r[name] for r in rows], dtype=np.float64),
            err_msg=name,
        )
    # labels: the database view decodes the bitmasks in SQL, the export in numpy
    assert got["fault_labels"] == [r["labels"] for r in rows]
    for f in CATALOGUE:
        expected = [
            dict(label.split(":") for label in r["labels"].split(";") if label).get(f.id, "")
            for r in rows
        ]
        assert got[export.fault_column(f.id)] == expected, f.id
    assert any(got["part_id"]) and any(got["fault_labels"]), "the run exercises parts and faults"


async def test_csv_has_one_header_and_every_row(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    chunks = await collect(engine, runs_made["a"], "csv")
    data = b"".join(chunks)
    lines = data.decode().splitlines()
    assert lines[0] == ",".join(f'"{c.name}"' for c in export.COLUMNS)
    assert len(lines) == ROWS + 1
    assert sum(line.startswith('"run_id"') for line in lines) == 1
    table = pa_csv.read_csv(io.BytesIO(data))
    assert table.column("seq").to_pylist() == list(range(ROWS))
    assert table.column("machine_state").to_pylist()[0] in export.STATE_NAMES


async def test_the_export_streams_batch_by_batch(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    seen: list[int] = []
    chunks = [
        chunk
        async for chunk in export.iter_export(
            engine, runs_made["a"], "csv", batch_rows=BATCH, progress=seen.append
        )
    ]
    assert len(chunks) >= ROWS // BATCH  # one piece per batch (plus the header)
    assert max(len(c) for c in chunks) < len(b"".join(chunks)) / 2
    assert seen == [BATCH, 2 * BATCH, 3 * BATCH, 4 * BATCH]
    parquet = await collect(engine, runs_made["a"], "parquet")
    assert len(parquet) > ROWS // BATCH  # magic, a row group per batch, footer
    # the default batch is larger than the run: a single batch, the same bytes
    assert b"".join(await collect(engine, runs_made["a"], "csv", export.BATCH_ROWS)) == b"".join(
        chunks
    )


async def test_a_stream_closed_early_gives_its_connection_back(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    """A client that goes away mid-download, again and again (the next batch is being read when
    it leaves; cancelling that COPY used to break the connection now and then): closing never
    raises, the connection goes back to the pool, and the pool's connections stay healthy."""
    before = engine.pool.checkedout()  # type: ignore[attr-defined]
    for _ in range(20):
        stream = export.iter_export(engine, runs_made["a"], "parquet", batch_rows=BATCH)
        first = await anext(stream)
        second = await anext(stream)
        assert first.startswith(b"PAR1") and second
        assert engine.pool.checkedout() == before + 1  # type: ignore[attr-defined]
        await stream.aclose()
        assert engine.pool.checkedout() == before  # type: ignore[attr-defined]
    assert len(b"".join(await collect(engine, runs_made["a"], "csv"))) > 0


def csv_fingerprint(data: bytes) -> str:
    """A hash of every exported row with the run_id column (the first) left out."""
    lines = data.decode().splitlines()
    assert lines[0].startswith('"run_id",')
    body = "\n".join(line.split(",", 1)[1] for line in lines)
    return hashlib.sha256(body.encode()).hexdigest()


async def test_the_same_seed_gives_the_same_export(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    a, b, other = [
        csv_fingerprint(b"".join(await collect(engine, runs_made[key], "csv")))
        for key in ("a", "b", "other_seed")
    ]
    assert a == b
    assert a != other


async def test_no_fault_label_before_its_scheduled_onset(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    run_id = runs_made["a"]
    table = read_parquet(await collect(engine, run_id, "parquet"))
    seq = np.asarray(table.column("seq"))
    async with engine.connect() as conn:
        scheduled = (
            await conn.execute(
                select(fault_injections.c.fault_type, fault_injections.c.onset_seq).where(
                    fault_injections.c.run_id == run_id
                )
            )
        ).all()
    onsets = dict(scheduled)
    assert set(onsets) == {"quench_pump_wear", "pyrometer_dirty_lens"}
    for f in CATALOGUE:
        phase = np.asarray(table.column(export.fault_column(f.id)).to_pylist(), dtype=object)
        if f.id not in onsets:
            assert (phase == "").all(), f"{f.id} was never scheduled"
            continue
        onset = onsets[f.id]
        assert (phase[seq < onset] == "").all(), f"{f.id} labelled before its onset"
        assert phase[seq == onset][0] == "onset"
    pump = np.asarray(table.column("fault_quench_pump_wear").to_pylist(), dtype=object)
    # a step fault: 30 s onset, active until the end (1500 + 900 s), 60 s recovering
    assert (pump[(seq >= 1_500) & (seq < 1_530)] == "onset").all()
    assert (pump[(seq >= 1_530) & (seq < 2_400)] == "active").all()
    assert (pump[(seq >= 2_400) & (seq < 2_460)] == "recovering").all()
    assert (pump[seq >= 2_460] == "").all()


async def test_the_manifest_describes_and_balances_the_run(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    run_id = runs_made["a"]
    async with engine.connect() as conn:
        card = await export.manifest(conn, run_id)
        part_count = await conn.scalar(
            select(text("count(*)")).select_from(parts).where(parts.c.run_id == run_id)
        )
    json.dumps(card, allow_nan=False)  # strict JSON, NaN already mapped to null
    run = card["run"]
    assert run["id"] == run_id and run["rows"] == ROWS and run["seed"] == 7
    assert run["complete"] is True and run["warning"] is None
    assert run["scenario"]["name"] == "export_test" and run["engine_version"]
    assert [c["name"] for c in card["samples"]["columns"]] == [c.name for c in export.COLUMNS]
    units = {c["name"]: c["unit"] for c in card["samples"]["columns"]}
    assert units["power_kw"] == "kW" and units["surface_temp_true_c"] == "°C"

    balance = card["class_balance"]
    assert balance["rows"] == ROWS
    assert sum(balance["machine_state"].values()) == ROWS
    assert sum(balance["alarm"].values()) == ROWS
    assert balance["normal"] + balance["any_fault"] == ROWS
    assert balance["any_fault"] > 0
    for fault_id, phases in balance["fault_phase"].items():
        assert sum(phases.values()) == ROWS, fault_id
    assert balance["fault_phase"]["quench_pump_wear"] == {
        "": ROWS - 960,
        "onset": 30,
        "active": 870,
        "recovering": 60,
    }

    onsets = card["fault_onsets"]
    scheduled = {s["fault"]: s for s in onsets["scheduled"]}
    observed = {o["fault"]: o for o in onsets["observed"]}
    assert set(observed) == set(scheduled) == {"quench_pump_wear", "pyrometer_dirty_lens"}
    for fault_id, seen in observed.items():
        assert seen["first_seq"] == scheduled[fault_id]["onset_seq"]
        expected = SCENARIO.start_sim + timedelta(seconds=seen["first_seq"])
        assert datetime.fromisoformat(seen["first_timestamp_sim"]) == expected

    table = card["parts"]
    columns = [c["name"] for c in table["columns"]]
    assert columns[0] == "part_id" and "verdict" in columns and "data" not in table
    assert table["rows"] == part_count > 50
    verdicts = card["verdicts"]
    assert verdicts["parts"] == verdicts["OK"] + verdicts["NOK"] == part_count
    assert card["join"]["key"] == "part_id"
    faults = {f["id"]: f for f in card["labels"]["faults"]}
    assert faults["pyrometer_dirty_lens"]["sensor_only"] is True
    assert faults["quench_pump_wear"]["bit"] == 2
    assert [p["value"] for p in card["labels"]["phases"]] == list(export.PHASES)


async def test_an_incomplete_run_exports_and_says_so(conn: AsyncConnection) -> None:
    run_id = await write_run(conn, SCENARIO, 300, seed=3, status="failed")
    card = await export.manifest(conn, run_id)
    assert card["run"]["complete"] is False
    assert "incomplete" in card["run"]["warning"]
    table = read_parquet(await collect(conn, run_id, "parquet", batch_rows=128))
    assert table.num_rows == card["run"]["rows"] == 300


async def test_a_run_with_a_gap_exports_what_is_there(conn: AsyncConnection) -> None:
    """An incomplete run can lack whole windows of samples (a shard that rolled back)."""
    run_id = await write_run(conn, SCENARIO, 1_000, seed=4, status="failed")
    await conn.execute(
        delete(telemetry).where(
            telemetry.c.run_id == run_id, telemetry.c.seq >= 200, telemetry.c.seq < 700
        )
    )
    table = read_parquet(await collect(conn, run_id, "parquet", batch_rows=100))
    seq = table.column("seq").to_pylist()
    assert seq == [*range(200), *range(700, 1_000)]


async def test_an_empty_run_exports_a_header_and_an_empty_table(conn: AsyncConnection) -> None:
    run_id = await write_run(conn, SCENARIO, 0, seed=3)
    csv = b"".join(await collect(conn, run_id, "csv"))
    assert csv.decode().splitlines() == [",".join(f'"{c.name}"' for c in export.COLUMNS)]
    table = read_parquet(await collect(conn, run_id, "parquet"))
    assert table.num_rows == 0
    assert table.schema.remove_metadata() == export.SCHEMA
    card = await export.manifest(conn, run_id)
    assert card["class_balance"]["rows"] == 0 and card["parts"]["rows"] == 0
    parts_file = pq.read_table(
        io.BytesIO(export.encode(await export.parts_table(conn, run_id), export.FORMATS["parquet"]))
    )
    assert parts_file.num_rows == 0 and parts_file.schema.names == [
        c["name"] for c in card["parts"]["columns"]
    ]
    assert card["verdicts"]["ok_rate"] is None


async def test_unknown_runs_and_formats_are_typed_errors(engine: AsyncEngine) -> None:
    with pytest.raises(NotFoundError, match="run 987654321 does not exist"):
        await collect(engine, 987_654_321, "csv")
    async with engine.connect() as conn:
        with pytest.raises(NotFoundError, match="987654321"):
            await export.manifest(conn, 987_654_321)
    with pytest.raises(ValueError, match=r"^format: .*'xlsx'"):
        await collect(engine, 1, "xlsx")


def test_decode_copy_rejects_a_foreign_stream() -> None:
    with pytest.raises(ValueError, match="binary COPY"):
        export.decode_copy(b"id,name\n1,x\n")
    header = SIGNATURE + bytes(8)
    assert export.decode_copy(header + b"\xff\xff").size == 0
    with pytest.raises(ValueError, match="row layout"):
        export.decode_copy(header + b"\x00\x01" + b"\xff\xff")


# --- labels that say what a fault did (issue 14 §4) -------------------------------------------


async def test_effective_severity_is_the_schedule_where_the_fault_acts(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    """The pump (step 0.6, 1,500–2,400 s) acts while the spray runs; the lens (ramp to 0.5
    over 300 s from 2,600 s, never ending) on every reading."""
    table = read_parquet(await collect(engine, runs_made["a"], "parquet"))
    seq = np.asarray(table.column("seq"))
    pump = np.asarray(table.column("severity_quench_pump_wear"))
    flow = np.asarray(table.column("quench_flow_lpm"))
    spraying = flow > 0.1 * flow.max()  # the meter reads noise around 0 with the valve shut
    inside = (seq >= 1_500) & (seq < 2_400)
    assert np.array_equal(pump > 0, inside & spraying)
    assert np.allclose(pump[pump > 0], 0.6)
    assert (pump[~inside] == 0).all() and (pump[inside & ~spraying] == 0).all()
    lens = np.asarray(table.column("severity_pyrometer_dirty_lens"))
    expected = np.where(seq >= 2_600, 0.5 * np.clip((seq - 2_600) / 300, 0, 1), 0.0)
    assert np.allclose(lens, expected, atol=1e-6)
    for f in CATALOGUE:  # every other fault: absent, 0 everywhere
        if f.id not in ("quench_pump_wear", "pyrometer_dirty_lens"):
            assert not np.asarray(table.column(f"severity_{f.id}")).any(), f.id
    assert set(table.column("recipe").to_pylist()) == {"1045-shaft-scan"}


async def test_the_manifest_states_roles_recipes_code_version_and_full_schedules(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    from induction_sim import ENGINE_VERSION
    from induction_sim.code_version import code_version

    run_id = runs_made["a"]
    async with engine.connect() as conn:
        card = await export.manifest(conn, run_id)
    roles = {c["name"]: c["role"] for c in card["samples"]["columns"]}
    assert (
        set(roles.values())
        == set(card["samples"]["roles"])
        == {"id", "state", "measured", "setpoint", "true", "label"}
    )
    assert roles["seq"] == "id" and roles["recipe"] == "state"
    assert roles["power_setpoint_kw"] == "setpoint" and roles["power_kw"] == "measured"
    assert roles["surface_temp_true_c"] == "true"
    assert roles["fault_quench_pump_wear"] == roles["severity_quench_pump_wear"] == "label"
    (recipe,) = card["recipes"]
    assert recipe["name"] == "1045-shaft-scan"
    assert recipe["surface_hrc_min"] < recipe["surface_hrc_max"]
    assert recipe["case_depth_min_mm"] < recipe["case_depth_max_mm"]
    assert card["run"]["code_version"] == code_version()
    assert card["run"]["code_version"].startswith(ENGINE_VERSION + "+")
    for instance in card["fault_onsets"]["scheduled"]:
        for name in ("ramp_s", "period_s", "duty", "onset_window_s", "recovery_s"):
            assert isinstance(instance[name], float), name
        assert "every_nth_heat" in instance
    lens = next(
        s for s in card["fault_onsets"]["scheduled"] if s["fault"] == "pyrometer_dirty_lens"
    )
    assert lens["ramp_s"] == 300.0 and lens["mode"] == "ramp"
    faults = {f["id"]: f for f in card["labels"]["faults"]}
    assert faults["inverter_igbt_fault"]["acts_when"] == "heating"
    assert faults["scan_drive_error"]["needs"] == ["scan"]


async def test_onset_seq_is_the_first_sample_whose_mask_has_the_bit(conn: AsyncConnection) -> None:
    """Stochastic onsets fall at fractions of a second: onset_seq is still the first labelled
    sample (any phase mask)."""
    scenario = Scenario(
        name="fractional_onsets",
        faults=[
            FaultRule(fault="ground_fault", severity=0.1, rate_per_h=6.0, duration_s=60),
            FaultRule(fault="mains_voltage_sag", severity=0.1, rate_per_h=6.0, duration_s=60),
        ],
    )
    rows = 3_600
    run_id = await write_run(conn, scenario, rows, seed=11)
    scheduled = (
        await conn.execute(
            select(fault_injections.c.fault_type, fault_injections.c.onset_seq).where(
                fault_injections.c.run_id == run_id
            )
        )
    ).all()
    assert len(scheduled) >= 4
    masks = (
        await conn.execute(
            select(
                telemetry.c.seq,
                telemetry.c.faults_onset.op("|")(telemetry.c.faults_active).op("|")(
                    telemetry.c.faults_recovering
                ),
            )
            .where(telemetry.c.run_id == run_id)
            .order_by(telemetry.c.seq)
        )
    ).all()
    seq = np.array([m[0] for m in masks])
    mask = np.array([m[1] for m in masks])
    by_id = {f.id: f for f in CATALOGUE}
    for fault, onset_seq in scheduled:
        bit = (mask & (1 << by_id[fault].bit)) != 0
        first = int(seq[np.argmax(bit & (seq >= onset_seq - 1))])
        assert first == onset_seq, fault


async def test_the_parts_file_round_trips_in_every_format(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    run_id = runs_made["a"]
    async with engine.connect() as conn:
        table = await export.parts_table(conn, run_id)
        stored = (
            await conn.execute(
                select(parts.c.part_id, parts.c.verdict, parts.c.reasons)
                .where(parts.c.run_id == run_id)
                .order_by(parts.c.part_id)
            )
        ).all()
    assert table.num_rows == len(stored) > 50
    assert table.column("part_id").to_pylist() == [r[0] for r in stored]
    assert table.column("reasons").to_pylist() == [";".join(r[2]) for r in stored]
    parquet = pq.read_table(io.BytesIO(export.encode(table, export.FORMATS["parquet"])))
    assert parquet.equals(table)
    csv = pa_csv.read_csv(io.BytesIO(export.encode(table, export.FORMATS["csv"])))
    assert csv.column("part_id").to_pylist() == table.column("part_id").to_pylist()
    assert csv.column("verdict").to_pylist() == table.column("verdict").to_pylist()
    assert csv.column("started_seq").to_pylist() == table.column("started_seq").to_pylist()


async def test_the_dataset_card_rebuilds_the_run_bit_for_bit(
    engine: AsyncEngine, runs_made: dict[str, int]
) -> None:
    """Scenario, seed and rows from the card alone make the same export again."""
    async with engine.connect() as conn:
        card = await export.manifest(conn, runs_made["a"])
    scenario = Scenario.model_validate(card["run"]["scenario"])
    async with engine.begin() as conn:
        again = await write_run(conn, scenario, card["run"]["rows_expected"], card["run"]["seed"])
    try:
        a, b = [
            csv_fingerprint(b"".join(await collect(engine, run_id, "csv")))
            for run_id in (runs_made["a"], again)
        ]
        assert a == b
    finally:
        async with engine.begin() as conn:
            await runs_repo.delete_runs(conn, [again])
