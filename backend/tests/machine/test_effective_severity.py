"""Labels that say what a fault did: the effective severity (the `faults_acting` mask) is the
scheduled severity where the fault can act and 0 where it cannot, it never claims an effect the
physics does not have, and stochastic schedules draw only faults the recipe can host."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from engine_runs import run

from induction_sim.machine.faults import (
    BY_ID,
    CATALOGUE,
    ActsWhen,
    FaultInstance,
    Needs,
    OnsetMode,
    mechanisms,
)
from induction_sim.machine.modifiers import Modifiers, modifiers_for
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.machine.scenario import BUILTIN, RecipeShare, Scenario
from induction_sim.machine.schedule import FaultRule
from induction_sim.machine.states import MachineState
from induction_sim.storage.records import first_sample

HEATING = int(MachineState.HEATING)
RECIPES = ("1045-shaft-scan", "1050-pin-single-shot")


def acting(chunk: object, fault_id: str) -> np.ndarray:
    return (chunk.columns["faults_acting"] & (1 << BY_ID[fault_id].bit)) != 0  # type: ignore[attr-defined]


def labelled(chunk: object, fault_id: str) -> np.ndarray:
    cols = chunk.columns  # type: ignore[attr-defined]
    return ((cols["faults_onset"] | cols["faults_active"]) & (1 << BY_ID[fault_id].bit)) != 0


@pytest.mark.parametrize("recipe_name", RECIPES)
@pytest.mark.parametrize("fault_id", [f.id for f in CATALOGUE])
def test_the_acting_mask_is_the_schedule_where_the_fault_can_act(
    fault_id: str, recipe_name: str
) -> None:
    """Intermittent (on 30 s of every 60 s) at a low severity, so no interlock ends the run:
    the bit is set exactly where the fault is on AND the machine state lets it act AND the
    recipe has its mechanism; and wherever it is set, the fault changes a modifier."""
    recipe = builtin_recipes()[recipe_name]
    fault = FaultInstance(
        fault_id, 0.15, OnsetMode.INTERMITTENT, onset_s=300.4, duration_s=600, period_s=60
    )
    chunk = run(1200, fault, recipe=recipe)
    t = chunk.columns["seq"].astype(np.float64)
    state = chunk.columns["machine_state"]
    on = fault.severity_at(t) > 0
    ft = BY_ID[fault_id]
    where = {
        ActsWhen.ALWAYS: np.ones(t.shape, dtype=bool),
        ActsWhen.HEATING: state == HEATING,
        # the spray runs while quenching (and behind the coil during a scan heat)
        ActsWhen.SPRAYING: chunk.true_values["quench_flow_lpm"] > 0,
    }[ft.acts_when]
    hosts = ft.needs <= mechanisms(recipe.process, recipe.quench_medium)
    expected = on & where & hosts
    assert np.array_equal(acting(chunk, fault_id), expected)
    if hosts:
        assert expected.any()  # the case is exercised
    # scheduled (labelled) but not acting: the intermittent off-time at least
    assert (labelled(chunk, fault_id) & ~acting(chunk, fault_id)).any()
    # label/physics agreement: an acting sample has a modifier away from nominal
    mods = modifiers_for([fault], t, chunk.columns["part_id"], state == HEATING)
    nominal = Modifiers.nominal(t.shape[0])
    moved = np.zeros(t.shape, dtype=bool)
    for name, value in vars(mods).items():
        moved |= value != getattr(nominal, name)
    assert moved[acting(chunk, fault_id)].all()


def test_an_inverter_trip_acts_only_in_its_heat_and_an_intermittent_seating_only_when_on() -> None:
    """The two cases of the issue: a 30 s inverter fault mostly outside heating, and a part
    mis-seated half the time."""
    inverter = FaultInstance("inverter_igbt_fault", 1.0, OnsetMode.STEP, 600.0, duration_s=30)
    chunk = run(900, inverter)
    heating = chunk.columns["machine_state"] == HEATING
    assert labelled(chunk, "inverter_igbt_fault").sum() == 30
    assert np.array_equal(
        acting(chunk, "inverter_igbt_fault"), labelled(chunk, "inverter_igbt_fault") & heating
    )
    seating = FaultInstance(
        "part_misseated", 0.3, OnsetMode.INTERMITTENT, 300.0, duration_s=1200, period_s=120
    )
    chunk = run(1800, seating)
    t = chunk.columns["seq"].astype(np.float64)
    on = np.mod(t - 300.0, 120.0) < 60.0
    heating = chunk.columns["machine_state"] == HEATING
    act = acting(chunk, "part_misseated")
    assert act.any() and not (act & ~on).any() and not (act & ~heating).any()
    assert (labelled(chunk, "part_misseated") & ~on).sum() > 500  # labelled while off


def test_a_fault_without_its_mechanism_acts_nowhere_and_changes_nothing() -> None:
    """A scan-drive fault on a single-shot recipe: scheduled, never acting, the run as without."""
    pin = builtin_recipes()["1050-pin-single-shot"]
    scan = FaultInstance("scan_drive_error", 0.5, OnsetMode.STEP, 200.0)
    chunk = run(900, scan, recipe=pin)
    assert labelled(chunk, "scan_drive_error").any()
    assert not acting(chunk, "scan_drive_error").any()
    clean = run(900, recipe=pin)
    for name in ("power_kw", "surface_temp_c", "energy_coil_kj"):
        assert np.array_equal(chunk.columns[name], clean.columns[name])


def test_onset_seq_is_the_first_labelled_sample() -> None:
    """Sample k is at k s: an onset at a fraction of a second is first labelled one sample
    later than its floor — `first_sample` (the stored onset_seq) says which."""
    for onset in (400.0, 400.3, 400.999, 401.0):
        fault = FaultInstance("pyrometer_dirty_lens", 0.5, OnsetMode.RAMP, onset, ramp_s=60)
        chunk = run(600, fault)
        first = int(chunk.columns["seq"][np.argmax(labelled(chunk, "pyrometer_dirty_lens"))])
        assert first == first_sample(onset) == math.ceil(onset)


def _water(name: str) -> dict[str, object]:
    data = builtin_recipes()[name].model_dump()
    return data | {"name": f"{name}-water", "quench_medium": "water", "quench_concentration_pct": 0}


def test_stochastic_schedules_draw_only_faults_the_shift_recipe_can_host() -> None:
    scenario = Scenario(
        name="hosts",
        shift_h=1.0,
        recipes=[
            RecipeShare(recipe="1050-pin-single-shot"),
            RecipeShare(recipe="1045-shaft-scan"),
            RecipeShare(recipe=_water("1045-shaft-scan")),  # type: ignore[arg-type]
        ],
        faults=[
            FaultRule(fault="scan_drive_error", severity=0.3, rate_per_h=6, duration_s=60),
            FaultRule(fault="polymer_concentration_low", severity=0.3, rate_per_h=6, duration_s=60),
            FaultRule(fault="ground_fault", severity=0.3, rate_per_h=6, duration_s=60),
        ],
    )
    rows = 60 * 3600
    for seed in range(3):
        faults = scenario.fault_instances(rows, seed)
        kinds = Counter(f.fault_id for f in faults)
        assert all(kinds[f] > 20 for f in ("scan_drive_error", "polymer_concentration_low"))
        for f in faults:
            r = scenario.shift_recipe(seed, int(f.onset_s // scenario.shift_rows))
            assert BY_ID[f.fault_id].needs <= mechanisms(r.process, r.quench_medium), f
        # a fault that needs nothing is drawn in every shift, as before
        assert kinds["ground_fault"] > kinds["scan_drive_error"]
    assert Needs.SCAN not in mechanisms("single_shot", "polymer")


@pytest.mark.parametrize("seed", range(5))
def test_mixed_faults_has_at_least_three_instances_of_every_fault_in_200k_rows(seed: int) -> None:
    scenario = BUILTIN["mixed_faults"]
    kinds = Counter(f.fault_id for f in scenario.fault_instances(200_000, seed))
    assert {rule.fault for rule in scenario.faults} == set(kinds)
    assert min(kinds.values()) >= 3, kinds
