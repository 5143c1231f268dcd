"""Property-based runs of the whole API from its own OpenAPI schema, with every
check schemathesis has.

schemathesis generates requests for every operation, both ones the schema
calls valid and ones it calls invalid, authenticated as an editor so that
writes are exercised, and checks each answer: never a server error; status,
content type, headers and body as the schema says; a valid request accepted
and an invalid one refused; 405 with Allow for an undeclared method; a
deleted record gone; a created one there. The stateful run follows the links
schemathesis infers from the responses (create, then read, change and delete
what was created).

Where the schema is silent. OpenAPI cannot say which nation codes or source
ids exist, nor rules over several fields or over the stored data (a host that
differs from the nation, a statement not made after it was reported, troops
affected not above the latest count, no date in the future, a URL host that
DNS allows). The server refuses a body breaking them with 400, by design. So,
for requests generated as VALID only, ``keep_rules_of_stored_data`` rewrites
the body just before it is sent, to keep those rules: references point at
the records the fixture made, and the fields that depend on each other
agree; a change-feed cursor is one the feed hands out; dates, in bodies and
in parameters, are from 1900-01-01 on (OpenAPI 3.0 has no minimum for a
date). Every rewrite keeps the request valid by the schema; requests
generated as invalid are sent untouched, so the server must still refuse
them.

Which version is current is stored data too: a well-formed If-Match naming
another version answers 412, which the checks accept beside the 409 they
already accept for the same reason; and a URL over 4,096 characters answers
414, whatever its parameters (see ``ACCEPTED_REFUSALS``). One check
is narrowed for one kind of operation: use_after_free ignores a record's
history, which is documented to answer after the record is deleted
(``history_outlives_its_record``). No check is left out.

Bounded by ``FUZZ_EXAMPLES`` (examples per operation) and
``FUZZ_STATEFUL_EXAMPLES`` (scenarios of the stateful run) to stay within CI's
time.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.core.validators import URLValidator
from django.db import close_old_connections, models, transaction
from django.urls import resolve
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext
from schemathesis.openapi.checks import UseAfterFree

from deployments.api import cursors
from deployments.api.history import encode_cursor
from deployments.intake.articles import ArticleRefused, check_article_text
from deployments.models import (
    Deployment,
    Intention,
    Nation,
    Precision,
    Source,
    Stance,
    TroopCount,
)
from deployments.models.text import text_pattern, validate_text
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)
from tracker.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "30"))

# The records the fixture makes, which valid bodies refer to (the source's id
# is known once it exists).
NATION, HOST, DESTINATION = "CAN", "IRQ", "KWT"
REFERENCES: dict[str, object] = {
    "nation": NATION,
    "host": HOST,
    "destination": DESTINATION,
}
EARLIEST = datetime.date(1900, 1, 1)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Refusals the checks accept beside their own lists (which have 409 and 429):
# - 412 Precondition Failed: If-Match names a version that is not the stored
#   one (RFC 9110 13.1.1). For a valid request it is a refusal by the stored
#   data, like 409; for an If-Match that is not one of our tags it is the
#   refusal RFC 9110 prescribes, since such a tag can never match.
# - 414 URI Too Long: a URL over the documented 4,096 characters, a bound on
#   the whole request line that no parameter's schema can state.
ACCEPTED_REFUSALS = ["412", "414"]
for check in (
    schema.config.checks.positive_data_acceptance,
    schema.config.checks.negative_data_rejection,
):
    check.expected_statuses = [*check.expected_statuses, *ACCEPTED_REFUSALS]


@schema.hook("filter_failure")
def history_outlives_its_record(
    context: HookContext, failure: Failure, case: Case, response: Response
) -> bool:
    """use_after_free expects every read of a deleted record to be 404; its
    history is the one read documented to answer after the deletion (to show
    who deleted it). Every other read of a deleted record is still checked."""
    return not (isinstance(failure, UseAfterFree) and case.path.endswith("/history/"))


def _within_known_dates(value: object) -> object:
    """A date the server accepts: from 1900 to today."""
    if not isinstance(value, str):
        return value
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    today = datetime.date.today()  # noqa: DTZ011 (the server's own "today")
    return min(max(day, EARLIEST), today).isoformat()


RANGE_ENDS = ("", "_low", "_high")
ENGLISH_ARTICLE = "The 500 troops will stay in the country, the minister said."


def _keep_range(body: dict[str, Any], field: str) -> None:
    """A range's low end not above its high end, and its figure inside it."""
    low, high = body.get(f"{field}_low"), body.get(f"{field}_high")
    if low is not None and high is not None and low > high:
        body[f"{field}_low"], body[f"{field}_high"] = low, high = high, low
    figure = body.get(field)
    if figure is not None:
        if low is not None:
            figure = max(figure, low)
        if high is not None:
            figure = min(figure, high)
        body[field] = figure


