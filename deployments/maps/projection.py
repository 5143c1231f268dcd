"""The Equal Earth projection (Šavrič, Patterson and Jenny, 2018): equal-area,
so a country's drawn size is its real size, for any part of the world."""

from __future__ import annotations

import math

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Projected x and y (y grows northward) of a point in degrees, on a
    sphere of radius 1: x within ±2.7066, y within ±1.3173."""
    lam = math.radians(longitude)
    theta = math.asin(_M * math.sin(math.radians(latitude)))
    theta2 = theta * theta
    theta6 = theta2 * theta2 * theta2
    x = (
        lam
        * math.cos(theta)
        / (_M * (_A1 + 3 * _A2 * theta2 + theta6 * (7 * _A3 + 9 * _A4 * theta2)))
    )
    y = theta * (_A1 + _A2 * theta2 + theta6 * (_A3 + _A4 * theta2))
    return x, y
