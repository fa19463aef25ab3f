"""The dataset card of a run (manifest): provenance, columns, labels, onsets, class balance,
part quality. Made of SQL aggregates over the run, never a Python loop over samples: the label
masks are grouped in SQL (few distinct combinations per run) and read in numpy with the
contract's precedence (`machine/sample_schema.py`), so SQL holds no copy of it."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any, Final

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.machine.faults import CATALOGUE, CATALOGUE_MASK
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.sample_schema import MASKS, PHASE_CODES, fault_phase_codes
from induction_sim.machine.states import ALARMS, AlarmCode, MachineState
from induction_sim.storage.export.columns import (
    COLUMNS,
    PHASE_MEANINGS,
    PHASES,
    fault_column,
    severity_column,
)
from induction_sim.storage.export.context import fault_schedule, run_context
from induction_sim.storage.export.formats import FORMATS
from induction_sim.storage.export.parts_file import PART_FILE_COLUMNS, parts_file_name
from induction_sim.storage.repositories.runs import incomplete_warning, is_complete, run_row
from induction_sim.storage.sql_values import nan_null
from induction_sim.storage.tables import SCHEDULE_FIELDS, parts, telemetry

MANIFEST_VERSION: Final = 2  # 2: column roles, recipes, code version, schedules, parts file


ROLE_MEANINGS: Final[dict[str, str]] = {
    "id": "identifies the sample (run, seq, time)",
    "state": "what the PLC is doing: state, part, alarm, recipe",
    "measured": "an instrument's reading (noise, impairments and sensor faults included)",
    "setpoint": "what the PLC asks for (not a reading)",
    "true": "the true value behind a measured signal (what an ideal instrument would read)",
    "label": "ground truth about faults: phases, effective severities, labels",
}
# The quality window and process of a recipe, as the manifest states them.
_RECIPE_FIELDS: Final = (
    "process",
    "steel_grade",
    "quench_medium",
    "surface_hrc_min",
    "surface_hrc_max",
    "case_depth_min_mm",
    "case_depth_max_mm",
    "energy_tolerance_pct",
    "peak_temp_max_c",
)


def _recipe_card(recipe: Recipe) -> dict[str, Any]:
    low, high = recipe.energy_window_kj
    return {
        "name": recipe.name,
        **{name: getattr(recipe, name) for name in _RECIPE_FIELDS},
        "energy_window_kj": [low, high],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _number(value: Any) -> Any:
    """JSON-safe numbers: NaN (unmeasured) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


async def _label_combinations(conn: AsyncConnection, run_id: int) -> np.ndarray[Any, Any]:
    """Each distinct (onset, active, recovering) mask triple of the run with its sample count and
    first and last seq: an int64 array of rows [onset, active, recovering, count, min, max]."""
    t = telemetry.c
    masks = [t[column] for _, column in MASKS]
    rows = (
        await conn.execute(
            select(*masks, func.count(), func.min(t.seq), func.max(t.seq))
            .where(t.run_id == run_id)
            .group_by(*masks)
        )
    ).all()
    return np.array([tuple(r) for r in rows], dtype=np.int64).reshape(-1, len(MASKS) + 3)