def _keep_rules_of_stored_data(
    body: dict[str, Any], path: str, path_parameters: dict[str, Any]
) -> None:
    """Rewrite a valid body, in place, to meet the rules the schema cannot say."""
    if path == "/api/articles/" and isinstance(body.get("text"), str):
        # An article must read as English prose, which no pattern can say.
        try:
            check_article_text(body["text"])
        except ArticleRefused:
            body["text"] = ENGLISH_ARTICLE
    # The fixture's nations keep their codes, which other bodies refer to.
    code = path_parameters.get("code")
    if path == "/api/nations/{code}/" and code in REFERENCES.values():
        body["code"] = code
    for field in ("nation", "host", "destination", "source"):
        if body.get(field) is not None:
            body[field] = REFERENCES[field]
    for field, value in body.items():
        if field.endswith("_on"):
            body[field] = _within_known_dates(value)
    if "url" in body:
        try:
            URLValidator()(body["url"])
        except ValidationError:  # e.g. a host name over DNS's 253 characters
            body["url"] = "https://example.org/report"
    if path.startswith("/api/intentions/"):
        # Stated no later than reported: the earliest date is before any.
        if body.get("stated_on") is not None:
            stated, reported = body["stated_on"], body.get("reported_on")
            earliest = EARLIEST.isoformat()
            body["stated_on"] = min(stated, reported) if reported else earliest
        # Not more than the latest count, which the run itself may lower to 0;
        # a change of stance alone is checked against the stored number too.
        changes_troops = "stance" in body or any(
            body.get(f"troops_affected{end}") is not None for end in RANGE_ENDS
        )
        if changes_troops and body.get("stance") != Stance.REINFORCING:
            body["troops_affected"] = 0 if body.get("troops_affected") else None
            body["troops_affected_low"] = body["troops_affected_high"] = None
        _keep_range(body, "troops_affected")
    if path.startswith("/api/troop-counts/"):
        _keep_range(body, "troops")
    if path.startswith("/api/troop-counts/") and (
        {"troops", "troops_low", "troops_high", "precision"} & set(body)
    ):
        # No number means precision unknown, and only then.
        troops = next(
            (
                body[f"troops{end}"]
                for end in RANGE_ENDS
                if body.get(f"troops{end}") is not None
            ),
            None,
        )
        if troops is None:
            body["troops"], body["precision"] = None, Precision.UNKNOWN
        elif body.get("precision") in (None, Precision.UNKNOWN):
            body["precision"] = Precision.EXACT


def _text_fields() -> dict[str, bool]:
    """The records' text fields (those ``validate_text`` checks), each with
    whether it must hold something."""
    return {
        field.name: not field.blank
        for model in (Nation, Source, Deployment, TroopCount, Intention)
        for field in model._meta.get_fields()
        if validate_text in getattr(field, "validators", [])
    }


