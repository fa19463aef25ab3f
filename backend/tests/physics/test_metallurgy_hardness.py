"""Hardness conversions, Koistinen–Marburger, Maynier, critical rates, case-depth reading."""

import numpy as np
import pytest

from induction_sim.physics.materials import GRADES
from induction_sim.physics.metallurgy import (
    depth_to_limit_mm,
    hollomon_jaffe,
    hrc_to_hv,
    hv_to_hrc,
    koistinen_marburger,
    martensite_capacity,
    maynier_hv,
    temper_keep_factor,
)


@pytest.mark.parametrize(
    ("hv", "hrc"), [(513.0, 50.0), (595.0, 55.0), (697.0, 60.0), (302.0, 30.0)]
)
def test_hv_to_hrc_hits_astm_e140_points(hv: float, hrc: float) -> None:
    assert float(hv_to_hrc(hv)) == pytest.approx(hrc)
    assert float(hrc_to_hv(hrc)) == pytest.approx(hv)


def test_koistinen_marburger_1045_quenched_to_25c_is_96_percent() -> None:
    fm = koistinen_marburger(np.array([GRADES["1045"].ms_c]), np.array([25.0]))
    assert fm[0] == pytest.approx(0.96, abs=0.01)


def test_maynier_martensite_of_1045_is_about_700_hv() -> None:
    hv_m, _, _ = maynier_hv(np.array([0.45]), GRADES["1045"].composition, np.array([300.0]))
    assert 680.0 < hv_m[0] < 720.0  # physics.md §12.2: ≈ 690–710 HV
    _, _, hv_core = maynier_hv(np.array([0.45]), GRADES["1045"].composition, np.array([1.0]))
    assert hv_core[0] == pytest.approx(196.0, abs=5.0)


def test_martensite_capacity_is_monotone_in_cooling_rate() -> None:
    rates = np.array([5.0, 30.0, 70.0, 150.0, 220.0, 1000.0])
    cap = martensite_capacity(rates, np.array(220.0), np.array(70.0))
    assert np.all(np.diff(cap) >= 0)
    assert cap[2] == pytest.approx(0.5)
    assert cap[-1] == 1.0


def test_case_depth_interpolates_between_nodes() -> None:
    depth = np.array([3.0, 2.0, 1.0, 0.0])[:, None] * 1e-3  # axis first, surface last
    hv = np.array([200.0, 300.0, 700.0, 700.0])[:, None]
    d = depth_to_limit_mm(depth, hv, np.array([500.0]))
    assert d[0] == pytest.approx(1.5)


def test_tempering_softens_with_the_hollomon_jaffe_parameter() -> None:
    p_low = hollomon_jaffe(np.array([150.0]), np.array([3600.0]))
    p_high = hollomon_jaffe(np.array([400.0]), np.array([3600.0]))
    assert p_low[0] == pytest.approx(423.15 * 20.0)
    assert temper_keep_factor(p_high, 0.0)[0] < temper_keep_factor(p_low, 0.0)[0] <= 1.0
