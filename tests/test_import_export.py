"""Analysts move data in and out as CSV, XLSX and JSON; a bad row changes nothing."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from deployments.models import Intention, Nation, Source, TroopCount
from deployments.status import current_status
from tests.conftest import user_with_permissions

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
            row.nation,
            row.host,
            row.troops,
            row.troops_precision,
            row.stance,
            row.stated_by,
            row.quote,
        )
        for row in current_status()
    ]


def test_ranges_and_bases_import_from_their_own_columns(
    tmp_path: Path, wire_source: Source
) -> None:
    header = HEADER.replace("troops,", "troops,troops_low,troops_high,location,")
    path = write(
        tmp_path,
        "counts.csv",
        header
        + f"DEU,IRQ,,30,40,Taji,approximate,30 to 40,2020-02-01,{SOURCE},30 to 40.\n",
    )
    run_import("troop-counts", str(path))
    count = TroopCount.objects.get(nation__code="DEU", source=wire_source)
    assert (count.troops, count.troops_low, count.troops_high) == (30, 30, 40)
    assert count.location == "Taji"


def test_an_unordered_range_in_a_file_changes_nothing(
    tmp_path: Path, wire_source: Source
) -> None:
    header = HEADER.replace("troops,", "troops,troops_low,troops_high,")
    path = write(
        tmp_path,
        "counts.csv",
        header + f"DEU,IRQ,,40,30,approximate,40 to 30,2020-02-01,{SOURCE},Odd.\n",
    )
    before = TroopCount.objects.count()
    with pytest.raises(CommandError):
        run_import("troop-counts", str(path))
    assert TroopCount.objects.count() == before


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
    assert (canada.troops, canada.troops_source) == (350, wire_source.pk)


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
    assert "ISO 3166-1 alpha-3" in response.text
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


# Permissions: an import writes only what the same user could write by hand.

NATIONS_CSV = b"code,name,kind\nUSA,Renamed by import,state\nGBR,United Kingdom,state\n"


def staff_with(username: str, *codenames: str) -> Client:
    user = user_with_permissions(username, *codenames)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def preview(client: Client, model: str, name: str, content: bytes) -> Any:
    return client.post(
        reverse(f"admin:deployments_{model}_import"),
        {"resource": 0, "format": 0, "import_file": SimpleUploadedFile(name, content)},
    )


def test_admin_import_refuses_changes_from_a_user_who_may_only_add(
    article: None,
) -> None:
    adder = staff_with("adder", "add_nation", "view_nation")

    response = preview(adder, "nation", "nations.csv", NATIONS_CSV)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == 1
    assert "You may not change nations" in response.text
    assert Nation.objects.get(code="USA").name == "United States"
    assert not Nation.objects.filter(code="GBR").exists()


def test_admin_confirm_step_checks_permissions_too_and_saves_nothing(
    admin_client: Client, article: None
) -> None:
    # The confirm form is only a file name: a user who skips the preview (or
    # replays someone else's) must meet the same rule, all rows or none.
    confirm_form = preview(admin_client, "nation", "nations.csv", NATIONS_CSV).context[
        "confirm_form"
    ]
    adder = staff_with("adder", "add_nation", "view_nation")

    response = adder.post(
        reverse("admin:deployments_nation_process_import"),
        confirm_form.initial,
        follow=True,
    )

    assert "Nothing was imported: row 1: You may not change nations" in response.text
    assert Nation.objects.get(code="USA").name == "United States"
    assert not Nation.objects.filter(code="GBR").exists()  # the allowed row too


def test_admin_import_refuses_new_rows_from_a_user_who_may_only_change(
    article: None,
) -> None:
    changer = staff_with("changer", "change_nation", "view_nation")

    refused = preview(changer, "nation", "nations.csv", NATIONS_CSV)
    allowed = preview(
        changer, "nation", "usa.csv", b"code,name,kind\nUSA,Renamed by import,state\n"
    )

    (invalid,) = refused.context["result"].invalid_rows
    assert invalid.number == 2
    assert "You may not add nations" in refused.text
    changer.post(
        reverse("admin:deployments_nation_process_import"),
        allowed.context["confirm_form"].initial,
    )
    assert Nation.objects.get(code="USA").name == "Renamed by import"
    assert not Nation.objects.filter(code="GBR").exists()


def test_a_user_who_may_only_add_may_reimport_unchanged_rows(article: None) -> None:
    adder = staff_with("adder", "add_nation", "view_nation")
    csv = b"code,name,kind\nUSA,United States,state\nGBR,United Kingdom,state\n"

    response = preview(adder, "nation", "nations.csv", csv)

    assert response.context["confirm_form"] is not None
    assert response.context["result"].totals["skip"] == 1


def test_import_records_refuses_a_retraction_by_a_user_who_may_only_add(
    tmp_path: Path, article: None
) -> None:
    user_with_permissions("adder", "add_intention")
    path = tmp_path / "intentions.csv"
    call_command("export_records", "intentions", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",asserted,", ",retracted,", 1), encoding="utf-8")
    before = sorted(Intention.objects.values_list("id", "standing", "version"))

    err = StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_records",
            "intentions",
            str(path),
            "--user",
            "adder",
            "--no-progress",
            stderr=err,
        )

    (problem,) = err.getvalue().splitlines()  # the one retracted row, named
    assert re.fullmatch(r"row \d+: You may not change intentions: .*", problem)
    assert sorted(Intention.objects.values_list("id", "standing", "version")) == before


# Cells that a lenient reader would silently turn into other data.


def import_problems(path: Path) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_records", "troop-counts", str(path), "--no-progress", stderr=err
        )
    return err.getvalue().splitlines()


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            "350,exact,350,01/12/2019",
            "row 1: counted_on: '01/12/2019' is not a date written YYYY-MM-DD",
        ),
        ("2.99,exact,2.99,2020-02-01", "row 1: troops: '2.99' is not a whole number"),
        (
            '"5,200",approximate,"about 5,200",2020-02-01',
            "row 1: troops: '5,200' is not a whole number; write digits only",
        ),
    ],
    ids=["slash date", "fraction", "thousands separator"],
)
def test_ambiguous_or_inexact_cells_are_refused_naming_the_field(
    tmp_path: Path, wire_source: Source, cells: str, problem: str
) -> None:
    path = write(tmp_path, "counts.csv", HEADER + f"CAN,IRQ,{cells},{SOURCE},Canada.\n")
    before = TroopCount.objects.count()

    reported = import_problems(path)

    assert reported[0].startswith(problem)
    assert TroopCount.objects.count() == before


def test_iso_dates_are_read_as_written(tmp_path: Path, wire_source: Source) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER + f"CAN,IRQ,350,exact,350,2019-12-01,{SOURCE},Canada.\n",
    )
    run_import("troop-counts", str(path))
    assert TroopCount.objects.get(troops=350).counted_on.isoformat() == "2019-12-01"


def test_two_rows_for_one_record_refuse_the_file_naming_both(
    tmp_path: Path, wire_source: Source
) -> None:
    path = write(
        tmp_path,
        "counts.csv",
        HEADER
        + f"ITA,IRQ,900,approximate,900,2020-02-01,{SOURCE},Italy.\n"
        + f"CAN,IRQ,350,exact,350,2020-02-01,{SOURCE},Canada.\n"
        + f"CAN,IRQ,400,exact,400,2020-02-01,{SOURCE},Canada again.\n",
    )
    before = TroopCount.objects.count()

    (reported,) = import_problems(path)

    assert reported.startswith("row 3: Rows 2 and 3 are the same troop count")
    assert TroopCount.objects.count() == before


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        ("code,name\n", ["Missing column(s): kind."]),
        ("code,name,kind,capital\n", ["Unknown column(s): 'capital'."]),
        (
            "code, name,kind\n",
            ["Missing column(s): name.", "Unknown column(s): ' name'."],
        ),
    ],
    ids=["missing", "unknown", "stray space"],
)
def test_a_wrong_header_is_a_clear_message_in_the_admin(
    admin_client: Client, article: None, header: str, problems: list[str]
) -> None:
    cells = ["GBR", "United Kingdom", "state", "London"][: header.count(",") + 1]
    csv = header + ",".join(cells) + "\n"

    response = preview(admin_client, "nation", "nations.csv", csv.encode())

    assert response.status_code == 200
    shown = [str(error.error) for error in response.context["result"].base_errors]
    assert shown[:-1] == problems
    assert shown[-1].startswith(
        "The first row must name exactly these columns, in any order: code, name, kind"
    )
    assert problems[0].replace("'", "&#x27;") in response.text
    assert "Traceback" not in response.text
    assert response.context.get("confirm_form") is None
    assert not Nation.objects.filter(code="GBR").exists()


def test_a_wrong_header_is_a_clear_message_on_the_command_line(
    tmp_path: Path, article: None
) -> None:
    path = write(tmp_path, "nations.csv", "code,nmae,kind\nGBR,UK,state\n")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_records", "nations", str(path), "--no-progress", stderr=err
        )
    assert "file: Missing column(s): name." in err.getvalue()
    assert "file: Unknown column(s): 'nmae'." in err.getvalue()


# The admin takes files it can preview well inside a request's time.


def test_admin_refuses_a_file_over_the_size_limit(
    admin_client: Client, article: None, settings: Any
) -> None:
    settings.ADMIN_IMPORT_MAX_BYTES = 100
    csv = b"code,name,kind\n" + b"".join(
        f"G{letter}B,Nation {letter},state\n".encode() for letter in "ABCDEFGHIJ"
    )

    response = preview(admin_client, "nation", "nations.csv", csv)

    assert response.context["form"].errors["import_file"] == [
        f"This file is {len(csv)}\xa0bytes; the admin imports at most 100\xa0bytes. "
        "Split it, or import it with python manage.py import_records."
    ]
    assert not Nation.objects.filter(code="GAB").exists()


def test_admin_refuses_more_rows_than_its_limit_and_the_command_takes_them(
    admin_client: Client, article: None, settings: Any, tmp_path: Path
) -> None:
    settings.ADMIN_IMPORT_MAX_ROWS = 3
    csv = "code,name,kind\n" + "".join(
        f"G{letter}B,Nation {letter},state\n" for letter in "ABCD"
    )

    response = preview(admin_client, "nation", "nations.csv", csv.encode())

    assert "This file has 4 rows; the admin imports at most 3." in response.text
    assert "python manage.py import_records" in response.text
    assert response.context.get("confirm_form") is None
    assert not Nation.objects.filter(code="GAB").exists()
    out, _ = run_import("nations", str(write(tmp_path, "nations.csv", csv)))
    assert "4 created" in out


def test_admin_import_form_states_its_limits(
    admin_client: Client, settings: Any
) -> None:
    settings.ADMIN_IMPORT_MAX_BYTES = 1_048_576
    settings.ADMIN_IMPORT_MAX_ROWS = 1_000
    response = admin_client.get(reverse("admin:deployments_nation_import"))
    assert "At most 1.0\xa0MB and 1,000 rows" in response.text
    assert "manage.py import_records" in response.text


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_empty_columns_and_rows_left_in_a_spreadsheet_are_not_data(
    tmp_path: Path, article: None
) -> None:
    # A column once used and cleared keeps the sheet that wide.
    path = write_xlsx(
        tmp_path / "nations.xlsx",
        [
            ["code", "name", "kind", None],
            ["GBR", "United Kingdom", "state", None],
            [None, None, None, None],
        ],
    )
    out, _ = run_import("nations", str(path))
    assert "1 created, 0 updated, 0 unchanged" in out


def test_values_in_a_column_without_a_name_refuse_the_file(
    tmp_path: Path, article: None
) -> None:
    path = write_xlsx(
        tmp_path / "nations.xlsx",
        [["code", "name", "kind", None], ["GBR", "United Kingdom", "state", "note"]],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_records", "nations", str(path), "--no-progress", stderr=err
        )
    assert "file: Column 4 has values but no name." in err.getvalue()
    assert not Nation.objects.filter(code="GBR").exists()


def test_a_boolean_other_than_true_or_false_is_refused_not_read_as_false(
    tmp_path: Path, article: None
) -> None:
    path = tmp_path / "intentions.csv"
    call_command("export_records", "intentions", "--output", str(path))
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    column = header.split(",").index("temporary")
    cells = first.split(",")
    cells[column] = "yes"
    path.write_text("\n".join([header, ",".join(cells), *rest]), encoding="utf-8")
    before = sorted(Intention.objects.values_list("id", "temporary", "version"))

    err = StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command(
            "import_records", "intentions", str(path), "--no-progress", stderr=err
        )

    assert err.getvalue().splitlines() == [
        "row 1: temporary: 'yes' is not true or false"
    ]
    assert sorted(Intention.objects.values_list("id", "temporary", "version")) == before


def test_a_file_that_is_not_utf8_is_refused_saying_how_to_save_it(
    tmp_path: Path, admin_client: Client, article: None
) -> None:
    latin1 = "code,name,kind\nCIV,Côte d'Ivoire,state\n".encode("latin-1")
    path = tmp_path / "nations.csv"
    path.write_bytes(latin1)

    with pytest.raises(CommandError, match='save it as "CSV UTF-8"'):
        run_import("nations", str(path))
    response = preview(admin_client, "nation", "nations.csv", latin1)

    assert (
        response.context["form"]
        .errors["import_file"][0]
        .startswith("The file is not UTF-8 text.")
    )
    assert not Nation.objects.filter(code="CIV").exists()
