"""The machine's measured signals: one catalogue shared by the engine, the database columns,
the API, exports and the dashboard, so a name means the same thing everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Signal:
    name: str  # column name, unit as suffix
    unit: str
    description: str


SIGNALS: tuple[Signal, ...] = (
    # inverter and tank circuit
    Signal("power_setpoint_kw", "kW", "coil power setpoint of the active recipe step"),
    Signal("power_kw", "kW", "real power delivered by the inverter to the coil"),
    Signal("frequency_hz", "Hz", "inverter output frequency, tracking tank resonance"),
    Signal("coil_current_a", "A", "rms coil current"),
    Signal("coil_voltage_v", "V", "rms coil voltage"),
    Signal("power_factor", "1", "coil power factor (real / apparent power)"),
    Signal("dc_bus_v", "V", "inverter DC link voltage"),
    Signal("inverter_temp_c", "°C", "inverter heat-sink temperature"),
    Signal("energy_coil_kj", "kJ", "energy delivered to the coil for the current part so far"),
    # process
    Signal("surface_temp_c", "°C", "pyrometer reading of the part surface at the coil exit"),
    Signal("scan_position_mm", "mm", "scan axis position from the start of the hardened length"),
    Signal("scan_speed_mm_s", "mm/s", "scan axis speed"),
    Signal("spindle_rpm", "rpm", "part rotation speed"),
    # coil cooling water
    Signal("coil_water_flow_lpm", "l/min", "coil cooling water flow"),
    Signal("coil_water_in_c", "°C", "coil cooling water inlet temperature"),
    Signal("coil_water_out_c", "°C", "coil cooling water outlet temperature"),
    # quench system
    Signal("quench_flow_lpm", "l/min", "quench ring flow"),
    Signal("quench_pressure_bar", "bar", "quench supply pressure"),
    Signal("quench_temp_c", "°C", "quench tank temperature"),
    Signal("quench_concentration_pct", "%", "polymer concentration (refractometer)"),
    # safety
    Signal("ground_leakage_ma", "mA", "earth-leakage current of the coil circuit"),
)

SIGNAL_NAMES: tuple[str, ...] = tuple(s.name for s in SIGNALS)

# Signals whose true value is stored beside the measured one: the catalogue's sensor-only faults
# (dirty pyrometer lens, stuck flow meter) act on them, so a label can tell cause from symptom.
TRUE_VALUE_SIGNALS: tuple[str, ...] = ("surface_temp_c", "coil_water_flow_lpm")


def true_column(name: str) -> str:
    """Column of a signal's true value: `surface_temp_c` → `surface_temp_true_c` (unit last)."""
    base, unit = name.rsplit("_", 1)
    return f"{base}_true_{unit}"
