"""Radial heat conduction in a solid cylinder or a tube: implicit, enthalpy-conserving, batched.

    ρ ∂H/∂t = (1/r) ∂/∂r (k r ∂T/∂r) + q(r, t),   ∂T/∂r = 0 at r = 0 (solid),
    k ∂T/∂r = h_i (T_i − T_bore) at r = r_i (tube),
    −k ∂T/∂r = h_s (T_s − T_∞) at r = R                       (docs/physics.md §6, §6.1)

Finite volumes on :class:`RadialGrid`, backward Euler in time (unconditionally stable, so 5–50 ms
steps and longer are fine). The enthalpy H is the state (Pham's method): each step linearises
H(T) with the tangent heat capacity at fixed austenite fraction, solves one tridiagonal system for
T, updates H with exactly the energy that system moved — so the Curie/transformation heat is
conserved whatever the step — and the caller takes T back from H(T, f)⁻¹. Conductivity is
lagged (evaluated at the start of the step), harmonic-mean at faces.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from .grid import RadialGrid
from .materials import KELVIN, STEFAN_BOLTZMANN
from .tridiagonal import solve_symmetric_tridiagonal

FloatArray = npt.NDArray[np.float64]

AIR_HTC_W_M2K = 15.0  # still/ moving shop air on a rotating shaft, 10–25 W/m²K [E]
EMISSIVITY = 0.8  # oxidised steel 0.7–0.9 [E]


class ThermalMaterial(Protocol):
    """What the conduction step needs from a material (``SteelGrade`` satisfies it).

    ``austenite`` is the austenite fraction f (0…1); materials without transformations ignore it.
    """

    @property
    def density_kg_m3(self) -> float: ...

    def conductivity_and_cp(
        self, temp_c: FloatArray, austenite: FloatArray
    ) -> tuple[FloatArray, FloatArray]: ...

    def enthalpy_j_kg(
        self, temp_c: FloatArray, austenite: FloatArray | float = 0.0
    ) -> FloatArray: ...

    def temperature_from_enthalpy_c(
        self, enthalpy_j_kg: FloatArray, austenite: FloatArray, guess_c: FloatArray
    ) -> FloatArray: ...


def air_htc_w_m2k(surface_temp_c: FloatArray, ambient_c: FloatArray) -> FloatArray:
    """Convection plus linearised radiation, h_rad = εσ(T²+T∞²)(T+T∞) in kelvin."""
    ts = surface_temp_c + KELVIN
    ta = ambient_c + KELVIN
    h_rad = EMISSIVITY * STEFAN_BOLTZMANN * (ts * ts + ta * ta) * (ts + ta)
    return np.asarray(AIR_HTC_W_M2K + h_rad, dtype=np.float64)


def conduction_step(
    material: ThermalMaterial,
    grid: RadialGrid,
    temp_c: FloatArray,
    enthalpy_j_kg: FloatArray,
    austenite: FloatArray,
    dt_s: FloatArray,
    source_w_m: FloatArray | None,
    surface_htc_w_m2k: FloatArray,
    sink_temp_c: FloatArray,
    inner_htc_w_m2k: FloatArray | None = None,
    inner_sink_c: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Advance one backward-Euler step for all parts (energy part only).

    temp_c, enthalpy_j_kg, austenite: state (M, N); dt_s (N,); source_w_m: heat per node per
    unit length (M, N) [W/m] or None; surface_htc_w_m2k, sink_temp_c (N,); for tubes the bore
    wall's inner_htc_w_m2k and inner_sink_c (N,) (ignored where the grid's inner radius is 0).

    Returns (linearised end temperature, new enthalpy, heat loss per unit length through both
    surfaces [W/m]).
    The caller updates the austenite fraction and then recovers the temperature with
    ``material.temperature_from_enthalpy_c(new_enthalpy, new_austenite, guess=linearised T)``.
    Energy is conserved exactly: Σ ρ V ΔH = dt·(Σ source − loss).
    """
    rho = material.density_kg_m3
    k, cp = material.conductivity_and_cp(temp_c, austenite)
    k_face = 2.0 * k[1:] * k[:-1] / (k[1:] + k[:-1])
    g_face = grid.face_geom_m * k_face

    c_eff = cp  # tangent at fixed austenite fraction; T is recovered from H afterwards
    cap = (rho / dt_s)[None, :] * c_eff * grid.volume_m2
    surface_g = grid.surface_area_m * surface_htc_w_m2k
    diag = cap.copy()
    diag[:-1] += g_face
    diag[1:] += g_face
    diag[-1] += surface_g
    off = -g_face
    rhs = cap * temp_c
    if source_w_m is not None:
        rhs += source_w_m
    rhs[-1] += surface_g * sink_temp_c
    inner_g = None
    if inner_htc_w_m2k is not None and inner_sink_c is not None:
        inner_g = grid.inner_area_m * inner_htc_w_m2k  # 0 for a solid column: no change there
        diag[0] += inner_g
        rhs[0] += inner_g * inner_sink_c
    t_lin = solve_symmetric_tridiagonal(off, diag, rhs)
    enthalpy_new = enthalpy_j_kg + c_eff * (t_lin - temp_c)
    loss = surface_g * (t_lin[-1] - sink_temp_c)
    if inner_g is not None and inner_sink_c is not None:
        loss = loss + inner_g * (t_lin[0] - inner_sink_c)
    return t_lin, enthalpy_new, loss
