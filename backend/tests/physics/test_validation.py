"""`induction-sim validate` (physics.md §13): every analytic check passes, every published point is
computed (inside or not: reported honestly, not asserted), the energy hook changes nothing, the
numpy Bessel functions equal scipy's, and the command prints one JSON object."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import special
from typer.testing import CliRunner

from induction_sim.cli import app
from induction_sim.machine.recipe import builtin_recipes
from induction_sim.physics.part import simulate_part, simulate_part_with_ledger
from induction_sim.validation import (
    ValidationReport,
    bessel_field_ratio,
    bessel_j01_scaled,
    constant_flux_cylinder_rise,
    run_validation,
)


@pytest.fixture(scope="module")
def report() -> ValidationReport:
    return run_validation()


def test_every_analytic_check_passes(report: ValidationReport) -> None:
    failed = [(c.check, c.inputs, c.error, c.tolerance) for c in report.analytic if not c.passed]
    assert not failed
    checks = {c.check for c in report.analytic}
    kinds = ("skin depth", "exact Bessel", "J0(kr)", "parabola", "Carslaw", "whole part", "tube")
    for kind in kinds:
        assert any(kind in c for c in checks), kind
    assert len(report.analytic) >= 20


def test_every_published_point_is_computed(report: ValidationReport) -> None:
    assert len(report.published) >= 15
    for p in report.published:
        assert math.isfinite(p.engine), p
        assert p.low <= p.high, p
        assert p.source and p.published, p
        assert (p.difference == 0.0) == p.inside
    assert report.not_found


def test_the_energy_ledger_changes_no_result() -> None:
    recipe = builtin_recipes()["1045-shaft-scan"]
    plain = simulate_part(recipe)
    hooked, ledger = simulate_part_with_ledger(recipe)
    np.testing.assert_array_equal(plain.hv, hooked.hv)
    np.testing.assert_array_equal(plain.surface_temp_c, hooked.surface_temp_c)
    assert plain.energy_coil_kj == hooked.energy_coil_kj
    # the ledger's deposited heat is the part energy the results report, per metre × length
    length_m = recipe.hardened_length_mm * 1e-3
    assert ledger.deposited_j_m[0] * length_m / 1e3 == pytest.approx(plain.energy_part_kj)


@pytest.mark.parametrize(
    "z",
    [
        *(0.5 + 0.5j, 3.0 - 3.0j, 8.0 - 8.0j, 11.0 - 2.0j, 12.5 - 12.5j, 40.0 - 40.0j),
        *(170.0 - 170.0j, 1.0 + 0j, 11.9 + 0j, 13.0 + 0j, 32.2 + 0j),
    ],
)
def test_numpy_bessel_functions_equal_scipy(z: complex) -> None:
    j0, j1 = bessel_j01_scaled(np.array([z]))
    scale = math.exp(-abs(z.imag))
    assert j0[0] == pytest.approx(special.jv(0, z) * scale, rel=1e-9, abs=1e-12)
    assert j1[0] == pytest.approx(special.jv(1, z) * scale, rel=1e-9, abs=1e-12)


def test_field_ratio_and_constant_flux_series_against_scipy() -> None:
    radius, rho, mu_r, omega = 0.02, 1.12e-6, 1.0, 2 * np.pi * 30e3
    r = np.linspace(0.0, radius, 9)
    k = np.sqrt(-1j * omega * 4e-7 * np.pi * mu_r / rho)
    exact = np.abs(special.jv(0, k * r) / special.jv(0, k * radius))
    np.testing.assert_allclose(bessel_field_ratio(r, radius, rho, mu_r, omega), exact, rtol=1e-6)
    # at long times the series dies out: ΔT = (qR/k)(2Fo + r²/2R² − 1/4)
    rise = constant_flux_cylinder_rise(r, radius, 1e6, 40.0, 1e-5, 400.0)
    fo = 1e-5 * 400.0 / radius**2
    plain = 1e6 * radius / 40.0 * (2 * fo + 0.5 * (r / radius) ** 2 - 0.25)
    np.testing.assert_allclose(rise, plain, rtol=1e-9)
    # the mean rise is the energy put in, whatever the time
    rise = constant_flux_cylinder_rise(r, radius, 1e6, 40.0, 1e-5, 5.0)
    fine = np.linspace(0.0, radius, 4001)
    dense = constant_flux_cylinder_rise(fine, radius, 1e6, 40.0, 1e-5, 5.0)
    mean = np.trapezoid(dense * fine, fine) * 2 / radius**2
    assert mean == pytest.approx(2 * 1e6 * 5.0 / (radius * 40.0 / 1e-5), rel=1e-4)


def test_validate_command_prints_one_json_object() -> None:
    out = CliRunner().invoke(app, ["validate", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["all_analytic_passed"] is True
    assert data["published_total"] == len(data["published"]) >= 15
    assert {"quantity", "source", "published", "engine", "difference", "inside"} <= set(
        data["published"][0]
    )
    assert data["not_found"]


def test_validate_command_prints_the_tables() -> None:
    out = CliRunner().invoke(app, ["validate"])
    assert out.exit_code == 0, out.output
    for word in ("Analytic checks", "Published points", "Not found", "passed"):
        assert word in out.output
