"""Analysts move data in and out as CSV, XLSX and JSON; a bad row changes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from deployments.models import Intention, Nation, Source, TroopCount
from deployments.status import current_status

pytestmark = pytest.mark.django_db

RESOURCES_IN_ORDER = ["nations", "sources", "troop-counts", "intentions"]
HEADER = (
    "nation,host,troops,precision,figure_text,counted_on,"
    "source_publisher,source_title,source_published_on,excerpt\n"
)
SOURCE = "Wire,Troops report,2020-02-01"


@pytest.fixture
def article() -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


@pytest.fixture
def wire_source(article: None) -> Source:
    return Source.objects.create(
        publisher="Wire", title="Troops report", published_on="2020-02-01"
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_records", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def status_snapshot() -> list[tuple]:
    return [
        (
            row.nation.code,
            row.host.code,
            row.troops,
            row.troops_precision,
            row.stance,
            row.intention.speaker if row.intention else None,
            row.intention.quote if row.intention else None,
        )
        for row in current_status()
    ]


def test_good_csv_creates_counts(tmp_path: Path, wire_source: Source) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER
        + f"CAN,IRQ,350,exact,350,2020-02-01,{SOURCE},Canada now has 350.\n"
        + f"ITA,IRQ,,unknown,,2020-02-01,{SOURCE},Italy did not say.\n",
    )

    out, _ = run_import("troop-counts", str(path))

    assert "2 created, 0 updated, 0 unchanged" in out
    (canada,) = current_status(nation_codes=["CAN"])
    assert (canada.troops, canada.troops_source) == (350, wire_source)


def test_one_bad_row_saves_nothing_and_names_row_and_field(
    tmp_path: Path, wire_source: Source
) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER
        + f"CAN,IRQ,350,exact,350,2020-02-01,{SOURCE},Fine row.\n"
        + f"ITA,IRQ,-4,exact,-4,2020-02-01,{SOURCE},Negative row.\n"
        + f"ITA,ATL,10,exact,10,2020-02-01,{SOURCE},Unknown host.\n",
    )
    before = TroopCount.objects.count()

    with pytest.raises(CommandError, match="nothing was saved"):
        run_import("troop-counts", str(path))

    assert TroopCount.objects.count() == before


def test_errors_are_listed_per_row_and_field(
    tmp_path: Path, wire_source: Source
) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER
        + f"ITA,IRQ,-4,exact,-4,2020-02-01,{SOURCE},Negative row.\n"
        + f"ITA,ATL,10,exact,10,2020-02-01,{SOURCE},Unknown host.\n",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", "troop-counts", str(path), "--no-progress", stderr=err
        )
    assert "row 1: troops: Ensure this value is greater than or equal to 0." in (
        err.getvalue()
    )
    assert "row 2: host: no nation has the code 'ATL'" in err.getvalue()


def test_unknown_source_is_a_row_error(tmp_path: Path, article: None) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER + "CAN,IRQ,350,exact,350,2020-02-01,Nobody,Nothing,2020-02-01,x\n",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", "troop-counts", str(path), "--no-progress", stderr=err
        )
    assert "source_title: no source with this title" in err.getvalue()


def test_dry_run_reports_but_writes_nothing(
    tmp_path: Path, wire_source: Source
) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER + f"CAN,IRQ,350,exact,350,2020-02-01,{SOURCE},Canada now has 350.\n",
    )
    out, _ = run_import("troop-counts", str(path), "--dry-run")
    assert "Dry run, nothing saved. It would give: 1 created" in out
    assert not TroopCount.objects.filter(troops=350).exists()


def test_importing_the_same_file_twice_creates_no_duplicates(
    tmp_path: Path, wire_source: Source
) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER + f"CAN,IRQ,350,exact,350,2020-02-01,{SOURCE},Canada now has 350.\n",
    )
    run_import("troop-counts", str(path))
    out, _ = run_import("troop-counts", str(path))
    assert "0 created, 0 updated, 1 unchanged" in out
    assert TroopCount.objects.filter(troops=350).count() == 1


def test_import_records_the_user_in_history(
    tmp_path: Path, wire_source: Source, admin_user: User
) -> None:
    path = write(tmp_path, "nations.csv", "code,name,kind\nGBR,United Kingdom,state\n")
    run_import("nations", str(path), "--user", admin_user.username)
    entry = Nation.history.get(code="GBR")
    assert entry.history_user == admin_user


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_export_then_import_into_an_empty_database_gives_the_same_status(
    tmp_path: Path, article: None, file_format: str
) -> None:
    before = status_snapshot()
    files = []
    for resource in RESOURCES_IN_ORDER:
        path = tmp_path / f"{resource}.{file_format}"
        call_command(
            "export_records", resource, "--format", file_format, "--output", str(path)
        )
        files.append((resource, path))
    for model in (Intention, TroopCount, Source, Nation):
        model.objects.all().delete()
    assert current_status() == []

    for resource, path in files:
        run_import(resource, str(path))

    assert status_snapshot() == before
    assert (TroopCount.objects.count(), Intention.objects.count()) == (3, 9)


def test_admin_import_previews_then_commits(
    tmp_path: Path, admin_user: User, article: None
) -> None:
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:deployments_nation_import")
    csv = b"code,name,kind\nGBR,United Kingdom,state\n"
    preview = client.post(
        url,
        {
            "resource": 0,
            "format": 0,
            "import_file": SimpleUploadedFile("nations.csv", csv, "text/csv"),
        },
    )
    assert preview.status_code == 200
    assert "United Kingdom" in preview.text
    assert not Nation.objects.filter(code="GBR").exists()  # a preview only

    form = preview.context["confirm_form"]
    confirmed = client.post(
        reverse("admin:deployments_nation_process_import"), form.initial
    )
    assert confirmed.status_code == 302
    assert Nation.objects.get(code="GBR").name == "United Kingdom"
    assert Nation.history.get(code="GBR").history_user == admin_user


def test_admin_import_with_a_bad_row_shows_the_error_and_offers_no_confirm(
    admin_user: User, article: None
) -> None:
    client = Client()
    client.force_login(admin_user)
    csv = b"code,name,kind\nGBR,United Kingdom,state\nbad code,Nowhere,state\n"
    response = client.post(
        reverse("admin:deployments_nation_import"),
        {
            "resource": 0,
            "format": 0,
            "import_file": SimpleUploadedFile("nations.csv", csv, "text/csv"),
        },
    )
    assert "Use ISO 3166-1 alpha-3" in response.text
    assert response.context.get("confirm_form") is None
    assert not Nation.objects.filter(code="GBR").exists()


def test_admin_export_as_xlsx(admin_user: User, article: None) -> None:
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:deployments_troopcount_export"),
        {"format": 1, "resource": 0, "troopcountresource_nation": True},
    )
    assert response.status_code == 200, response.text[:500]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


@pytest.mark.parametrize(
    ("excerpt", "counted_on", "error"),
    [
        (
            "Canada\x07 now has 350.",
            "2020-02-01",
            "row 1: excerpt: Contains the control character U+0007",
        ),
        ("\u200b\u200b", "2020-02-01", "row 1: excerpt: Only invisible characters"),
        (
            "Canada now has 350.",
            "0001-01-01",
            "row 1: counted_on: 0001-01-01 is before 1900-01-01, the earliest date "
            "the tracker takes.",
        ),
    ],
    ids=["control character", "zero-width only", "before 1900"],
)
def test_import_refuses_what_the_api_refuses_naming_row_and_field(
    tmp_path: Path, wire_source: Source, excerpt: str, counted_on: str, error: str
) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER + f"CAN,IRQ,350,exact,350,{counted_on},{SOURCE},{excerpt}\n",
    )
    before = list(TroopCount.objects.values())
    err = StringIO()

    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_records", "troop-counts", str(path), "--no-progress", stderr=err
        )

    assert error in err.getvalue()
    assert list(TroopCount.objects.values()) == before
