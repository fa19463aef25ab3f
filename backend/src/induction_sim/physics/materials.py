"""Steel grades: composition, critical temperatures and temperature-dependent properties.

Everything is SI inside: temperatures in °C (conventional for heat treatment; kelvin only where a
formula needs it), resistivity in Ω·m, conductivity in W/(m·K), enthalpy in J/kg, density in kg/m³.

Source keys (full entries in ``docs/physics.md`` §12.3; figures and tags in §12.2):
  [H]      holooly worked example, 0.4 % C steel ρe and μr 30–900 °C
  [MW45]   MatWeb AISI 1045 data sheet;  [MW4140] MatWeb AISI 4140 data sheet
  [a179]   SAE 1045 properties page (k 50.9 W/m·K, cp 486 J/kg·K at 20 °C)
  [Meus]   Meusburger 1.7225 (42CrMo4/4140) data sheet, k 42.6 W/m·K
  [Andrews] K.W. Andrews, JISI 203 (1965) 721 — Ac1, Ac3, Ms formulas
  [Curie]  iron Curie point 768–770 °C
  [Maynier] Maynier, Jungmann, Dollet (1978) — ferrite–pearlite hardness formula
  [FS1954]  Feuerstein & Smith (1954): Ac3 of 1042 vs heating rate for three prior structures
            (as reproduced in the induction-hardening literature; values here are [E] readings)
  [D]      derived here from sourced figures or standard formulas
  [E]      engineering estimate, not from a published source: to calibrate

Property tables are piecewise linear in temperature, resampled on a 1 K grid. Enthalpy is a
function of temperature *and* austenite fraction (see :class:`SteelGrade`), so the thermal solver
can take large steps through the Curie range without a spiky cp and without losing the heat.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MU0 = 4.0e-7 * np.pi  # vacuum permeability, H/m (SI definition, pre-2019 exact value)
STEFAN_BOLTZMANN = 5.670374419e-8  # W/(m²·K⁴), CODATA 2018
KELVIN = 273.15

# Fine tables: 1 K steps from 0 to 2500 °C, far past the liquidus, so an overheated skin melts with
# its heat of fusion instead of being clipped while its enthalpy keeps growing.
_T_MIN_C = 0.0
_T_MAX_C = 2500.0
_T_STEP_C = 1.0


def _locate(x: FloatArray) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Index and fraction of ``x`` on the 1 K grid (clamped)."""
    # minimum/maximum ufuncs: np.clip's Python wrapper costs more than the work on small arrays.
    u = np.minimum(np.maximum(x, _T_MIN_C), _T_MAX_C - 1e-9)
    if _T_MIN_C:  # the table starts at 0 °C: no offset to take off
        u = u - _T_MIN_C
    i = u.astype(np.intp)
    return i, u - i


def _at(
    row: FloatArray, slope: FloatArray, i: npt.NDArray[np.intp], frac: FloatArray
) -> FloatArray:
    # np.take on 1-D tables is the fastest gather numpy offers for large index arrays.
    out: FloatArray = row.take(i) + slope.take(i) * frac
    return out


def _at_all(packed: FloatArray, i: npt.NDArray[np.intp], frac: FloatArray) -> FloatArray:
    """Every row at once from a packed table (value, slope side by side): shape (*i.shape, rows),
    each element computed as :func:`_at` computes it. Two ufuncs instead of two per row."""
    v = packed.take(i, axis=0)
    out: FloatArray = v[..., 0::2] + v[..., 1::2] * frac[..., None]
    return out


@dataclass(frozen=True)
class Composition:
    """Nominal chemistry in weight percent."""

    c: float
    mn: float
    si: float
    cr: float = 0.0
    mo: float = 0.0
    ni: float = 0.0
    v: float = 0.0


def andrews_ac1_c(comp: Composition) -> float:
    """Lower critical temperature, Andrews (1965) linear formula [Andrews]."""
    return 723.0 - 10.7 * comp.mn - 16.9 * comp.ni + 29.1 * comp.si + 16.9 * comp.cr


