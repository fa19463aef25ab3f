"""Parts as stored: the binary COPY keeps true and measured quality and both verdicts, the
dataset card counts them, and migration 0007 gives older rows consistent plant columns."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.chunk import PartRecord
from induction_sim.machine.inspection import InspectionPlan
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.storage import export, records
from induction_sim.storage.migrate import alembic_config, head_revision
from induction_sim.storage.repositories import parts as parts_repo
from induction_sim.storage.repositories import runs as runs_repo
from induction_sim.storage.tables import parts

pytestmark = pytest.mark.db

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
PLAN = InspectionPlan(hardness_every_n_parts=3, section_every_n_parts=7)


def made_parts(rows: int = 3_000) -> list[PartRecord]:
    recipe = builtin_recipes()["1045-shaft-scan"]
    chunk = Machine(MachineConfig(recipe=recipe, seed=9, inspection=PLAN)).advance(rows)
    assert len(chunk.parts) > 40
    return chunk.parts


async def new_run(conn: AsyncConnection) -> int:
    return await runs_repo.create_run(
        conn, kind="batch", start_sim=START, recipe=None, scenario=None, seed=9, rows_expected=0
    )


def close(stored: float | None, engine_value: float) -> bool:
    """A REAL read back equals the engine's float to float4 precision (None for NaN)."""
    if math.isnan(engine_value):
        return stored is None
    return stored is not None and math.isclose(stored, engine_value, rel_tol=1e-6)


async def test_the_parts_copy_keeps_true_and_measured_quality_and_both_verdicts(
    conn: AsyncConnection,
) -> None:
    made = made_parts()
    run_id = await new_run(conn)
    await records.copy_parts(conn, run_id, START, made)
    rows, more = await parts_repo.parts_page(conn, run_id, 0, 1_000)
    assert not more and [r["part_id"] for r in rows] == [p.part_id for p in made]
    for row, p in zip(rows, made, strict=True):
        assert row["hardness_inspected"] is p.hardness_inspected
        assert row["case_depth_inspected"] is p.case_depth_inspected
        assert close(row["surface_hrc_measured"], p.surface_hrc_measured)
        assert close(row["case_depth_measured_mm"], p.case_depth_measured_mm)
        assert close(row["surface_hrc"], p.surface_hrc)
        assert (row["verdict"], tuple(row["reasons"])) == (p.verdict, p.reasons)
        assert (row["plant_verdict"], tuple(row["plant_reasons"])) == (
            p.plant_verdict,
            p.plant_reasons,
        )
    tested = [r for r in rows if r["hardness_inspected"]]
    assert tested and all(r["part_id"] % 3 == 0 or r["part_id"] % 7 == 0 for r in tested)
    assert all(r["surface_hrc_measured"] is None for r in rows if not r["hardness_inspected"])
    assert any(r["case_depth_inspected"] for r in rows)


async def test_the_card_counts_true_and_plant_verdicts_and_what_was_inspected(
    conn: AsyncConnection,
) -> None:
    made = made_parts()
    tested = [i for i, p in enumerate(made) if p.hardness_inspected]
    untested = [i for i, p in enumerate(made) if not p.hardness_inspected]
    # a soft part nobody tested (shipped) and a good part that read soft (rejected)
    made[untested[0]] = replace(made[untested[0]], verdict="NOK", reasons=("SOFT",))
    made[tested[0]] = replace(made[tested[0]], plant_verdict="NOK", plant_reasons=("SOFT",))
    run_id = await new_run(conn)
    await records.copy_parts(conn, run_id, START, made)
    card = await export.manifest(conn, run_id)

    columns = [c["name"] for c in card["parts"]["columns"]]
    for name in ("surface_hrc_measured", "hardness_inspected", "plant_verdict", "plant_reasons"):
        assert name in columns
    table = await export.parts_table(conn, run_id)
    assert table.column_names == columns and card["parts"]["rows"] == table.num_rows
    first = table.slice(tested[0], 1).to_pylist()[0]
    assert first["plant_verdict"] == "NOK" and first["hardness_inspected"] is True
    assert first["plant_reasons"] == "SOFT"

    v = card["verdicts"]
    n = len(made)
    true_ok = sum(p.verdict == "OK" for p in made)
    plant_ok = sum(p.plant_verdict == "OK" for p in made)
    assert (v["parts"], v["OK"], v["NOK"]) == (n, true_ok, n - true_ok)
    assert (v["plant"]["OK"], v["plant"]["NOK"]) == (plant_ok, n - plant_ok)
    agreement = v["agreement"]
    assert sum(agreement.values()) == n
    assert agreement["nok_passed_by_plant"] == sum(
        p.verdict == "NOK" and p.plant_verdict == "OK" for p in made
    )
    assert agreement["ok_rejected_by_plant"] == sum(
        p.verdict == "OK" and p.plant_verdict == "NOK" for p in made
    )
    assert agreement["nok_passed_by_plant"] >= 1 and agreement["ok_rejected_by_plant"] >= 1
    assert v["by_reason"].get("SOFT", 0) == sum("SOFT" in p.reasons for p in made)
    assert v["plant"]["by_reason"].get("SOFT", 0) == sum("SOFT" in p.plant_reasons for p in made)
    inspection = v["inspection"]
    assert inspection["hardness_inspected"] == sum(p.hardness_inspected for p in made)
    assert inspection["case_depth_inspected"] == sum(p.case_depth_inspected for p in made)
    measured = [p.surface_hrc_measured for p in made if p.hardness_inspected]
    assert inspection["mean_surface_hrc_measured"] == pytest.approx(
        sum(measured) / len(measured), rel=1e-5
    )
    assert sum(v["plant"]["by_recipe"]["1045-shaft-scan"].values()) == n


async def test_migration_0007_gives_older_parts_their_readings_and_plant_verdict(
    conn: AsyncConnection,
) -> None:
    """A part written before 0007 was judged on its true values as if measured exactly: after
    the upgrade its readings are those values and its plant verdict is its verdict. (Down to 0006
    and back up inside the test's transaction, which is rolled back.)"""

    def down_insert_up(sync: Connection) -> None:
        command.downgrade(alembic_config(sync), "0006")
        sync.execute(
            text(
                "INSERT INTO parts (run_id, part_id, recipe_name, steel_grade, started_sim, "
                "finished_sim, surface_hrc, case_depth_mm, verdict, reasons, interrupted) VALUES "
                "(-7, 1, 'r', '1045', now(), now(), 58.5, 2.75, 'OK', '{}', false), "
                "(-7, 2, 'r', '1045', now(), now(), 'NaN', 'NaN', 'NOK', '{INTERRUPTED}', true)"
            )
        )
        command.upgrade(alembic_config(sync), "head")

    await conn.run_sync(down_insert_up)
    assert head_revision() == "0008"
    rows = (
        (await conn.execute(select(parts).where(parts.c.run_id == -7).order_by(parts.c.part_id)))
        .mappings()
        .all()
    )
    good, unheated = rows
    assert good["hardness_inspected"] and good["case_depth_inspected"]
    assert good["surface_hrc_measured"] == pytest.approx(58.5)
    assert good["case_depth_measured_mm"] == pytest.approx(2.75)
    assert (good["plant_verdict"], good["plant_reasons"]) == ("OK", [])
    assert not unheated["hardness_inspected"] and unheated["surface_hrc_measured"] is None
    assert (unheated["plant_verdict"], unheated["plant_reasons"]) == ("NOK", ["INTERRUPTED"])
