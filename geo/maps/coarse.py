"""Compound dots for a public screen: one per grid cell, with a count, placed where no compound is.

The exhibition screen shows where the programme works without pointing at anybody's
building. :func:`coarse_points` groups compounds into square cells of ``cell_m`` metres
(a fixed grid in EPSG:32648, UTM 48N, so a cell never moves between runs) and returns one
dot per cell that holds any: ``n`` compounds, ``s`` the status most of them have (a
status of ``prefer`` wins over the others whenever the cell has one), at a position
that is at least ``clearance_m`` from every compound, not only those of its cell.

The position is chosen among ``CANDIDATES`` x ``CANDIDATES`` points evenly spread over the
cell: the one farthest from any compound (ties: the first in row order), so the same
data always give the same dots. A cell too crowded to have such a point looks in the
eight cells around it; a dot that still finds none is left out (its compounds stay in
every figure, only the dot is missing; ``dropped`` says how many compounds that hides).
What a dot tells: "about ``n`` compounds, mostly of status ``s``, somewhere in this
square of ``cell_m`` metres"; never where one of them is.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.settings import METRIC_CRS, STORAGE_CRS

#: Side of a grid cell (m) and the least distance of a dot from any compound (m).
CELL_M = 200.0
CLEARANCE_M = 40.0
#: Candidate positions per side of a cell.
CANDIDATES = 8


@dataclass(frozen=True)
class CoarseDots:
    """The dots (WGS-84 points with ``n`` and ``s``) and how many compounds have no dot (``dropped``)."""

    dots: gpd.GeoDataFrame
    dropped: int


def coarse_points(compounds: gpd.GeoDataFrame, status: Sequence[str], *, cell_m: float = CELL_M,
                  clearance_m: float = CLEARANCE_M, prefer: Sequence[str] = ()) -> CoarseDots:
    """One dot per ``cell_m`` grid cell of ``compounds`` (any CRS, points or shapes), ``clearance_m`` from all of them.

    ``status``: each compound's status, in the frame's order. Returns WGS-84 points with
    ``n`` (compounds in the cell) and ``s`` (the cell's status), sorted by cell.
    """
    if len(compounds) != len(status):
        raise ValueError(f"{len(compounds)} compounds but {len(status)} statuses")
    empty = gpd.GeoDataFrame({"n": pd.Series(dtype=int), "s": pd.Series(dtype=str)}, geometry=[], crs=STORAGE_CRS)
    if compounds.empty:
        return CoarseDots(empty, 0)
    metric = compounds.to_crs(METRIC_CRS).geometry
    anchor = metric.representative_point()
    cells = pd.DataFrame({"i": np.floor(anchor.x / cell_m).astype(int), "j": np.floor(anchor.y / cell_m).astype(int),
                          "s": list(status)})
    tree = shapely.STRtree(metric.values)
    groups = list(cells.groupby(["i", "j"], sort=True))
    spots = _best_spots(tree, [(int(i), int(j)) for (i, j), _ in groups], cell_m)
    rows, dropped = [], 0
    for ((i, j), members), (spot, distance) in zip(groups, spots):
        if distance < clearance_m:  # crowded: look in the cells around it
            spot, distance = _best_spots(tree, _around(int(i), int(j)), cell_m, together=True)[0]
        if distance < clearance_m:
            dropped += len(members)
            continue
        rows.append((spot, len(members), _cell_status(members["s"].tolist(), prefer)))
    if not rows:
        return CoarseDots(empty, dropped)
    dots = gpd.GeoDataFrame({"n": [r[1] for r in rows], "s": [r[2] for r in rows]},
                            geometry=[r[0] for r in rows], crs=METRIC_CRS).to_crs(STORAGE_CRS)
    return CoarseDots(dots, dropped)


def _candidates(cells: np.ndarray, cell_m: float) -> np.ndarray:
    """The candidate points of each cell (rows of ``cells``: i, j), cell by cell and row by row (EPSG:32648)."""
    offsets = (np.arange(CANDIDATES) + 0.5) / CANDIDATES * cell_m
    dx, dy = np.meshgrid(offsets, offsets)
    xs = cells[:, :1] * cell_m + dx.ravel()
    ys = cells[:, 1:] * cell_m + dy.ravel()
    return shapely.points(xs.ravel(), ys.ravel())


def _around(i: int, j: int) -> list[tuple[int, int]]:
    return [(i + di, j + dj) for dj in (-1, 0, 1) for di in (-1, 0, 1) if di or dj]


def _best_spots(tree: shapely.STRtree, cells: list[tuple[int, int]], cell_m: float,
                together: bool = False) -> list[tuple[shapely.Point, float]]:
    """Per cell (or, ``together``, over all the cells) the candidate farthest from any compound, and that distance."""
    per = CANDIDATES * CANDIDATES
    spots = _candidates(np.asarray(cells, dtype=float).reshape(-1, 2), cell_m)
    _, distance = tree.query_nearest(spots, return_distance=True, all_matches=False)
    groups = [slice(0, len(spots))] if together else [slice(k * per, (k + 1) * per) for k in range(len(cells))]
    out = []
    for part in groups:
        best = part.start + int(np.argmax(distance[part]))
        out.append((spots[best], float(distance[best])))
    return out


def _cell_status(statuses: Sequence[str], prefer: Sequence[str]) -> str:
    """The status most compounds of the cell have, one of ``prefer`` first (ties: ``prefer``'s order, then by name)."""
    counts = Counter(statuses)
    order = {s: k for k, s in enumerate(prefer)}
    return min(counts, key=lambda s: (s not in order, -counts[s], order.get(s, 0), s))
