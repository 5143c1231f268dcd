"""The article's fixtures load into an empty database and say what it says."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from deployments.models import Intention, Nation, Source, Standing, TroopCount
from deployments.status import current_status

pytestmark = pytest.mark.django_db

# The article lives in the team's shared folder beside the clone, not in the repo.
ARTICLE = Path(
    os.environ.get(
        "ARTICLE_PATH",
        Path(__file__).resolve().parents[2] / "shared/seed/000_a8caf179c0ae9ecd.txt",
    )
)
ARTICLE_DAY = datetime.date(2020, 1, 8)


@pytest.fixture
def article_data() -> None:
    assert not Nation.objects.exists(), "the fixtures must load into an empty database"
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def test_fixtures_yield_the_articles_status(article_data: None) -> None:
    shown = {
        row.nation: (
            row.host,
            row.troops,
            row.troops_precision,
            row.stance,
            row.temporary,
            row.destination,
        )
        for row in current_status()
        if row.has_statement
    }
    assert shown == {
        "USA": ("IRQ", 5200, "approximate", "staying", False, None),
        "CAN": ("IRQ", 500, "estimated", "partial_withdrawal", False, "KWT"),
        "ITA": ("IRQ", 1000, "approximate", "staying", False, None),
        "FRA": ("IRQ", None, None, "staying", False, None),
        "DEU": ("IRQ", None, None, "repositioning", False, None),
        "ROU": ("IRQ", None, None, "repositioning", False, None),
        "NATO": ("IRQ", None, None, "repositioning", True, None),
    }
    assert len(current_status()) == 7


def test_us_status_rests_on_esper_not_on_the_retracted_letter(
    article_data: None,
) -> None:
    (usa,) = current_status(nation_codes=["USA"])
    assert usa.stated_by == "Mark Esper"
    assert "We are not leaving Iraq." in usa.quote
    letter = Intention.objects.get(speaker="William Seely")
    assert letter.standing == Standing.RETRACTED
    assert letter.stated_on == datetime.date(2020, 1, 6)  # "on Monday"
    assert "mistakenly released draft" in letter.standing_note


def test_every_record_cites_the_article(article_data: None) -> None:
    source = Source.objects.get()
    assert (source.publisher, source.published_on) == (
        "International Business Times (AFP)",
        ARTICLE_DAY,
    )
    assert TroopCount.objects.exclude(source=source).count() == 0
    assert Intention.objects.exclude(source=source).count() == 0
    assert set(Intention.objects.values_list("reported_on", flat=True)) == {ARTICLE_DAY}
    undated = Intention.objects.filter(stated_on__isnull=True).count()
    assert undated == Intention.objects.count() - 1  # only the letter has a day


def test_nato_is_an_alliance_and_states_use_iso_codes(article_data: None) -> None:
    assert Nation.objects.get(code="NATO").kind == Nation.Kind.ALLIANCE
    states = set(Nation.objects.filter(kind=Nation.Kind.STATE).values_list("code"))
    assert states == {
        (code,) for code in ["USA", "CAN", "ITA", "FRA", "DEU", "ROU", "IRQ", "KWT"]
    }


def test_loading_twice_duplicates_nothing(article_data: None) -> None:
    counts = (TroopCount.objects.count(), Intention.objects.count())
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)
    assert (TroopCount.objects.count(), Intention.objects.count()) == counts == (3, 9)


@pytest.mark.skipif(not ARTICLE.exists(), reason=f"article not found at {ARTICLE}")
def test_every_excerpt_and_quote_is_verbatim_from_the_article(
    article_data: None,
) -> None:
    # Quotes may span the article's line breaks; otherwise they are exact.
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    quoted = [*TroopCount.objects.values_list("excerpt", flat=True)]
    quoted += Intention.objects.values_list("quote", flat=True)
    quoted += Intention.objects.exclude(standing_note="").values_list(
        "standing_note", flat=True
    )
    assert len(quoted) == 13
    missing = [quote for quote in quoted if quote not in text]
    assert missing == []


def test_records_pass_model_validation(article_data: None) -> None:
    for record in [*TroopCount.objects.all(), *Intention.objects.all()]:
        record.full_clean()
