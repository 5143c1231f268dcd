"""The admin's conflicts list: figures side by side, resolved in one step."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from deployments.models import FigureResolution, Standing, TroopCount
from tests.conftest import user_with_permissions
from tests.factories import (
    NationFactory,
    reported_count,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:deployments_figureresolution_conflicts")
JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


@pytest.fixture
def croatia() -> list[TroopCount]:
    nation = NationFactory(code="HRV", name="Croatia")
    return [
        reported_count(nation, 14, JAN[8], "Outlet A"),
        reported_count(nation, 21, JAN[9], "Outlet B"),
        reported_count(nation, 7, JAN[10], "Outlet C"),
    ]


def key(counts: list[TroopCount]) -> str:
    return f"{counts[0].deployment_id}-{counts[0].pk}"


def standings(counts: list[TroopCount]) -> list[str]:
    return [TroopCount.objects.get(pk=count.pk).standing for count in counts]


def test_the_list_shows_each_conflict_with_its_figures_and_quotes(
    admin_client: Client, croatia: list[TroopCount]
) -> None:
    page = admin_client.get(URL).text
    assert "Croatia in Iraq, 8 Jan 2020 – 10 Jan 2020" in page
    assert '<span class="state-open">open</span>' in page
    for publisher, troops in [("Outlet A", 14), ("Outlet B", 21), ("Outlet C", 7)]:
        assert f"“{publisher} counts {troops} soldiers”" in page
    assert page.count('type="radio" name="preferred"') == 3
    # Its styles come from a file, as the content security policy requires.
    assert "deployments/conflicts.css" in page
    assert "<style" not in page.split("</head>")[1]


def test_a_conflict_is_resolved_in_one_step(
    admin_client: Client, croatia: list[TroopCount]
) -> None:
    older, preferred, newer = croatia
    response = admin_client.post(
        URL,
        {"conflict": key(croatia), "preferred": preferred.pk, "note": "Official."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Croatia in Iraq: 21 (Outlet B, 2020-01-09) is preferred" in response.text
    assert standings(croatia) == [
        Standing.SUPERSEDED,
        Standing.ASSERTED,
        Standing.DISPUTED,
    ]
    resolution = FigureResolution.objects.get()
    assert (resolution.preferred_id, resolution.note) == (preferred.pk, "Official.")
    assert resolution.history.count() == 1
    assert '<span class="state-resolved">resolved</span>' in response.text
    assert "Official." in response.text
    filtered = admin_client.get(URL, {"state": "open"}).text
    assert "No conflicts match these filters." in filtered


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"note": ""}, "Why this figure: This field is required."),
        ({"preferred": 0}, "Choose one of this conflict&#x27;s figures."),
        ({"conflict": "999-999"}, "This conflict has changed since the page"),
        ({"conflict": "garbage"}, "This conflict has changed since the page"),
    ],
)
def test_a_refused_resolution_says_why_and_changes_nothing(
    admin_client: Client, croatia: list[TroopCount], post: dict, message: str
) -> None:
    data = {"conflict": key(croatia), "preferred": croatia[1].pk, "note": "Why."}
    response = admin_client.post(URL, data | post)
    assert response.status_code == 200
    assert message in response.text
    assert standings(croatia) == [Standing.ASSERTED] * 3
    assert not FigureResolution.objects.exists()


def test_a_conflict_that_changed_meanwhile_is_not_resolved_blind(
    admin_client: Client, croatia: list[TroopCount]
) -> None:
    """Another analyst retracted the oldest figure after the page loaded: the
    group the form names is gone."""
    older = croatia[0]
    older.standing = Standing.RETRACTED
    older.save()
    response = admin_client.post(
        URL, {"conflict": key(croatia), "preferred": croatia[1].pk, "note": "Why."}
    )
    assert "This conflict has changed since the page" in response.text
    assert standings(croatia)[1:] == [Standing.ASSERTED] * 2


@pytest.fixture
def reader(db: None) -> User:
    return user_with_permissions("reader", "view_troopcount", "view_figureresolution")


def test_a_reader_sees_conflicts_but_cannot_resolve_them(
    client: Client, reader: User, croatia: list[TroopCount]
) -> None:
    reader.is_staff = True
    reader.save()
    client.force_login(reader)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="preferred"' not in page.text
    response = client.post(
        URL, {"conflict": key(croatia), "preferred": croatia[1].pk, "note": "Why."}
    )
    assert response.status_code == 403
    assert standings(croatia) == [Standing.ASSERTED] * 3


def test_bad_filters_show_their_errors_and_no_conflicts(
    admin_client: Client, croatia: list[TroopCount]
) -> None:
    page = admin_client.get(URL, {"state": "closed", "nation": "not a code"}).text
    assert "Select a valid choice." in page
    assert "0 conflicts." in page


def test_the_resolutions_list_links_to_the_conflicts(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:deployments_figureresolution_changelist"))
    assert f'href="{URL}"' in page.text
