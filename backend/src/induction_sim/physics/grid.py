"""Radial finite-volume grid for a solid cylinder or a tube, refined towards the outer surface.

Vertex-centred: node 0 sits on the axis (solid) or on the bore wall (tube, inner radius r_i > 0),
node M-1 on the outer surface, so both surface temperatures are node values. A tube's grid is the
solid grid of a "cylinder" as deep as the wall: the same node count and outer cells, so a tube costs
what a shaft costs (docs/physics.md §6.1). Control-volume faces are at the midpoints between
nodes. Spacing grows geometrically from ``surface_cell_m`` at the surface inwards, so the outer
≈ 10 mm (skin depth, case) get fine cells while the core gets a few coarse ones. All arrays are
node-major, shape (M, N).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .materials import MU0

FloatArray = npt.NDArray[np.float64]

DEFAULT_NODES = 44
DEFAULT_SURFACE_CELL_M = 0.1e-3  # 0.1 mm: ≈ δ/5 for cold magnetic steel at 10 kHz [D]
# Above ≈ 22 kHz the surface cell follows the cold skin depth: δ_cold/3 keeps the eddy power of a
# cold magnetic part within ≈ 2.5 % of the exact Bessel solution (0.1 mm gave −16 % at 200 kHz,
# μr 15, and −34 % at μr 40; tests/physics/test_electromagnetics_eddy.py) [D]. δ_cold with the
# lowest cold resistivity of the grades (1045 at 20 °C, 0.165 µΩ·m [MW45, H]) and μr = 20, the
# upper end of what the permeability closure gives at production surface fields (≈ 8–15) [D/E].
GRID_COLD_RESISTIVITY_OHM_M = 0.165e-6
GRID_COLD_MU_R = 20.0
CELLS_PER_COLD_SKIN_DEPTH = 3.0


@dataclass(frozen=True)
class RadialGrid:
    """Geometry of the radial grid for N parts.

    r_m: node radii (M, N); depth_m: R - r (M, N); volume_m2: control volume per unit length
    (M, N) [m³/m]; face_r_m: face radii between nodes (M-1, N); face_dr_m: node spacing across
    each face (M-1, N); split_inner: share of a face segment's volume belonging to the inner node
    (M-1, N), used to hand the eddy-current power of a segment to its two nodes.
    """

    r_m: FloatArray
    depth_m: FloatArray
    volume_m2: FloatArray
    face_r_m: FloatArray
    face_dr_m: FloatArray
    split_inner: FloatArray
    radius_m: FloatArray
    face_geom_m: FloatArray  # 2π r_face / Δr (M-1, N): conductance per unit conductivity
    surface_area_m: FloatArray  # 2π R (N,): surface per unit length
    # r_i (N,), 0 for a solid part; 2π r_i (N,): bore surface per unit length; π r_i² (N,): bore
    # cross-section, whose flux links the coil (electromagnetics.eddy_current_profile)
    inner_radius_m: FloatArray
    inner_area_m: FloatArray
    bore_area_m2: FloatArray
    hollow: bool  # any part of the batch a tube: the bore terms are needed (else skipped)

    @property
    def nodes(self) -> int:
        return int(self.r_m.shape[0])


@lru_cache(maxsize=256)
def _depth_column(radius_m: float, nodes: int, surface_cell_m: float) -> FloatArray:
    """Node depths (axis first, surface last) for one radius (a tube: its wall thickness);
    cached, parts repeat radii."""
    cells = nodes - 1
    lo, hi = 0.5, 2.0
    for _ in range(60):  # bisection on first·(g^cells − 1)/(g − 1) = R
        g = 0.5 * (lo + hi)
        total = surface_cell_m * cells
        if abs(g - 1.0) > 1e-12:
            total = surface_cell_m * (g**cells - 1.0) / (g - 1.0)
        if total > radius_m:
            hi = g
        else:
            lo = g
    g = 0.5 * (lo + hi)
    widths = surface_cell_m * g ** np.arange(cells, dtype=np.float64)  # surface inwards
    widths *= radius_m / widths.sum()  # exact closure
    depth_faces = np.concatenate([[0.0], np.cumsum(widths)])
    column = depth_faces[::-1].copy()
    column.setflags(write=False)
    return column


def _unique(values: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """np.unique with inverse, skipping the sort in the common all-equal case."""
    if bool(np.all(values == values[0])):
        return values[:1], np.zeros(values.shape[0], dtype=np.intp)
    radii, inverse = np.unique(values, return_inverse=True)
    return radii, inverse.reshape(-1)


def surface_cell_for_m(frequency_hz: FloatArray) -> FloatArray:
    """Surface cell that resolves the cold skin depth at `frequency_hz`: min(0.1 mm, δ_cold/3).

    The same node count: the geometric growth inwards gets steeper, so cells at 2–3 mm depth stay
    ≈ 0.3 mm and only the core coarsens — the one-part cost does not change."""
    f = np.maximum(np.asarray(frequency_hz, dtype=np.float64), 1.0)
    delta_cold = np.sqrt(
        2.0 * GRID_COLD_RESISTIVITY_OHM_M / (2.0 * np.pi * f * MU0 * GRID_COLD_MU_R)
    )
    cell = np.minimum(DEFAULT_SURFACE_CELL_M, delta_cold / CELLS_PER_COLD_SKIN_DEPTH)
    return np.asarray(cell, dtype=np.float64)


def build_grid(
    radius_m: FloatArray,
    nodes: int = DEFAULT_NODES,
    surface_cell_m: float | FloatArray = DEFAULT_SURFACE_CELL_M,
    frequency_hz: FloatArray | None = None,
    inner_radius_m: FloatArray | None = None,
) -> RadialGrid:
    """Grid for parts of radius ``radius_m`` (shape (N,)); with ``frequency_hz`` the surface cell
    of each part follows its cold skin depth (`surface_cell_for_m`); ``inner_radius_m`` (N,)
    makes a part a tube (0: solid, the grid bit for bit as without it)."""
    radius_m = np.asarray(radius_m, dtype=np.float64)
    inner = (
        np.zeros_like(radius_m)
        if inner_radius_m is None
        else np.asarray(inner_radius_m, dtype=np.float64)
    )
    wall = radius_m - inner  # the solid's radius exactly when inner = 0
    cell = (
        surface_cell_for_m(frequency_hz)
        if frequency_hz is not None
        else np.asarray(surface_cell_m, dtype=np.float64)
    )
    cells = np.broadcast_to(cell, radius_m.shape)
    if bool(np.all(cells == cells.flat[0])):
        radii, inverse = _unique(wall)
        columns = np.column_stack(
            [_depth_column(float(r), nodes, float(cells.flat[0])) for r in radii.tolist()]
        )
    else:
        pairs, inverse = np.unique(np.column_stack([wall, cells]), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        columns = np.column_stack(
            [_depth_column(float(r), nodes, float(c)) for r, c in pairs.tolist()]
        )
    depth = columns[:, inverse]
    r = radius_m[None, :] - depth
    r[0] = inner  # the axis (0.0) or the bore wall, exactly
    face_r = 0.5 * (r[1:] + r[:-1])
    face_dr = r[1:] - r[:-1]
    outer_faces = np.concatenate([face_r, radius_m[None, :]])
    inner_faces = np.concatenate([inner[None, :], face_r])
    volume = np.pi * (outer_faces**2 - inner_faces**2)
    split_inner = (face_r**2 - r[:-1] ** 2) / (r[1:] ** 2 - r[:-1] ** 2)
    return RadialGrid(
        r_m=r,
        depth_m=radius_m[None, :] - r,
        volume_m2=volume,
        face_r_m=face_r,
        face_dr_m=face_dr,
        split_inner=split_inner,
        radius_m=radius_m,
        face_geom_m=2.0 * np.pi * face_r / face_dr,
        surface_area_m=2.0 * np.pi * radius_m,
        inner_radius_m=inner,
        inner_area_m=2.0 * np.pi * inner,
        bore_area_m2=np.pi * inner * inner,
        hollow=bool(np.any(inner > 0.0)),
    )
