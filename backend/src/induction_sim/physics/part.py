"""Public entry: simulate the induction hardening of parts, vectorised over a batch axis.

One tracked cross-section per part is followed in its own (moving) frame (docs/physics.md §2): for a
scan it is heated while the coil passes (dwell = effective coil height ÷ scan speed), then air
cools for the quench delay, then is sprayed; a single shot is the same with dwell = heat time.
Every part takes the same number of steps per phase with its own step sizes, so the batch advances
in lock-step (one tridiagonal solve for all parts per step) and a part's result does not depend
on which other parts share the batch (to rounding, ≈ 1e-12: docs/physics.md §2).

Per heating step: eddy-current solve with the local ρe(T), μr(H, T) → coil impedance → tank
operating point (frequency, current, voltage-limited power) → heat source → implicit enthalpy
conduction step → Leblond–Devaux austenite. Then: air during the delay, quench HTC(T_s) during
the spray, cooling rate through 700 °C recorded per node. Finally metallurgy per node
(critical-rate check, Koistinen–Marburger, Maynier, optional temper) and case depths.

No randomness anywhere: the same inputs give the same outputs, bit for bit.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .circuit import DESIGN_RESISTIVITY_OHM_M, as_columns, design_tank, drive, operating_point
from .electromagnetics import (
    coil_geometry,
    coil_impedance_ohm,
    eddy_current_profile,
    geometry_columns,
    interior_inverse_area,
    thick_load_surface_power,
)
from .grid import RadialGrid, build_grid
from .inputs import (
    NOMINAL,
    PartConditions,
    PartInputs,
    ProcessSpec,
    SupportsProcessSpec,
    build_inputs,
)
from .materials import GRADES, PRIOR_STRUCTURES, SteelGrade, andrews_ac3_c, andrews_ms_c
from .metallurgy import (
    ISO_18203_FACTOR,
    RETAINED_AUSTENITE_HV,
    SAE_J423_LIMIT_HV,
    austenite_carbon_pct,
    austenite_step,
    bainite_share,
    depth_to_limit_mm,
    hv_to_hrc,
    koistinen_marburger,
    martensite_capacity,
    maynier_hv,
    remainder_carbon_pct,
    temper_keep_factor,
)
from .quench import (
    SPRAY_BAND_M,
    QuenchCurve,
    quench_curve,
    quench_htc_w_m2k,
    spray_coverage,
    weakest_point_htc_w_m2k,
)
from .results import DEPTH_GRID_MM, CoilHistory, PartResult, PartResults
from .thermal import air_htc_w_m2k, conduction_step

FloatArray = npt.NDArray[np.float64]

HEAT_STEPS = 24
EM_EVERY = 2  # thermal steps per eddy-current/circuit update
DELAY_STEPS = 3
QUENCH_STEPS = 22
QUENCH_WINDOW_S = 8.0  # long enough for every austenitised node to pass 700 °C
QUENCH_FIRST_STEP_S = 0.004
# Cooling rate "through 700 °C" (Maynier's Vr and the critical-rate check [Maynier]) is taken as
# the mean rate between the crossing of 800 °C and of 550 °C (a t8/5-type measure centred near
# 700 °C). A mean over the transformation range, unlike a point derivative, sees a slow air-cooled
# stretch before a late spray: the physical reason a long quench delay gives a soft skin.
# Nodes peaking below 800 °C use 700 → 550 °C.
CROSSING_LEVELS_C = (800.0, 700.0, 550.0)
AUSTENITE_REPORT_FRACTION = 0.5
# Maynier's critical-rate fits fall by about a decade per +0.2 % C; used only for heat-to-heat
# carbon offsets [E].
CARBON_RATE_DECADES_PER_PCT = 4.6
# Cr/Mo delay tempering: shift of the Hollomon–Jaffe curve for alloy grades [E].
ALLOY_TEMPER_SHIFT = {"4140": 1000.0}


@dataclasses.dataclass
class EnergyLedger:
    """Energy accounts of one simulation, per metre of the tracked section — a read-only hook for
    `induction-sim validate` (docs/physics.md, "Verification"); passing one changes no result.

    All per part (N,), J/m unless stated: ``deposited_j_m`` the eddy-current heat the conduction
    steps received; ``air_loss_j_m`` what left the surface while heating and during the delay
    (air convection + radiation); ``quench_loss_j_m`` what the spray took. The state before and
    after, node-major (M, N): ``enthalpy_start_j_kg`` / ``enthalpy_end_j_kg`` (the conserved
    state variable), ``temp_start_c`` / ``temp_end_c`` and ``austenite_end`` (the fraction still
    austenite, f in H(T, f)); ``volume_m2`` the grid's control volumes [m³/m] and
    ``density_kg_m3``. Stored heat = ρ·Σ V·(H_end − H_start).
    """

    deposited_j_m: FloatArray = dataclasses.field(default_factory=lambda: np.zeros(0))
    air_loss_j_m: FloatArray = dataclasses.field(default_factory=lambda: np.zeros(0))
    quench_loss_j_m: FloatArray = dataclasses.field(default_factory=lambda: np.zeros(0))
    enthalpy_start_j_kg: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    enthalpy_end_j_kg: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    temp_start_c: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    temp_end_c: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    austenite_end: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    volume_m2: FloatArray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    density_kg_m3: float = 0.0


@lru_cache(maxsize=8)
def _geometric_steps(first: float, total: float, count: int) -> FloatArray:
    lo, hi = 1.0 + 1e-9, 2.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if first * (mid**count - 1.0) / (mid - 1.0) > total:
            hi = mid
        else:
            lo = mid
    steps = first * (0.5 * (lo + hi)) ** np.arange(count)
    return np.asarray(steps * (total / steps.sum()), dtype=np.float64)


def simulate_parts(inputs: PartInputs) -> PartResults:
    """Simulate N parts at once; returns arrays with the part axis first.

    Identical parts are simulated once (physics is deterministic, so this changes nothing but the
    time); grades are simulated group by group because their property tables differ.
    """
    if inputs.size == 1:
        return _simulate_group(GRADES[inputs.grade_names[int(inputs.grade_code[0])]], inputs)
    matrix = np.nan_to_num(inputs.as_matrix(), nan=-1.0e300)
    _, first_index, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    unique = inputs.take(first_index)
    order: list[npt.NDArray[np.intp]] = []
    groups: list[PartResults] = []
    for code in np.unique(unique.grade_code):
        members = np.flatnonzero(unique.grade_code == code)
        grade = GRADES[unique.grade_names[int(code)]]
        groups.append(_simulate_group(grade, unique.take(members)))
        order.append(members)
    stacked = groups[0] if len(groups) == 1 else PartResults.concatenate(groups)
    position = np.empty(unique.size, dtype=np.intp)
    position[np.concatenate(order)] = np.arange(unique.size)
    return stacked.take(position[inverse.reshape(-1)])


def simulate_part(
    recipe: ProcessSpec | SupportsProcessSpec, conditions: PartConditions | None = None
) -> PartResult:
    """Simulate one part (a thin wrapper over :func:`simulate_parts`)."""
    inputs = build_inputs(recipe, conditions or NOMINAL)
    return simulate_parts(inputs).part(0)


def simulate_part_with_ledger(
    recipe: ProcessSpec | SupportsProcessSpec, conditions: PartConditions | None = None
) -> tuple[PartResult, EnergyLedger]:
    """One part, as :func:`simulate_part`, with its energy accounts (:class:`EnergyLedger`).

    The same code path and the same result bit for bit; the ledger only records what the steps
    already compute (used by `induction_sim.validation`)."""
    inputs = build_inputs(recipe, conditions or NOMINAL)
    ledger = EnergyLedger()
    grade = GRADES[inputs.grade_names[int(inputs.grade_code[0])]]
    return _simulate_group(grade, inputs, ledger).part(0), ledger


def _initial_field_guess(grade: SteelGrade, inp: PartInputs, h_eff_m: FloatArray) -> FloatArray:
    # Cold magnetic thick load at μr ≈ 10, 75 % of the set power into the part: only seeds μr(H).
    omega = 2.0 * np.pi * inp.frequency_set_hz
    rho = grade.resistivity_ohm_m(inp.initial_temp_c)
    p_s = thick_load_surface_power(rho, np.full_like(rho, 10.0), omega)
    per_length = 0.75 * inp.power_set_w / h_eff_m
    return np.asarray(
        np.sqrt(per_length / (2.0 * np.pi * inp.radius_m * p_s)) + 1.0, dtype=np.float64
    )


def _tube_design_load(
    grid: RadialGrid, inp: PartInputs
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]] | None:
    """The hot, non-magnetic load of tubes on their own grid, for tuning the tank
    (`circuit.design_tank`); None for a group of solid parts (they keep the thick-load form)."""
    if not grid.hollow:
        return None
    rho = np.full(grid.r_m.shape, DESIGN_RESISTIVITY_OHM_M)
    hot = eddy_current_profile(grid, rho, np.ones_like(rho), 2.0 * np.pi * inp.frequency_set_hz)
    return hot.active_w_m, hot.reactive_var_m, inp.inner_radius_m > 0.0


def _simulate_group(
    grade: SteelGrade, inp: PartInputs, ledger: EnergyLedger | None = None
) -> PartResults:
    n = inp.size
    # the surface cell follows the cold skin depth: fine enough above ≈100 kHz (physics.md §6)
    grid = build_grid(
        inp.radius_m, frequency_hz=inp.frequency_set_hz, inner_radius_m=inp.inner_radius_m
    )
    hollow = grid.hollow  # tubes in the group: bore boundary terms (physics.md §6.1)
    comp = grade.composition
    carbon = comp.c + inp.carbon_offset_pct
    ac1 = grade.ac1_c
    ac3 = np.asarray(andrews_ac3_c(carbon, comp), dtype=np.float64)
    ms = np.asarray(andrews_ms_c(carbon, comp), dtype=np.float64)
    shift = 10.0 ** (-CARBON_RATE_DECADES_PER_PCT * inp.carbon_offset_pct)
    rate_full = grade.critical_rate_full_c_s * shift
    rate_half = grade.critical_rate_half_c_s * shift
    present = inp.part_present
    present_f = present.astype(np.float64)
    kin = _structure_columns(grade, inp)

    geom_el = coil_geometry(inp.radius_m, inp.gap_m, inp.coil_height_m, inp.turns, present)
    geom_th = coil_geometry(inp.radius_m, inp.weak_gap_m, inp.coil_height_m, inp.turns, present)
    geom_design = coil_geometry(
        inp.radius_m, inp.design_gap_m, inp.coil_height_m, inp.turns, np.ones(n, dtype=np.bool_)
    )
    design = design_tank(
        geom_design, inp.frequency_set_hz, inp.power_nominal_w, _tube_design_load(grid, inp)
    )
    eccentric = bool(np.any(inp.weak_gap_m != inp.gap_m))

    h_eff = geom_design.effective_height_m
    planned_dwell = np.where(
        inp.is_scan, h_eff / np.maximum(inp.scan_speed_m_s, 1e-9), inp.heat_time_s
    )
    planned_on = np.where(
        inp.is_scan, inp.hardened_length_m / np.maximum(inp.scan_speed_m_s, 1e-9), inp.heat_time_s
    )
    dwell = planned_dwell * inp.heat_fraction
    heat_on = planned_on * inp.heat_fraction
    heated_length = np.where(inp.is_scan, inp.hardened_length_m, h_eff)
    dt_heat = dwell / HEAT_STEPS
    dt_delay = np.maximum(inp.quench_delay_s, 1e-3) / DELAY_STEPS

    temp = np.repeat(inp.initial_temp_c[None, :], grid.nodes, axis=0)
    enthalpy = grade.enthalpy_j_kg(temp, 0.0)
    rate_prev = np.zeros_like(temp)  # dT/dt of the last step: predicts the field-solve midpoint
    peak = temp.copy()
    austenite = np.zeros_like(temp)  # the most austenite each node reached (grows only)
    transformed = np.zeros_like(temp)  # of it, what has transformed back on cooling
    crossing_s = np.full((len(CROSSING_LEVELS_C), *temp.shape), np.nan)

    n_steps = HEAT_STEPS + DELAY_STEPS + QUENCH_STEPS
    n_rec = HEAT_STEPS // EM_EVERY
    time_hist = np.zeros((n, n_steps + 1))
    surf_hist = np.zeros((n, n_steps + 1))
    surf_hist[:, 0] = temp[-1]
    age_hist = np.zeros((n, n_rec))
    surf_rec = np.zeros((n, n_rec))
    omega_hist = np.zeros((n, n_rec))
    inv_area_hist = np.zeros((n, n_rec), dtype=np.complex128)
    voltage_limited = np.zeros(n, dtype=np.bool_)
    energy_dep = np.zeros(n)  # J per metre of the section
    energy_coil = np.zeros(n)  # J: coil power × time over the dwell

    if ledger is not None:
        ledger.air_loss_j_m = np.zeros(n)
        ledger.quench_loss_j_m = np.zeros(n)
        ledger.enthalpy_start_j_kg = enthalpy.copy()
        ledger.temp_start_c = temp.copy()
        ledger.volume_m2 = grid.volume_m2
        ledger.density_kg_m3 = grade.density_kg_m3

    omega = 2.0 * np.pi * inp.frequency_set_hz
    field = _initial_field_guess(grade, inp, geom_el.effective_height_m)
    ambient = inp.ambient_c
    t_now = np.zeros(n)

    def advance(
        dt: FloatArray,
        source: FloatArray | None,
        htc: FloatArray,
        sink: FloatArray,
        quench: bool = False,
        bore_spray: QuenchCurve | None = None,
    ) -> FloatArray:
        nonlocal temp, enthalpy, rate_prev, austenite
        inner_htc, inner_sink = bore_boundary(bore_spray) if hollow else (None, None)
        t_lin, enthalpy, loss = conduction_step(
            grade,
            grid,
            temp,
            enthalpy,
            austenite - transformed,
            dt,
            source,
            htc,
            sink,
            inner_htc,
            inner_sink,
        )
        if ledger is not None:
            if quench:
                ledger.quench_loss_j_m += loss * dt
            else:
                ledger.air_loss_j_m += loss * dt
        if t_lin.max() > ac1:  # no austenite can form below Ac1: skip the kinetics
            austenite = austenite_step(
                austenite, t_lin, dt[None, :], ac1, ac3[None, :], kin.tau0_s, kin.theta_k, temp
            )
        new_temp = grade.temperature_from_enthalpy_c(enthalpy, austenite - transformed, t_lin)
        if source is not None:  # only the heating's field solve predicts with it
            rate_prev = (new_temp - temp) / dt[None, :]
        old = temp
        temp = new_temp
        np.maximum(peak, temp, out=peak)
        return old

    def bore_boundary(spray: QuenchCurve | None) -> tuple[FloatArray | None, FloatArray | None]:
        """The bore wall's h and sink (tubes only): still air at the shop temperature, or the
        spray's boiling curve at the bore wall where the recipe sprays the bore in the quench."""
        if not hollow:
            return None, None
        h_air = air_htc_w_m2k(temp[0], ambient)
        if spray is None or not inp.inner_quench.any():
            return h_air, ambient
        sprayed = inp.inner_quench
        return (
            np.where(sprayed, quench_htc_w_m2k(temp[0], spray), h_air),
            np.where(sprayed, inp.quench_temp_c, ambient),
        )

    capacity = np.full_like(temp, np.nan)  # a node's martensite capacity, once it passed 550 °C
    rate_full_mn = np.broadcast_to(rate_full, temp.shape)
    rate_half_mn = np.broadcast_to(rate_half, temp.shape)
    ms_max = float(ms.max())
    ms_node: list[FloatArray] = [np.empty(0), ms[None, :]]  # [austenite it was computed from, Ms]

    def release_transformation_heat() -> None:
        """Austenite that transforms on cooling gives back its heat (docs/physics.md §8): the
        diffusional share, known from the node's 800→550 °C rate, when the node passes 550 °C;
        martensite progressively below Ms (Koistinen–Marburger). Same enthalpy, less austenite:
        the temperature rises by the released heat, and energy stays conserved exactly."""
        nonlocal temp, transformed
        passed = ~np.isnan(crossing_s[-1])
        if not passed.any():
            return
        new = passed & np.isnan(capacity)
        if not new.any() and not (temp < ms_max).any():
            return  # nothing newly past 550 °C and nothing below Ms yet: no heat to release
        if new.any():  # each node's capacity once: its crossings are final
            rate = _cooling_rate(crossing_s[:, new], temp[new], np.zeros(int(new.sum())))
            capacity[new] = martensite_capacity(rate, rate_full_mn[new], rate_half_mn[new])
        if ms_node[0] is not austenite:  # austenite grew since: its carbon, hence Ms, moved
            ms_node[:] = [austenite, _austenite_ms(grade, carbon, austenite, kin)]
        km_now = koistinen_marburger(ms_node[1], temp)
        target = np.where(passed, austenite * ((1.0 - capacity) + capacity * km_now), 0.0)
        changed = target > transformed
        if not changed.any():
            return
        transformed = np.where(changed, target, transformed)
        # Newton from the present temperature (same tangent as every step); only where heat was
        # released: a node's result must not depend on its batch
        new_temp = grade.temperature_from_enthalpy_c(enthalpy, austenite - transformed, temp)
        temp = np.where(changed, new_temp, temp)

    step = 0
    source = np.zeros_like(temp)
    section_power = np.zeros(n)
    coil_power = np.zeros(n)
    for k in range(HEAT_STEPS):
        if k % EM_EVERY == 0:
            # Eddy currents, coil and tank for the current temperature field; held for
            # EM_EVERY thermal steps (the profile changes slowly against the thermal step).
            # Properties at the predicted mid-point of the hold interval (removes the lag bias).
            t_em = temp + rate_prev * (0.5 * EM_EVERY * dt_heat)[None, :]
            rho = grade.resistivity_ohm_m(t_em)
            mu = grade.relative_permeability(field[None, :], t_em)
            eddy = eddy_current_profile(grid, rho, mu, omega)
            inv_el = interior_inverse_area(geom_el, eddy.active_w_m, eddy.reactive_var_m, omega)
            freq, surface_field, coil_power, limited = drive(
                geom_el,
                inv_el,
                omega,
                design,
                inp.power_set_w,
                inp.capacitance_factor,
                inp.mains_factor,
            )
            if eccentric:  # weak side: same coil current, weaker coupling
                inv_th = interior_inverse_area(geom_th, eddy.active_w_m, eddy.reactive_var_m, omega)
                _, per_amp_th = coil_impedance_ohm(geom_th, inv_th, omega)
                _, per_amp_el = coil_impedance_ohm(geom_el, inv_el, omega)
                surface_field = surface_field * per_amp_th / per_amp_el
            scale = surface_field * surface_field * present_f
            source = eddy.power_w_m * scale[None, :]
            section_power = eddy.active_w_m * scale
            r = k // EM_EVERY
            age_hist[:, r] = k * dt_heat
            surf_rec[:, r] = temp[-1]
            omega_hist[:, r] = omega
            inv_area_hist[:, r] = inv_el
            voltage_limited |= limited
            omega = 2.0 * np.pi * freq
            field = np.where(surface_field > 1.0, surface_field, field)
        energy_dep += dt_heat * section_power
        energy_coil += dt_heat * coil_power
        advance(dt_heat, source, air_htc_w_m2k(temp[-1], ambient), ambient)
        step += 1
        t_now = t_now + dt_heat
        time_hist[:, step] = t_now
        surf_hist[:, step] = temp[-1]

    state = operating_point(
        geometry_columns(geom_el),
        inv_area_hist,
        omega_hist,
        as_columns(design),
        inp.power_set_w[:, None],
        inp.capacitance_factor[:, None],
        inp.mains_factor[:, None],
    )

    quench_start = t_now + np.maximum(inp.quench_delay_s, 1e-3)
    for _ in range(DELAY_STEPS):
        old = advance(dt_delay, None, air_htc_w_m2k(temp[-1], ambient), ambient)
        _record_crossings(crossing_s, old, temp, t_now, dt_delay)
        step += 1
        t_now = t_now + dt_delay
        release_transformation_heat()
        time_hist[:, step] = t_now
        surf_hist[:, step] = temp[-1]

    curve = quench_curve(
        inp.quench_medium,
        inp.quench_concentration_pct,
        inp.quench_flow_lpm,
        inp.quench_temp_c,
        2.0 * inp.radius_m,
    )
    # Blocked ring holes: the reported point is the circumference's weakest (quench.py)
    blocked = inp.quench_blocked_fraction > 0.0
    coverage = None
    if blocked.any():
        coverage = spray_coverage(
            curve,
            inp.quench_medium,
            inp.quench_concentration_pct,
            inp.quench_flow_lpm,
            2.0 * inp.radius_m,
            inp.quench_blocked_fraction,
            inp.rotation_rpm,
            np.where(inp.is_scan, SPRAY_BAND_M / np.maximum(inp.scan_speed_m_s, 1e-9), np.inf),
        )
    t_spray = np.zeros(n)
    for dtq in _geometric_steps(QUENCH_FIRST_STEP_S, QUENCH_WINDOW_S, QUENCH_STEPS).tolist():
        dt_q = np.full(n, dtq)
        htc = quench_htc_w_m2k(temp[-1], curve)
        if coverage is not None:
            weakest = weakest_point_htc_w_m2k(temp[-1], t_spray, dt_q, coverage)
            htc = np.where(blocked, weakest, htc)
        t_spray = t_spray + dt_q
        old = advance(dt_q, None, htc, inp.quench_temp_c, True, curve)
        _record_crossings(crossing_s, old, temp, t_now, dt_q)
        step += 1
        t_now = t_now + dt_q
        release_transformation_heat()
        time_hist[:, step] = t_now
        surf_hist[:, step] = temp[-1]
    cooling_rate = _cooling_rate(crossing_s, temp, t_now[None, :])
    if ledger is not None:
        ledger.deposited_j_m = energy_dep.copy()
        ledger.enthalpy_end_j_kg = enthalpy.copy()
        ledger.temp_end_c = temp.copy()
        ledger.austenite_end = austenite - transformed

    hv, martensite = _hardness(
        grade, inp, kin, carbon, austenite, cooling_rate, rate_full, rate_half
    )
    surface_hv = hv[-1]
    iso_limit = np.where(
        np.isnan(inp.iso_limit_hv), ISO_18203_FACTOR * surface_hv, inp.iso_limit_hv
    )
    case_sae = depth_to_limit_mm(grid.depth_m, hv, np.full(n, SAE_J423_LIMIT_HV))
    case_iso = depth_to_limit_mm(grid.depth_m, hv, iso_limit)
    aust_depth = _depth_where_above(grid, austenite, AUSTENITE_REPORT_FRACTION)
    melted_depth = _depth_where_above(grid, peak, grade.solidus_c)

    profiles = _to_depth_grid(grid, [hv, peak, austenite, martensite, cooling_rate])
    mean_p_coil = energy_coil / np.maximum(dwell, 1e-12)
    energy_part = energy_dep * heated_length * present_f
    return PartResults(
        depth_mm=DEPTH_GRID_MM,
        surface_hrc=hv_to_hrc(surface_hv),
        surface_hv=surface_hv,
        case_depth_mm=case_sae,
        case_depth_iso_mm=case_iso,
        peak_surface_temp_c=peak[-1].copy(),
        energy_part_kj=energy_part / 1e3,
        energy_coil_kj=mean_p_coil * heat_on / 1e3,
        surface_martensite_fraction=martensite[-1].copy(),
        surface_cooling_rate_700_c_s=cooling_rate[-1].copy(),
        austenitised_depth_mm=aust_depth,
        wall_mm=grid.depth_m[0] * 1e3,  # the wall of a tube, the radius of a solid part
        melted_depth_mm=melted_depth,
        heat_on_s=heat_on,
        dwell_s=dwell,
        quench_start_s=quench_start,
        mean_frequency_hz=state.frequency_hz.mean(axis=1),
        mean_power_coil_kw=mean_p_coil / 1e3,
        mean_power_part_kw=state.power_part_w.mean(axis=1) / 1e3,
        interrupted=inp.heat_fraction < 1.0,
        part_present=present.copy(),
        voltage_limited=voltage_limited,
        hv=profiles[0],
        peak_temp_c=profiles[1],
        austenite_fraction=profiles[2],
        martensite_fraction=profiles[3],
        cooling_rate_700_c_s=profiles[4],
        time_s=time_hist,
        surface_temp_c=surf_hist,
        heat_age_s=age_hist,
        heat_surface_temp_c=surf_rec,
        frequency_hz=state.frequency_hz,
        coil_current_a=state.coil_current_a,
        coil_voltage_v=state.coil_voltage_v,
        power_coil_kw=state.power_coil_w / 1e3,
        power_part_kw=state.power_part_w / 1e3,
        power_factor=state.power_factor,
        efficiency=state.efficiency,
        dc_bus_v=state.dc_bus_v,
        coil=CoilHistory(
            inverse_area_m2=inv_area_hist,
            omega_rad_s=omega_hist,
            age_s=age_hist,
            geometry=geom_el,
            design=design,
            power_set_w=inp.power_set_w,
            capacitance_factor=inp.capacitance_factor,
            mains_factor=inp.mains_factor,
            is_scan=inp.is_scan,
            dwell_s=dwell,
            heat_on_s=heat_on,
        ),
    )