def andrews_ac3_c(carbon_pct: FloatArray | float, comp: Composition) -> FloatArray | float:
    """Upper critical temperature, Andrews (1965) [Andrews]; carbon may be an array (offsets)."""
    c = np.maximum(np.asarray(carbon_pct, dtype=np.float64), 0.01)
    ac3 = 910.0 - 203.0 * np.sqrt(c) - 15.2 * comp.ni + 44.7 * comp.si + 104.0 * comp.v
    ac3 = ac3 + 31.5 * comp.mo
    return ac3 if np.ndim(ac3) else float(ac3)


def andrews_ms_c(carbon_pct: FloatArray | float, comp: Composition) -> FloatArray | float:
    """Martensite start, Andrews (1965) linear formula [Andrews]; carbon may be an array."""
    c = np.asarray(carbon_pct, dtype=np.float64)
    ms = 539.0 - 423.0 * c - 30.4 * comp.mn - 17.7 * comp.ni - 12.1 * comp.cr - 7.5 * comp.mo
    return ms if np.ndim(ms) else float(ms)


# Rows of the per-grade property table on the 1 K grid.
ROW_RHO = 0  # electrical resistivity, Ω·m
ROW_K = 1  # thermal conductivity, W/(m·K)
ROW_HB = 2  # baseline enthalpy without transformation/magnetic heat, J/kg (0 at 0 °C)
ROW_MAG = 3  # magnetic-ordering heat released below Curie, cumulative share 0…1
ROW_CPB = 4  # baseline heat capacity, J/(kg·K)
ROW_MPDF = 5  # d(ROW_MAG)/dT, 1/K


# Prior microstructure as supplied, before the induction heat. The index is the code carried in
# ``PartInputs.structure_code``; names are the recipe's ``prior_structure`` values.
PRIOR_STRUCTURES: tuple[str, ...] = ("normalised", "quenched_tempered", "annealed")


@dataclass(frozen=True)
class PriorStructure:
    """Austenitisation kinetics and as-supplied hardness of one prior microstructure of a grade.

    Leblond–Devaux τ(T) = τ0·exp(−(T − Ac1)/θ) (docs/physics.md §8.1): ``tau0_s``, ``theta_k``
    are fitted to the temperature of full austenite on continuous heating at 1–1000 °C/s.
    ``carbon_partitioning``: the first austenite grows from pearlite/carbide colonies at the
    eutectoid carbon (ferrite–pearlite and spheroidised structures); in tempered martensite the
    carbides are fine and everywhere, so the austenite has the bulk carbon from the start.
    """

    tau0_s: float
    theta_k: float
    initial_hv: float
    carbon_partitioning: bool


