"""Quench heat-transfer coefficient h(T_surface) for spray quenching after induction heating.

Boiling-curve shape [Barrena, Zinn-quench]: above the minimum-film-boiling
temperature T_MFB a vapour (or polymer-rich) film insulates the surface (low, flat h); below it the
film collapses into nucleate boiling with a peak h at T_peak; towards low temperatures the spray
is single-phase convection. Piecewise linear in T between those anchors:

    T ≥ T_MFB            h = h_film
    T_peak ≤ T < T_MFB   h = h_film + (h_peak − h_film)·(T_MFB − T)/(T_MFB − T_peak)
    T_low ≤ T < T_peak   h = h_conv + (h_peak − h_conv)·(T − T_low)/(T_peak − T_low)
    T < T_low            h = h_conv

Medium, flow, polymer concentration and quench temperature move the anchors:

* specific flow q = flow/(π·d) relative to 80 l/min on a 40 mm shaft (the reference case)
  scales all three h by (q/q_ref)^0.7 (exponent 0.5–0.8 [E]) and raises T_MFB by
  80 K·ln(q/q_ref) (jets break the film earlier [E]);
* PAG concentration c lowers the nucleate peak as h_peak = 25·exp(−c/9.8 %) kW/m²K, a fit to the
  estimated spray table (≈ 5 %: 10–15, 10 %: 6–10, 15–20 %: 3–6) [E], and stabilises the film,
  T_MFB = 600 − 10·c °C [E];
* warmer quenchant (less subcooling) lowers T_MFB by 3 K per K and the peak by 1 %/K above 25 °C
  [E] (film lasts longer: the "quench temperature creep" fault).

Immersion anchors from Buczek & Telejko (2013) [Buczek]: PAG 3.2 kW/m²K at 800 °C, max 7.4 at
400–450 °C, 2.0 at 150 °C; mineral oil 0.5 at 800 °C, max 4.7–6.0 at 520–550 °C. Water spray
peak 10–30 kW/m²K [Aamir, derived from heat flux]. Figures, keys and tags: docs/physics.md §12.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WATER = 0
POLYMER = 1
OIL = 2
MEDIUM_CODES: dict[str, int] = {"water": WATER, "polymer": POLYMER, "oil": OIL}

# Reference specific flow: 80 l/min over a 40 mm shaft's circumference, the reference case of
# docs/physics.md §12.1 [E].
REFERENCE_SPECIFIC_FLOW_LPM_PER_MM = 80.0 / (np.pi * 40.0)
FLOW_EXPONENT = 0.7  # [E] 0.5–0.8, docs/physics.md §12.2
FLOW_FILM_SHIFT_K = 80.0  # [E]


@dataclass(frozen=True)
class QuenchCurve:
    """Anchors of h(T_s) per part, arrays (N,). h in W/(m²·K), temperatures in °C."""

    h_film: FloatArray
    h_peak: FloatArray
    h_conv: FloatArray
    t_mfb_c: FloatArray
    t_peak_c: FloatArray
    t_low_c: FloatArray
    fluid_temp_c: FloatArray


def quench_curve(
    medium: IntArray,
    concentration_pct: FloatArray,
    flow_lpm: FloatArray,
    fluid_temp_c: FloatArray,
    diameter_m: FloatArray,
) -> QuenchCurve:
    """Build the boiling-curve anchors for each part from medium and operating conditions."""
    conc = np.clip(concentration_pct, 0.0, 40.0)
    is_water = medium == WATER
    is_poly = medium == POLYMER
    # Anchors per medium (kW/m²K → W/m²K): water spray [Aamir, E]; PAG [Buczek, E]; oil [Buczek].
    h_peak = np.where(is_water, 25.0e3, np.where(is_poly, 25.0e3 * np.exp(-conc / 9.8), 5.0e3))
    h_film = np.where(is_water, 2.5e3, np.where(is_poly, 3.2e3 * np.exp(-conc / 40.0), 0.5e3))
    h_conv = np.where(
        is_water, 6.0e3, np.where(is_poly, 2.0e3 + 2.0e3 * np.exp(-conc / 10.0), 0.3e3)
    )
    t_mfb = np.where(is_water, 600.0, np.where(is_poly, 600.0 - 10.0 * conc, 620.0))
    t_peak = np.where(is_water, 350.0, np.where(is_poly, 420.0, 530.0))
    t_low = np.where(is_water, 120.0, np.where(is_poly, 150.0, 300.0))

    specific = np.maximum(flow_lpm, 0.0) / (np.pi * diameter_m * 1e3)
    ratio = np.maximum(specific / REFERENCE_SPECIFIC_FLOW_LPM_PER_MM, 1e-3)
    flow_scale = ratio**FLOW_EXPONENT
    t_mfb = t_mfb + FLOW_FILM_SHIFT_K * np.log(ratio)

    warm = np.maximum(fluid_temp_c - 25.0, 0.0)
    aqueous = ~(medium == OIL)
    t_mfb = t_mfb - np.where(aqueous, 3.0 * warm, 0.0)
    h_peak = h_peak * np.where(aqueous, np.maximum(1.0 - 0.01 * warm, 0.3), 1.0)

    # Keep the anchors ordered whatever the conditions.
    t_mfb = np.maximum(t_mfb, t_peak + 30.0)
    return QuenchCurve(
        h_film=h_film * flow_scale,
        h_peak=h_peak * flow_scale,
        h_conv=h_conv * flow_scale,
        t_mfb_c=t_mfb,
        t_peak_c=t_peak,
        t_low_c=t_low,
        fluid_temp_c=np.asarray(fluid_temp_c, dtype=np.float64),
    )


def quench_htc_w_m2k(surface_temp_c: FloatArray, curve: QuenchCurve) -> FloatArray:
    """h(T_s) from the piecewise-linear boiling curve (see module docstring)."""
    t = surface_temp_c
    falling = np.clip((curve.t_mfb_c - t) / (curve.t_mfb_c - curve.t_peak_c), 0.0, 1.0)
    rising = np.clip((t - curve.t_low_c) / (curve.t_peak_c - curve.t_low_c), 0.0, 1.0)
    upper = curve.h_film + (curve.h_peak - curve.h_film) * falling
    lower = curve.h_conv + (curve.h_peak - curve.h_conv) * rising
    return np.asarray(np.where(t >= curve.t_peak_c, upper, lower), dtype=np.float64)
