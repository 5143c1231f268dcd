"""The API's own pages: its root, the browsable API, its login and the docs."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tracker.csp import csp_hash

pytestmark = pytest.mark.django_db

STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
HANDLER_ATTRIBUTE = re.compile(r"""\son[a-z]+=(?:'([^']*)'|"([^"]*)")""")


def inline_styles(html: str) -> set[str]:
    return set(STYLE_BLOCK.findall(html)) | set(STYLE_ATTRIBUTE.findall(html))


def inline_handlers(html: str) -> set[str]:
    return {single or double for single, double in HANDLER_ATTRIBUTE.findall(html)}


def policy_sources(response: object, directive: str) -> list[str]:
    policy = response["Content-Security-Policy"]  # type: ignore[index]
    found = next(
        part for part in policy.split(";") if part.strip().startswith(directive)
    )
    return found.split()[1:]


def test_api_root_links_every_entry_point(client: Client) -> None:
    root = client.get("/api/", HTTP_ACCEPT="application/json").json()
    assert set(root) == {
        "nations",
        "conflicts",
        "sources",
        "deployments",
        "troop-counts",
        "intentions",
        "proposals",
        "status",
        "articles",
        "changes",
        "schema",
        "docs",
    }
    assert root["status"].endswith("/api/status/")
    assert root["docs"].endswith("/api/docs/")
    assert client.get(root["schema"]).status_code == 200


def test_browsable_api_offers_a_login_that_returns_to_the_page(client: Client) -> None:
    page = client.get("/api/nations/", HTTP_ACCEPT="text/html").content.decode()
    assert "href='/api/auth/login/?next=/api/nations/'" in page
    User.objects.create_user("analyst", password="a-long-test-password")
    login = client.post(
        "/api/auth/login/?next=/api/nations/",
        {
            "username": "analyst",
            "password": "a-long-test-password",
            "next": "/api/nations/",
        },
    )
    assert login.status_code == 302
    assert login["Location"] == "/api/nations/"
    page = client.get("/api/nations/", HTTP_ACCEPT="text/html").content.decode()
    assert "analyst" in page and "/api/auth/logout/" in page


@pytest.mark.parametrize("login_url", ["/admin/login/", "/api/auth/login/"])
def test_login_with_an_off_site_next_lands_on_the_admin_not_a_404(
    client: Client, login_url: str
) -> None:
    User.objects.create_superuser("analyst", password="a-long-test-password")
    response = client.post(
        f"{login_url}?next=https://evil.example/",
        {
            "username": "analyst",
            "password": "a-long-test-password",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_docs_show_the_token_header_whole(client: Client) -> None:
    description = client.get("/api/schema/?format=json").json()["info"]["description"]
    # Swagger UI renders Markdown: a bare <key> would be swallowed as a tag.
    assert "`Authorization: Token <key>`" in description


@pytest.mark.parametrize(
    ("url", "accept"),
    [
        ("/api/docs/", "text/html"),
        ("/api/nations/", "text/html"),
        ("/api/intentions/", "text/html"),
        ("/api/", "text/html"),
        ("/api/auth/login/", "text/html"),
    ],
)
def test_every_inline_style_and_handler_of_the_api_pages_is_allowed_by_hash(
    client: Client, url: str, accept: str
) -> None:
    # Logged in, the list pages carry their filter button and forms too.
    client.force_login(User.objects.create_superuser("analyst", password="x" * 20))
    response = client.get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    html = response.content.decode()
    styles = policy_sources(response, "style-src")
    scripts = policy_sources(response, "script-src")
    assert "'unsafe-inline'" not in styles + scripts
    assert [s for s in inline_styles(html) if csp_hash(s) not in styles] == []
    assert [h for h in inline_handlers(html) if csp_hash(h) not in scripts] == []