def _record_crossings(
    crossing_s: FloatArray, old: FloatArray, new: FloatArray, t0: FloatArray, dt: FloatArray
) -> None:
    """Store (in place) when each node first falls through each level, interpolated in the step."""
    hottest = float(old.max())
    for j, level in enumerate(CROSSING_LEVELS_C):
        if hottest <= level:
            continue
        crossed = (old > level) & (new <= level) & np.isnan(crossing_s[j])
        if crossed.any():
            frac = (old - level) / np.maximum(old - new, 1e-12)
            when = t0[None, :] + frac * dt[None, :]
            crossing_s[j][crossed] = when[crossed]


def _cooling_rate(crossing_s: FloatArray, temp_end: FloatArray, t_end: FloatArray) -> FloatArray:
    """Mean cooling rate through the transformation range per node (see CROSSING_LEVELS_C);
    `t_end` (broadcast against the nodes) is when `temp_end` was reached."""
    t800, t700, t550 = crossing_s
    hi_level = np.where(np.isnan(t800), CROSSING_LEVELS_C[1], CROSSING_LEVELS_C[0])
    t_hi = np.where(np.isnan(t800), t700, t800)
    # Not yet at 550 °C when the window ends: use the end state as the lower point.
    t_lo = np.where(np.isnan(t550), t_end, t550)
    temp_lo = np.where(np.isnan(t550), temp_end, CROSSING_LEVELS_C[2])
    rate = (hi_level - temp_lo) / np.maximum(t_lo - t_hi, 1e-6)
    rate = np.where(np.isnan(t_hi), 1.0, np.maximum(rate, 0.01))
    return np.asarray(rate, dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class _StructureColumns:
    """Per-part prior-structure data as (1, N) rows for the (M, N) node arrays."""

    tau0_s: FloatArray
    theta_k: FloatArray
    initial_hv: FloatArray
    partitioning: FloatArray  # bool as 0/1


def _structure_columns(grade: SteelGrade, inp: PartInputs) -> _StructureColumns:
    kinds = [grade.structure(PRIOR_STRUCTURES[int(c)]) for c in inp.structure_code]
    return _StructureColumns(
        tau0_s=np.array([[k.tau0_s for k in kinds]]),
        theta_k=np.array([[k.theta_k for k in kinds]]),
        initial_hv=np.array([k.initial_hv for k in kinds]),
        partitioning=np.array([[k.carbon_partitioning for k in kinds]], dtype=np.float64),
    )


def _austenite_carbon(
    grade: SteelGrade, carbon: FloatArray, austenite: FloatArray, kin: _StructureColumns
) -> FloatArray:
    return austenite_carbon_pct(
        austenite, carbon[None, :], grade.eutectoid_carbon_pct, kin.partitioning > 0.5
    )


def _austenite_ms(
    grade: SteelGrade, carbon: FloatArray, austenite: FloatArray, kin: _StructureColumns
) -> FloatArray:
    """Ms of each node's austenite (its own carbon, physics.md §8.1)."""
    c_gamma = _austenite_carbon(grade, carbon, austenite, kin)
    return np.asarray(andrews_ms_c(c_gamma, grade.composition), dtype=np.float64)


def _hardness(
    grade: SteelGrade,
    inp: PartInputs,
    kin: _StructureColumns,
    carbon: FloatArray,
    austenite: FloatArray,
    cooling_rate: FloatArray,
    rate_full: FloatArray,
    rate_half: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Phase fractions and mixed hardness per node (M, N); returns (HV, martensite fraction).

    The austenite's products take its own carbon (partitioned, physics.md §8.1) for Ms, KM and
    Maynier; the untransformed remainder keeps the rest of the carbon."""
    c_gamma = _austenite_carbon(grade, carbon, austenite, kin)
    capacity = martensite_capacity(cooling_rate, rate_full[None, :], rate_half[None, :])
    ms = np.asarray(andrews_ms_c(c_gamma, grade.composition), dtype=np.float64)
    km = koistinen_marburger(ms, inp.quench_temp_c[None, :])
    f_m = austenite * capacity * km
    f_ra = austenite * capacity - f_m
    f_diff = austenite * (1.0 - capacity)
    f_b = f_diff * bainite_share(cooling_rate, rate_half[None, :])
    f_fp = f_diff - f_b
    hv_m, hv_b, hv_fp = maynier_hv(c_gamma, grade.composition, cooling_rate)
    keep = temper_keep_factor(inp.temper_parameter, ALLOY_TEMPER_SHIFT.get(grade.name, 0.0))
    base_hv = kin.initial_hv + 223.0 * inp.carbon_offset_pct  # Maynier FP carbon slope
    c_rest = remainder_carbon_pct(austenite, carbon[None, :], c_gamma)
    rest_hv = base_hv[None, :] + 223.0 * (c_rest - carbon[None, :])  # e.g. ferrite left behind
    hv_m = np.maximum(hv_m * keep[None, :], base_hv[None, :])
    hv = f_m * hv_m + f_ra * RETAINED_AUSTENITE_HV + f_b * hv_b + f_fp * hv_fp
    hv = hv + (1.0 - austenite) * rest_hv
    return np.asarray(hv, dtype=np.float64), np.asarray(f_m, dtype=np.float64)


def _depth_where_above(grid: RadialGrid, values: FloatArray, level: float) -> FloatArray:
    return depth_to_limit_mm(grid.depth_m, values, np.full(values.shape[1], level))


def _to_depth_grid(grid: RadialGrid, fields_mn: list[FloatArray]) -> list[FloatArray]:
    """Interpolate node profiles (M, N) onto DEPTH_GRID_MM → (N, D), grouped by node depths
    (one group per radius and surface cell)."""
    n = grid.radius_m.shape[0]
    out = [np.empty((n, DEPTH_GRID_MM.size)) for _ in fields_mn]
    depths = grid.depth_m.T
    if bool(np.all(depths == depths[:1])):
        groups, inverse = 1, np.zeros(n, dtype=np.intp)
    else:
        unique, inverse = np.unique(depths, axis=0, return_inverse=True)
        groups, inverse = unique.shape[0], inverse.reshape(-1)
    for g in range(groups):
        cols = np.flatnonzero(inverse == g)
        depth_mm = grid.depth_m[::-1, cols[0]] * 1e3  # increasing from the surface
        target = np.minimum(DEPTH_GRID_MM, depth_mm[-1])
        hi = np.clip(np.searchsorted(depth_mm, target, side="right"), 1, depth_mm.size - 1)
        lo = hi - 1
        w = (target - depth_mm[lo]) / (depth_mm[hi] - depth_mm[lo])
        for values, dest in zip(fields_mn, out, strict=True):
            v = values[::-1][:, cols]
            dest[cols] = (v[lo] * (1.0 - w)[:, None] + v[hi] * w[:, None]).T
    return out
