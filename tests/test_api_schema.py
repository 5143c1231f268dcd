"""The OpenAPI schema is complete and the docs work offline."""

from __future__ import annotations

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

from deployments.models import Source
from deployments.models.text import text_pattern, validate_text

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict:
    output = StringIO()
    # --fail-on-warn: any field, parameter or enum it could not describe fails.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=output)
    return yaml.safe_load(output.getvalue())


def test_every_resource_and_status_is_described(schema: dict) -> None:
    paths = schema["paths"]
    for resource in ("nations", "sources", "troop-counts", "intentions"):
        assert {"get", "post"} <= set(paths[f"/api/{resource}/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/nations/{code}/"])
    assert set(paths["/api/status/"]) == {"get"}


def test_status_parameters_and_enums_are_described(schema: dict) -> None:
    parameters = {
        p["name"] for p in schema["paths"]["/api/status/"]["get"]["parameters"]
    }
    assert {"as_of", "host", "nation", "stance", "nation_kind", "page", "format"} <= (
        parameters | {"format"}
    )
    stances = schema["components"]["schemas"]["StanceEnum"]["enum"]
    assert "partial_withdrawal" in stances


def test_error_responses_are_described(schema: dict) -> None:
    patch = schema["paths"]["/api/intentions/{id}/"]["patch"]
    assert {"400", "401", "403", "404", "409", "412", "429"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "code", "errors"}


def test_docs_load_only_local_assets(client: Client) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources, page.text
    assert all(source.startswith("/") for source in sources), sources
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


NATION_CODE = "^[A-Z]{2,8}$"


def parameter(schema: dict, path: str, method: str, name: str) -> dict:
    (found,) = [
        p for p in schema["paths"][path][method]["parameters"] if p["name"] == name
    ]
    return found


def test_nation_codes_have_their_pattern_in_bodies_and_filters(schema: dict) -> None:
    components = schema["components"]["schemas"]
    for body, fields in {
        "IntentionRequest": ("nation", "host", "destination"),
        "PatchedIntentionRequest": ("nation", "host", "destination"),
        "TroopCountRequest": ("nation", "host"),
        "NationRequest": ("code",),
    }.items():
        for field in fields:
            assert components[body]["properties"][field]["pattern"] == NATION_CODE
    for path, name in [
        ("/api/nations/", "code"),
        ("/api/intentions/", "destination"),
        ("/api/troop-counts/", "host"),
        ("/api/status/", "nation"),
    ]:
        items = parameter(schema, path, "get", name)["schema"]["items"]
        assert items["pattern"] == NATION_CODE


def test_filters_are_typed_as_the_server_validates_them(schema: dict) -> None:
    temporary = parameter(schema, "/api/intentions/", "get", "temporary")
    assert temporary["schema"] == {"type": "boolean"}
    for name in ("troops_min", "troops_max"):
        troops = parameter(schema, "/api/troop-counts/", "get", name)
        assert troops["schema"]["type"] == "integer"
        assert troops["schema"]["maximum"] == 2**63 - 1
    source = parameter(schema, "/api/troop-counts/", "get", "source")
    assert source["schema"]["items"]["type"] == "integer"
    assert source["schema"]["items"]["minimum"] == -(2**63 - 1)
    search = parameter(schema, "/api/sources/", "get", "search")
    assert search["schema"]["maxLength"] == 200


def test_optional_query_parameters_may_be_empty(schema: dict) -> None:
    for path, name in [
        ("/api/sources/", "published_before"),
        ("/api/status/", "as_of"),
        ("/api/troop-counts/", "page"),
        ("/api/changes/", "since"),
    ]:
        assert parameter(schema, path, "get", name)["allowEmptyValue"] is True


def test_csv_bodies_are_text_and_errors_are_json_only(schema: dict) -> None:
    for path in ("/api/troop-counts/", "/api/troop-counts/{id}/", "/api/status/"):
        responses = schema["paths"][path]["get"]["responses"]
        assert responses["200"]["content"]["text/csv"]["schema"]["type"] == "string"
        for status, response in responses.items():
            if status >= "400" and status != "414":
                assert set(response["content"]) == {"application/json"}, status
    too_long = schema["paths"]["/api/status/"]["get"]["responses"]["414"]
    assert set(too_long["content"]) == {"application/json", "text/html"}


def test_etag_is_a_response_header_and_if_match_has_its_shape(schema: dict) -> None:
    detail = schema["paths"]["/api/sources/{id}/"]
    for method in ("get", "put", "patch"):
        etag = detail[method]["responses"]["200"]["headers"]["ETag"]
        assert etag["required"] is True
        assert etag["schema"]["pattern"] == '^"v[0-9]+"$'
    for method in ("put", "patch", "delete"):
        if_match = parameter(schema, "/api/sources/{id}/", method, "If-Match")
        assert if_match["schema"]["pattern"] == r'^(\*|(W/)?"v[0-9]+")$'


def test_history_operations_list_only_their_path_and_format(schema: dict) -> None:
    for path, key in [
        ("/api/nations/{code}/history/", "code"),
        ("/api/intentions/{id}/history/", "id"),
        ("/api/sources/{id}/history/", "id"),
        ("/api/troop-counts/{id}/history/", "id"),
    ]:
        names = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
        assert sorted(names) == sorted([key, "format"]), path


@pytest.mark.parametrize(
    "text",
    [
        "Reuters",
        " AP ",
        "\x19",
        " ",
        "\x85\u3000",
        "A\x00P",
        "A\x07P",
        "A\x1cP",
        "\x1cAP\x1f",
        "A\rP",
        "A\r\nP",
        "AP\r",
        "\u200b",
        "\u200bAP",
        "\U000e0020",
        "AP \U0001f600",
    ],
)
def test_text_patterns_accept_what_the_server_accepts(
    schema: dict, editor_client: APIClient, text: str
) -> None:
    publisher = schema["components"]["schemas"]["SourceRequest"]["properties"][
        "publisher"
    ]
    body = {"title": "Troops", "publisher": text, "published_on": "2020-01-06"}
    response = editor_client.post("/api/sources/", body, format="json")
    valid = re.search(publisher["pattern"], text) is not None
    assert response.status_code == (201 if valid else 400), response.json()
    assert Source.objects.exists() == valid


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(
            "\x00\x07\t\n\r\x1c \x85\xa0\xad\u200b\u2028\ufeff\ud800\ufffeA\U000e0020"
        ),
        max_size=6,
    ),
    required=st.booleans(),
)
def test_text_pattern_is_the_validator_as_the_api_applies_it(
    text: str, required: bool
) -> None:
    # What DRF does with a record's text field: strip, then the model's rule.
    field = serializers.CharField(allow_blank=not required, validators=[validate_text])
    try:
        field.run_validation(text)
        accepted = True
    except serializers.ValidationError:
        accepted = False
    assert (re.fullmatch(text_pattern(required=required), text) is not None) == accepted
