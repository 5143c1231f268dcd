"""Property-based run of the whole API from its own OpenAPI schema.

schemathesis generates requests for every operation (valid and invalid),
authenticated as an editor so that writes are exercised, and checks each
answer: never a server error, and always what the schema says (status,
content type, body).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from tests.factories import IntentionFactory, NationFactory, TroopCountFactory
from tracker.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))

# What every answer must satisfy. Left out on purpose: "schema-valid request
# rejected" (OpenAPI cannot say that a nation code must exist or that a
# destination must differ from the host, so valid-looking bodies are refused
# with 400 by design) and "schema-violating request accepted" (an empty filter
# parameter means "no filter", as django-filter treats it).
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def editor_headers(editor: User, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    # Rate limits would turn the run into a test of 429s.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None}
    )
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada)
    IntentionFactory(nation=canada)
    token = Token.objects.create(user=editor)
    # The app is called in-process, inside the test's transaction: like
    # Django's own test client, keep it from closing that connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Token {token.key}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_every_generated_request_as_its_schema_says(
    case: schemathesis.Case, editor_headers: dict
) -> None:
    case.call_and_validate(headers=editor_headers, checks=CHECKS)
