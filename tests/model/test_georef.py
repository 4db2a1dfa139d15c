"""Control points → transform (model/georef.py): exact recovery, least squares on noisy points,
refusals, storage, and placement by a known CRS. Expected values come from formulas written here."""
import math

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Polygon

from lifecircle_desktop.model import georef
from lifecircle_desktop.model.errors import PlanError

# A CAD drawing in millimetres placed in UTM 51N near Tongji: 1 mm = 0.001 m, turned 30°.
ANGLE = math.radians(30)
SCALE = 0.001
SHIFT = (355_000.0, 3_464_000.0)


def similarity(x, y):
    c, s = SCALE * math.cos(ANGLE), SCALE * math.sin(ANGLE)
    return (c * x - s * y + SHIFT[0], s * x + c * y + SHIFT[1])


def affine(x, y):
    return (0.0011 * x + 0.0003 * y + 355_000.0, -0.0002 * x + 0.0009 * y + 3_464_000.0)


DRAWING = [(0.0, 0.0), (250_000.0, 0.0), (250_000.0, 180_000.0), (0.0, 180_000.0), (120_000.0, 60_000.0)]


def pairs_for(transform, points=DRAWING):
    return [(p, transform(*p)) for p in points]


def test_similarity_from_two_points_recovers_the_transform():
    g = georef.fit(pairs_for(similarity, DRAWING[:2]), "similarity")
    assert g.kind == "similarity"
    probe = (77_777.0, -12_345.0)
    assert np.allclose(g.apply(probe), similarity(*probe), atol=1e-6)
    assert g.scale_factor == pytest.approx(SCALE)
    assert g.rmse == pytest.approx(0.0, abs=1e-6)


def test_affine_from_three_points_recovers_the_transform():
    g = georef.fit(pairs_for(affine, DRAWING[:3]), "affine")
    assert g.kind == "affine"
    probe = np.array([[77_777.0, -12_345.0], [1e6, 2e6]])
    expected = np.array([affine(*p) for p in probe])
    assert np.allclose(g.apply(probe), expected, atol=1e-6)
    assert g.residuals == pytest.approx([0, 0, 0], abs=1e-6)


def test_auto_picks_affine_for_three_spread_points_and_similarity_for_two():
    assert georef.fit(pairs_for(affine, DRAWING[:3])).kind == "affine"
    assert georef.fit(pairs_for(similarity, DRAWING[:2])).kind == "similarity"
    on_a_line = [(0.0, 0.0), (1000.0, 0.0), (3000.0, 0.0)]
    assert georef.fit(pairs_for(similarity, on_a_line)).kind == "similarity"


def helmert(pairs):
    """The closed-form least-squares similarity (Helmert) — independent of georef's lstsq."""
    src = np.array([p[0] for p in pairs])
    dst = np.array([p[1] for p in pairs])
    s, d = src - src.mean(0), dst - dst.mean(0)
    norm = (s ** 2).sum()
    a = (s[:, 0] * d[:, 0] + s[:, 1] * d[:, 1]).sum() / norm
    b = (s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0]).sum() / norm
    placed = np.column_stack([a * s[:, 0] - b * s[:, 1], b * s[:, 0] + a * s[:, 1]]) + dst.mean(0)
    return np.hypot(*(placed - dst).T)


def test_similarity_residuals_on_noisy_points_match_the_helmert_solution():
    rng = np.random.default_rng(14)
    noisy = [(p, tuple(np.add(q, rng.normal(0, 0.3, 2)))) for p, q in pairs_for(similarity)]
    g = georef.fit(noisy, "similarity")
    expected = helmert(noisy)
    assert g.residuals == pytest.approx(list(expected), abs=1e-6)
    assert g.rmse == pytest.approx(math.sqrt((expected ** 2).mean()), abs=1e-6)
    assert 0.05 < g.rmse < 1.0


def test_one_misclicked_point_has_the_largest_residual():
    grid = [(x * 50_000.0, y * 40_000.0) for x in range(4) for y in range(4)]
    pairs = pairs_for(affine, grid)
    (x, y), (e, n) = pairs[5]
    pairs[5] = ((x, y), (e + 5.0, n))  # 5 m off on the map
    g = georef.fit(pairs, "affine")
    assert int(np.argmax(g.residuals)) == 5 and g.residuals[5] > 3.0
    # Least squares: the fit's squared error is no larger than the true transform's (25 m²).
    assert sum(r * r for r in g.residuals) <= 25.0 + 1e-6
    # The normal equations solved directly (uncentred) give the same residuals.
    src = np.array([p[0] for p in pairs])
    design = np.column_stack([src, np.ones(len(src))])
    dst = np.array([p[1] for p in pairs])
    coef = np.linalg.solve(design.T @ design, design.T @ dst)
    assert g.residuals == pytest.approx(list(np.hypot(*(design @ coef - dst).T)), abs=1e-4)


@pytest.mark.parametrize("kind, count", [("similarity", 1), ("affine", 2), ("auto", 1)])
def test_too_few_points_are_refused(kind, count):
    with pytest.raises(PlanError) as e:
        georef.fit(pairs_for(similarity, DRAWING[:count]), kind)
    assert "至少需要" in e.value.message_zh and "at least" in e.value.message_en


@pytest.mark.parametrize("points", [
    [(0.0, 0.0), (1000.0, 1000.0), (5000.0, 5000.0)],            # exactly on a line
    [(0.0, 0.0), (1_000_000.0, 0.0), (500_000.0, 100.0)],        # 0.1 m off a 1 km line (mm units)
])
def test_collinear_points_refused_for_affine_with_the_reason(points):
    with pytest.raises(PlanError) as e:
        georef.fit(pairs_for(affine, points), "affine")
    assert e.value.message_zh.startswith("控制点共线，无法确定仿射变换")
    assert "collinear" in e.value.message_en


