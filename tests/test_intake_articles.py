"""Reading an article file, and refusing what is not an article."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from deployments.intake.articles import (
    ArticleRefused,
    check_article_text,
    existing_source,
    read_article_file,
)
from deployments.models.base import MAX_ARTICLE_CHARS
from tests.factories import SourceFactory

ENGLISH = "Norway has about 60 soldiers in Latvia, and they will stay there."


def test_a_plain_text_file_is_its_own_body(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    article = read_article_file(path)
    assert article.text == ENGLISH
    assert (article.title, article.publisher, article.published_on) == ("", "", None)


def test_the_dev_set_layout_gives_title_outlet_date_and_url(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "Norway stays in Latvia\n"
        "The Test Herald, 2024-03-06 10:15, by a reporter\n"
        "https://example.org/norway\n" + ENGLISH,
        encoding="utf-8",
    )
    article = read_article_file(path)
    assert article.text == ENGLISH  # offsets count in the body alone
    assert article.title == "Norway stays in Latvia"
    assert article.publisher == "The Test Herald"
    assert article.published_on == datetime.date(2024, 3, 6)
    assert article.url == "https://example.org/norway"


def test_html_keeps_the_main_text_and_drops_scripts_and_navigation(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.html"
    path.write_text(
        "<html><head><title>Norway stays</title>"
        "<script>var secret = 'tracking code';</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World news menu</a></nav>"
        f"<article><h1>Norway stays</h1><p>{ENGLISH}</p>"
        "<p>Officials said the mission in Latvia would go on for years, as "
        "the government in Oslo has decided, and that the soldiers there are "
        "well prepared for the winter.</p></article>"
        "<footer>Copyright the Herald. All rights reserved.</footer>"
        "</body></html>",
        encoding="utf-8",
    )
    article = read_article_file(path)
    assert ENGLISH in article.text
    assert "tracking code" not in article.text
    assert "World news menu" not in article.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" \n\t \n", "empty"),
        ("Norway\x00 has soldiers", "binary"),
        ("x " * (MAX_ARTICLE_CHARS // 2 + 1), "at most 1,000,000"),
        (
            "Die Bundeswehr hat etwa 60 Soldaten in Litauen stationiert, sagte "
            "das Ministerium am Montag in Berlin.",
            "only English",
        ),
    ],
)
def test_texts_that_are_not_articles_are_refused_clearly(
    text: str, message: str
) -> None:
    with pytest.raises(ArticleRefused, match=message):
        check_article_text(text)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"Norway has \xff\xfe soldiers in Latvia and they stay.")
    with pytest.raises(ArticleRefused, match="not UTF-8"):
        read_article_file(path)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ArticleRefused, match="binary"):
        read_article_file(path)


def test_other_kinds_of_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ArticleRefused, match=".txt and .html"):
        read_article_file(path)


@pytest.mark.django_db
def test_an_article_entered_already_is_found_whatever_the_case() -> None:
    source = SourceFactory(
        title="Norway stays in Latvia",
        publisher="The Test Herald",
        published_on=datetime.date(2024, 3, 6),
    )
    assert (
        existing_source(
            "norway STAYS in latvia", "the test herald", source.published_on
        )
        == source
    )
    assert (
        existing_source(
            "Norway stays in Latvia", "The Test Herald", datetime.date(2024, 3, 7)
        )
        is None
    )
