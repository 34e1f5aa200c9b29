"""geo.maps.coarse: one dot per grid cell with its count and status, never near a compound."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import asof, schema
from geo.maps.coarse import CELL_M, CLEARANCE_M, coarse_points

METRIC = "EPSG:32648"
ORIGIN = (404_000.0, 3_395_000.0)  # central Chengdu in UTM 48N


def _compounds(xy: np.ndarray) -> gpd.GeoDataFrame:
    """Points at metre offsets from ORIGIN, in WGS-84 as the store keeps them."""
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0] + ORIGIN[0], xy[:, 1] + ORIGIN[1]),
                            crs=METRIC).to_crs("EPSG:4326")


def _nearest_m(dots: gpd.GeoDataFrame, compounds: gpd.GeoDataFrame) -> np.ndarray:
    tree = shapely.STRtree(compounds.to_crs(METRIC).geometry.values)
    return tree.query_nearest(dots.to_crs(METRIC).geometry.values, return_distance=True, all_matches=False)[1]


def test_one_dot_per_cell_with_its_count_and_majority_status():
    xy = np.array([[10, 10], [20, 150], [180, 30], [260, 40], [1000, 1000]], dtype=float)
    result = coarse_points(_compounds(xy), ["planned", "completed", "completed", "not_old", "planned"],
                           prefer=schema.PROGRAMME_STATUSES)
    assert result.dropped == 0 and result.dots.crs.to_epsg() == 4326
    assert sorted(zip(result.dots["n"], result.dots["s"])) == [(1, "not_old"), (1, "planned"), (3, "completed")]
    assert _nearest_m(result.dots, _compounds(xy)).min() >= CLEARANCE_M


def test_a_programme_status_wins_over_the_others():
    xy = np.array([[10, 10], [30, 30], [50, 50], [70, 70]], dtype=float)
    statuses = ["not_old", "not_old", "not_old", "under_construction"]
    assert coarse_points(_compounds(xy), statuses, prefer=schema.PROGRAMME_STATUSES).dots["s"].tolist() == [
        "under_construction"]
    assert coarse_points(_compounds(xy), statuses).dots["s"].tolist() == ["not_old"]


def test_the_same_data_give_the_same_dots_and_the_grid_does_not_move():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 2000, size=(300, 2))
    first = coarse_points(_compounds(xy), ["planned"] * 300)
    again = coarse_points(_compounds(xy[::-1]), ["planned"] * 300)  # another order
    assert first.dots.geometry.geom_equals_exact(again.dots.geometry, 1e-9).all()
    moved = coarse_points(_compounds(xy + [0.5, 0.5]), ["planned"] * 300)  # half a metre: most cells stay
    assert len(moved.dots) == pytest.approx(len(first.dots), abs=10)


def test_a_crowded_cell_borrows_a_spot_nearby_and_a_full_block_is_left_out():
    grid = np.array([[x, y] for x in range(5, int(CELL_M), 25) for y in range(5, int(CELL_M), 25)], dtype=float)
    crowded = coarse_points(_compounds(grid), ["completed"] * len(grid))  # every candidate within 18 m of one
    assert crowded.dropped == 0 and crowded.dots["n"].tolist() == [len(grid)]
    assert _nearest_m(crowded.dots, _compounds(grid)).min() >= CLEARANCE_M
    block = np.array([[x, y] for x in range(-200, 400, 20) for y in range(-200, 400, 20)], dtype=float)
    full = coarse_points(_compounds(block), ["completed"] * len(block))
    assert full.dropped > 0 and full.dots["n"].sum() + full.dropped == len(block)
    if not full.dots.empty:
        assert _nearest_m(full.dots, _compounds(block)).min() >= CLEARANCE_M


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), min_size=1, max_size=400))
def test_no_dot_is_near_any_compound_and_every_compound_is_counted(points):
    xy = np.array(points, dtype=float)
    result = coarse_points(_compounds(xy), ["planned"] * len(xy))
    assert result.dots["n"].sum() + result.dropped == len(xy)
    if not result.dots.empty:
        assert _nearest_m(result.dots, _compounds(xy)).min() >= CLEARANCE_M - 1e-6


def test_the_sample(sample):
    status = asof.derive_status(sample.compounds, "2022-12-09").tolist()
    result = coarse_points(sample.compounds, status, prefer=schema.PROGRAMME_STATUSES)
    assert result.dropped == 0 and result.dots["n"].sum() == len(sample.compounds)
    assert len(result.dots) < len(sample.compounds) / 2
    assert _nearest_m(result.dots, sample.compounds).min() >= CLEARANCE_M
