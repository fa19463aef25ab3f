"""Issue 13 §3: the one-part path (`induction-sim part`) stops where the machine stops — an
inverter trip interrupts the heat, and a fault that acts only through an interlock says so."""

from __future__ import annotations

import json

import pytest
from engine_runs import default_recipe
from typer.testing import CliRunner

from induction_sim.cli import app
from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.single_part import part_under_faults
from induction_sim.machine.states import AlarmCode


def _fault(fault_id: str, severity: float) -> tuple[FaultInstance, ...]:
    return (FaultInstance(fault_id, severity, OnsetMode.STEP, onset_s=0.0),)


def test_an_inverter_trip_interrupts_the_heat_as_in_the_machine() -> None:
    nominal = part_under_faults(default_recipe())
    tripped = part_under_faults(default_recipe(), _fault("inverter_igbt_fault", 1.0))
    assert tripped.stop is not None and tripped.stop.code is AlarmCode.INVERTER_FAULT
    assert tripped.stop.when == "during the heat"
    assert not tripped.verdict.ok and "INTERRUPTED" in tripped.verdict.reasons
    # the part got the first second of its heat only: far less energy, no hardened case
    assert tripped.result.energy_coil_kj < 0.1 * nominal.result.energy_coil_kj
    assert tripped.result.peak_surface_temp_c < 700.0
    assert tripped.result.case_depth_mm < 0.5 * nominal.result.case_depth_mm


@pytest.mark.parametrize(
    ("fault_id", "code"),
    [
        ("coil_water_flow_loss", AlarmCode.COIL_WATER_FLOW_LOW),
        ("ground_fault", AlarmCode.GROUND_FAULT),
        ("coil_water_inlet_hot", AlarmCode.COIL_WATER_OUTLET_HOT),
    ],
)
def test_a_fault_that_acts_through_an_interlock_says_so(fault_id: str, code: AlarmCode) -> None:
    outcome = part_under_faults(default_recipe(), _fault(fault_id, 1.0))
    assert outcome.stop is not None and outcome.stop.code is code
    assert outcome.stop.reset_refused  # the cause persists: the machine stays in alarm
    assert outcome.verdict.reasons == ("INTERRUPTED",)
    assert f"interlock {int(code)}" in outcome.notes[0]
    assert "bypassed" in outcome.shown


def test_below_its_interlock_a_machine_only_fault_leaves_the_part_and_says_why() -> None:
    nominal = part_under_faults(default_recipe())
    outcome = part_under_faults(default_recipe(), _fault("coil_water_flow_loss", 0.2))
    assert outcome.stop is None and outcome.verdict.ok
    assert outcome.result.case_depth_mm == nominal.result.case_depth_mm
    assert "machine's signals only" in outcome.notes[0]
    sensor = part_under_faults(default_recipe(), _fault("pyrometer_dirty_lens", 1.0))
    assert "symptom only" in sensor.notes[0] and sensor.verdict.ok


def test_the_part_command_reports_the_interlock() -> None:
    out = CliRunner().invoke(
        app, ["part", "--recipe", "1045-shaft-scan", "--fault", "inverter_igbt_fault:1", "--json"]
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["verdict"] == "NOK" and "INTERRUPTED" in summary["reasons"]
    assert summary["interlock"]["code"] == int(AlarmCode.INVERTER_FAULT)
    text = (
        CliRunner()
        .invoke(app, ["part", "--recipe", "1045-shaft-scan", "--fault", "ground_fault:1"])
        .output
    )
    assert "interlock 302" in text and "the machine would stop before the heat" in text