@dataclass(frozen=True)
class SteelGrade:
    """A steel grade with its property tables (°C → value).

    ``*_table`` are (temp_c, value) pairs, linearly interpolated onto a 1 K grid at construction.

    Enthalpy is phase-aware so the Curie/transformation heat is conserved *and* released where it
    physically is (docs/physics.md §3):

        H(T, f) = H_b(T) + L_mag·[(1 − f)·M(T) + f] + L_tr·f

    with f the austenite fraction, H_b the baseline enthalpy, M(T) the cumulative magnetic
    (Curie) heat of the ferritic phase (a smooth step across ≈ 720–790 °C) and L_tr the α→γ heat
    absorbed as austenite forms. Austenite is paramagnetic and keeps its transformation heat until
    it transforms again on cooling (released in `part`, physics.md §8), so an austenitised layer
    cools through 700 °C without a spurious latent-heat plateau. Melting adds the heat of fusion
    L_f to H_b, spread evenly between the solidus and the liquidus (physics.md §3).
    """

    name: str
    composition: Composition
    density_kg_m3: float
    resistivity_table: tuple[tuple[float, float], ...]
    conductivity_table: tuple[tuple[float, float], ...]
    cp_base_table: tuple[tuple[float, float], ...]
    magnetic_heat_j_kg: float
    transformation_heat_j_kg: float
    curie_c: float
    bs0_t: float
    structures: dict[str, PriorStructure]
    default_structure: str  # how the grade is usually supplied for induction hardening
    critical_rate_full_c_s: float
    critical_rate_half_c_s: float
    # Eutectoid carbon of plain carbon steel [Fe-C]; alloy shifts are not modelled [E]
    eutectoid_carbon_pct: float = 0.77
    # Melting [E: ≈1450 °C solidus for these grades]; heat of fusion of iron, 13.8 kJ/mol [CRC]
    solidus_c: float = 1450.0
    liquidus_c: float = 1500.0
    fusion_heat_j_kg: float = 247.0e3
    _rows: tuple[FloatArray, ...] = field(init=False, repr=False, compare=False)
    _slopes: tuple[FloatArray, ...] = field(init=False, repr=False, compare=False)
    # every row and its slope side by side, (T, 12): one gather serves a whole property set
    _packed: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        t = np.arange(_T_MIN_C, _T_MAX_C + 0.5 * _T_STEP_C, _T_STEP_C)
        cp_t, cp_v = np.array(self.cp_base_table).T
        cp = np.interp(t, cp_t, cp_v)
        melting = (t >= self.solidus_c) & (t < self.liquidus_c)
        cp = cp + melting * self.fusion_heat_j_kg / (self.liquidus_c - self.solidus_c)
        h_b = np.concatenate(([0.0], np.cumsum(0.5 * (cp[1:] + cp[:-1]) * _T_STEP_C)))
        # Magnetic heat: Gaussian bump just below Curie (width 15 K) [E], normalised to 1.
        pdf = np.exp(-0.5 * ((t - (self.curie_c - 20.0)) / 15.0) ** 2)
        pdf /= pdf.sum() * _T_STEP_C
        cdf = np.concatenate(([0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * _T_STEP_C)))
        cdf /= cdf[-1]
        rho_t, rho_v = np.array(self.resistivity_table).T
        k_t, k_v = np.array(self.conductivity_table).T
        table = np.vstack([np.interp(t, rho_t, rho_v), np.interp(t, k_t, k_v), h_b, cdf, cp, pdf])
        slope = np.zeros_like(table)
        slope[:, :-1] = np.diff(table, axis=1) / _T_STEP_C
        object.__setattr__(self, "_rows", tuple(np.ascontiguousarray(r) for r in table))
        object.__setattr__(self, "_slopes", tuple(np.ascontiguousarray(r) for r in slope))
        packed = np.empty((t.size, 2 * table.shape[0]))
        packed[:, 0::2] = table.T
        packed[:, 1::2] = slope.T
        object.__setattr__(self, "_packed", packed)

    # --- critical temperatures -------------------------------------------------------------
    @property
    def ac1_c(self) -> float:
        return andrews_ac1_c(self.composition)

    @property
    def ac3_c(self) -> float:
        return float(andrews_ac3_c(self.composition.c, self.composition))

    @property
    def ms_c(self) -> float:
        return float(andrews_ms_c(self.composition.c, self.composition))

    def structure(self, name: str | None = None) -> PriorStructure:
        """Kinetics of a prior structure (None: the grade's usual supply state)."""
        return self.structures[self.default_structure if name is None else name]

    def melt_fraction(self, temp_c: FloatArray) -> FloatArray:
        """Liquid share at ``temp_c``: 0 below the solidus, 1 above the liquidus (lever rule
        linear in temperature [E])."""
        span = self.liquidus_c - self.solidus_c
        t = np.asarray(temp_c, dtype=np.float64)
        return np.asarray(np.clip((t - self.solidus_c) / span, 0.0, 1.0), dtype=np.float64)

    # --- properties (vectorised, any shape) ------------------------------------------------
    def _prop(self, row: int, i: npt.NDArray[np.intp], frac: FloatArray) -> FloatArray:
        return _at(self._rows[row], self._slopes[row], i, frac)

    def lookup(self, temp_c: FloatArray) -> FloatArray:
        """All tabulated properties at ``temp_c``: shape (6, *temp_c.shape), rows ROW_*."""
        i, frac = _locate(np.asarray(temp_c, dtype=np.float64))
        return np.stack([self._prop(r, i, frac) for r in range(len(self._rows))])

    def resistivity_ohm_m(self, temp_c: FloatArray) -> FloatArray:
        i, frac = _locate(temp_c)
        return self._prop(ROW_RHO, i, frac)

    def conductivity_w_mk(self, temp_c: FloatArray) -> FloatArray:
        i, frac = _locate(temp_c)
        return self._prop(ROW_K, i, frac)

    def conductivity_and_cp(
        self, temp_c: FloatArray, austenite: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """k(T) and ∂H/∂T at fixed austenite fraction, sharing one index computation."""
        i, frac = _locate(temp_c)
        v = _at_all(self._packed, i, frac)
        cp = v[..., ROW_CPB] + self.magnetic_heat_j_kg * (1.0 - austenite) * v[..., ROW_MPDF]
        return v[..., ROW_K], cp

    def enthalpy_j_kg(self, temp_c: FloatArray, austenite: FloatArray | float = 0.0) -> FloatArray:
        """H(T, f) relative to 0 °C ferrite–pearlite (see class docstring)."""
        i, frac = _locate(np.asarray(temp_c, dtype=np.float64))
        f = np.asarray(austenite, dtype=np.float64)
        mag = (1.0 - f) * self._prop(ROW_MAG, i, frac) + f
        return np.asarray(
            self._prop(ROW_HB, i, frac)
            + self.magnetic_heat_j_kg * mag
            + self.transformation_heat_j_kg * f,
            dtype=np.float64,
        )

    def apparent_cp_j_kgk(
        self, temp_c: FloatArray, austenite: FloatArray | float = 0.0
    ) -> FloatArray:
        """∂H/∂T at fixed austenite fraction."""
        t = np.asarray(temp_c, dtype=np.float64)
        f = np.broadcast_to(np.asarray(austenite, dtype=np.float64), t.shape)
        return self.conductivity_and_cp(t, f)[1]

    def temperature_from_enthalpy_c(
        self, enthalpy_j_kg: FloatArray, austenite: FloatArray, guess_c: FloatArray
    ) -> FloatArray:
        """Invert H(T, f) = H by Newton iterations from ``guess_c`` (H is monotone in T).

        The guess is the linearised temperature of the same step (same tangent heat capacity),
        so a single Newton step leaves a small residual; H itself is exact (checked in tests).
        """
        f = austenite
        target = enthalpy_j_kg - (self.magnetic_heat_j_kg + self.transformation_heat_j_kg) * f
        w = self.magnetic_heat_j_kg * (1.0 - f)
        t = guess_c
        for _ in range(1):
            i, frac = _locate(t)
            v = _at_all(self._packed, i, frac)
            g = v[..., ROW_HB] + w * v[..., ROW_MAG] - target
            dg = v[..., ROW_CPB] + w * v[..., ROW_MPDF]
            t = np.minimum(np.maximum(t - g / dg, _T_MIN_C), _T_MAX_C)
        return np.asarray(t, dtype=np.float64)

    def saturation_flux_t(self, temp_c: FloatArray) -> FloatArray:
        """Saturation flux density Bs(T) = Bs0·(1 − (T/Tc)^6), zero above Curie.

        [D/E], docs/physics.md §12.2: the exponent 4–6 makes μr fall mostly across ≈700–770 °C.
        """
        ratio = np.minimum(np.maximum(temp_c / self.curie_c, 0.0), 1.0)
        return np.asarray(self.bs0_t * (1.0 - ratio**6), dtype=np.float64)

    def relative_permeability(self, field_a_m: FloatArray, temp_c: FloatArray) -> FloatArray:
        """Effective μr(H, T) ≈ 1 + Bs(T)/(μ0·H), capped at 200 for weak fields.

        The saturation closure of docs/physics.md §12.2 [D]; an effective constant μr for eddy
        losses is an accepted shortcut [Batti]. The cap stands for the initial permeability [E].
        """
        h = np.maximum(field_a_m, 1.0)
        mu = 1.0 + self.saturation_flux_t(temp_c) / (MU0 * h)
        return np.asarray(np.minimum(mu, 200.0), dtype=np.float64)


# --- Grade data ---------------------------------------------------------------------------
# AISI 1045 resistivity: 20 °C 0.165 [MW45, H]; 100 0.223 [MW45]; 200/400/600 0.296/0.493/0.766,
# 760 1.042, 900 1.146 [H]; 700, 800, 1000+ [E] (docs/physics.md §12.2).
_RHO_1045 = (
    (0.0, 0.150e-6),
    (20.0, 0.165e-6),
    (100.0, 0.223e-6),
    (200.0, 0.296e-6),
    (400.0, 0.493e-6),
    (600.0, 0.766e-6),
    (700.0, 0.930e-6),
    (760.0, 1.042e-6),
    (800.0, 1.080e-6),
    (900.0, 1.146e-6),
    (1000.0, 1.170e-6),
    (1100.0, 1.200e-6),
    (1600.0, 1.300e-6),
)
# 1045 conductivity: 20 °C 51 [a179]; other points [E] (docs/physics.md §12.2).
_K_1045 = (
    (0.0, 51.5),
    (20.0, 51.0),
    (100.0, 50.0),
    (200.0, 48.0),
    (400.0, 42.0),
    (600.0, 35.0),
    (700.0, 31.0),
    (750.0, 28.0),
    (800.0, 25.0),
    (900.0, 26.0),
    (1000.0, 28.0),
    (1100.0, 29.0),
    (1600.0, 33.0),
)
# Baseline cp without the transformation bump: 20 °C 486 [a179]; rest [E] (docs/physics.md §12.2,
# with the 700–780 °C peak removed and carried by the conserved bump below).
_CP_BASE_1045 = (
    (0.0, 480.0),
    (20.0, 486.0),
    (100.0, 500.0),
    (200.0, 530.0),
    (400.0, 600.0),
    (600.0, 700.0),
    (700.0, 760.0),
    (760.0, 700.0),
    (800.0, 650.0),
    (900.0, 620.0),
    (1000.0, 640.0),
    (1100.0, 650.0),
    (1600.0, 680.0),
)
# 4140: ρe 0.220/0.263/0.326 µΩ·m at 20/100/200 °C [MW4140]; ≥ 800 °C like 1045 [E].
_RHO_4140 = (
    (0.0, 0.210e-6),
    (20.0, 0.220e-6),
    (100.0, 0.263e-6),
    (200.0, 0.326e-6),
    (400.0, 0.510e-6),
    (600.0, 0.775e-6),
    (700.0, 0.935e-6),
    (760.0, 1.045e-6),
    (800.0, 1.080e-6),
    (900.0, 1.146e-6),
    (1000.0, 1.170e-6),
    (1100.0, 1.200e-6),
    (1600.0, 1.300e-6),
)
# 4140 conductivity: 42.6 at 20 °C [Meus]; 38/35/31/27 at 200/400/600/800 [E]; above like 1045.
_K_4140 = (
    (0.0, 42.6),
    (20.0, 42.6),
    (200.0, 38.0),
    (400.0, 35.0),
    (600.0, 31.0),
    (800.0, 27.0),
    (900.0, 26.5),
    (1000.0, 28.0),
    (1100.0, 29.0),
    (1600.0, 33.0),
)
# 4140 cp ≈ 473 J/kg·K at 20 °C [hunker, weak]; otherwise like 1045 [E].
_CP_BASE_4140 = ((0.0, 465.0), (20.0, 473.0), *_CP_BASE_1045[2:])

# Austenitisation kinetics per prior structure (docs/physics.md §8.1): τ0, θ are least-squares
# fits of the Leblond–Devaux law to the midpoints of the temperature-of-full-austenite bands at
# 1, 10, 100, 300 and 1000 °C/s (`validation.FULL_AUSTENITE_BANDS_C`, [E] after [FS1954]),
# rounded to 3 figures; `validation.fit_leblond` redoes the fit. Initial hardness: normalised
# 1045/1050 Maynier FP at ≈1 °C/s [D]; the other supply states [E] (physics.md §8.1).
_STRUCTURES_1045 = {
    "normalised": PriorStructure(
        tau0_s=33.8, theta_k=19.9, initial_hv=196.0, carbon_partitioning=True
    ),
    "quenched_tempered": PriorStructure(
        tau0_s=161.0, theta_k=11.6, initial_hv=260.0, carbon_partitioning=False
    ),
    "annealed": PriorStructure(
        tau0_s=23.6, theta_k=31.6, initial_hv=170.0, carbon_partitioning=True
    ),
}
# 1050: the 1045 kinetics (same structure family; its Ac3 follows its carbon) [E], its own
# initial hardness.
_STRUCTURES_1050 = {
    name: replace(_STRUCTURES_1045[name], initial_hv=hv)
    for name, hv in (("normalised", 207.0), ("quenched_tempered", 270.0), ("annealed", 180.0))
}
_STRUCTURES_4140 = {
    "normalised": PriorStructure(
        tau0_s=38.1, theta_k=20.5, initial_hv=310.0, carbon_partitioning=True
    ),
    "quenched_tempered": PriorStructure(
        tau0_s=213.0, theta_k=11.7, initial_hv=290.0, carbon_partitioning=False
    ),
    "annealed": PriorStructure(
        tau0_s=30.2, theta_k=31.1, initial_hv=205.0, carbon_partitioning=True
    ),
}

GRADES: dict[str, SteelGrade] = {
    "1045": SteelGrade(
        name="1045",
        # 0.45 C, 0.75 Mn, 0.25 Si: mid-range of AISI 1045 [MW45] (docs/physics.md §12.1).
        composition=Composition(c=0.45, mn=0.75, si=0.25),
        density_kg_m3=7850.0,  # [MW45, MW4140]
        resistivity_table=_RHO_1045,
        conductivity_table=_K_1045,
        cp_base_table=_CP_BASE_1045,
        # 40–60 kJ/kg magnetic + α→γ above baseline [E], split half/half [E].
        magnetic_heat_j_kg=25.0e3,
        transformation_heat_j_kg=25.0e3,
        curie_c=770.0,  # [Curie]
        bs0_t=1.8,  # Bs0 at 20 °C [D]
        structures=_STRUCTURES_1045,
        default_structure="normalised",  # shafts are bought normalised / as rolled [E]
        critical_rate_full_c_s=220.0,  # 150–300 °C/s for martensitic 1045 [E]
        critical_rate_half_c_s=70.0,  # 50 % martensite [E]
    ),
    "1050": SteelGrade(
        name="1050",
        # 0.50 C, 0.75 Mn, 0.25 Si: mid-range 1050 [Zion]; 1045 tables.
        composition=Composition(c=0.50, mn=0.75, si=0.25),
        density_kg_m3=7850.0,
        resistivity_table=_RHO_1045,
        conductivity_table=_K_1045,
        cp_base_table=_CP_BASE_1045,
        magnetic_heat_j_kg=25.0e3,
        transformation_heat_j_kg=25.0e3,
        curie_c=770.0,
        bs0_t=1.8,
        structures=_STRUCTURES_1050,
        default_structure="normalised",
        critical_rate_full_c_s=180.0,  # slightly more hardenable than 1045 (more C) [E]
        critical_rate_half_c_s=55.0,
    ),
    "4140": SteelGrade(
        name="4140",
        # 0.40 C, 0.875 Mn, 0.25 Si, 0.95 Cr, 0.20 Mo: mid-range AISI 4140 [Zion, MW4140].
        composition=Composition(c=0.40, mn=0.875, si=0.25, cr=0.95, mo=0.20),
        density_kg_m3=7850.0,  # [MW4140]
        resistivity_table=_RHO_4140,
        conductivity_table=_K_4140,
        cp_base_table=_CP_BASE_4140,
        magnetic_heat_j_kg=25.0e3,
        transformation_heat_j_kg=25.0e3,
        curie_c=770.0,
        bs0_t=1.75,  # alloying lowers Bs slightly [E]
        structures=_STRUCTURES_4140,
        default_structure="quenched_tempered",  # usual pre-hardened bar for induction [E]
        critical_rate_full_c_s=25.0,  # 10–30 °C/s [E]
        critical_rate_half_c_s=7.0,
    ),
}

# Aliases an operator may type; canonical keys are the AISI numbers.
GRADE_ALIASES: dict[str, str] = {
    "1045": "1045",
    "aisi1045": "1045",
    "c45": "1045",
    "ck45": "1045",
    "1050": "1050",
    "aisi1050": "1050",
    "c50": "1050",
    "4140": "4140",
    "aisi4140": "4140",
    "42crmo4": "4140",
}


def resolve_grade(name: str) -> SteelGrade:
    """Return the grade for a name or alias (case, spaces and dashes ignored).

    Raises ``KeyError`` naming the known grades when the name is unknown.
    """
    key = name.lower().replace(" ", "").replace("-", "").replace("_", "")
    canonical = GRADE_ALIASES.get(key)
    if canonical is None:
        known = ", ".join(sorted(GRADES))
        raise KeyError(f"unknown steel grade {name!r}; known grades: {known}")
    return GRADES[canonical]
