"""API clients get JSON errors, never an HTML page or a traceback."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_api_url_is_a_json_404(client: Client) -> None:
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found.",
        "code": "not_found",
        "errors": {},
    }


def test_unknown_page_is_an_html_404(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.failing_urls")
def test_api_server_error_is_json_without_a_traceback(client: Client) -> None:
    client.raise_request_exception = False

    response = client.get("/api/explode/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
