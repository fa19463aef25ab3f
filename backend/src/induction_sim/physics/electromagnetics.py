"""Eddy currents in a cylinder under a coil: skin depth, radial power deposition, coil impedance.

Model (docs/physics.md §4; figures and sources in §12):

* The coil drives a uniform axial field H_s (rms) on the part surface. Inside the part the field
  obeys the 1-D complex diffusion (Helmholtz) equation along the radius,
  ``(1/r) d/dr (r ρe dH/dr) = jωμ0μr H``, with ρe(T) and μr(H, T) taken node by node. One
  tridiagonal solve per time step gives the "wave" profile [IH-wave]: once a
  hot non-magnetic skin sits over cold magnetic steel, power density dips below the surface and
  peaks again at the Curie front. A surface exponential e^(−2x/δ) cannot do that.
* A tube (inner radius r_i > 0): the bore holds a uniform field equal to H(r_i), and Faraday's
  law around the bore gives the inner condition 2π r_i ρe H'(r_i) = jωμ0 π r_i² H(r_i): the
  bore's flux acts on the wall's inner node like an extra air "volume" π r_i² (μr = 1, no loss)
  and adds its reactive power ωμ0 π r_i² |H(r_i)|² (docs/physics.md §4.1).
* Discretisation is finite-volume on the thermal grid, so the power handed to each node sums
  exactly to the Poynting flux through the surface (discrete Green identity): no energy is made
  or lost between the electromagnetic and thermal models.
* The coil is a magnetic circuit: the flux through the coil bore crosses an interior reluctance
  (air gap + the part's complex surface impedance) in series with an external return reluctance
  of a short coil. This gives coil impedance, the part's share of the current's field and so the
  coupling efficiency, all from one complex number per time step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .grid import RadialGrid
from .materials import MU0
from .tridiagonal import solve_tridiagonal

FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]

# Resistivity of the copper inductor at ≈ 50 °C: 1.72e-8 Ω·m at 20 °C (IEC 60028 annealed
# copper) × (1 + 0.0039·30).
COPPER_RESISTIVITY_OHM_M = 1.92e-8
# Short-coil return path: external reluctance ≈ 1/(μ0·κ·r_coil). κ = 3.5 makes an empty
# single-turn coil with bore diameter ≈ 2.2 × its height carry ≈ 0.5 of the long-solenoid
# inductance, Nagaoka's coefficient for that aspect ratio (Nagaoka 1909) [D/E].
RETURN_PATH_KAPPA = 3.5
# Fringing: the field under a coil spreads over ≈ height + 2 × gap (magnetic-circuit fringing
# rule of thumb) [E]. Larger gaps spread the same ampere-turns over a longer zone.
FRINGE_GAPS = 2.0


def skin_depth_m(
    resistivity_ohm_m: FloatArray | float,
    mu_r: FloatArray | float,
    frequency_hz: FloatArray | float,
) -> FloatArray:
    """Reference (skin) depth δ = √(2ρ/(ωμ0μr)) ≈ 503·√(ρ/(μr f)) m [H]."""
    rho = np.asarray(resistivity_ohm_m, dtype=np.float64)
    omega = 2.0 * np.pi * np.asarray(frequency_hz, dtype=np.float64)
    return np.asarray(np.sqrt(2.0 * rho / (omega * MU0 * np.asarray(mu_r))), dtype=np.float64)


@dataclass(frozen=True)
class EddyProfile:
    """Solution of the radial eddy-current problem for a unit surface field (1 A/m rms).

    power_w_m: active power per node per unit length (M, N) [W/m per (A/m)²]
    active_w_m / reactive_var_m: totals per unit length (N,) [per (A/m)²]
    field_ratio: |H(r)|/|H_s| (M, N)
    """

    power_w_m: FloatArray
    active_w_m: FloatArray
    reactive_var_m: FloatArray
    field_ratio: FloatArray


def eddy_current_profile(
    grid: RadialGrid,
    resistivity_ohm_m: FloatArray,
    mu_r: FloatArray,
    omega_rad_s: FloatArray,
) -> EddyProfile:
    """Solve (1/r)(r ρ H')' = jωμ0μr H with H(R) = 1, H'(0) = 0 on the grid (all parts at once);
    for a tube H'(r_i) = jωμ0 r_i H(r_i)/(2ρe) (the bore's flux, module docstring)."""
    rho = resistivity_ohm_m
    rho_face = 2.0 * rho[1:] * rho[:-1] / (rho[1:] + rho[:-1])  # E_θ continuous → harmonic
    g_face = grid.face_geom_m * rho_face
    reactive_coeff = omega_rad_s[None, :] * MU0 * mu_r * grid.volume_m2
    m, n = rho.shape
    lower = np.zeros((m, n), dtype=np.complex128)
    upper = np.zeros((m, n), dtype=np.complex128)
    diag = np.empty((m, n), dtype=np.complex128)
    rhs = np.zeros((m, n), dtype=np.complex128)
    lower[1:-1] = -g_face[:-1]
    upper[:-1] = -g_face
    diag.real[:-1] = g_face
    diag.real[1:-1] += g_face[:-1]
    diag.imag[:-1] = reactive_coeff[:-1]
    bore_coeff = None
    if grid.hollow:
        # FV balance of the bore-side node: the inner face's flux 2π r_i ρe H'(r_i) is
        # jωμ0 π r_i² H_0 (Faraday around the bore), ρe cancels (solid columns: + 0, unchanged)
        bore_coeff = omega_rad_s * MU0 * grid.bore_area_m2
        diag.imag[0] += bore_coeff
    diag[-1] = 1.0  # Dirichlet: H(R) = 1 A/m
    rhs[-1] = 1.0
    h = solve_tridiagonal(lower, diag, upper, rhs)
    dh = h[1:] - h[:-1]
    seg_power = g_face * (dh.real**2 + dh.imag**2)
    power = np.zeros((m, n))
    power[:-1] += seg_power * grid.split_inner
    power[1:] += seg_power * (1.0 - grid.split_inner)
    h_abs2 = h.real**2 + h.imag**2
    reactive = (reactive_coeff * h_abs2).sum(axis=0)
    if bore_coeff is not None:  # the bore's flux links the coil too (interior_inverse_area)
        reactive = reactive + bore_coeff * h_abs2[0]
    return EddyProfile(
        power_w_m=power,
        active_w_m=seg_power.sum(axis=0),
        reactive_var_m=reactive,
        field_ratio=np.sqrt(h_abs2),
    )


@dataclass(frozen=True)
class CoilGeometry:
    """Inductor and its coupling to the part, arrays of shape (N,).

    part_radius_m, coil_radius_m (inner copper radius = part radius + gap), coil_height_m,
    turns, effective_height_m (height + fringing), return_term_1_m (1/(κ·r_coil), i.e. μ0 × the
    external reluctance), part_present.
    """

    part_radius_m: FloatArray
    coil_radius_m: FloatArray
    coil_height_m: FloatArray
    turns: FloatArray
    effective_height_m: FloatArray
    return_term_1_m: FloatArray
    part_present: npt.NDArray[np.bool_]


def geometry_columns(geometry: CoilGeometry) -> CoilGeometry:
    """The same geometry with (N, 1) arrays, to broadcast against (N, K) histories."""
    return CoilGeometry(**{k: v[:, None] for k, v in vars(geometry).items()})


def coil_geometry(
    part_radius_m: FloatArray,
    gap_m: FloatArray,
    coil_height_m: FloatArray,
    turns: FloatArray,
    part_present: npt.NDArray[np.bool_],
) -> CoilGeometry:
    coil_radius = part_radius_m + gap_m
    h_eff = coil_height_m + np.where(part_present, FRINGE_GAPS * gap_m, 0.0)
    return CoilGeometry(
        part_radius_m=part_radius_m,
        coil_radius_m=coil_radius,
        coil_height_m=coil_height_m,
        turns=turns,
        effective_height_m=h_eff,
        return_term_1_m=1.0 / (RETURN_PATH_KAPPA * coil_radius),
        part_present=part_present,
    )


def interior_inverse_area(
    geometry: CoilGeometry,
    active_w_m: FloatArray,
    reactive_var_m: FloatArray,
    omega_rad_s: FloatArray,
) -> ComplexArray:
    """1/Â of the coil bore, Â = A_gap + S'_part/(jωμ0) [m⁻²].

    Â is the complex "flux area" such that jωμ0·Â·|H_s|² is the complex power per unit length
    entering the bore (air gap plus part). With no part the bore is all air: Â = π r_coil². A
    tube's own bore flux μ0·H(r_i)·π r_i² is in ``reactive_var_m`` (`eddy_current_profile`).
    """
    r_c = geometry.coil_radius_m
    r_p = geometry.part_radius_m
    gap_area = np.pi * (r_c**2 - r_p**2)
    s_scale = 1.0 / (omega_rad_s * MU0)
    area = (gap_area + reactive_var_m * s_scale) - 1j * (active_w_m * s_scale)
    empty = np.pi * r_c**2 + 0j
    return np.asarray(1.0 / np.where(geometry.part_present, area, empty), dtype=np.complex128)


def coil_impedance_ohm(
    geometry: CoilGeometry, inverse_area_m2: ComplexArray, omega_rad_s: FloatArray
) -> tuple[ComplexArray, FloatArray]:
    """Coil impedance from the magnetic circuit, and surface field per coil ampere.

    Z_c = jωμ0N² / (h_eff/Â + 1/(κ r_c)); the MMF share across the bore sets
    H_s = (N I / h_eff)·ℛ_in/(ℛ_in + ℛ_ret). Re(Z_c)·I² is exactly the power into the part.
    """
    r_in = geometry.effective_height_m * inverse_area_m2
    total = r_in + geometry.return_term_1_m
    z = 1j * omega_rad_s * MU0 * geometry.turns**2 / total
    field_per_amp = geometry.turns / geometry.effective_height_m * np.abs(r_in / total)
    return np.asarray(z, dtype=np.complex128), np.asarray(field_per_amp, dtype=np.float64)


def copper_resistance_ohm(
    coil_radius_m: FloatArray, coil_height_m: FloatArray, turns: FloatArray, omega_rad_s: FloatArray
) -> FloatArray:
    """AC resistance of the inductor: current on the bore face within one copper skin depth.

    R_c = N²·2π r_c·ρ_Cu/(δ_Cu·h) (equivalent circuit, docs/physics.md §12.2) [D].
    """
    delta_cu = np.sqrt(2.0 * COPPER_RESISTIVITY_OHM_M / (omega_rad_s * MU0))
    return np.asarray(
        turns**2
        * 2.0
        * np.pi
        * coil_radius_m
        * COPPER_RESISTIVITY_OHM_M
        / (delta_cu * coil_height_m),
        dtype=np.float64,
    )


def thick_load_surface_power(
    resistivity_ohm_m: FloatArray, mu_r: FloatArray, omega_rad_s: FloatArray
) -> FloatArray:
    """Surface power per (A/m)² of a thick (R ≫ δ) load: p_s = ρe/δ [D]."""
    delta = np.sqrt(2.0 * resistivity_ohm_m / (omega_rad_s * MU0 * mu_r))
    return np.asarray(resistivity_ohm_m / delta, dtype=np.float64)
