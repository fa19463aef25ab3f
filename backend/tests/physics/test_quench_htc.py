"""Quench heat-transfer coefficient: boiling curve, flow, concentration, temperature."""

import numpy as np
import pytest

from induction_sim.physics.quench import OIL, POLYMER, WATER, quench_curve, quench_htc_w_m2k


def _h(
    medium: int, conc: float = 8.0, flow: float = 80.0, temp: float = 25.0, ts: float = 450.0
) -> float:
    curve = quench_curve(
        np.array([medium]), np.array([conc]), np.array([flow]), np.array([temp]), np.array([0.04])
    )
    return float(quench_htc_w_m2k(np.array([ts]), curve)[0])


def test_film_boiling_plateau_is_low_and_flat() -> None:
    assert _h(POLYMER, ts=900.0) == pytest.approx(_h(POLYMER, ts=800.0))
    assert _h(POLYMER, ts=900.0) < 0.5 * _h(POLYMER, ts=420.0)


def test_htc_rises_with_flow_and_falls_with_concentration_and_temperature() -> None:
    assert _h(POLYMER, flow=40.0) < _h(POLYMER, flow=80.0) < _h(POLYMER, flow=120.0)
    assert _h(POLYMER, conc=15.0) < _h(POLYMER, conc=8.0) < _h(POLYMER, conc=4.0)
    assert _h(POLYMER, temp=50.0) < _h(POLYMER, temp=25.0)


def test_medium_severity_order_water_polymer_oil() -> None:
    assert _h(WATER, ts=350.0) > _h(POLYMER, ts=420.0) > _h(OIL, ts=530.0)


def test_pag_peak_follows_reference_spray_table() -> None:
    # physics.md §12.2: ≈ 5 %: 10–15, ≈ 10 %: 6–10, ≈ 15–20 %: 3–6 kW/m²K
    assert 10e3 <= _h(POLYMER, conc=5.0, ts=420.0) <= 16e3
    assert 6e3 <= _h(POLYMER, conc=10.0, ts=420.0) <= 10e3
    assert 3e3 <= _h(POLYMER, conc=18.0, ts=420.0) <= 6e3
