"""The telemetry contract: its columns are what the engine produces and the table stores, the
label precedence is one rule, and JSON samples decode codes and NaN."""

from __future__ import annotations

import numpy as np

from induction_sim.machine.chunk import KEY_COLUMNS
from induction_sim.machine.faults import BY_ID, CATALOGUE, FaultInstance, OnsetMode
from induction_sim.machine.machine import Machine, MachineConfig
from induction_sim.machine.recipe import DEFAULT_RECIPE, builtin_recipes
from induction_sim.machine.sample_schema import (
    ACTING,
    JSON_FIELDS,
    MASKS,
    SAMPLE_COLUMNS,
    SETPOINT_SIGNALS,
    SIGNAL_ROLES,
    Role,
    columns_of,
    fault_labels,
    fault_phase_codes,
    json_columns,
    json_sample,
)
from induction_sim.machine.signals import SIGNAL_NAMES, TRUE_VALUE_SIGNALS, true_column


def test_the_contract_holds_every_engine_column_signal_and_true_value() -> None:
    names = [c.name for c in SAMPLE_COLUMNS]
    engine = [n for n in names if n not in ("run_id", "timestamp_sim")]
    assert set(KEY_COLUMNS) | set(SIGNAL_NAMES) | {true_column(s) for s in TRUE_VALUE_SIGNALS} == (
        set(engine)
    )
    assert [c.name for c in columns_of(*SIGNAL_ROLES)] == list(SIGNAL_NAMES)
    assert [c.name for c in columns_of(Role.SETPOINT)] == sorted(SETPOINT_SIGNALS)
    assert [c.name for c in columns_of(Role.LABEL)] == [mask for _, mask in MASKS] + [ACTING]
    for c in SAMPLE_COLUMNS:
        if c.name in KEY_COLUMNS:
            assert np.dtype(KEY_COLUMNS[c.name]) == c.dtype, c.name
    assert columns_of(Role.TRUE)[0].unit == "°C"


def test_one_phase_per_fault_the_first_mask_wins() -> None:
    pump = 1 << BY_ID["quench_pump_wear"].bit
    assert fault_labels(pump, pump, pump) == ["quench_pump_wear:onset"]
    assert fault_labels(0, pump, pump) == ["quench_pump_wear:active"]
    assert fault_labels(0, 0, pump) == ["quench_pump_wear:recovering"]
    assert fault_labels(1 << 62, 0, 0) == []  # a bit outside the catalogue is no label
    every = np.arange(8, dtype=np.int64)  # every combination of the three masks for bit 0
    masks = [(every >> k) & 1 for k in range(3)]
    codes = fault_phase_codes(masks[0], masks[1], masks[2], bit=0)
    phases = ["", "onset", "active", "recovering"]
    flag = 1 << CATALOGUE[0].bit
    for i, code in enumerate(codes):
        labels = fault_labels(*(int(m[i]) * flag for m in masks))
        assert [f"{CATALOGUE[0].id}:{phases[code]}"] == labels if code else labels == []


def test_json_samples_name_codes_and_carry_nan_as_null() -> None:
    n = 2
    columns = {name: np.zeros(n, dtype=np.float64) for name in SIGNAL_NAMES}
    columns |= {name: np.zeros(n, dtype=dtype) for name, dtype in KEY_COLUMNS.items()}
    columns["seq"] = np.array([5, 6])
    columns["machine_state"][:] = 3
    columns["part_id"][1] = 12
    columns["alarm_code"][1] = 101
    columns["faults_active"][1] = 1 << BY_ID["quench_pump_wear"].bit
    columns["power_kw"][:] = [np.nan, 1.234567]
    sample = json_sample(columns, 1, digits=4)
    assert list(sample) == list(JSON_FIELDS)
    assert sample["machine_state"] == "HEATING"
    assert (sample["part_id"], sample["alarm_code"]) == (12, 101)
    assert sample["fault_labels"] == ["quench_pump_wear:active"]
    assert sample["power_kw"] == 1.2346
    table = json_columns(columns)
    assert table["seq"] == [5, 6] and table["part_id"] == [None, 12]
    assert table["power_kw"] == [None, 1.234567]
    assert table["fault_labels"] == [[], ["quench_pump_wear:active"]]


def test_a_page_of_columns_holds_what_each_sample_holds() -> None:
    """`json_columns` (history pages) and `json_sample` (live samples) give the same values for
    every sample of a run with faults, alarms and dropouts, rounded or not, empty pages too."""
    machine = Machine(MachineConfig(recipe=builtin_recipes()[DEFAULT_RECIPE], seed=11))
    machine.inject(FaultInstance("quench_pump_wear", 0.8, OnsetMode.STEP, 0.0, 400.0))
    machine.inject(FaultInstance("ground_fault", 1.0, OnsetMode.STEP, 0.0, None))  # an alarm
    columns = dict(machine.advance(900).columns)
    columns["surface_temp_c"] = columns["surface_temp_c"].copy()
    columns["surface_temp_c"][::7] = np.nan  # dropouts
    assert columns["alarm_code"].any() and columns["faults_active"].any()
    for digits in (None, 4):
        table = json_columns(columns, digits=digits)
        assert list(table) == list(JSON_FIELDS)
        for i in range(columns["seq"].size):
            assert {k: v[i] for k, v in table.items()} == json_sample(columns, i, digits=digits)
    empty = {k: v[:0] for k, v in columns.items()}
    assert json_columns(empty) == {name: [] for name in JSON_FIELDS}
