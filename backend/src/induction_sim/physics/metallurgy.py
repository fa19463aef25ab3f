"""Phase transformations and hardness: austenitisation, quench products, HV, HRC, case depth.

* Austenite formation on rapid heating — Leblond–Devaux rate law (Leblond & Devaux 1984, as used
  by COMSOL's metal-processing module [COMSOL]): df/dt = (f_eq(T) − f)/τ(T) with f_eq from the
  lever rule between Ac1 and Ac3 and τ = τ0·exp(−(T − Ac1)/θ), τ0 and θ per grade and prior
  structure, fitted to the temperature of full austenite on continuous heating (physics.md
  §8.1). The step integrates the exposure ∫dt/τ exactly for a temperature linear in the step,
  so the calibration holds at the engine's 20–50 K heating steps.
* Carbon partitioning: austenite grown from pearlite/carbide colonies carries the eutectoid carbon
  until the ferrite dissolves (c_γ = min(c_eut, c_bulk/f)); the untransformed remainder keeps the
  rest of the carbon. Quenched-and-tempered structures austenitise at the bulk carbon.
* On cooling, the cooling rate through 700 °C decides whether austenite can reach Ms without
  diffusional products (critical cooling rate check [E]); the martensite share of
  the austenite follows Koistinen–Marburger (1959), f = 1 − exp(−0.011·(Ms − T_q)) [KM].
* Hardness of each product by Maynier et al. (1978) [Maynier], mixed by phase fractions.
* HV → HRC by the ASTM E140 table points [ASTM E140]; effective case depth by SAE J423
  (50 HRC ≈ 513 HV) and ISO 18203 (0.8 × minimum specified surface hardness).
* Optional induction tempering by the Hollomon–Jaffe parameter (1945) [HJ-Canale].

Figures, keys and tags: docs/physics.md §12.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .materials import Composition

FloatArray = npt.NDArray[np.float64]

KM_ALPHA_PER_K = 0.011  # Koistinen & Marburger (1959) [KM]
RETAINED_AUSTENITE_HV = 200.0  # [E]
SAE_J423_LIMIT_HV = 513.0  # 50 HRC by ASTM E140 [SAE-J423]
ISO_18203_FACTOR = 0.8  # limit = 0.8 × minimum surface hardness [ISO 18203]
HOLLOMON_JAFFE_C = 20.0  # carbon / low-alloy steels [HJ-Canale]
# As-quenched martensite stops hardening above ≈ 0.6–0.7 % C at ≈ 65 HRC [GSE-hardenability]:
# Maynier's linear carbon term (fitted on hypoeutectoid steels) is capped there.
MARTENSITE_PLATEAU_HV = 835.0  # 65 HRC by ASTM E140 [ASTM E140]
FULL_AUSTENITE_FRACTION = 0.99  # "full austenite" of a dilatometer Ac3 [E]

# ASTM E140 (steel) HV → HRC points [ASTM E140], as listed in docs/physics.md §12.2. Outside
# 238–940 HV HRC is extrapolated linearly (HRC < 20 is not a valid scale, but a continuous number
# keeps soft parts ordered).
_E140_HV = np.array([238.0, 302.0, 392.0, 446.0, 513.0, 595.0, 653.0, 697.0, 746.0, 800.0, 940.0])
_E140_HRC = np.array([20.0, 30.0, 40.0, 45.0, 50.0, 55.0, 58.0, 60.0, 62.0, 64.0, 68.0])
_LOW_SLOPE = (_E140_HRC[1] - _E140_HRC[0]) / (_E140_HV[1] - _E140_HV[0])
_HIGH_SLOPE = (_E140_HRC[-1] - _E140_HRC[-2]) / (_E140_HV[-1] - _E140_HV[-2])

# Tempering: as-quenched fraction of hardness kept vs Hollomon–Jaffe parameter, from the 1045
# furnace curve of docs/physics.md §12.2 normalised by 60 HRC (697 HV) [E].
_TEMPER_P = np.array([0.0, 8000.0, 8500.0, 9500.0, 11500.0, 13500.0, 15500.0, 17500.0, 20000.0])
_TEMPER_KEEP = np.array([1.0, 1.0, 0.937, 0.854, 0.713, 0.607, 0.495, 0.390, 0.30])


def hv_to_hrc(hv: FloatArray | float) -> FloatArray:
    """Vickers → Rockwell C by linear interpolation of ASTM E140 points (see module constants)."""
    hv_arr = np.asarray(hv, dtype=np.float64)
    hrc = np.interp(hv_arr, _E140_HV, _E140_HRC)
    hrc = np.where(hv_arr < _E140_HV[0], _E140_HRC[0] + _LOW_SLOPE * (hv_arr - _E140_HV[0]), hrc)
    hrc = np.where(
        hv_arr > _E140_HV[-1], _E140_HRC[-1] + _HIGH_SLOPE * (hv_arr - _E140_HV[-1]), hrc
    )
    return np.asarray(hrc, dtype=np.float64)


def hrc_to_hv(hrc: FloatArray | float) -> FloatArray:
    """Rockwell C → Vickers (inverse of :func:`hv_to_hrc` on the E140 points)."""
    hrc_arr = np.asarray(hrc, dtype=np.float64)
    hv = np.interp(hrc_arr, _E140_HRC, _E140_HV)
    hv = np.where(hrc_arr < _E140_HRC[0], _E140_HV[0] + (hrc_arr - _E140_HRC[0]) / _LOW_SLOPE, hv)
    hv = np.where(
        hrc_arr > _E140_HRC[-1], _E140_HV[-1] + (hrc_arr - _E140_HRC[-1]) / _HIGH_SLOPE, hv
    )
    return np.asarray(hv, dtype=np.float64)


def austenite_step(
    fraction: FloatArray,
    temp_c: FloatArray,
    dt_s: FloatArray,
    ac1_c: FloatArray | float,
    ac3_c: FloatArray,
    tau0_s: FloatArray | float,
    theta_k: FloatArray | float,
    temp_old_c: FloatArray | None = None,
) -> FloatArray:
    """One Leblond–Devaux step from ``temp_old_c`` to ``temp_c``; austenite only grows.

    The exposure ∫dt/τ is integrated in closed form for a temperature linear in time over the
    step and f relaxes exponentially towards f_eq(T_end): the same as the rate law solved with
    3000 sub-steps to within 0.005 in f at the engine's 20–40 K heating steps (tested). An
    implicit Euler step with τ(T_end) ran ≈ 0.05 ahead there and would detach the engine from
    its calibration. ``temp_old_c`` None: an isothermal step.
    """
    inv_theta = 1.0 / np.asarray(theta_k)
    x1 = np.maximum(temp_c - ac1_c, 0.0)
    e1 = np.exp(x1 * inv_theta)
    if temp_old_c is None:
        mean_e = e1
    else:
        e0 = np.exp(np.maximum(temp_old_c - ac1_c, 0.0) * inv_theta)
        d_temp = temp_c - temp_old_c
        flat = d_temp == 0.0
        # time-mean of exp(x/θ) over a linear ramp: θ·(e1 − e0)/ΔT (e1 when ΔT = 0)
        mean_e = (e1 - e0) * theta_k / (d_temp + flat) + flat * e1
    f_eq = np.minimum(x1 / (ac3_c - ac1_c), 1.0)
    grown = f_eq + (fraction - f_eq) * np.exp(-(dt_s / tau0_s) * mean_e)
    # grown < fraction exactly when f_eq < fraction: the maximum keeps austenite from reverting.
    return np.asarray(np.maximum(grown, fraction), dtype=np.float64)


def full_austenite_temp_c(
    rate_c_s: float,
    ac1_c: float,
    ac3_c: float,
    tau0_s: FloatArray | float,
    theta_k: FloatArray | float,
    fraction: float = FULL_AUSTENITE_FRACTION,
    step_k: float = 0.5,
) -> FloatArray:
    """Temperature at which continuous heating at ``rate_c_s`` reaches ``fraction`` austenite
    (the kinetic Ac3 of a dilatometer run), vectorised over τ0/θ; linear within the last step."""
    tau0 = np.asarray(tau0_s, dtype=np.float64)
    theta = np.asarray(theta_k, dtype=np.float64)
    shape = np.broadcast(tau0, theta).shape
    f = np.zeros(shape)
    found = np.full(shape, np.nan)
    dt = np.full(shape, step_k / rate_c_s)
    temp = ac1_c
    while temp < 1600.0 and np.isnan(found).any():
        new = temp + step_k
        f_new = austenite_step(
            f,
            np.full(shape, new),
            dt,
            ac1_c,
            np.full(shape, ac3_c),
            tau0,
            theta,
            np.full(shape, temp),
        )
        crossed = np.isnan(found) & (f_new >= fraction)
        share = (fraction - f) / np.maximum(f_new - f, 1e-12)
        found = np.where(crossed, temp + share * step_k, found)
        f, temp = f_new, new
    return np.asarray(found, dtype=np.float64)


def austenite_carbon_pct(
    austenite: FloatArray,
    carbon_pct: FloatArray,
    eutectoid_pct: float,
    partitioning: npt.NDArray[np.bool_],
) -> FloatArray:
    """Carbon of the austenite formed so far, per node.

    Ferrite–pearlite (and spheroidised) prior structures: the pearlite colonies (carbides)
    austenitise first at ≈ the eutectoid carbon; as proeutectoid ferrite dissolves, the mean
    carbon of the austenite falls to the bulk: c_γ = min(c_eut, c_bulk/f) [D, lever rule on
    carbon]. ``partitioning`` False (quenched and tempered: fine carbides everywhere, diffusion
    distances ≪ 1 µm): the bulk carbon."""
    c_gamma = np.minimum(eutectoid_pct, carbon_pct / np.maximum(austenite, 1e-6))
    c_gamma = np.maximum(c_gamma, carbon_pct)  # never below the bulk (hypereutectoid: bulk)
    return np.asarray(np.where(partitioning, c_gamma, carbon_pct), dtype=np.float64)


def remainder_carbon_pct(
    austenite: FloatArray, carbon_pct: FloatArray, austenite_carbon: FloatArray
) -> FloatArray:
    """Carbon left in the untransformed remainder (carbon is conserved per node)."""
    rest = 1.0 - austenite
    left = (carbon_pct - austenite * austenite_carbon) / np.where(rest > 1e-6, rest, 1.0)
    return np.asarray(np.where(rest > 1e-6, np.maximum(left, 0.0), carbon_pct), dtype=np.float64)


def martensite_capacity(
    cooling_rate_c_s: FloatArray, rate_full_c_s: FloatArray, rate_half_c_s: FloatArray
) -> FloatArray:
    """Share of austenite that escapes diffusional transformation, log-linear in cooling rate.

    1 at or above the critical rate for full martensite, 0.5 at the 50 % rate, 0 a decade of the
    same ratio below (Maynier's critical-rate presentation; rates per grade are [E]).
    """
    x = np.log(np.maximum(cooling_rate_c_s, 1e-6) / rate_half_c_s) / np.log(
        rate_full_c_s / rate_half_c_s
    )
    return np.asarray(np.minimum(np.maximum(0.5 + 0.5 * x, 0.0), 1.0), dtype=np.float64)


def bainite_share(cooling_rate_c_s: FloatArray, rate_half_c_s: FloatArray) -> FloatArray:
    """Bainite share of the diffusional products: 1 near the 50 % rate, 0 ten times slower [E]."""
    x = np.log10(np.maximum(cooling_rate_c_s, 1e-6) / (0.1 * rate_half_c_s))
    return np.asarray(np.minimum(np.maximum(x, 0.0), 1.0), dtype=np.float64)


def koistinen_marburger(ms_c: FloatArray, final_temp_c: FloatArray) -> FloatArray:
    """Martensite fraction of the available austenite at the final temperature [KM]."""
    return np.asarray(
        1.0 - np.exp(-KM_ALPHA_PER_K * np.maximum(ms_c - final_temp_c, 0.0)), dtype=np.float64
    )


def _log_vr(cooling_rate_c_s: FloatArray) -> FloatArray:
    # Maynier's Vr is in °C/h; keep inside the fitted range (≈ 0.1–3000 °C/s).
    vr = np.clip(cooling_rate_c_s, 0.1, 3000.0) * 3600.0
    return np.asarray(np.log10(vr), dtype=np.float64)


def maynier_hv(
    carbon_pct: FloatArray, comp: Composition, cooling_rate_c_s: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Vickers hardness of martensite, bainite and ferrite–pearlite (Maynier 1978) [Maynier]."""
    c = carbon_pct
    lv = _log_vr(cooling_rate_c_s)
    hv_m = 127.0 + 949.0 * c + 27.0 * comp.si + 11.0 * comp.mn + 8.0 * comp.ni + 16.0 * comp.cr
    hv_m = np.minimum(hv_m + 21.0 * lv, MARTENSITE_PLATEAU_HV)
    hv_b = (
        -323.0
        + 185.0 * c
        + 330.0 * comp.si
        + 153.0 * comp.mn
        + 65.0 * comp.ni
        + 144.0 * comp.cr
        + 191.0 * comp.mo
    )
    slope_b = (
        89.0
        + 53.0 * c
        - 55.0 * comp.si
        - 22.0 * comp.mn
        - 10.0 * comp.ni
        - 20.0 * comp.cr
        - 33.0 * comp.mo
    )
    hv_b = hv_b + slope_b * lv
    hv_fp = (
        42.0
        + 223.0 * c
        + 53.0 * comp.si
        + 30.0 * comp.mn
        + 12.6 * comp.ni
        + 7.0 * comp.cr
        + 19.0 * comp.mo
    )
    hv_fp = hv_fp + (10.0 - 19.0 * comp.si + 4.0 * comp.ni + 8.0 * comp.cr + 130.0 * comp.v) * lv
    return (
        np.asarray(hv_m, dtype=np.float64),
        np.asarray(hv_b, dtype=np.float64),
        np.asarray(hv_fp, dtype=np.float64),
    )


def hollomon_jaffe(temp_c: FloatArray, time_s: FloatArray) -> FloatArray:
    """Tempering parameter P = T_K·(C + log10 t_h), C = 20 [HJ-Canale]."""
    hours = np.maximum(time_s, 1e-3) / 3600.0
    return np.asarray((temp_c + 273.15) * (HOLLOMON_JAFFE_C + np.log10(hours)), dtype=np.float64)


def temper_keep_factor(parameter: FloatArray, alloy_shift: float) -> FloatArray:
    """Fraction of as-quenched martensite hardness kept after tempering at parameter P.

    ``alloy_shift`` (in P units) delays softening for Cr/Mo steels [E]. NaN P means no temper.
    """
    p = np.nan_to_num(parameter, nan=0.0) - alloy_shift
    return np.asarray(np.interp(p, _TEMPER_P, _TEMPER_KEEP), dtype=np.float64)


def depth_to_limit_mm(depth_m: FloatArray, hv: FloatArray, limit_hv: FloatArray) -> FloatArray:
    """Depth where HV first falls below ``limit_hv`` going inwards from the surface.

    depth_m, hv: (M, N) with node M-1 on the surface; limit_hv (N,). Linear interpolation between
    nodes; 0 when the surface itself is below the limit.
    """
    hv_s = hv[::-1]  # surface first
    d_s = depth_m[::-1]
    below = hv_s < limit_hv[None, :]
    any_below = below.any(axis=0)
    first = np.argmax(below, axis=0)
    n = hv.shape[1]
    cols = np.arange(n)
    prev = np.maximum(first - 1, 0)
    h0 = hv_s[prev, cols]
    h1 = hv_s[first, cols]
    d0 = d_s[prev, cols]
    d1 = d_s[first, cols]
    frac = np.where(h0 > h1, (h0 - limit_hv) / np.where(h0 > h1, h0 - h1, 1.0), 0.0)
    depth = d0 + np.clip(frac, 0.0, 1.0) * (d1 - d0)
    depth = np.where(first == 0, 0.0, depth)
    depth = np.where(any_below, depth, d_s[-1])  # hard through: the radius
    return np.asarray(depth * 1e3, dtype=np.float64)
