"""Quench heat transfer h(T_surface) for the spray ring that follows the coil.

A spray quench is not a bath. Drops and jets that strike the surface at tens to hundreds of
l/(m²·s) break the vapour film that would insulate a part dipped in a tank: under an impinging
water jet, hot steel rewets above 880 °C [Leocadio-Passos], and spray heat fluxes reach
≈10 MW/m² [Aamir]. The boiling curve is therefore written in terms of the **spray flux density**
G = flow ÷ (circumference × spray band), l/(m²·s), with four anchors per part (docs/physics.md §7):

    T ≥ T_MFB            film boiling, h_film (short or absent at induction flux densities)
    T_peak ≤ T < T_MFB   transition: h rises linearly from h_film to h_peak
    T_low ≤ T < T_peak   nucleate boiling: h falls linearly from h_peak to h_conv
    T < T_low            single-phase convection, h_conv

* Water, as a function of G (anchors per source in physics.md §7 and §12.2):
  - peak heat flux q_max = 2.3 MW/m² · (G / 2.92 l/(m²·s))^0.30, through the measured spray CHF of
    230 W/cm² at 17.5 ml/(min·cm²) [Jiang-Dhir] and ≈10 MW/m² at induction-ring flux densities
    [Aamir]; h_peak = q_max / (T_peak − T_fluid) with the peak at T_peak = 350 °C [E];
  - minimum-film-boiling (rewetting) temperature T_MFB = 550 °C + 60 K·ln(G / 5 l/(m²·s)) [E]:
    a dilute spray holds a film down to ≈550 °C, a ring at ≈400 l/(m²·s) rewets near 810 °C
    (a single jet's stagnation zone rewets above 880 °C [Leocadio-Passos]); pump wear or
    clogged nozzles lower G and let the film last longer;
  - film h_film = 1.5 kW/m²K · (G / 10 l/(m²·s))^0.5 and single-phase h_conv = 6 kW/m²K ·
    (G / G_ref)^0.6 [E].
* PAG polymer (aqueous): the polymer-rich layer that precipitates above its cloud point
  stabilises the film and slows every regime [Buczek, LinLee]: T_MFB lowered by 25 K per % of
  concentration; h_peak = 25 kW/m²K · exp(−c / 9.8 %) · (G / G_ref)^0.30 (the estimated spray
  table of §12.2: ≈5 %: 10–15, 10 %: 6–10, 15–20 %: 3–6 kW/m²K at the reference flux); h_conv
  scaled by exp(−c / 9.8 %), the spray's film coefficient by exp(−c / 40 %) [E]. No measured
  PAG *spray* film coefficient was found: this is the least-supported anchor of the curve
  (physics.md §7 shows what the immersion value of 3.2 kW/m²K [Buczek] would change).
* Oil: immersion anchors of Buczek & Telejko (0.5 kW/m²K at 800 °C, 5 kW/m²K near 530 °C,
  0.3 kW/m²K low) scaled by (G / G_ref)^0.7 [Buczek, E].
* Warmer aqueous quenchant (less subcooling) lowers T_MFB by 3 K per K and the peak by 1 %/K
  above 25 °C [E] (the "quench temperature creep" fault).

Coverage (docs/physics.md §7.2): blocked ring holes leave a sector of the circumference without
direct spray. The holes still open carry the whole flow (flux G/(1 − b) on the open sector for a
blocked share b); the blocked sector gets only run-off from its neighbours
(``RUNOFF_FLUX_FRACTION`` of the mean flux [E]). A turning part carries each surface point
through the blocked sector once per turn; the weakest point of the circumference is the one that
enters the spray at the start of the blocked sector (:func:`first_pass_s`). Without rotation it
stays in the run-off for its whole passage through the spray band: a soft axial stripe.
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

# Axial length of the band an integral quench ring sprays on the part [E]: the ring sits under
# the coil; its holes cover roughly one coil height (physics.md §12.2).
SPRAY_BAND_M = 0.025
# Reference case (physics.md §12.1): 80 l/min on a 40 mm shaft → ≈ 424 l/(m²·s).
REFERENCE_FLUX_L_M2S = 80.0 / 60.0 / (np.pi * 0.040 * SPRAY_BAND_M)

# Water spray boiling curve (physics.md §7): peak heat flux through the measured spray CHF
# [Jiang-Dhir] with an exponent that reaches ≈10 MW/m² at ring flux densities [Aamir].
CHF_ANCHOR_W_M2 = 2.3e6
CHF_ANCHOR_FLUX_L_M2S = 2.92
CHF_FLUX_EXPONENT = 0.30
WATER_PEAK_C = 350.0  # [E]
MFB_DILUTE_C = 550.0  # T_MFB of a dilute (5 l/(m²·s)) spray [E]
MFB_DILUTE_FLUX_L_M2S = 5.0
MFB_PER_LOG_FLUX_K = 60.0  # [E]
FILM_H_W_M2K = 1.5e3  # at 10 l/(m²·s) [E]
FILM_FLUX_L_M2S = 10.0
CONV_H_W_M2K = 6.0e3  # at the reference flux [E]
PAG_PEAK_H_W_M2K = 25.0e3  # × exp(−c/9.8 %): the estimated PAG spray table, §12.2 [E]
MFB_CEILING_C = 1100.0  # no film at all above the hottest induction surface temperatures
# Flux density an unsprayed sector gets from the run-off and splash of the jets beside it,
# relative to the ring's mean flux [E] (physics.md §7.2).
RUNOFF_FLUX_FRACTION = 0.1


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
    flux_l_m2s: FloatArray  # spray flux density on the part


def spray_flux_l_m2s(flow_lpm: FloatArray, diameter_m: FloatArray) -> FloatArray:
    """Flow per area of the sprayed band: l/(m²·s)."""
    area_m2 = np.pi * np.maximum(diameter_m, 1e-4) * SPRAY_BAND_M
    return np.asarray(np.maximum(flow_lpm, 0.0) / 60.0 / area_m2, dtype=np.float64)


def quench_curve(
    medium: IntArray,
    concentration_pct: FloatArray,
    flow_lpm: FloatArray,
    fluid_temp_c: FloatArray,
    diameter_m: FloatArray,
) -> QuenchCurve:
    """The boiling-curve anchors of each part from medium and operating conditions."""
    conc = np.clip(concentration_pct, 0.0, 40.0)
    fluid = np.asarray(fluid_temp_c, dtype=np.float64)
    flux = np.maximum(spray_flux_l_m2s(flow_lpm, diameter_m), 1e-3)
    is_poly = medium == POLYMER
    is_oil = medium == OIL

    # water at this flux
    q_max = CHF_ANCHOR_W_M2 * (flux / CHF_ANCHOR_FLUX_L_M2S) ** CHF_FLUX_EXPONENT
    h_peak = q_max / np.maximum(WATER_PEAK_C - fluid, 50.0)
    t_mfb = MFB_DILUTE_C + MFB_PER_LOG_FLUX_K * np.log(flux / MFB_DILUTE_FLUX_L_M2S)
    h_film = FILM_H_W_M2K * np.sqrt(flux / FILM_FLUX_L_M2S)
    h_conv = CONV_H_W_M2K * (flux / REFERENCE_FLUX_L_M2S) ** 0.6
    t_peak = np.full_like(flux, WATER_PEAK_C)
    t_low = np.full_like(flux, 120.0)

    # polymer: a stabilised film, every regime slower
    slow = np.exp(-conc / 9.8)
    pag_peak = PAG_PEAK_H_W_M2K * slow * (flux / REFERENCE_FLUX_L_M2S) ** CHF_FLUX_EXPONENT
    h_peak = np.where(is_poly, pag_peak, h_peak)
    h_conv = np.where(is_poly, h_conv * slow, h_conv)
    h_film = np.where(is_poly, h_film * np.exp(-conc / 40.0), h_film)
    t_mfb = np.where(is_poly, t_mfb - 25.0 * conc, t_mfb)
    t_peak = np.where(is_poly, 420.0, t_peak)
    t_low = np.where(is_poly, 150.0, t_low)

    # oil: immersion anchors scaled by flux [Buczek, E]
    oil_scale = (flux / REFERENCE_FLUX_L_M2S) ** 0.7
    h_peak = np.where(is_oil, 5.0e3 * oil_scale, h_peak)
    h_film = np.where(is_oil, 0.5e3 * oil_scale, h_film)
    h_conv = np.where(is_oil, 0.3e3 * oil_scale, h_conv)
    t_mfb = np.where(is_oil, 620.0, t_mfb)
    t_peak = np.where(is_oil, 530.0, t_peak)
    t_low = np.where(is_oil, 300.0, t_low)

    # less subcooling: the film lasts longer and the peak is lower (aqueous media)
    warm = np.where(is_oil, 0.0, np.maximum(fluid - 25.0, 0.0))
    t_mfb = t_mfb - 3.0 * warm
    h_peak = h_peak * np.maximum(1.0 - 0.01 * warm, 0.3)

    # keep the anchors ordered whatever the conditions
    t_mfb = np.clip(t_mfb, t_peak + 30.0, MFB_CEILING_C)
    h_film = np.minimum(h_film, h_peak)
    h_conv = np.minimum(h_conv, h_peak)
    return QuenchCurve(
        h_film=h_film,
        h_peak=h_peak,
        h_conv=h_conv,
        t_mfb_c=t_mfb,
        t_peak_c=t_peak,
        t_low_c=t_low,
        fluid_temp_c=fluid,
        flux_l_m2s=flux,
    )


def quench_htc_w_m2k(surface_temp_c: FloatArray, curve: QuenchCurve) -> FloatArray:
    """h(T_s) from the piecewise-linear boiling curve (see the module docstring)."""
    t = surface_temp_c
    # minimum/maximum: np.clip's Python wrapper costs more than the work on small arrays
    falling = np.minimum(
        np.maximum((curve.t_mfb_c - t) / (curve.t_mfb_c - curve.t_peak_c), 0.0), 1.0
    )
    rising = np.minimum(
        np.maximum((t - curve.t_low_c) / (curve.t_peak_c - curve.t_low_c), 0.0), 1.0
    )
    upper = curve.h_film + (curve.h_peak - curve.h_film) * falling
    lower = curve.h_conv + (curve.h_peak - curve.h_conv) * rising
    return np.asarray(np.where(t >= curve.t_peak_c, upper, lower), dtype=np.float64)


def first_pass_s(
    blocked_fraction: FloatArray, rotation_rpm: FloatArray, passage_s: FloatArray
) -> FloatArray:
    """How long the weakest surface point stays under the blocked sector when its quench begins:
    it enters the spray at the start of the sector and leaves it after b of a turn (60·b/rpm),
    or at the end of its passage through the spray band (``passage_s``: band ÷ scan speed;
    infinite for a single shot) if that comes first — the whole passage when the part does not
    turn."""
    turn_s = 60.0 / np.maximum(rotation_rpm, 1e-9)
    return np.asarray(np.minimum(blocked_fraction * turn_s, passage_s), dtype=np.float64)


@dataclass(frozen=True)
class SprayCoverage:
    """A ring with blocked holes, arrays (N,): the curves of the weakest point's three
    situations — under the open sector, under the blocked sector, and past the spray band (the
    ring's mean flux: run-off from the whole ring) — and the schedule that switches them."""

    open_sector: QuenchCurve
    blocked_sector: QuenchCurve
    mean: QuenchCurve
    blocked_fraction: FloatArray
    rotation_rpm: FloatArray
    passage_s: FloatArray


def spray_coverage(
    mean: QuenchCurve,
    medium: IntArray,
    concentration_pct: FloatArray,
    flow_lpm: FloatArray,
    diameter_m: FloatArray,
    blocked_fraction: FloatArray,
    rotation_rpm: FloatArray,
    passage_s: FloatArray,
) -> SprayCoverage:
    """The coverage of each part's ring (``mean`` is its curve at the mean flux)."""
    open_share = np.maximum(1.0 - blocked_fraction, 0.05)
    fluid = mean.fluid_temp_c
    return SprayCoverage(
        open_sector=quench_curve(
            medium, concentration_pct, flow_lpm / open_share, fluid, diameter_m
        ),
        blocked_sector=quench_curve(
            medium, concentration_pct, flow_lpm * RUNOFF_FLUX_FRACTION, fluid, diameter_m
        ),
        mean=mean,
        blocked_fraction=blocked_fraction,
        rotation_rpm=rotation_rpm,
        passage_s=passage_s,
    )


def weakest_point_htc_w_m2k(
    surface_temp_c: FloatArray, t0_s: FloatArray, dt_s: FloatArray, cov: SprayCoverage
) -> FloatArray:
    """h of the weakest point over the quench step [t0, t0 + dt), time-weighted over its
    situations in the step: under the blocked sector (its first pass, :func:`first_pass_s`),
    then turning in and out of it — the turn's mean h, b·h_blocked + (1 − b)·h_open (the
    fine structure of each later turn is not followed [E]) — and past the spray band."""
    t1 = t0_s + dt_s
    first = first_pass_s(cov.blocked_fraction, cov.rotation_rpm, cov.passage_s)
    blocked = (np.minimum(t1, first) - np.minimum(t0_s, first)) / dt_s
    past = np.maximum(t1 - np.maximum(t0_s, cov.passage_s), 0.0) / dt_s
    turning = np.maximum(1.0 - blocked - past, 0.0)
    h_blocked = quench_htc_w_m2k(surface_temp_c, cov.blocked_sector)
    h_open = quench_htc_w_m2k(surface_temp_c, cov.open_sector)
    b = cov.blocked_fraction
    h_turn = b * h_blocked + (1.0 - b) * h_open
    return np.asarray(
        blocked * h_blocked + turning * h_turn + past * quench_htc_w_m2k(surface_temp_c, cov.mean),
        dtype=np.float64,
    )