def test_coincident_points_refused():
    pairs = pairs_for(similarity, [(0.0, 0.0), (1000.0, 0.0), (0.0, 0.0)])
    with pytest.raises(PlanError) as e:
        georef.fit(pairs, "similarity")
    assert "1 和 3" in e.value.message_zh and "1 and 3" in e.value.message_en
    same_on_map = [((0.0, 0.0), (10.0, 10.0)), ((500.0, 0.0), (10.0, 10.0))]
    with pytest.raises(PlanError, match="same point on the map"):
        georef.fit(same_on_map)


def test_non_finite_control_point_refused():
    with pytest.raises(PlanError):
        georef.fit([((0.0, 0.0), (1.0, 1.0)), ((math.nan, 0.0), (2.0, 2.0))])


def test_json_round_trip_keeps_points_and_transform():
    rng = np.random.default_rng(3)
    noisy = [(p, tuple(np.add(q, rng.normal(0, 0.2, 2)))) for p, q in pairs_for(affine)]
    g = georef.fit(noisy, "affine")
    back = georef.Georef.from_json(g.to_json())
    assert back.kind == "affine" and back.pairs == g.pairs
    assert back.residuals == pytest.approx(g.residuals)
    assert np.allclose(back.apply(DRAWING), g.apply(DRAWING))


@pytest.mark.parametrize("text", ["", "{", '{"kind": "affine"}', '{"kind": "spline", "control": []}', "[1, 2]"])
def test_damaged_json_is_one_sentence(text):
    with pytest.raises(PlanError, match="damaged"):
        georef.Georef.from_json(text)


def test_to_shapely_places_an_outline_in_metres():
    g = georef.fit(pairs_for(similarity, DRAWING[:2]))
    square = Polygon([(0, 0), (20_000, 0), (20_000, 10_000), (0, 10_000)])  # 20 m × 10 m in mm
    placed = g.to_shapely(square)
    assert placed.area == pytest.approx(200.0)
    assert np.allclose(placed.exterior.coords[1], similarity(20_000, 0))


# Tongji University, Shanghai: the same point in CGCS2000 3° Gauss–Krüger CM 120°E (zone 40) and UTM 51N.
LON, LAT = 121.5010, 31.2840
GK = Transformer.from_crs(4326, 4549, always_xy=True).transform(LON, LAT)
UTM = Transformer.from_crs(4326, 32651, always_xy=True).transform(LON, LAT)


def test_known_crs_gauss_kruger_without_prefix():
    g = georef.from_crs(4549, 32651)
    assert np.allclose(g.apply(GK), UTM, atol=0.01)


def test_known_crs_gauss_kruger_with_zone_prefix_stripped():
    prefixed = (GK[0] + 40_000_000, GK[1])
    offset = georef.zone_offset_for(4549, prefixed[0])
    assert offset == 40_000_000
    g = georef.from_crs(4549, 32651, zone_offset=offset)
    assert np.allclose(g.apply(prefixed), UTM, atol=0.01)
    # The same drawing read in the CRS that itself carries the prefix (EPSG:4528, zone 40).
    assert georef.zone_offset_for(4528, prefixed[0]) == 0
    assert np.allclose(georef.from_crs(4528, 32651).apply(prefixed), UTM, atol=0.01)
    stored = georef.Georef.from_json(g.to_json())
    assert np.allclose(stored.apply(prefixed), UTM, atol=0.01)


def test_zone_prefix_of_another_zone_refused():
    with pytest.raises(PlanError, match="zone number 39"):
        georef.zone_offset_for(4549, GK[0] + 39_000_000)


def test_drawing_in_millimetres_in_the_plan_crs():
    g = georef.identity(32651, scale=0.001)
    assert np.allclose(g.apply((UTM[0] * 1000, UTM[1] * 1000)), UTM)
    back = georef.Georef.from_json(g.to_json())
    assert back == g


def test_geographic_crs_refused_for_a_drawing():
    with pytest.raises(PlanError, match="projected"):
        georef.from_crs(4326, 32651)


def test_image_pixels_rows_down_placed_by_a_mirrored_similarity():
    # A scan: 0.5 m per pixel, row numbers grow southwards, top-left corner at (355 000, 3 464 000).
    def pixel_to_map(px, py):
        return (355_000.0 + 0.5 * px, 3_464_000.0 - 0.5 * py)
    pairs = [((0.0, 0.0), pixel_to_map(0, 0)), ((800.0, 600.0), pixel_to_map(800, 600))]
    g = georef.fit(pairs, "similarity", y_down=True)
    assert np.allclose(g.apply((400.0, 100.0)), pixel_to_map(400, 100), atol=1e-6)
    assert np.allclose(georef.Georef.from_json(g.to_json()).apply((10.0, 20.0)), pixel_to_map(10, 20))
    # Without y_down two points fit exactly too, but the picture is upside down away from the line.
    assert not np.allclose(georef.fit(pairs, "similarity").apply((800.0, 0.0)), pixel_to_map(800, 0), atol=1.0)


@pytest.mark.parametrize("g", [
    georef.fit(pairs_for(similarity, DRAWING[:2])),
    georef.fit(pairs_for(affine, DRAWING[:3])),
    georef.from_crs(4549, 32651, zone_offset=40_000_000),
    georef.identity(32651, scale=0.001),
])
def test_inverse_returns_drawing_coordinates(g):
    drawing = np.array([[40_512_345.0, 3_463_000.0], [40_500_000.0, 3_470_000.0]]) if g.kind == "crs" \
        else np.array(DRAWING)
    assert np.allclose(g.inverse_apply(g.apply(drawing)), drawing, atol=1e-3)
