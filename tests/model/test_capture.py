"""Capture state machines and snapping (model/capture.py, model/snapping.py): plain pytest, no Qt."""
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from lifecircle_desktop.model.capture import (LineCapture, PolygonCapture, RectangleCapture, delete_vertex,
                                              insert_vertex, move_vertex, nearest_edge, nearest_vertex,
                                              ring_area, translate)
from lifecircle_desktop.model.errors import InvalidGeometry
from lifecircle_desktop.model.snapping import SnapResult, Snapper

X0, Y0 = 350_000.0, 3_460_000.0  # UTM 51N, Shanghai: big coordinates on purpose


# --- PolygonCapture ---------------------------------------------------------------------------
def test_polygon_capture_closes_to_the_clicked_polygon():
    cap = PolygonCapture()
    assert not cap.is_active and not cap.can_close
    for xy in [(X0, Y0), (X0 + 40, Y0), (X0 + 40, Y0 + 25), (X0, Y0 + 25)]:
        assert cap.add_vertex(xy)
    assert cap.can_close and len(cap) == 4
    assert cap.area_so_far() == pytest.approx(1000.0)
    poly = cap.close()
    assert isinstance(poly, Polygon) and poly.area == pytest.approx(1000.0)
    assert list(poly.exterior.coords)[0] == (X0, Y0)
    assert not cap.is_active  # reset after a successful close


def test_area_so_far_counts_the_cursor():
    cap = PolygonCapture()
    cap.add_vertex((X0, Y0))
    cap.add_vertex((X0 + 10, Y0))
    assert cap.area_so_far() == 0.0
    assert cap.area_so_far(cursor=(X0 + 10, Y0 + 10)) == pytest.approx(50.0)


def test_repeated_vertex_is_ignored_and_undo_removes_the_last():
    cap = PolygonCapture()
    assert cap.add_vertex((X0, Y0))
    assert not cap.add_vertex((X0, Y0))                     # second press of a double-click
    assert not cap.add_vertex((X0 + 0.05, Y0), tolerance=0.1)
    assert cap.add_vertex((X0 + 1, Y0), tolerance=0.1)
    assert len(cap) == 2
    assert cap.undo_vertex().xy == (X0 + 1, Y0)
    assert len(cap) == 1
    cap.undo_vertex()
    assert cap.undo_vertex() is None and not cap.is_active


def test_too_few_vertices_and_self_intersection_raise_and_keep_the_vertices():
    cap = PolygonCapture()
    cap.add_vertex((0, 0))
    cap.add_vertex((10, 0))
    with pytest.raises(InvalidGeometry):
        cap.close()
    assert len(cap) == 2
    # A bow-tie: 0,0 → 10,0 → 0,10 → 10,10 crosses itself.
    cap.add_vertex((0, 10))
    cap.add_vertex((10, 10))
    assert cap.self_intersects()
    with pytest.raises(InvalidGeometry) as err:
        cap.close()
    assert "self-intersection" in err.value.message_en and "自相交" in err.value.message_zh
    assert len(cap) == 4
    cap.undo_vertex()
    assert not cap.self_intersects()
    assert cap.close().area == pytest.approx(50.0)


def test_clicking_the_first_vertex_again_closes_the_ring():
    cap = PolygonCapture()
    for xy in [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]:
        cap.add_vertex(xy)
    poly = cap.close()
    assert len(poly.exterior.coords) == 5 and poly.area == pytest.approx(100.0)


def test_snapped_vertex_remembers_its_target():
    target = SnapResult((1.0, 2.0), "vertex", "basemap_buildings", 7, 0.3)
    cap = PolygonCapture()
    cap.add_vertex((1.0, 2.0), snapped_to=target)
    assert cap.vertices[0].snapped_to is target


def test_non_finite_vertex_is_refused():
    with pytest.raises(InvalidGeometry):
        PolygonCapture().add_vertex((math.nan, 0))


def test_cancel_forgets_everything():
    cap = PolygonCapture()
    cap.add_vertex((0, 0))
    cap.add_vertex((1, 0))
    cap.cancel()
    assert not cap.is_active and cap.area_so_far() == 0.0


def test_ring_area_is_precise_far_from_the_origin():
    assert ring_area([(X0, Y0), (X0 + 0.5, Y0), (X0 + 0.5, Y0 + 0.5), (X0, Y0 + 0.5)]) == 0.25


