"""Great-circle distance: the one definition of "km between two points" in chainbrain.

Haversine on a sphere of the mean Earth radius R₁ = 6371.0088 km (IUGG, Moritz 2000, *Geodetic Reference
System 1980*). Coordinates are degrees; the bundled data are GCJ-02, whose offset from WGS-84 (a few
hundred metres, smooth over a city) changes distances between nearby points by far less than a metre per
kilometre, so distances are taken on the coordinates as stored.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance in km between (lon1, lat1) and (lon2, lat2), degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
