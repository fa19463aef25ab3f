"""Steel grades: Andrews temperatures, property tables, conserved transformation heat, μr(H, T)."""

import numpy as np
import pytest

from induction_sim.physics.materials import GRADES, resolve_grade


def test_andrews_critical_temperatures_of_1045() -> None:
    g = GRADES["1045"]
    assert g.ac1_c == pytest.approx(722.3, abs=0.5)  # physics.md §12.2: 722 (Andrews)
    assert 762.0 <= g.ac3_c <= 790.0
    assert g.ms_c == pytest.approx(326.0, abs=1.0)


def test_4140_has_higher_ac1_and_similar_ms() -> None:
    assert GRADES["4140"].ac1_c == pytest.approx(737.0, abs=1.0)
    assert GRADES["4140"].ms_c == pytest.approx(330.0, abs=2.0)


def test_resistivity_follows_reference_table() -> None:
    g = GRADES["1045"]
    t = np.array([20.0, 200.0, 600.0, 900.0])
    assert np.allclose(g.resistivity_ohm_m(t), [0.165e-6, 0.296e-6, 0.766e-6, 1.146e-6], rtol=1e-3)


def test_transformation_and_curie_heat_is_conserved_between_states() -> None:
    g = GRADES["1045"]
    t = np.array([1000.0])
    cold = g.enthalpy_j_kg(np.array([20.0]), 0.0)
    hot_austenite = g.enthalpy_j_kg(t, 1.0)
    baseline = g.lookup(t)[2] - g.lookup(np.array([20.0]))[2]
    extra = hot_austenite - cold - baseline
    assert extra[0] == pytest.approx(50.0e3, rel=0.01)  # 40–60 kJ/kg (physics.md §12.2)


def test_enthalpy_inversion_round_trips() -> None:
    g = GRADES["4140"]
    t = np.linspace(20.0, 1200.0, 200)
    for f in (0.0, 0.5, 1.0):
        frac = np.full_like(t, f)
        h = g.enthalpy_j_kg(t, frac)
        back = g.temperature_from_enthalpy_c(h, frac, t + 3.0)
        assert np.max(np.abs(back - t)) < 0.5


def test_permeability_falls_to_one_through_curie() -> None:
    g = GRADES["1045"]
    field = np.full(5, 1.0e5)
    mu = g.relative_permeability(field, np.array([20.0, 600.0, 730.0, 770.0, 900.0]))
    assert mu[0] > mu[1] > mu[2] > mu[3]
    assert mu[3] == pytest.approx(1.0)
    assert mu[4] == pytest.approx(1.0)
    assert 10.0 < mu[0] < 30.0  # physics.md §12.2: μr ≈ 15 at 10^5 A/m


@pytest.mark.parametrize(
    ("alias", "canonical"), [("C45", "1045"), ("42CrMo4", "4140"), ("AISI 1050", "1050")]
)
def test_grade_aliases_resolve(alias: str, canonical: str) -> None:
    assert resolve_grade(alias).name == canonical


def test_unknown_grade_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="1045"):
        resolve_grade("unobtainium")
