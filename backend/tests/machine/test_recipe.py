"""Recipe validation, built-ins, user recipe files, mapping to physics inputs."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from induction_sim.machine.recipe import (
    Recipe,
    RecipeNotFoundError,
    builtin_recipes,
    load_recipe,
    physics_inputs,
)
from induction_sim.physics.inputs import PartConditions


def _data(**changes: Any) -> dict[str, Any]:
    data = load_recipe("1045-shaft-scan").model_dump()
    data.pop("nominal_energy_kj")
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("diameter_mm", -40.0),
        ("frequency_hz", 0.0),
        ("quench_flow_lpm", -5.0),
        ("power_kw", 0.0),
        ("coil_gap_mm", -1.0),
        ("quench_delay_s", -0.1),
    ],
)
def test_bad_numbers_are_rejected_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        Recipe(**_data(**{field: value}))


def test_unknown_grade_is_rejected_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="steel_grade") as info:
        Recipe(**_data(steel_grade="9999"))
    assert "1045" in str(info.value)  # tells the operator what is known


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ValidationError, match="coil_colour"):
        Recipe(**_data(coil_colour="red"))


def test_scan_needs_a_speed_and_single_shot_a_heat_time() -> None:
    with pytest.raises(ValidationError, match="scan_speed_mm_s"):
        Recipe(**_data(scan_speed_mm_s=None))
    with pytest.raises(ValidationError, match="heat_time_s"):
        Recipe(**_data(process="single_shot"))


def test_window_limits_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="surface_hrc_min"):
        Recipe(**_data(surface_hrc_min=63.0))
    with pytest.raises(ValidationError, match="case_depth_min_mm"):
        Recipe(**_data(case_depth_min_mm=5.0))


def test_grade_alias_is_normalised() -> None:
    assert Recipe(**_data(steel_grade="C45")).steel_grade == "1045"


def test_default_recipe_matches_reference_section_8() -> None:
    r = load_recipe("1045-shaft-scan")
    assert (r.diameter_mm, r.frequency_hz, r.power_kw, r.scan_speed_mm_s) == (40, 10e3, 37, 10)
    assert (r.quench_medium, r.quench_concentration_pct, r.quench_flow_lpm) == ("polymer", 8, 80)
    assert r.nominal_energy_kj == pytest.approx(740.0)  # 37 kW × 200 mm / 10 mm/s
    assert r.energy_window_kj == pytest.approx((703.0, 777.0))


def test_builtins_cover_scan_and_single_shot_and_three_grades() -> None:
    recipes = builtin_recipes()
    assert {r.process for r in recipes.values()} == {"scan", "single_shot"}
    assert {r.steel_grade for r in recipes.values()} >= {"1045", "4140", "1050"}
    assert all(name == r.name for name, r in recipes.items())


def test_user_recipe_loads_from_json_and_yaml(tmp_path: Path) -> None:
    data = _data(name="my-shaft", power_kw=40.0)
    json_file = tmp_path / "my.json"
    json_file.write_text(json.dumps(data))
    yaml_data = _data(power_kw=35.0)
    yaml_data.pop("name")
    yaml_file = tmp_path / "other.yaml"
    yaml_file.write_text(yaml.safe_dump(yaml_data))
    assert load_recipe(json_file).power_kw == 40.0
    loaded = load_recipe(str(yaml_file))
    assert loaded.name == "other" and loaded.power_kw == 35.0


def test_invalid_user_recipe_file_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_data(diameter_mm=-1.0)))
    with pytest.raises(ValidationError, match="diameter_mm"):
        load_recipe(bad)


def test_unknown_recipe_name_raises() -> None:
    with pytest.raises(RecipeNotFoundError, match="1045-shaft-scan"):
        load_recipe("no-such-recipe")


def test_physics_inputs_apply_conditions_through_si_arrays() -> None:
    r = load_recipe("1045-shaft-scan")
    inputs = physics_inputs(r, [PartConditions(), PartConditions(quench_flow_factor=0.5)])
    assert inputs.size == 2
    assert inputs.radius_m[0] == pytest.approx(0.02)
    assert inputs.quench_flow_lpm.tolist() == [80.0, 40.0]
    assert inputs.power_set_w[0] == pytest.approx(37e3)
