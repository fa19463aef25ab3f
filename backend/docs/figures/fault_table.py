"""Print the before/after table of docs/physics.md §7.1: each built-in recipe as specified, with
water, with a longer quench delay, and under each quench fault at severity 0.5 and 1.

    python backend/docs/figures/fault_table.py

Cells: surface HRC | ECD (SAE J423, mm) | peak surface °C | surface 800→550 °C rate (°C/s). Faults
act as in the machine (`machine.single_part.conditions_under_faults`), held steady, with the
machine's interlocks bypassed: the physics of the part, even where the machine would stop first
(marked ¹).
"""

from __future__ import annotations

from induction_sim.machine.faults import FaultInstance, OnsetMode
from induction_sim.machine.heating import CyclePhysics
from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.machine.single_part import conditions_under_faults, part_under_faults
from induction_sim.physics.part import simulate_part

QUENCH_FAULTS = (
    "quench_pump_wear",
    "quench_nozzles_clogged",
    "polymer_concentration_high",
    "polymer_concentration_low",
    "quench_temp_creep",
)


def cases(recipe: Recipe) -> list[tuple[str, Recipe, list[FaultInstance]]]:
    water = recipe.model_copy(update={"quench_medium": "water", "quench_concentration_pct": 0.0})
    rows = [("as specified", recipe, []), ("water instead of PAG", water, [])]
    for delay in (1.0, 3.0):
        rows.append((f"delay {delay}", recipe.model_copy(update={"quench_delay_s": delay}), []))
    for fault_id in QUENCH_FAULTS:
        for severity in (0.5, 1.0):
            fault = FaultInstance(fault_id, severity, OnsetMode.STEP, onset_s=0.0)
            rows.append((f"{fault_id}:{severity}", recipe, [fault]))
    return rows


def row(recipe: Recipe, faults: list[FaultInstance]) -> str:
    conditions = conditions_under_faults(recipe, CyclePhysics(recipe), faults)
    part = simulate_part(recipe, conditions)
    return (
        f"{part.surface_hrc:.1f} | {part.case_depth_mm:.2f} | {part.peak_surface_temp_c:.0f} | "
        f"{part.surface_cooling_rate_700_c_s:.0f}"
    )


def main() -> None:
    print("| recipe · case | surface HRC | ECD, mm | peak, °C | surface 800→550 °C, °C/s |")
    print("|---|---|---|---|---|")
    for name, recipe in builtin_recipes().items():
        for label, variant, faults in cases(recipe):
            # ¹: an interlock stops the machine first (the row is the physics, bypassed)
            stops = bool(faults) and part_under_faults(variant, tuple(faults)).stop is not None
            print(f"| {name} · {label}{' ¹' if stops else ''} | {row(variant, faults)} |")


if __name__ == "__main__":
    main()
