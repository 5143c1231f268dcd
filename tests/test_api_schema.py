"""The OpenAPI schema is complete and the docs work offline."""

from __future__ import annotations

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

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
