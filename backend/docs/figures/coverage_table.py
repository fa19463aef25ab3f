"""Print the table of docs/physics.md §7.2: what clogged quench nozzles do to the weakest point of
the circumference, with the part turning at its recipe's speed and not turning.

    python backend/docs/figures/coverage_table.py

Cells: surface HRC / effective case depth (mm) / surface 800→550 °C cooling rate (°C/s). The
clog severity s maps onto flow and blocked area as the machine does (`machine.auxiliaries`).
"""

from __future__ import annotations

import numpy as np

from induction_sim.machine.auxiliaries import blocked_hole_fraction, quench_flow
from induction_sim.machine.recipe import Recipe, builtin_recipes
from induction_sim.physics.inputs import PartConditions
from induction_sim.physics.part import simulate_part

SEVERITIES = (0.0, 0.5, 1.0)


def cases() -> list[tuple[str, Recipe]]:
    recipes = builtin_recipes()
    shaft = recipes["1045-shaft-scan"]
    deep = shaft.model_copy(update={"frequency_hz": 3000.0, "scan_speed_mm_s": 6.0})
    return [
        ("1045-shaft-scan", shaft),
        ("1045 at 3 kHz, 6 mm/s (≈5 mm case)", deep),
        ("1050-pin-single-shot", recipes["1050-pin-single-shot"]),
    ]


def cell(recipe: Recipe, severity: float, rpm: float) -> str:
    clog = np.array([severity])
    flow = quench_flow(1.0, np.array([True]), np.ones(1), clog).flow_factor
    conditions = PartConditions(
        quench_flow_factor=float(flow[0]),
        quench_blocked_fraction=float(blocked_hole_fraction(clog)[0]),
        rotation_rpm=rpm,
    )
    part = simulate_part(recipe, conditions)
    return (
        f"{part.surface_hrc:.1f} / {part.case_depth_mm:.2f} / "
        f"{part.surface_cooling_rate_700_c_s:.0f}"
    )


def main() -> None:
    print("| recipe | rpm | " + " | ".join(f"clogged {s}" for s in SEVERITIES) + " |")
    print("|---|---|" + "---|" * len(SEVERITIES))
    for label, recipe in cases():
        for rpm in (recipe.rotation_rpm, 0.0):
            cells = " | ".join(cell(recipe, s, rpm) for s in SEVERITIES)
            print(f"| {label} | {rpm:.0f} | {cells} |")


if __name__ == "__main__":
    main()