# --- LineCapture and RectangleCapture ---------------------------------------------------------
def test_line_capture():
    cap = LineCapture()
    cap.add_vertex((0, 0))
    assert not cap.can_close
    with pytest.raises(InvalidGeometry):
        cap.close()
    cap.add_vertex((3, 4))
    assert cap.length_so_far() == 5.0
    assert cap.length_so_far(cursor=(3, 10)) == 11.0
    line = cap.close()
    assert isinstance(line, LineString) and line.length == 5.0 and not cap.is_active


def test_rectangle_capture():
    cap = RectangleCapture()
    cap.add_vertex((10, 10))
    assert cap.rectangle(cursor=(0, 5)).bounds == (0, 5, 10, 10)
    assert cap.area_so_far(cursor=(0, 5)) == 50.0
    assert not cap.can_close
    cap.add_vertex((30, 0))
    assert not cap.add_vertex((50, 50))  # two corners are all it takes
    rect = cap.close()
    assert rect.bounds == (10, 0, 30, 10) and rect.area == 200.0 and rect.exterior.is_ccw


def test_flat_rectangle_is_refused():
    cap = RectangleCapture()
    cap.add_vertex((0, 0))
    cap.add_vertex((10, 0))
    with pytest.raises(InvalidGeometry):
        cap.close()


# --- vertex editing ---------------------------------------------------------------------------
SQUARE = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])


def test_nearest_vertex_and_edge():
    assert nearest_vertex(SQUARE, (9, 9.5))[:2] == (0, 2)
    ring, index, point, dist = nearest_edge(SQUARE, (5, -1))
    assert (ring, index, point, dist) == (0, 0, (5.0, 0.0), 1.0)
    # The closing edge (last vertex → first) counts for a polygon, not for a line.
    assert nearest_edge(SQUARE, (-1, 5))[:2] == (0, 3)
    line = LineString([(0, 0), (10, 0), (10, 10)])
    assert nearest_edge(line, (-1, 5))[:2] == (0, 0)


def test_move_insert_delete_vertex():
    moved = move_vertex(SQUARE, 0, 2, (12, 12))
    assert list(moved.exterior.coords)[2] == (12.0, 12.0) and moved.is_valid
    inserted = insert_vertex(SQUARE, 0, 1, (5, -2))
    assert list(inserted.exterior.coords)[:3] == [(0, 0), (5, -2), (10, 0)]
    assert inserted.area == pytest.approx(110.0)
    tri = delete_vertex(SQUARE, 0, 3)
    assert tri.area == pytest.approx(50.0) and len(tri.exterior.coords) == 4
    with pytest.raises(InvalidGeometry):
        delete_vertex(tri, 0, 0)
    line = LineString([(0, 0), (10, 0), (10, 10)])
    assert list(delete_vertex(line, 0, 1).coords) == [(0, 0), (10, 10)]
    with pytest.raises(InvalidGeometry):
        delete_vertex(LineString([(0, 0), (1, 1)]), 0, 0)


def test_polygon_with_hole_keeps_its_hole():
    holed = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
    assert nearest_vertex(holed, (4.1, 4.1))[:2] == (1, 0)
    edited = move_vertex(holed, 1, 0, (3, 3))
    assert len(edited.interiors) == 1 and edited.area == pytest.approx(100 - 6.0)


def test_translate_is_exact():
    moved = translate(Polygon([(X0, Y0), (X0 + 1, Y0), (X0, Y0 + 1)]), 2.5, -1.25)
    assert list(moved.exterior.coords)[0] == (X0 + 2.5, Y0 - 1.25)


# --- Snapper ----------------------------------------------------------------------------------
def _snapper():
    s = Snapper()
    s.set_layer("basemap_buildings", [(1, Polygon([(X0, Y0), (X0 + 20, Y0), (X0 + 20, Y0 + 10), (X0, Y0 + 10)])),
                                      (2, Polygon([(X0 + 100, Y0), (X0 + 120, Y0), (X0 + 120, Y0 + 10)]))])
    s.set_layer("walk_network", [(5, LineString([(X0 - 50, Y0 - 5), (X0 + 200, Y0 - 5)]))])
    s.set_layer("entrances", [(9, Point(X0 + 60, Y0 + 60))])
    return s


