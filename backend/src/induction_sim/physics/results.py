"""Results of the part simulation: per part scalars, hardness profile, histories for telemetry."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from .circuit import TankDesign
from .electromagnetics import CoilGeometry

FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]
BoolArray = npt.NDArray[np.bool_]

# Fixed depth grid of the reported hardness profile: 0–10 mm every 0.1 mm.
DEPTH_GRID_MM = np.round(np.arange(0.0, 10.0001, 0.1), 6)


@dataclass(frozen=True)
class CoilHistory:
    """What :func:`induction_sim.physics.telemetry.coil_state_at` needs to rebuild the coil's
    electrical state at any time of the heat. Arrays (N,) or (N, K) over the heating steps."""

    inverse_area_m2: ComplexArray  # (N, K) 1/Â of a bore filled with the section at that age
    omega_rad_s: FloatArray  # (N, K)
    age_s: FloatArray  # (N, K) heating age of the tracked section at each record
    geometry: CoilGeometry  # mean gap (electrical)
    design: TankDesign
    power_set_w: FloatArray  # (N,)
    capacitance_factor: FloatArray
    mains_factor: FloatArray
    is_scan: BoolArray
    dwell_s: FloatArray  # section heating time (scan: effective coil height / speed)
    heat_on_s: FloatArray  # how long the coil is on for the whole part

    def take(self, index: npt.NDArray[np.intp]) -> CoilHistory:
        def sub(obj: Any) -> Any:
            values = {f.name: getattr(obj, f.name)[index] for f in fields(obj)}
            return type(obj)(**values)

        values: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            values[f.name] = sub(v) if f.name in ("geometry", "design") else v[index]
        return CoilHistory(**values)


@dataclass(frozen=True)
class PartResults:
    """Batch results; every per-part array has the part axis first (N, ...).

    Scalars per part (N,):
      surface_hrc, surface_hv           as-quenched (or tempered) surface hardness
      case_depth_mm                     effective case depth, SAE J423 (50 HRC ≈ 513 HV)
      case_depth_iso_mm                 ISO 18203 (limit 0.8 × min. surface HV; recipe or reached)
      peak_surface_temp_c               maximum surface temperature of the heat
      energy_part_kj, energy_coil_kj    energy into the part / delivered to the coil, per part
      surface_martensite_fraction, surface_cooling_rate_700_c_s
      austenitised_depth_mm             depth where the austenite fraction reached 0.5
      wall_mm                           material under the surface: a tube's wall, a solid
                                        part's radius; case depths stop there ("hard through"),
                                        and the profiles on ``depth_mm`` repeat their last node
                                        value beyond it
      melted_depth_mm                   depth where the peak reached the solidus (0: no melting)
      heat_on_s, dwell_s, quench_start_s  coil-on time per part; heating time of one section;
                                        time from section heat start to spray
      mean_frequency_hz, mean_power_coil_kw, mean_power_part_kw  over the section's heating
      interrupted, part_present, voltage_limited  (bool)
    Profiles on ``depth_mm`` (D,): hv, peak_temp_c, austenite_fraction, martensite_fraction,
      cooling_rate_700_c_s — shape (N, D).
    Whole-cycle history of the tracked cross-section: time_s, surface_temp_c — (N, S), time from
      the section's heat start.
    Heating history of the tracked section, (N, K): heat_age_s, heat_surface_temp_c, frequency_hz,
      coil_current_a, coil_voltage_v, power_coil_kw, power_part_kw, power_factor, efficiency,
      dc_bus_v — the electrical state as if the whole coil held a section of that age (exactly the
      single-shot case). For a scan use :func:`telemetry.coil_state_at`, which averages over the
      sections under the coil.
    """

    depth_mm: FloatArray
    surface_hrc: FloatArray
    surface_hv: FloatArray
    case_depth_mm: FloatArray
    case_depth_iso_mm: FloatArray
    peak_surface_temp_c: FloatArray
    energy_part_kj: FloatArray
    energy_coil_kj: FloatArray
    surface_martensite_fraction: FloatArray
    surface_cooling_rate_700_c_s: FloatArray
    austenitised_depth_mm: FloatArray
    wall_mm: FloatArray
    melted_depth_mm: FloatArray
    heat_on_s: FloatArray
    dwell_s: FloatArray
    quench_start_s: FloatArray
    mean_frequency_hz: FloatArray
    mean_power_coil_kw: FloatArray
    mean_power_part_kw: FloatArray
    interrupted: BoolArray
    part_present: BoolArray
    voltage_limited: BoolArray
    hv: FloatArray
    peak_temp_c: FloatArray
    austenite_fraction: FloatArray
    martensite_fraction: FloatArray
    cooling_rate_700_c_s: FloatArray
    time_s: FloatArray
    surface_temp_c: FloatArray
    heat_age_s: FloatArray
    heat_surface_temp_c: FloatArray
    frequency_hz: FloatArray
    coil_current_a: FloatArray
    coil_voltage_v: FloatArray
    power_coil_kw: FloatArray
    power_part_kw: FloatArray
    power_factor: FloatArray
    efficiency: FloatArray
    dc_bus_v: FloatArray
    coil: CoilHistory

    @property
    def size(self) -> int:
        return int(self.surface_hrc.shape[0])

    def take(self, index: npt.NDArray[np.intp]) -> PartResults:
        """Rows ``index`` of the batch (also used to expand de-duplicated results)."""
        values: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "depth_mm":
                values[f.name] = v
            elif f.name == "coil":
                values[f.name] = v.take(index)
            else:
                values[f.name] = v[index]
        return PartResults(**values)

    def part(self, i: int) -> PartResult:
        """One part as a :class:`PartResult` (scalars as Python floats/bools)."""
        values: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "depth_mm":
                values[f.name] = v
            elif f.name == "coil":
                values[f.name] = v.take(np.array([i]))
            elif v.ndim == 1:
                values[f.name] = bool(v[i]) if v.dtype == np.bool_ else float(v[i])
            else:
                values[f.name] = v[i]
        return PartResult(**values)

    @staticmethod
    def concatenate(parts: list[PartResults]) -> PartResults:
        """Stack batches with the same depth grid and history lengths."""
        first = parts[0]
        values: dict[str, Any] = {}
        for f in fields(first):
            if f.name == "depth_mm":
                values[f.name] = first.depth_mm
            elif f.name == "coil":
                values[f.name] = _concat_coil([p.coil for p in parts])
            else:
                values[f.name] = np.concatenate([getattr(p, f.name) for p in parts], axis=0)
        return PartResults(**values)


def _concat_coil(coils: list[CoilHistory]) -> CoilHistory:
    def cat(objs: list[Any]) -> Any:
        values = {
            f.name: np.concatenate([getattr(o, f.name) for o in objs], axis=0)
            for f in fields(objs[0])
        }
        return type(objs[0])(**values)

    values: dict[str, Any] = {}
    for f in fields(coils[0]):
        items = [getattr(c, f.name) for c in coils]
        values[f.name] = cat(items) if f.name in ("geometry", "design") else np.concatenate(items)
    return CoilHistory(**values)


@dataclass(frozen=True)
class PartResult:
    """One part; same fields as :class:`PartResults` without the part axis."""

    depth_mm: FloatArray
    surface_hrc: float
    surface_hv: float
    case_depth_mm: float
    case_depth_iso_mm: float
    peak_surface_temp_c: float
    energy_part_kj: float
    energy_coil_kj: float
    surface_martensite_fraction: float
    surface_cooling_rate_700_c_s: float
    austenitised_depth_mm: float
    wall_mm: float
    melted_depth_mm: float
    heat_on_s: float
    dwell_s: float
    quench_start_s: float
    mean_frequency_hz: float
    mean_power_coil_kw: float
    mean_power_part_kw: float
    interrupted: bool
    part_present: bool
    voltage_limited: bool
    hv: FloatArray
    peak_temp_c: FloatArray
    austenite_fraction: FloatArray
    martensite_fraction: FloatArray
    cooling_rate_700_c_s: FloatArray
    time_s: FloatArray
    surface_temp_c: FloatArray
    heat_age_s: FloatArray
    heat_surface_temp_c: FloatArray
    frequency_hz: FloatArray
    coil_current_a: FloatArray
    coil_voltage_v: FloatArray
    power_coil_kw: FloatArray
    power_part_kw: FloatArray
    power_factor: FloatArray
    efficiency: FloatArray
    dc_bus_v: FloatArray
    coil: CoilHistory
