"""What the map shows of the article's status rows: hosts, moves, alliances."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from deployments.maps.overlay import alliances, hosts, moves
from deployments.status import current_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def article() -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def test_a_host_sums_known_counts_and_keeps_unknown_ones_apart(article: None) -> None:
    (iraq,) = hosts(current_status())
    assert (iraq.code, iraq.known_troops) == ("IRQ", 5200 + 500 + 1000)
    assert (iraq.contributors, iraq.unknown_contributors) == (7, 4)
    assert not iraq.only_unknown


def test_a_host_with_only_unknown_figures_is_not_shown_as_zero(article: None) -> None:
    (iraq,) = hosts(current_status(nation_codes=["FRA", "NATO"]))
    assert iraq.known_troops == 0 and iraq.only_unknown


def test_moves_go_to_their_destination_or_to_none_named(article: None) -> None:
    found = {
        (move.destination, move.stance, move.temporary): move.nations
        for move in moves(current_status())
    }
    assert found == {
        ("KWT", "partial_withdrawal", False): ("Canada",),
        (None, "repositioning", False): ("Germany", "Romania"),
        (None, "repositioning", True): ("North Atlantic Treaty Organization",),
    }
    canada = next(move for move in moves(current_status()) if move.destination)
    assert (canada.host, canada.destination_name) == ("IRQ", "Kuwait")
    assert canada.known_troops == 500  # no number affected: the deployment's


def test_filters_and_as_of_apply_to_the_map_as_to_the_table(article: None) -> None:
    repositioning = moves(current_status(stances=["repositioning"]))
    assert all(move.stance == "repositioning" for move in repositioning)
    assert len(repositioning) == 2
    before = current_status(as_of=datetime.date(2020, 1, 7))
    assert hosts(before) == [] and moves(before) == [] and alliances(before) == []


def test_alliances_are_listed_apart_with_their_deployments(article: None) -> None:
    (nato,) = alliances(current_status())
    assert (nato.nation, nato.host_name, nato.troops) == ("NATO", "Iraq", None)