def test_snap_to_vertex_is_exact_and_wins_over_a_nearer_edge():
    s = _snapper()
    hit = s.snap((X0 + 20.4, Y0 + 9.1), 1.0)
    assert hit.kind == "vertex" and hit.point == (X0 + 20, Y0 + 10)
    assert (hit.layer, hit.fid) == ("basemap_buildings", 1)
    assert hit.distance == pytest.approx(math.hypot(0.4, 0.9))


def test_snap_to_edge_projects_onto_it():
    s = _snapper()
    hit = s.snap((X0 + 7, Y0 + 10.6), 1.0)
    assert hit.kind == "edge" and hit.point == pytest.approx((X0 + 7, Y0 + 10))
    assert hit.segment == ((X0 + 20, Y0 + 10), (X0, Y0 + 10))
    assert s.snap((X0 + 7, Y0 - 4.5), 1.0).layer == "walk_network"


def test_snap_respects_tolerance_layers_kinds_and_exclusions():
    s = _snapper()
    assert s.snap((X0 + 7, Y0 + 12), 1.0) is None
    assert s.snap((X0 + 20.4, Y0 + 9.1), 1.0, layers=["walk_network"]) is None
    assert s.snap((X0 + 20.4, Y0 + 9.1), 1.0, vertices=False).kind == "edge"
    assert s.snap((X0 + 20.4, Y0 + 9.1), 1.0, exclude=[("basemap_buildings", 1)]) is None
    assert s.snap((X0 + 60.5, Y0 + 60), 1.0).point == (X0 + 60, Y0 + 60)  # a point is a vertex


def test_updates_are_seen_without_a_full_rebuild():
    s = _snapper()
    assert s.snap((X0 + 20, Y0 + 10), 0.5) is not None  # builds the indexes
    s.update("basemap_buildings", 1, translate(s.geometry("basemap_buildings", 1), 1000, 0))
    assert s.snap((X0 + 20, Y0 + 10), 0.5) is None
    assert s.snap((X0 + 1020, Y0 + 10), 0.5).fid == 1
    s.update("basemap_buildings", 3, Point(X0 + 500, Y0))
    assert s.snap((X0 + 500.2, Y0), 0.5).fid == 3
    s.update("basemap_buildings", 3, None)
    assert s.snap((X0 + 500.2, Y0), 0.5) is None
    for fid in range(100, 200):  # many changes: rebuilds
        s.update("basemap_buildings", fid, Point(X0 + fid, Y0 + 1000))
    assert s.snap((X0 + 150, Y0 + 1000.1), 0.5).fid == 150
    assert s.snap((X0 + 1020, Y0 + 10), 0.5).fid == 1


def test_features_at_orders_by_layer_then_distance_then_area():
    s = Snapper()
    s.set_layer("facilities", [(1, shapely.box(X0 + 5, Y0 + 5, X0 + 10, Y0 + 10))])
    s.set_layer("residential", [(2, shapely.box(X0, Y0, X0 + 100, Y0 + 100)),
                                (3, shapely.box(X0 + 2, Y0 + 2, X0 + 50, Y0 + 50))])
    assert s.features_at((X0 + 6, Y0 + 6), 1.0, ["facilities", "residential"]) == [
        ("facilities", 1), ("residential", 3), ("residential", 2)]
    assert s.features_at((X0 + 60, Y0 + 60), 1.0, ["facilities", "residential"]) == [("residential", 2)]
    assert s.features_at((X0 + 6, Y0 + 6), 1.0, ["walk_network"]) == []
    assert s.features_in((X0 + 8, Y0 + 8, X0 + 9, Y0 + 9), ["facilities"]) == [("facilities", 1)]


def test_multipart_geometries_snap():
    s = Snapper()
    s.set_layer("basemap_water", [(4, MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)]))])
    assert s.snap((5.9, 6.1), 0.2).point == (6.0, 6.0)


def test_snapping_twenty_thousand_polygons_is_array_code():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 5000, 20_000) + X0, rng.uniform(0, 5000, 20_000) + Y0
    s = Snapper()
    s.set_layer("basemap_buildings", enumerate(shapely.box(x, y, x + 10, y + 8)))
    hit = s.snap((x[123] + 10.2, y[123] + 8.1), 0.5)
    assert hit.point == (x[123] + 10, y[123] + 8)
