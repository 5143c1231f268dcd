"""Every export opens safely in a spreadsheet, whatever is stored.

One rule for every path (admin CSV/XLSX/JSON, ``export_records``, the API's
CSV, ``/status.csv``): text a spreadsheet would run as a formula starts with
', booleans are true/false, a CSV may start with a byte-order mark, and text
XLSX cannot hold does not stop the export.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from deployments.models import Intention
from deployments.resources import IntentionResource
from tests.factories import IntentionFactory, NationFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://attacker.example/","Click for the source")'
ADMIN_FORMATS = {"csv": 0, "xlsx": 1, "json": 2}
CONTROL_CHARACTERS = "Bell\x07, escape\x1b[31m and start\x01 of heading."


@pytest.fixture
def article() -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def admin_export(client: Client, file_format: str) -> bytes:
    every_column = {
        f"intentionresource_{name}": True
        for name in IntentionResource().get_export_order()
    }
    response = client.post(
        reverse("admin:deployments_intention_export"),
        {"format": ADMIN_FORMATS[file_format], "resource": 0, **every_column},
    )
    assert response.status_code == 200, response.content[:500]
    return response.content


def command_export(file_format: str, *options: str, tmp_path: Path) -> bytes:
    path = tmp_path / f"intentions.{file_format}"
    call_command(
        "export_records",
        "intentions",
        "--format",
        file_format,
        "--output",
        str(path),
        *options,
    )
    return path.read_bytes()


def quotes_in(exported: bytes, file_format: str) -> list[Any]:
    """The quote column as a reader of the file gets it (formulas as formulas)."""
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        header = [cell.value for cell in sheet[1]]
        column = header.index("quote")
        cells = [row[column] for row in sheet.iter_rows(min_row=2)]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        return [cell.value for cell in cells]
    text = exported.decode("utf-8-sig")
    if file_format == "json":
        return [row["quote"] for row in json.loads(text)]
    return [row["quote"] for row in csv.DictReader(io.StringIO(text))]


def export_by(
    how: str, file_format: str, tmp_path: Path, admin_client: Client
) -> bytes:
    if how == "admin":
        return admin_export(admin_client, file_format)
    return command_export(file_format, tmp_path=tmp_path)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("how", ["admin", "export_records"])
def test_formula_text_is_exported_as_text(
    how: str, file_format: str, tmp_path: Path, admin_client: Client
) -> None:
    IntentionFactory(quote=FORMULA)

    exported = export_by(how, file_format, tmp_path, admin_client)

    assert quotes_in(exported, file_format) == ["'" + FORMULA]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_formula_like_text_comes_back_exactly_after_export_and_import(
    file_format: str, tmp_path: Path, article: None
) -> None:
    tricky = {
        "quote": "=1+1",
        "speaker": "'=already quoted",
        "speaker_role": "-minus",
        "destination_note": "''two quotes",
    }
    intention = Intention.objects.filter(speaker="Mark Esper").get()
    Intention.objects.filter(pk=intention.pk).update(**tricky)
    exported = tmp_path / f"intentions.{file_format}"
    exported.write_bytes(command_export(file_format, tmp_path=tmp_path))
    Intention.objects.all().delete()

    call_command("import_records", "intentions", str(exported), "--no-progress")

    imported = Intention.objects.get(quote="=1+1")
    assert {name: getattr(imported, name) for name in tricky} == tricky


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("how", ["admin", "export_records"])
def test_stored_control_characters_do_not_stop_an_export(
    how: str, file_format: str, tmp_path: Path, admin_client: Client
) -> None:
    intention = IntentionFactory()
    # Validation refuses these on every write today; older rows may have them.
    Intention.objects.filter(pk=intention.pk).update(quote=CONTROL_CHARACTERS)

    exported = export_by(how, file_format, tmp_path, admin_client)

    (quote,) = quotes_in(exported, file_format)
    if file_format == "xlsx":  # XLSX cannot hold them: each becomes U+FFFD.
        assert quote == "Bell\ufffd, escape\ufffd[31m and start\ufffd of heading."
    else:
        assert quote == CONTROL_CHARACTERS


# Spreadsheets and non-Latin text: a byte-order mark on request.


def test_admin_csv_export_starts_with_a_byte_order_mark(admin_client: Client) -> None:
    IntentionFactory(nation=NationFactory(code="IRN", name="إيران"))

    exported = admin_export(admin_client, "csv")

    assert exported.startswith("\ufeff".encode())
    assert "IRN" in exported.decode("utf-8-sig")
    assert not admin_export(admin_client, "json").startswith("\ufeff".encode())


def test_export_records_writes_a_byte_order_mark_when_asked(tmp_path: Path) -> None:
    IntentionFactory()
    assert command_export("csv", "--bom", tmp_path=tmp_path).startswith(
        "\ufeff".encode()
    )
    assert not command_export("csv", tmp_path=tmp_path).startswith("\ufeff".encode())


@pytest.mark.parametrize("url", ["/api/intentions/?format=csv", "/status.csv?"])
def test_csv_downloads_start_with_a_byte_order_mark_when_asked(
    client: Client, url: str
) -> None:
    NationFactory(code="IRQ", name="العراق")
    IntentionFactory()

    asked = client.get(url + "&bom=true")
    plain = client.get(url)

    assert asked.content.startswith("\ufeff".encode())
    assert "العراق" in asked.content.decode("utf-8-sig")
    assert not plain.content.startswith("\ufeff".encode())


@pytest.mark.parametrize("value", ["maybe", "1", "TRUE"])
def test_a_malformed_bom_parameter_is_a_400_naming_it(
    api_client: APIClient, value: str
) -> None:
    # Only the two words the schema lists, in JSON answers as in CSV ones.
    api = api_client.get(f"/api/intentions/?format=csv&bom={value}")
    json_api = api_client.get(f"/api/intentions/?bom={value}")
    page = api_client.get(f"/status.csv?bom={value}")

    assert api.status_code == json_api.status_code == 400
    message = f"bom must be true or false, not {value!r}"
    assert api.json()["errors"] == json_api.json()["errors"] == {"bom": [message]}
    assert page.status_code == 400
    assert page.content.decode().startswith("bom:")


# One spelling of booleans in every CSV, as in the JSON API.


def test_booleans_are_true_or_false_in_every_csv(
    client: Client, admin_client: Client, tmp_path: Path
) -> None:
    IntentionFactory(nation=NationFactory(code="NAA"), temporary=True)
    IntentionFactory(nation=NationFactory(code="NAB"), temporary=False)

    def column(text: str, name: str) -> list[str]:
        return sorted(row[name] for row in csv.DictReader(io.StringIO(text)))

    exports = {
        "API": client.get("/api/intentions/?format=csv").content.decode(),
        "API status": client.get("/api/status/?format=csv").content.decode(),
        "admin": admin_export(admin_client, "csv").decode("utf-8-sig"),
        "command": command_export("csv", tmp_path=tmp_path).decode(),
    }
    for where, text in exports.items():
        assert column(text, "temporary") == ["false", "true"], where
    status = client.get("/status.csv").content.decode()
    assert column(status, "temporary") == ["false", "true"]


# Pages of a CSV say where the other pages are.


def test_csv_pages_link_to_the_next_and_previous_and_count_every_row(
    api_client: APIClient,
) -> None:
    for _ in range(3):
        IntentionFactory()

    response = api_client.get("/api/intentions/?format=csv&page_size=1&page=2")

    assert response["X-Total-Count"] == "3"
    links = response["Link"]
    assert (
        '<http://testserver/api/intentions/?format=csv&page=3&page_size=1>; rel="next"'
        in links
    )
    assert (
        '<http://testserver/api/intentions/?format=csv&page_size=1>; rel="prev"'
        in links
    )
    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 1


def test_the_only_page_has_a_count_and_no_links(api_client: APIClient) -> None:
    IntentionFactory()
    response = api_client.get("/api/status/?format=csv")
    assert response["X-Total-Count"] == "1"
    assert "Link" not in response


def test_the_schema_describes_the_bom_parameter_and_the_page_headers() -> None:
    output = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=output)
    paths = yaml.safe_load(output.getvalue())["paths"]
    for path in ("/api/status/", "/api/intentions/", "/api/nations/"):
        operation = paths[path]["get"]
        assert "bom" in {parameter["name"] for parameter in operation["parameters"]}
        assert {"X-Total-Count", "Link"} <= set(
            operation["responses"]["200"]["headers"]
        )


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_an_admin_export_imports_back_unchanged(
    admin_client: Client, article: None, file_format: str
) -> None:
    Intention.objects.filter(speaker="Mark Esper").update(quote=FORMULA)
    exported = admin_export(admin_client, file_format)

    response = admin_client.post(
        reverse("admin:deployments_intention_import"),
        {
            "resource": 0,
            "format": ADMIN_FORMATS[file_format],
            "import_file": SimpleUploadedFile(f"intentions.{file_format}", exported),
        },
    )

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Intention.objects.count() == 9


def test_numbers_are_exported_as_digits_even_with_thousand_separators_on(
    tmp_path: Path, settings: Any
) -> None:
    settings.USE_THOUSAND_SEPARATOR = True
    IntentionFactory(troops_affected=5200)

    exported = command_export("csv", tmp_path=tmp_path).decode()

    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["troops_affected"] == "5200"
