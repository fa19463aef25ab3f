"""Coil electrical state at any moment of a part's heat, for 1 Hz telemetry.

The simulation tracks one cross-section. In a single shot the whole heated zone *is* that section,
so the coil state at time t is the section's state at age t. In a scan the coil covers sections of
different heating ages: in steady state ages are spread uniformly over [0, dwell]; during the first
dwell after power-on, the sections that were under the coil at start have all been heated t
seconds and the ones that entered since are spread over [0, t]. The bore's magnetic reluctance is
the series sum of those slices, so the coil sees the *average* 1/Â over the ages under it; the
tank, current and voltage follow from that average (:func:`circuit.operating_point`).

This is what makes the Curie signature appear each cycle in a scan: frequency and coil current
move while the start region heats through Curie, then settle to their steady-scan values.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .circuit import TankState, operating_point
from .results import CoilHistory, PartResult, PartResults

FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]


def _interp_rows(x: FloatArray, xp: FloatArray, fp: FloatArray) -> FloatArray:
    """Row-wise linear interpolation, clamped: x (N,), xp and fp (N, K)."""
    k = xp.shape[1]
    hi = np.clip((xp <= x[:, None]).sum(axis=1), 1, k - 1)
    lo = hi - 1
    rows = np.arange(xp.shape[0])
    x0 = xp[rows, lo]
    x1 = xp[rows, hi]
    w = np.clip((x - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0, 1.0)
    out: FloatArray = fp[rows, lo] * (1.0 - w) + fp[rows, hi] * w
    return out


def _mean_inverse_area(coil: CoilHistory, t_s: FloatArray) -> tuple[ComplexArray, FloatArray]:
    """Bore 1/Â and ω seen by the coil at heat time t (see module docstring)."""
    age = coil.age_s
    dwell = np.maximum(coil.dwell_s, 1e-9)
    t_age = np.minimum(t_s, dwell)
    re_t = _interp_rows(t_age, age, coil.inverse_area_m2.real)
    im_t = _interp_rows(t_age, age, coil.inverse_area_m2.imag)
    om_t = _interp_rows(t_age, age, coil.omega_rad_s)
    at_t = re_t + 1j * im_t
    # Ages spread over [0, min(t, dwell)]: mean of the records with age < t (at least the first).
    within = age <= t_age[:, None] + 1e-12
    count = np.maximum(within.sum(axis=1), 1)
    spread = (coil.inverse_area_m2 * within).sum(axis=1) / count
    spread_om = (coil.omega_rad_s * within).sum(axis=1) / count
    share_spread = np.clip(t_s / dwell, 0.0, 1.0)
    scan_inv = share_spread * spread + (1.0 - share_spread) * at_t
    scan_om = share_spread * spread_om + (1.0 - share_spread) * om_t
    inv = np.where(coil.is_scan, scan_inv, at_t)
    omega = np.where(coil.is_scan, scan_om, om_t)
    return np.asarray(inv, dtype=np.complex128), np.asarray(omega, dtype=np.float64)


def coil_state_at(results: PartResults | PartResult, t_s: FloatArray | float) -> TankState:
    """Electrical state of the coil ``t_s`` seconds after heat-on, for every part (N,).

    ``t_s`` is a scalar or one time per part. Outside [0, heat_on_s) the inverter is off and every
    quantity is zero except the frequency, which is reported as the tank's resonance with the load
    at that moment (what a PLL would show if pinged). Frequency in Hz, current in A, voltage in V,
    powers in W, power factor and efficiency as fractions, DC bus in V.
    """
    coil = results.coil
    n = coil.power_set_w.shape[0]
    t = np.broadcast_to(np.asarray(t_s, dtype=np.float64), (n,)).copy()
    inv, omega = _mean_inverse_area(coil, np.maximum(t, 0.0))
    on = (t >= 0.0) & (t < coil.heat_on_s)
    state = operating_point(
        coil.geometry,
        inv,
        omega,
        coil.design,
        coil.power_set_w * on,
        coil.capacitance_factor,
        coil.mains_factor,
    )
    return state