async def _state_and_alarm_counts(
    conn: AsyncConnection, run_id: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Samples per machine state and per alarm code, in one scan (GROUPING SETS)."""
    t = telemetry.c
    result = await conn.execute(
        select(t.machine_state, t.alarm_code, func.count())
        .where(t.run_id == run_id)
        .group_by(func.grouping_sets(t.machine_state, t.alarm_code))
    )
    states: dict[int, int] = {}
    alarms: dict[int, int] = {}
    for state, alarm, n in result:  # both columns are NOT NULL: null marks the other set
        if alarm is None:
            states[int(state)] = int(n)
        else:
            alarms[int(alarm)] = int(n)
    return dict(sorted(states.items())), dict(sorted(alarms.items()))


def _label_dictionary() -> dict[str, Any]:
    return {
        "faults": [
            {
                "id": f.id,
                "bit": f.bit,
                "column": fault_column(f.id),
                "name": f.name,
                "subsystem": f.subsystem,
                "sensor_only": f.sensor_only,
                "description": f.description,
                "signature": f.signature,
                "outcome": f.outcome,
                "alarm": None if f.alarm is None else int(f.alarm),
                "severity_column": severity_column(f.id),
                "acts_when": str(f.acts_when),
                "needs": sorted(str(n) for n in f.needs),
            }
            for f in CATALOGUE
        ],
        "phases": [{"value": p, "meaning": PHASE_MEANINGS[p]} for p in PHASES],
        "effective_severity": "severity_<fault>: the fault's scheduled severity (0–1, ramping, "
        "intermittent on/off) at the samples where it can act, 0 elsewhere. acts_when: always "
        "(a state of the plant or an instrument), heating (through the energised coil or the "
        "scan drive), spraying (through the quench spray, valve open); needs: the mechanism the "
        "recipe must have (scan, polymer). The phase column says what was scheduled, the "
        "severity what the fault did.",
        "machine_states": [{"code": int(s), "name": s.name} for s in MachineState],
        "alarm_codes": [
            {"code": int(a.code), "name": a.code.name, "text": a.text, "action": a.action}
            for a in ALARMS.values()
        ],
        "part_verdicts": {
            "OK": "inside the recipe's quality window",
            "NOK": "outside it; `reasons` say how (SOFT, HARD, SHALLOW, DEEP, OVERHEAT, "
            "ENERGY_OUT_OF_WINDOW, INTERRUPTED, NO_PART — see docs/machine.md)",
            "verdict": "on the true surface hardness and case depth: the ground-truth label",
            "plant_verdict": "what the plant decided: the window on QA's readings (a Rockwell C "
            "test on hardness_inspected parts, a microhardness traverse on case_depth_inspected "
            "ones), nothing on parts it did not inspect, and the process monitors (OVERHEAT, "
            "ENERGY_OUT_OF_WINDOW, INTERRUPTED, NO_PART) on every part. It differs from "
            "verdict near the limits (measurement scatter) and on bad parts never inspected.",
        },
        "notes": "Sample labels carry the cause (fault and phase) and keep true values beside "
        "measured ones for the signals sensor-only faults act on; alarm columns carry the "
        "PLC's reaction. No sample before a fault's onset carries its label.",
    }


def _state_name(code: int) -> str:
    return MachineState(code).name if code in MachineState._value2member_map_ else f"code_{code}"


def _alarm_name(code: int) -> str:
    if code == 0:
        return "none"
    return AlarmCode(code).name if code in AlarmCode._value2member_map_ else f"code_{code}"


async def _verdict_summary(conn: AsyncConnection, run_id: int) -> dict[str, Any]:
    """Verdict counts, true and plant, their agreement, and what QA inspected, in two scans of
    the run's parts (one of its reasons)."""
    p = parts.c
    true_ok, plant_ok = p.verdict == "OK", p.plant_verdict == "OK"
    row = (
        await conn.execute(
            select(
                func.count(),
                func.count().filter(p.interrupted),
                func.avg(nan_null(p.surface_hrc)),
                func.avg(nan_null(p.case_depth_mm)),
                func.count().filter(p.hardness_inspected),
                func.count().filter(p.case_depth_inspected),
                func.avg(nan_null(p.surface_hrc_measured)),
                func.avg(nan_null(p.case_depth_measured_mm)),
            ).where(p.run_id == run_id)
        )
    ).one()
    by_recipe: dict[str, dict[str, int]] = {}
    plant_by_recipe: dict[str, dict[str, int]] = {}
    pairs = {(t, q): 0 for t in (True, False) for q in (True, False)}
    for recipe, t_ok, q_ok, n in await conn.execute(
        select(p.recipe_name, true_ok, plant_ok, func.count())
        .where(p.run_id == run_id)
        .group_by(p.recipe_name, true_ok, plant_ok)
        .order_by(p.recipe_name)
    ):
        name = str(recipe)
        by_recipe.setdefault(name, {"OK": 0, "NOK": 0})["OK" if t_ok else "NOK"] += int(n)
        plant_by_recipe.setdefault(name, {"OK": 0, "NOK": 0})["OK" if q_ok else "NOK"] += int(n)
        pairs[bool(t_ok), bool(q_ok)] += int(n)
    reasons = {
        "verdict": await _reason_counts(conn, run_id, p.reasons),
        "plant": await _reason_counts(conn, run_id, p.plant_reasons),
    }
    count = int(row[0])
    ok = pairs[True, True] + pairs[True, False]
    plant = pairs[True, True] + pairs[False, True]

    def mean(value: Any) -> float | None:
        return None if value is None or not math.isfinite(float(value)) else float(value)

    return {
        "parts": count,
        "OK": ok,
        "NOK": count - ok,
        "interrupted": int(row[1]),
        "ok_rate": ok / count if count else None,
        "mean_surface_hrc": mean(row[2]),
        "mean_case_depth_mm": mean(row[3]),
        "by_reason": reasons["verdict"],
        "by_recipe": by_recipe,
        "note": "OK/NOK, by_reason and by_recipe judge the true values (`verdict`); `plant` is "
        "what the plant decided from what it measured (`plant_verdict`).",
        "plant": {
            "OK": plant,
            "NOK": count - plant,
            "ok_rate": plant / count if count else None,
            "by_reason": reasons["plant"],
            "by_recipe": plant_by_recipe,
        },
        "agreement": {
            "both_ok": pairs[True, True],
            "both_nok": pairs[False, False],
            "nok_passed_by_plant": pairs[False, True],
            "ok_rejected_by_plant": pairs[True, False],
        },
        "inspection": {
            "hardness_inspected": int(row[4]),
            "case_depth_inspected": int(row[5]),
            "mean_surface_hrc_measured": mean(row[6]),
            "mean_case_depth_measured_mm": mean(row[7]),
        },
    }


async def _reason_counts(conn: AsyncConnection, run_id: int, column: Any) -> dict[str, int]:
    reasons = select(func.unnest(column).label("reason")).where(parts.c.run_id == run_id)
    sub = reasons.subquery()
    return {
        str(name): int(n)
        for name, n in await conn.execute(
            select(sub.c.reason, func.count()).group_by(sub.c.reason).order_by(sub.c.reason)
        )
    }


async def manifest(conn: AsyncConnection, run_id: int) -> dict[str, Any]:
    """The dataset card of a run: provenance, columns, labels, onsets, balance, part quality."""
    run = await run_row(conn, run_id)
    states, alarms = await _state_and_alarm_counts(conn, run_id)
    combos = await _label_combinations(conn, run_id)
    onset, active, recovering = (combos[:, i] & CATALOGUE_MASK for i in range(len(MASKS)))
    count, first, last = combos[:, 3], combos[:, 4], combos[:, 5]
    rows = int(count.sum())
    normal = int(count[(onset | active | recovering) == 0].sum())
    # sim time is start_sim + seq seconds: no read of timestamp_sim, no index on it needed
    first_seq = int(first.min()) if rows else None
    last_seq = int(last.max()) if rows else None

    def sim_time(seq: int | None) -> datetime | None:
        return None if seq is None else run.start_sim + timedelta(seconds=seq)

    phase_balance: dict[str, dict[str, int]] = {}
    observed = []
    for f in CATALOGUE:
        codes = fault_phase_codes(onset, active, recovering, f.bit)
        by_phase = {p: int(count[codes == code].sum()) for p, code in PHASE_CODES.items()}
        present = codes != 0
        phase_balance[f.id] = {"": rows - sum(by_phase.values())} | {
            str(p): n for p, n in by_phase.items()
        }
        if present.any():
            seen_first = int(first[present].min())
            observed.append(
                {
                    "fault": f.id,
                    "bit": f.bit,
                    "first_seq": seen_first,
                    "first_timestamp_sim": _iso(sim_time(seen_first)),
                    "last_seq": int(last[present].max()),
                    "samples": int(count[present].sum()),
                }
            )
    observed.sort(key=lambda o: (o["first_seq"], o["bit"]))

    scheduled = [
        {
            "fault": r.fault_type,
            "severity": _number(r.severity),
            "mode": r.mode,
            "source": r.source,
            "onset_seq": r.onset_seq,
            "onset_sim": _iso(r.onset_sim),
            "duration_s": _number(r.duration_s),
            "cleared_sim": _iso(r.cleared_sim),
            **{name: _number(getattr(r, name)) for name in SCHEDULE_FIELDS},
            "every_nth_heat": r.every_nth_heat,
        }
        for r in await fault_schedule(conn, run_id, run.start_sim)
    ]

    context = await run_context(conn, run)
    part_count = int(
        await conn.scalar(select(func.count()).select_from(parts).where(parts.c.run_id == run_id))
        or 0
    )
    verdicts = await _verdict_summary(conn, run_id)

    return {
        "manifest_version": MANIFEST_VERSION,
        "run": {
            "id": run.id,
            "kind": run.kind,
            "status": run.status,
            "status_reason": run.status_reason,
            "complete": is_complete(run.kind, run.status),
            "warning": incomplete_warning(run.kind, run.status, run.status_reason),
            "seed": run.seed,
            "engine_version": run.engine_version,
            "code_version": run.code_version,
            "code_version_note": "ENGINE_VERSION + the first 12 hex digits of a SHA-256 over the "
            "package's source files (induction_sim/code_version.py); null: made before it "
            "was recorded",
            "scenario": run.scenario,
            "recipe": run.recipe,
            "start_sim": _iso(run.start_sim),
            "created_at": _iso(run.created_at),
            "finished_at": _iso(run.finished_at),
            "rows": rows,
            "rows_expected": run.rows_expected,
            "first_timestamp_sim": _iso(sim_time(first_seq)),
            "last_timestamp_sim": _iso(sim_time(last_seq)),
            "last_seq": last_seq,
        },
        "samples": {
            "period_s": 1,
            "order": "seq ascending",
            "formats": {f.name: f.notes for f in FORMATS.values()},
            "columns": [
                {
                    "name": c.name,
                    "type": str(c.type),
                    "nullable": c.nullable,
                    "unit": c.unit,
                    "role": str(c.role),
                    "meaning": c.meaning,
                }
                for c in COLUMNS
            ],
            "roles": ROLE_MEANINGS,
        },
        "recipes": [_recipe_card(r) for r in context.recipes],
        "labels": _label_dictionary(),
        "fault_onsets": {
            "scheduled": scheduled,
            "observed": observed,
            "note": "scheduled: the run's fault_injections (timed and stochastic rules as drawn "
            "from the seed; faults that start at a part number are resolved by the machine and "
            "show only as observed), with every schedule field. onset_seq is the first sample "
            "the instance labels (the first whole second at or after onset_sim, the scheduled "
            "instant); an every_nth_heat instance labels its N-th heats only. observed: the "
            "first and last sample whose labels carry the fault, in any phase.",
        },
        "class_balance": {
            "rows": rows,
            "normal": normal,
            "any_fault": rows - normal,
            "machine_state": {_state_name(code): n for code, n in states.items()},
            "alarm": {_alarm_name(code): n for code, n in alarms.items()},
            "fault_phase": phase_balance,
        },
        "parts": {
            "rows": part_count,
            "file": {
                "name": "<telemetry file>.parts.<suffix> beside the telemetry (CLI); "
                f"{parts_file_name(run_id, FORMATS['parquet'])} from the API",
                "api": f"/api/runs/{run_id}/export/parts?format=parquet|csv",
                "formats": "the telemetry's (samples.formats); reasons ';'-joined",
            },
            "columns": [
                {"name": c.name, "type": str(c.type), "unit": c.unit, "meaning": c.meaning}
                for c in PART_FILE_COLUMNS
            ],
        },
        "verdicts": verdicts,
        "join": {
            "key": "part_id",
            "how": "a sample's part_id is the part in the machine at that second (null: none); "
            "it joins the parts file's part_id of the same run, e.g. in pandas "
            "samples.merge(parts, on='part_id', how='left'). Part ids are unique within a run.",
            "part_labels": "per part: the true quality and the true verdict (verdict, reasons: the "
            "label), what QA measured where it inspected (*_measured, *_inspected) and the "
            "plant's verdict on it (plant_verdict, plant_reasons)",
        },
    }
