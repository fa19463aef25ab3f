"""Draw the spray quench boiling curves of `physics/quench.py` beside the published points they
rest on (docs/physics.md §7): `quench_curves.png` next to this file.

    pip install -e 'backend[docs]'      # matplotlib
    python backend/docs/figures/quench_curves.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from induction_sim.physics.quench import (
    OIL,
    POLYMER,
    WATER,
    quench_curve,
    quench_htc_w_m2k,
    spray_flux_l_m2s,
)

DIAMETER_M = 0.040  # the reference shaft (physics.md §12.1)
SURFACE_C = np.linspace(30.0, 1050.0, 400)
HERE = Path(__file__).resolve().parent


def flow_for(flux_l_m2s: float) -> float:
    """Ring flow, l/min, that gives `flux_l_m2s` on the reference shaft."""
    per_lpm = float(spray_flux_l_m2s(np.array([1.0]), np.array([DIAMETER_M]))[0])
    return flux_l_m2s / per_lpm


# (label, medium, PAG %, flux l/(m²·s), quench °C)
CASES = (
    ("water, ring 424 l/(m²·s) (80 l/min)", WATER, 0.0, 424.0, 25.0),
    ("water, 50 l/(m²·s)", WATER, 0.0, 50.0, 25.0),
    ("water, dilute 5 l/(m²·s)", WATER, 0.0, 5.0, 25.0),
    ("PAG 8 %, ring 424 (the default recipe)", POLYMER, 8.0, 424.0, 25.0),
    ("PAG 8 %, 170 (pump worn to 40 %)", POLYMER, 8.0, 170.0, 25.0),
    ("PAG 20 %, ring 424 (concentration high)", POLYMER, 20.0, 424.0, 25.0),
    ("PAG 8 %, ring 424, tank at 55 °C", POLYMER, 8.0, 424.0, 55.0),
    ("oil, ring 424", OIL, 0.0, 424.0, 25.0),
)


def curves() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(label, h W/(m²·K), q W/m²) over SURFACE_C for every case."""
    out = []
    for label, medium, conc, flux, fluid in CASES:
        curve = quench_curve(
            np.array([medium]),
            np.array([conc]),
            np.array([flow_for(flux)]),
            np.array([fluid]),
            np.array([DIAMETER_M]),
        )
        h = np.array([float(quench_htc_w_m2k(np.array([t]), curve)[0]) for t in SURFACE_C])
        out.append((label, h, h * (SURFACE_C - fluid)))
    return out


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_q, ax_h) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
    for label, h, q in curves():
        style = "-" if "water" in label else ("--" if "PAG" in label else ":")
        ax_q.plot(SURFACE_C, q / 1e6, style, label=label)
        ax_h.plot(SURFACE_C, h / 1e3, style, label=label)
    # published points (physics.md §7 and §12.3)
    ax_q.axhline(10.0, color="grey", lw=0.8)
    ax_q.text(40, 10.3, "sprays reach ≈10 MW/m² [Aamir]", fontsize=8, color="grey")
    ax_q.axhline(2.3, color="grey", lw=0.8, ls="--")
    ax_q.text(
        40, 2.5, "spray CHF 2.3 MW/m² at 2.92 l/(m²·s) [Jiang-Dhir]", fontsize=8, color="grey"
    )
    ax_q.axvline(880.0, color="grey", lw=0.8, ls=":")
    ax_q.text(885, 1.0, "water jet rewets\nsteel above 880 °C\n[Leocadio-Passos]", fontsize=8)
    buczek_t = [800.0, 425.0, 150.0]
    buczek_h = [3.2, 7.4, 2.0]
    ax_h.plot(buczek_t, buczek_h, "k^", label="PAG immersion [Buczek]")
    ax_h.plot([800.0, 535.0], [0.5, 5.35], "kv", label="mineral oil immersion [Buczek]")
    ax_q.set(xlabel="surface temperature, °C", ylabel="heat flux, MW/m²", title="boiling curves")
    ax_h.set(
        xlabel="surface temperature, °C", ylabel="h, kW/(m²·K)", title="heat-transfer coefficient"
    )
    ax_h.legend(fontsize=7, loc="upper right")
    fig.suptitle("Spray quench model (backend/src/induction_sim/physics/quench.py), Ø40 mm shaft")
    out = HERE / "quench_curves.png"
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