def _within_the_text_pattern(body: dict[str, Any]) -> None:
    """Text the schema's own pattern allows, in place.

    The pattern is the validator's rule written out (``text_pattern``, held to
    it by ``tests/test_api_schema.py``), but schemathesis's generator does not
    always keep to a pattern that long: it has drawn "A\\x1c…" as valid. Such
    a draw is the generator's mistake, not the server's, so it is replaced
    with plain text; values that keep to the pattern are sent as drawn.
    """
    for name, required in _text_fields().items():
        value = body.get(name)
        pattern = text_pattern(required=required)
        if isinstance(value, str) and re.fullmatch(pattern, value) is None:
            body[name] = "Text"


def _follow_the_feed(query: dict[str, Any]) -> None:
    """A valid change-feed query, in place: a cursor is one the feed hands
    out (opaque, so the schema cannot describe which strings are cursors),
    and it is given without ``since``, as the feed asks."""
    if query.get("cursor"):
        query["cursor"] = encode_cursor({"t": 0, "i": 0})
        query.pop("since", None)


def _sample_value(field: models.Field) -> object:
    """A value of the field's type, as a cursor holds it."""
    if isinstance(field, models.DateField):
        return datetime.date(2020, 1, 8)
    if isinstance(field, (models.IntegerField, models.ForeignKey)):
        return 1
    return "A"


def _walk_by_cursor(path: str, query: dict[str, Any]) -> None:
    """A valid cursor query of a record list, in place: the cursor is one the
    list could hand out (opaque, like the feed's: values of the list's own
    order fields), given without a page number and in the list's own order,
    as cursor pages ask (an order by a field that may be empty has none)."""
    if not query.get("cursor"):
        return
    view = resolve(path).func.cls()  # type: ignore[attr-defined]
    order = cursors.order_of(view.get_queryset())
    values = tuple(_sample_value(field.field) for field in order)
    query["cursor"] = cursors.Cursor(cursors.FORWARD, values).encode()
    query.pop("page", None)
    query.pop("ordering", None)


def keep_rules_of_stored_data(case: Case) -> None:
    """Called just before a case is sent, once the fixture's records exist
    (schemathesis generates some cases before the test runs)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if isinstance(case.body, dict) and case.method in ("POST", "PUT", "PATCH"):
        _within_the_text_pattern(case.body)
        _keep_rules_of_stored_data(case.body, case.path, case.path_parameters)
    if isinstance(case.query, dict):
        for name, value in case.query.items():
            case.query[name] = _within_known_dates(value)
        if case.path == "/api/changes/":
            _follow_the_feed(case.query)
        elif "cursor" in case.query:
            _walk_by_cursor(case.path, case.query)


@pytest.fixture
def editor_headers(editor: User, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    # Rate limits would turn the run into a test of 429s.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None}
    )
    nation = NationFactory(code=NATION, name="Canada")
    host = NationFactory(code=HOST, name="Iraq")
    destination = NationFactory(code=DESTINATION, name="Kuwait")
    source = SourceFactory()
    monkeypatch.setitem(REFERENCES, "source", source.pk)
    # Each is cited, so that deleting it is refused (409) and it stays.
    TroopCountFactory(nation=nation, host=host, source=source)
    IntentionFactory(nation=nation, host=host, destination=destination, source=source)
    token = Token.objects.create(user=editor)
    headers = {"Authorization": f"Token {token.key}"}
    # The app is called in-process, inside the test's transaction: like
    # Django's own test client, keep it from closing that connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
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
    keep_rules_of_stored_data(case)
    # Headers given here are known to the checks as real credentials
    # (ignored_auth then tries the request without them).
    case.call_and_validate(headers=editor_headers)  # every check


@pytest.mark.django_db
def test_api_keeps_its_schema_through_sequences_of_calls(
    editor_headers: dict,
) -> None:
    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        # Each scenario starts from the fixture's records, so that Hypothesis
        # can replay one exactly when it shrinks a failure.
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case: Case) -> None:
            keep_rules_of_stored_data(case)

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"headers": editor_headers}

        def validate_response(self, response: Any, case: Case, **kwargs: Any) -> None:
            # As call_and_validate does: the checks learn the real credentials.
            case.validate_response(
                response,
                headers=editor_headers,
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    Sequences.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
