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


def valid_bodies() -> dict[str, dict[str, object]]:
    """A body each write endpoint accepts, in the `world` fixture."""
    source = Source.objects.get().pk
    return {
        "/api/nations/": {"code": "GBR", "name": "United Kingdom", "kind": "state"},
        "/api/sources/": {
            "title": "A new report",
            "publisher": "Wire",
            "published_on": "2020-01-08",
            "url": "https://example.com/report",
        },
        "/api/troop-counts/": {
            "nation": "CAN",
            "host": "IRQ",
            "troops": 10,
            "precision": "exact",
            "figure_text": "ten",
            "counted_on": "2020-01-01",
            "source": source,
            "excerpt": "ten troops",
        },
        "/api/intentions/": {
            "nation": "CAN",
            "host": "IRQ",
            "stance": "partial_withdrawal",
            "destination_note": "elsewhere",
            "speaker": "Someone",
            "speaker_role": "spokesperson",
            "stated_on": "2020-01-07",
            "reported_on": "2020-01-08",
            "quote": "A fresh quote.",
            "source": source,
            "standing": "disputed",
            "standing_changed_on": "2020-01-08",
            "standing_note": "Denied later.",
        },
    }


TEXT_FIELDS_BY_URL = {
    "/api/nations/": ["code", "name"],
    "/api/sources/": ["title", "publisher", "url"],
    "/api/troop-counts/": ["figure_text", "excerpt"],
    "/api/intentions/": [
        "destination_note",
        "speaker",
        "speaker_role",
        "quote",
        "standing_note",
    ],
}
TEXT_FIELD_CASES = [
    (url, field) for url, fields in TEXT_FIELDS_BY_URL.items() for field in fields
]


def assert_refused_naming(
    client: APIClient, url: str, body: dict[str, object], field: str
) -> list[str]:
    """POSTs ``body``: a 400 in the API's error shape naming ``field`` alone,
    and no table changed. Returns the field's messages."""
    before = everything()
    response = client.post(url, body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()
    assert (error["detail"], error["code"]) == ("Invalid input.", "invalid")
    assert list(error["errors"]) == [field]
    assert everything() == before
    return error["errors"][field]


def test_every_valid_body_is_accepted(editor_client: APIClient, world: None) -> None:
    # The refusals below are about the one bad field, not the rest of the body.
    for url, body in valid_bodies().items():
        assert editor_client.post(url, body, format="json").status_code == 201, url


@pytest.mark.parametrize(("url", "field"), TEXT_FIELD_CASES)
@pytest.mark.parametrize(
    ("character", "named"),
    [("\x07", "U+0007"), ("\x1b", "U+001B"), ("\x01", "U+0001"), ("\x85", "U+0085")],
)
def test_a_control_character_in_any_text_field_is_refused_naming_it(
    editor_client: APIClient,
    world: None,
    url: str,
    field: str,
    character: str,
    named: str,
) -> None:
    body = valid_bodies()[url]
    body[field] = f"{body[field]}{character}more"
    messages = assert_refused_naming(editor_client, url, body, field)
    assert any(named in message for message in messages), messages


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/nations/", "name"),
        ("/api/sources/", "title"),
        ("/api/sources/", "publisher"),
        ("/api/troop-counts/", "excerpt"),
        ("/api/intentions/", "speaker"),
        ("/api/intentions/", "quote"),
    ],
)
@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c\u200d", "\ufeff", "\u2060", " \u200b\u200b "]
)
def test_zero_width_only_text_in_a_required_field_is_refused(
    editor_client: APIClient, world: None, url: str, field: str, invisible: str
) -> None:
    body = valid_bodies()[url] | {field: invisible}
    assert assert_refused_naming(editor_client, url, body, field)


def test_a_control_character_is_refused_in_an_update_too(
    editor_client: APIClient, world: None
) -> None:
    intention = Intention.objects.get()
    before = everything()
    response = editor_client.patch(
        f"/api/intentions/{intention.pk}/", {"quote": "Bell\x07"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["quote"]
    assert everything() == before


def test_tab_and_line_breaks_are_kept(editor_client: APIClient, world: None) -> None:
    quote = "First line.\r\nSecond line.\nA\ttab."
    body = valid_bodies()["/api/intentions/"] | {"quote": quote}
    response = editor_client.post("/api/intentions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Intention.objects.get(pk=response.json()["id"]).quote == quote


DATE_FIELDS_BY_URL = {
    "/api/sources/": ["published_on"],
    "/api/troop-counts/": ["counted_on"],
    "/api/intentions/": ["stated_on", "reported_on", "standing_changed_on"],
}


@pytest.mark.parametrize(
    ("url", "field"),
    [(url, field) for url, fields in DATE_FIELDS_BY_URL.items() for field in fields],
)
@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_date_before_1900_is_refused_in_every_date_field(
    editor_client: APIClient, world: None, url: str, field: str, day: str
) -> None:
    body = valid_bodies()[url] | {field: day}
    if field == "reported_on":  # a statement is made before it is reported
        body["stated_on"] = None
    assert assert_refused_naming(editor_client, url, body, field) == [
        f"{day} is before 1900-01-01, the earliest date the tracker takes."
    ]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/status/", "as_of"),
        ("/api/sources/", "published_after"),
        ("/api/sources/", "published_before"),
        ("/api/troop-counts/", "counted_after"),
        ("/api/troop-counts/", "counted_before"),
        ("/api/intentions/", "stated_after"),
        ("/api/intentions/", "stated_before"),
        ("/api/intentions/", "reported_after"),
        ("/api/intentions/", "reported_before"),
    ],
)
def test_a_date_parameter_before_1900_is_refused_with_the_same_message(
    api_client: APIClient, world: None, url: str, parameter: str
) -> None:
    response = api_client.get(f"{url}?{parameter}=0001-01-01")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        parameter: [
            "0001-01-01 is before 1900-01-01, the earliest date the tracker takes."
        ]
    }
    assert api_client.get(f"{url}?{parameter}=1900-01-01").status_code == 200
