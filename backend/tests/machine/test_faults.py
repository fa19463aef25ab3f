"""Fault catalogue, onset modes and labels: no label before onset, phases in order."""

from __future__ import annotations

import numpy as np
import pytest

from induction_sim.machine.faults import BY_ID, CATALOGUE, FaultInstance, OnsetMode
from induction_sim.machine.modifiers import Modifiers, modifiers_for
from induction_sim.machine.sample_schema import fault_labels, fault_phase_codes

T = np.arange(0.0, 2000.0)


def test_the_catalogue_has_at_least_12_faults_with_unique_ids_and_bits() -> None:
    assert len(CATALOGUE) >= 12
    assert len({f.id for f in CATALOGUE}) == len(CATALOGUE)
    assert len({f.bit for f in CATALOGUE}) == len(CATALOGUE)
    assert max(f.bit for f in CATALOGUE) < 63  # fits the int64 label masks


def test_step_fault_has_full_severity_inside_its_window_only() -> None:
    f = FaultInstance("quench_pump_wear", 0.8, OnsetMode.STEP, onset_s=100, duration_s=50)
    s = f.severity_at(T)
    assert (s[:100] == 0).all()
    assert (s[100:150] == 0.8).all()
    assert (s[150:] == 0).all()


def test_ramp_fault_grows_linearly_to_its_severity() -> None:
    f = FaultInstance("quench_temp_creep", 1.0, OnsetMode.RAMP, onset_s=0, ramp_s=1000)
    s = f.severity_at(T)
    assert s[500] == pytest.approx(0.5)
    assert np.all(np.diff(s[:1000]) > 0)
    assert s[1500] == 1.0


def test_intermittent_fault_is_on_for_its_duty_cycle() -> None:
    f = FaultInstance("part_misseated", 1.0, OnsetMode.INTERMITTENT, 0, period_s=100, duty=0.3)
    on = f.severity_at(T) > 0
    assert on.mean() == pytest.approx(0.3, abs=0.01)


def test_no_sample_before_onset_carries_a_phase_label() -> None:
    f = FaultInstance("coil_water_flow_loss", 1.0, OnsetMode.STEP, onset_s=300, duration_s=600)
    onset, active, recovering = f.phase_at(T)
    labelled = onset | active | recovering
    assert not labelled[:300].any()
    assert onset[300] and not active[300]
    assert active[400] and not onset[400]
    assert recovering[900] and not recovering[900 + int(f.recovery_s)]


@pytest.mark.parametrize("fault", CATALOGUE, ids=lambda f: f.id)
def test_every_catalogue_fault_moves_some_modifier(fault: object) -> None:
    fid = fault.id  # type: ignore[attr-defined]
    nominal = Modifiers.nominal(10)
    m = modifiers_for([FaultInstance(fid, 1.0, OnsetMode.STEP, onset_s=0)], np.arange(10.0))
    changed = [
        name
        for name in nominal.__dataclass_fields__
        if not np.array_equal(getattr(m, name), getattr(nominal, name))
    ]
    assert changed, f"{fid} changes nothing"
    assert BY_ID[fid] is fault


def test_fault_labels_order_by_bit_and_give_each_fault_one_phase() -> None:
    """Overlapping instances of one fault set its bit in two masks: one label, onset > active >
    recovering (the rule the live stream, exports and the SQL view share)."""
    both = (1 << 2) | (1 << 13)
    assert fault_labels(0, both, 0) == ["quench_pump_wear:active", "pyrometer_dirty_lens:active"]
    assert fault_labels(1 << 2, 1 << 2, 1 << 2) == ["quench_pump_wear:onset"]
    assert fault_labels(0, 1 << 2, 1 << 2) == ["quench_pump_wear:active"]
    assert fault_labels(0, 0, 1 << 2) == ["quench_pump_wear:recovering"]
    assert fault_labels(0, 0, 0) == []
    masks = np.array([[1 << 2, 1 << 2, 0], [0, 1 << 2, 1 << 2], [0, 0, 1 << 2], [0, 0, 0]])
    codes = fault_phase_codes(masks[:, 0], masks[:, 1], masks[:, 2], bit=2)
    assert codes.tolist() == [1, 2, 3, 0]
