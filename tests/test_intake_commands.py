"""propose_records and take_in_article: an article becomes a source and
proposals for review, all or nothing; a dry run saves nothing."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deployments.intake.articles import ArticleRefused
from deployments.intake.intake import take_in_article
from deployments.models import Proposal, Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Canada has an estimated 500 troops in Iraq, officials said.\n"
    "Defence Minister Jane Roe said on Monday that some of the Canadian troops "
    "will move to Kuwait.\n"
)
HEADER = "Canada moves troops\nThe Test Herald, 2024-03-06\nhttps://example.org/c\n"


def stored() -> tuple[int, int]:
    return Source.objects.count(), Proposal.objects.count()


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "canada.txt"
    path.write_text(HEADER + BODY, encoding="utf-8")
    return path


def test_dry_run_json_lists_the_proposals_and_saves_nothing(article, capsys) -> None:
    call_command("propose_records", str(article), "--dry-run", "--json")
    output = json.loads(capsys.readouterr().out)
    assert stored() == (0, 0)
    kinds = [(p["kind"], p["nation"], p["host"]) for p in output["proposals"]]
    assert kinds == [
        ("troop_count", "CAN", "IRQ"),
        ("intention", "CAN", "IRQ"),
    ]
    count, statement = output["proposals"]
    assert (count["troops"], count["precision"], count["stance"]) == (
        500,
        "estimated",
        None,
    )
    assert (statement["stance"], statement["destination"]) == (
        "partial_withdrawal",
        "KWT",
    )
    assert statement["stated_on"] == "2024-03-04"
    assert statement["speaker"] == "Jane Roe"
    for proposal in output["proposals"]:
        assert BODY[proposal["start"] : proposal["end"]] == proposal["quote"]
        assert proposal["extractor"] == "1.0"


def test_options_override_the_header(article, capsys) -> None:
    call_command(
        "propose_records",
        str(article),
        "--title",
        "Another title",
        "--publisher",
        "Another outlet",
        "--published-on",
        "2024-03-08",
    )
    source = Source.objects.get()
    assert (source.title, source.publisher) == ("Another title", "Another outlet")
    assert source.published_on == datetime.date(2024, 3, 8)


def test_saving_creates_the_source_with_its_text_and_proposals(article) -> None:
    call_command("propose_records", str(article))
    source = Source.objects.get()
    assert source.text == BODY
    assert (source.title, source.publisher, source.url) == (
        "Canada moves troops",
        "The Test Herald",
        "https://example.org/c",
    )
    proposals = list(source.proposals.all())
    assert [p.kind for p in proposals] == ["troop_count", "intention"]
    for proposal in proposals:
        assert proposal.state == Proposal.State.PENDING
        assert source.text[proposal.start : proposal.end] == proposal.quote


def test_a_folder_takes_in_every_article_from_its_headers(tmp_path: Path) -> None:
    for number in (1, 2):
        (tmp_path / f"{number}.txt").write_text(
            f"Report {number}\nThe Test Herald, 2024-03-0{number}\n\n{BODY}",
            encoding="utf-8",
        )
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    call_command("propose_records", str(tmp_path), "--no-progress")
    assert sorted(Source.objects.values_list("title", flat=True)) == [
        "Report 1",
        "Report 2",
    ]


def test_one_bad_file_in_a_folder_saves_nothing(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_text(
        f"Report\nThe Test Herald, 2024-03-01\n\n{BODY}", encoding="utf-8"
    )
    (tmp_path / "2.txt").write_text(
        "Empty\nThe Test Herald, 2024-03-01\n\n   \n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="2.txt: The article's text is empty"):
        call_command("propose_records", str(tmp_path), "--no-progress")
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  \t", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"x " * 500_001, "at most 1,000,000"),
        (
            "Le gouvernement a annoncé lundi que les soldats resteront au Mali "
            "pendant encore deux ans.".encode(),
            "only English",
        ),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = stored()
    with pytest.raises(CommandError, match=message):
        call_command(
            "propose_records",
            str(path),
            "--title",
            "T",
            "--publisher",
            "P",
            "--published-on",
            "2024-03-06",
        )
    assert stored() == before


def test_html_is_read_without_its_scripts(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><script>document.write('Spain will send 9,000 troops "
        "to Iraq.')</script></head><body><article>"
        f"<p>{BODY.splitlines()[0]}</p><p>{BODY.splitlines()[1]}</p>"
        "<p>The government has said little else about the mission so far, "
        "and the opposition in parliament has asked for a debate.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    call_command(
        "propose_records",
        str(path),
        "--title",
        "T",
        "--publisher",
        "P",
        "--published-on",
        "2024-03-06",
    )
    source = Source.objects.get()
    assert "document.write" not in source.text
    assert "ESP" not in set(source.proposals.values_list("nation", flat=True))
    assert "CAN" in set(source.proposals.values_list("nation", flat=True))


def test_a_duplicate_article_names_the_existing_source_and_changes_nothing(
    article,
) -> None:
    existing = SourceFactory(
        title="CANADA MOVES TROOPS",
        publisher="the test herald",
        published_on=datetime.date(2024, 3, 6),
    )
    before = stored()
    with pytest.raises(CommandError, match=f"source {existing.pk}"):
        call_command("propose_records", str(article))
    assert stored() == before


def test_missing_title_publisher_or_date_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(BODY, encoding="utf-8")
    with pytest.raises(CommandError, match="--published-on"):
        call_command("propose_records", str(path), "--dry-run")
    with pytest.raises(CommandError, match="--title and --publisher"):
        call_command("propose_records", str(path), "--published-on", "2024-03-06")
    assert stored() == (0, 0)


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("propose_records", str(tmp_path / "nowhere.txt"), "--dry-run")


def test_take_in_article_saves_source_and_proposals_together() -> None:
    source = take_in_article(
        "Canada moves troops", "The Test Herald", datetime.date(2024, 3, 6), BODY
    )
    assert source.proposals.count() == 2
    with pytest.raises(ArticleRefused, match=f"source {source.pk}"):
        take_in_article(
            "canada moves troops", "The Test Herald", datetime.date(2024, 3, 6), BODY
        )
    assert stored() == (1, 2)


def test_evaluate_intake_fails_below_its_thresholds(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        f"Report\nThe Test Herald, 2024-03-06\n\n{BODY}", encoding="utf-8"
    )
    (tmp_path / "a.facts.json").write_text(
        json.dumps(
            [
                {
                    "kind": "count",
                    "nation": "CAN",
                    "host": "IRQ",
                    "troops": 500,
                    "precision": "estimated",
                    "quote": BODY.splitlines()[0],
                },
                {
                    "kind": "statement",
                    "nation": "DEU",
                    "host": "IRQ",
                    "troops": None,
                    "precision": "unknown",
                    "stance": "staying",
                    "destination": None,
                    "quote": BODY.splitlines()[1],
                },
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="recall 0.500 < 0.9"):
        call_command("evaluate_intake", str(tmp_path))
    call_command(
        "evaluate_intake",
        str(tmp_path),
        "--min-recall",
        "0.5",
        "--min-precision",
        "0.5",
    )


def test_a_publication_date_in_the_future_is_refused_and_saves_nothing(
    article,
) -> None:
    with pytest.raises(CommandError, match="in the future"):
        call_command("propose_records", str(article), "--published-on", "2999-01-01")
    assert stored() == (0, 0)


def test_saving_with_json_prints_the_source_and_its_proposals(article, capsys) -> None:
    call_command("propose_records", str(article), "--json")
    output = json.loads(capsys.readouterr().out)
    assert output["source"] == Source.objects.get().pk
    assert [p["kind"] for p in output["proposals"]] == ["troop_count", "intention"]
