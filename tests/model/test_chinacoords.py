"""WGS-84 ↔ GCJ-02 ↔ BD-09 (model/io/chinacoords.py): published pairs, and the iterative inverses'
round trip measured on the ellipsoid (pyproj.Geod) over China."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from lifecircle_desktop.model.io.chinacoords import (bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, to_wgs84,
                                                     wgs84_to_bd09, wgs84_to_gcj02)

GEOD = Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# (WGS lon, WGS lat, GCJ lon, GCJ lat) from implementations' own tests: googollee/eviltransform
# (Shanghai, Shenzhen, Beijing; full precision) and the Beijing railway station pair
# (rounded to 5 decimals, ≈ 1 m).
EVILTRANSFORM = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]
BEIJING_STATION = (116.42079, 39.90105, 116.42703, 39.90245)


@pytest.mark.parametrize("wlon, wlat, glon, glat", EVILTRANSFORM)
def test_forward_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert metres(lon, lat, glon, glat) < 0.01


@pytest.mark.parametrize("wlon, wlat, glon, glat", EVILTRANSFORM + [BEIJING_STATION])
def test_inverse_finds_the_published_wgs84_point(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    # Full-precision pairs agree to millimetres; the station's 5-decimal pair to its rounding (~1 m).
    limit = 0.01 if (glon, glat) != BEIJING_STATION[2:] else 2.0
    assert metres(lon, lat, wlon, wlat) < limit


def test_bd09_forward_matches_a_published_pair():
    # wandergis/coordtransform's own example: gcj02tobd09(116.404, 39.915).
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert metres(lon, lat, 116.41036949371029, 39.92133699351021) < 0.01


def test_round_trip_over_a_grid_covering_china_is_under_half_a_metre():
    lon, lat = np.meshgrid(np.linspace(73.5, 135.0, 120), np.linspace(18.0, 53.5, 80))
    lon, lat = lon.ravel(), lat.ravel()
    for forward, inverse in ((wgs84_to_gcj02, gcj02_to_wgs84), (wgs84_to_bd09, bd09_to_wgs84)):
        back_lon, back_lat = inverse(*forward(lon, lat))
        error = metres(back_lon, back_lat, lon, lat)
        assert error.max() < 0.5
        # and the shift the inverse undid was real: hundreds of metres, not zero
        assert np.median(metres(*forward(lon, lat), lon, lat)) > 100


def test_outside_china_is_unchanged_by_gcj02():
    lon, lat = np.array([2.35, -74.0, 151.2]), np.array([48.85, 40.7, -33.9])
    assert np.array_equal(np.stack(wgs84_to_gcj02(lon, lat)), np.stack([lon, lat]))
    assert np.allclose(np.stack(gcj02_to_wgs84(lon, lat)), np.stack([lon, lat]), atol=0, rtol=0)


def test_to_wgs84_by_name():
    lon, lat = wgs84_to_bd09(121.5, 31.28)
    back = to_wgs84("bd09", lon, lat)
    assert metres(*back, 121.5, 31.28) < 0.5
    with pytest.raises(ValueError):
        to_wgs84("cgcs2000", 121.5, 31.28)


@settings(max_examples=200, deadline=None)
@given(st.floats(73.6, 134.7), st.floats(18.2, 53.5), st.sampled_from(["gcj02", "bd09"]))
def test_round_trip_of_random_points_in_china(lon, lat, system):
    forward = wgs84_to_gcj02 if system == "gcj02" else wgs84_to_bd09
    back_lon, back_lat = to_wgs84(system, *forward(lon, lat))
    assert metres(back_lon, back_lat, lon, lat) < 0.5
