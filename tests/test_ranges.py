"""Counts and statements say a range or a bound exactly ("30 to 40", "over
900", "nearly 12,000"), and count at their lowest credible figure."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from deployments.models import Intention, Precision, Stance, TroopCount
from deployments.status import current_status
from tests.factories import IntentionFactory, TroopCountFactory

pytestmark = pytest.mark.django_db


def errors_of(record) -> dict[str, list[str]]:
    try:
        record.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


class TestTroopCountRanges:
    def test_a_range_counts_at_its_low_end(self) -> None:
        count = TroopCountFactory(
            troops=None, troops_low=30, troops_high=40, figure_text="30 to 40"
        )
        count.refresh_from_db()
        assert count.troops == 30
        assert count.display_troops == "30–40"

    def test_a_lower_bound_counts_at_the_bound(self) -> None:
        count = TroopCountFactory(troops=None, troops_low=900, figure_text="over 900")
        count.refresh_from_db()
        assert (count.troops, count.display_troops) == (900, "900+")

    def test_an_upper_bound_counts_at_the_bound(self) -> None:
        count = TroopCountFactory(
            troops=None, troops_high=12_000, figure_text="nearly 12,000"
        )
        assert (count.troops, count.display_troops) == (12_000, "≤12,000")

    def test_a_range_needs_no_unknown_precision(self) -> None:
        count = TroopCountFactory.build(
            troops=None, troops_low=30, troops_high=40, precision=Precision.UNKNOWN
        )
        assert "precision" in errors_of(count)

    def test_the_high_end_below_the_low_end_is_refused_by_name(self) -> None:
        count = TroopCountFactory.build(troops=None, troops_low=40, troops_high=30)
        assert errors_of(count)["troops_high"] == [
            "The high end (30) is below the low end (40)."
        ]

    def test_a_figure_outside_its_range_is_refused(self) -> None:
        count = TroopCountFactory.build(troops=50, troops_low=30, troops_high=40)
        assert errors_of(count)["troops"] == ["50 is above the range's high end (40)."]

    @pytest.mark.parametrize(
        ("troops", "low", "high"), [(50, 30, 40), (None, 30, 40), (10, 20, None)]
    )
    def test_the_database_refuses_what_the_model_refuses(
        self, troops: int | None, low: int, high: int | None
    ) -> None:
        count = TroopCountFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            TroopCount.objects.filter(pk=count.pk).update(
                troops=troops, troops_low=low, troops_high=high
            )

    def test_the_status_shows_the_range_and_counts_its_low_end(self) -> None:
        TroopCountFactory(
            nation__code="DNK",
            troops=None,
            troops_low=30,
            troops_high=40,
            location="Ain al-Asad",
        )
        (row,) = current_status()
        assert (row.troops, row.troops_low, row.troops_high) == (30, 30, 40)
        assert row.troops_display == "30–40"
        assert row.troops_location == "Ain al-Asad"


class TestStatementRanges:
    def test_a_range_of_troops_affected_counts_at_its_low_end(self) -> None:
        statement = IntentionFactory(
            stance=Stance.STAYING,
            troops_affected=None,
            troops_affected_low=30,
            troops_affected_high=40,
        )
        statement.refresh_from_db()
        assert statement.troops_affected == 30

    def test_the_planned_level_is_kept_and_shown_in_the_status(self) -> None:
        IntentionFactory(
            stance=Stance.PARTIAL_WITHDRAWAL, target_troops=24_000, location="Taji"
        )
        (row,) = current_status()
        assert (row.target_troops, row.intention_location) == (24_000, "Taji")

    def test_an_unordered_range_is_refused_in_the_database(self) -> None:
        statement = IntentionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Intention.objects.filter(pk=statement.pk).update(
                troops_affected=None, troops_affected_low=40, troops_affected_high=30
            )

    def test_a_negative_planned_level_is_refused_in_the_database(self) -> None:
        statement = IntentionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Intention.objects.filter(pk=statement.pk).update(target_troops=-1)


class TestRangesThroughTheApi:
    URL = "/api/troop-counts/"

    def test_a_range_is_written_and_read_whole(self, editor_client) -> None:
        count = TroopCountFactory(troops=500, precision=Precision.ESTIMATED)
        response = editor_client.patch(
            f"{self.URL}{count.pk}/",
            {"troops_low": 30, "troops_high": 40, "location": "Taji"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["troops"], body["troops_low"], body["troops_high"]) == (30, 30, 40)
        assert (body["troops_display"], body["location"]) == ("30–40", "Taji")

    def test_a_figure_written_alone_clears_the_old_range(self, editor_client) -> None:
        count = TroopCountFactory(
            troops=None, troops_low=30, troops_high=40, precision=Precision.ESTIMATED
        )
        response = editor_client.patch(
            f"{self.URL}{count.pk}/",
            {"troops": None, "precision": "unknown"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        count.refresh_from_db()
        assert (count.troops, count.troops_low, count.troops_high) == (None,) * 3

    def test_an_unordered_range_is_refused_and_changes_nothing(
        self, editor_client
    ) -> None:
        count = TroopCountFactory(troops=500, precision=Precision.ESTIMATED)
        response = editor_client.patch(
            f"{self.URL}{count.pk}/",
            {"troops_low": 40, "troops_high": 30},
            format="json",
        )
        assert response.status_code == 400
        assert "troops_high" in response.json()["errors"]
        count.refresh_from_db()
        assert (count.troops, count.troops_low, count.version) == (500, None, 1)


class TestRangesOnThePages:
    def test_the_status_page_shows_the_range_base_and_planned_level(
        self, client
    ) -> None:
        germany = TroopCountFactory(
            nation__code="DEU",
            nation__name="Germany",
            troops=None,
            troops_low=30,
            troops_high=40,
            location="Taji",
        ).nation
        IntentionFactory(
            nation=germany, stance=Stance.PARTIAL_WITHDRAWAL, target_troops=24_000
        )
        page = client.get("/").content.decode()
        assert "30–40" in page
        assert "at Taji" in page
        assert "planned level 24,000" in page
        nation_page = client.get("/nations/DEU/").content.decode()
        assert "at Taji" in nation_page
        assert "planned level of 24,000 troops" in nation_page
