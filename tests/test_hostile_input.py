"""Hostile input gets a 4xx JSON answer or is stored harmlessly; nothing else
changes, and nothing stored can run as markup on the page or in the admin."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from deployments.models import Intention, Nation, Source, TroopCount
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db

WRITE_URLS = [
    "/api/nations/",
    "/api/sources/",
    "/api/troop-counts/",
    "/api/intentions/",
]


def everything() -> list[tuple]:
    """A fingerprint of every stored row, to prove a refusal changed nothing."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Nation, Source, TroopCount, Intention)
    ]


@pytest.fixture
def world() -> None:
    count = TroopCountFactory(nation__code="CAN")
    IntentionFactory(nation=count.nation, source=count.source)


def post_raw(client: APIClient, url: str, body: bytes) -> object:
    return client.generic("POST", url, body, content_type="application/json")


@pytest.mark.parametrize("url", WRITE_URLS)
@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("oversized", b'{"name": "' + b"x" * 3_000_000 + b'"}'),
        ("deeply nested", b"[" * 100_000 + b"]" * 100_000),
        ("NaN", b'{"troops": NaN, "troops_affected": NaN}'),
        ("Infinity", b'{"troops": Infinity}'),
        ("invalid UTF-8", b'{"name": "\xff\xfe", "speaker": "\xc3\x28"}'),
        ("not JSON", b"code=GBR&name=UK"),
        ("empty", b""),
        ("a bare string", b'"hello"'),
    ],
)
def test_malformed_bodies_are_refused(
    editor_client: APIClient, world: None, url: str, name: str, body: bytes
) -> None:
    before = everything()
    response = post_raw(editor_client, url, body)
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "code", "errors"}
    assert everything() == before


# Text fields take numbers as their text (stored harmlessly, e.g. "-1");
# every other hostile value is refused.
TEXT_FIELDS = {"excerpt", "speaker", "quote"}
NUMBERS = (int, float)

HOSTILE_VALUES = [
    10**100,
    -(10**100),
    -1,
    1.5,
    "x" * 100_000,
    "nul\x00byte",
    ["a", "list"],
    {"an": "object"},
    True,
]


def assert_refused_or_stored_as_text(
    url: str, client: APIClient, body: dict[str, object], field: str
) -> None:
    value = body[field]
    before = everything()
    response = client.post(url, body, format="json")
    is_number = isinstance(value, NUMBERS) and not isinstance(value, bool)
    if field in TEXT_FIELDS and is_number:
        assert response.status_code == 201, response.json()
        assert response.json()[field] == str(value)
        return
    assert response.status_code == 400, (field, value, response.status_code)
    assert field in response.json()["errors"]
    assert everything() == before


@pytest.mark.parametrize(
    "field",
    ["troops", "precision", "nation", "host", "source", "excerpt", "counted_on"],
)
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=repr)
def test_hostile_values_in_a_troop_count_are_refused(
    editor_client: APIClient, world: None, field: str, value: object
) -> None:
    body = {
        "nation": "CAN",
        "host": "IRQ",
        "troops": 10,
        "precision": "exact",
        "counted_on": "2020-01-01",
        "source": Source.objects.get().pk,
        "excerpt": "ten",
    } | {field: value}
    assert_refused_or_stored_as_text("/api/troop-counts/", editor_client, body, field)


@pytest.mark.parametrize(
    "field",
    ["speaker", "quote", "stance", "destination", "stated_on", "troops_affected"],
)
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=repr)
def test_hostile_values_in_a_statement_are_refused(
    editor_client: APIClient, world: None, field: str, value: object
) -> None:
    body = {
        "nation": "CAN",
        "host": "IRQ",
        "stance": "staying",
        "speaker": "Someone",
        "reported_on": "2020-01-08",
        "quote": "A fresh quote.",
        "source": Source.objects.get().pk,
    } | {field: value}
    assert_refused_or_stored_as_text("/api/intentions/", editor_client, body, field)


SQL = "'; DROP TABLE deployments_nation; --"
MARKUP = '<script>alert("owned")</script><img src=x onerror=alert(1)>'


def test_sql_and_markup_are_stored_as_text_and_shown_escaped(
    editor_client: APIClient, admin_user: User, world: None
) -> None:
    response = editor_client.post(
        "/api/intentions/",
        {
            "nation": "CAN",
            "host": "IRQ",
            "stance": "staying",
            "speaker": SQL,
            "speaker_role": MARKUP,
            "reported_on": "2020-01-08",
            "quote": MARKUP,
            "source": Source.objects.get().pk,
        },
        format="json",
    )
    assert response.status_code == 201
    stored = Intention.objects.get(pk=response.json()["id"])
    assert (stored.speaker, stored.quote) == (SQL, MARKUP)
    assert "deployments_nation" in connection.introspection.table_names()

    page = Client().get("/nations/CAN/").text
    assert MARKUP not in page and "&lt;script&gt;" in page
    admin = Client()
    admin.force_login(admin_user)
    change = admin.get(f"/admin/deployments/intention/{stored.pk}/change/").text
    assert MARKUP not in change and "&lt;script&gt;" in change
    listing = admin.get("/admin/deployments/intention/").text
    assert MARKUP not in listing


def test_unknown_fields_are_ignored(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/nations/",
        {"code": "GBR", "name": "UK", "kind": "state", "is_superuser": True, "id": 1},
        format="json",
    )
    assert response.status_code == 201
    assert set(response.json()) == {"code", "name", "kind", "version"}


LIST_URLS = [
    "/api/nations/",
    "/api/sources/",
    "/api/troop-counts/",
    "/api/intentions/",
    "/api/status/",
]


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize(
    "query",
    [
        "nation=US%00A",
        "host=IRQ%00",
        "search=%00",
        "source=1%00",
        "source=abc",
        "stance=fleeing",
        "as_of=2020-02-30",
        "stated_after=%00",
        "reported_before=tomorrow",
        "counted_after=2020-1-1x",
        "published_after=0000-00-00",
        "page=-1",
        "page_size=%00",
        "ordering=%00",
        "kind=%00",
        "precision=%00",
    ],
)
def test_hostile_query_strings_never_cause_a_server_error(
    api_client: APIClient, world: None, url: str, query: str
) -> None:
    response = api_client.get(f"{url}?{query}")
    # A parameter a list does not have is ignored; any it has must be valid.
    assert response.status_code in (200, 400), (url, query, response.status_code)
    if response.status_code == 400:
        assert response.json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/nations/US%00A/",
        "/api/intentions/abc/",
        "/api/intentions/1%00/",
        "/api/troop-counts/99999999999999999999999/",
        "/nations/%00/",
        "/nations/usa/",
    ],
)
def test_hostile_paths_are_404(api_client: APIClient, path: str) -> None:
    assert api_client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["as_of=%00", "host=%00", "stance=%00", "sort=%00"])
def test_status_page_refuses_hostile_filters(client: Client, query: str) -> None:
    NationFactory(code="IRQ", name="Iraq")
    SourceFactory()
    assert client.get(f"/?{query}").status_code == 400
    assert client.get(f"/status.csv?{query}").status_code == 400


def test_huge_id_in_if_match_is_refused(editor_client: APIClient, world: None) -> None:
    intention = Intention.objects.get()
    response = editor_client.patch(
        f"/api/intentions/{intention.pk}/",
        json.dumps({"speaker": "x"}),
        content_type="application/json",
        HTTP_IF_MATCH='"v' + "9" * 400 + '"',
    )
    assert response.status_code == 412
    assert Intention.objects.get().speaker != "x"
