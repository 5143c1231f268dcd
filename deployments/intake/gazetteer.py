"""The nations and alliances proposals may name, by the tracker's codes.

States are ISO 3166-1 alpha-3, named as ``pycountry`` (the ISO data, kept up
by its maintainers) names them, by their common name where ISO's official
one is long ("Iran" rather than "Iran, Islamic Republic of"); alliances are
kept beside this module in ``alliances.json``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import NamedTuple

import pycountry

ALLIANCES_FILE = Path(__file__).with_name("alliances.json")


class KnownNation(NamedTuple):
    code: str
    name: str
    kind: str  # "state" or "alliance", as Nation.Kind


@functools.cache
def _alliances() -> dict[str, str]:
    return json.loads(ALLIANCES_FILE.read_text(encoding="utf-8"))


def known_nation(code: str) -> KnownNation | None:
    """The state or alliance with ``code``, or None when there is none."""
    if code in _alliances():
        return KnownNation(code, _alliances()[code], "alliance")
    if len(code) != 3:
        return None
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    name = getattr(country, "common_name", None) or country.name
    # ISO's "Iran, Islamic Republic of" reads as "Iran" on every page.
    return KnownNation(code, name.split(",")[0], "state")
