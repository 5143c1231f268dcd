from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from benchmarks.servers import ThrowawayRedis
from deployments import caching
from tracker import replica_health
from tracker.throttling import forget_outage

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings


# A second connection to the test database, standing in for a replica in
# tests/test_replicas.py: Django's test MIRROR points it at the default's
# database. It is inert unless a test names it in DATABASE_REPLICAS.
TEST_REPLICA = "replica_1"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> None:
    # Django's own, completed with every key's default: DATABASES itself.
    databases = connections.settings
    databases.setdefault(
        TEST_REPLICA,
        databases["default"]
        | {"TEST": databases["default"]["TEST"] | {"MIRROR": "default"}},
    )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Settings) -> None:
    # Hashing with the production algorithm would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # API rate limits are counted in the cache (or, while it is down, in each
    # worker), and derived values are kept in it per revision: each test
    # starts with none of them, and with the cache believed up.
    cache.clear()
    caching.forget_recent()
    caching.forget_outage()
    forget_outage()
    replica_health.forget_verdicts()
    yield
    cache.clear()
    caching.forget_recent()
    caching.forget_outage()
    forget_outage()
    replica_health.forget_verdicts()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def user_with_permissions(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, password="not-used")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor(db: None) -> User:
    """A user allowed to add, change and delete every kind of record."""
    return user_with_permissions(
        "editor",
        *(
            f"{action}_{model}"
            for action in ("add", "change", "delete", "view")
            for model in (
                "nation",
                "source",
                "deployment",
                "troopcount",
                "intention",
                "proposal",
            )
        ),
    )


@pytest.fixture
def editor_client(editor: User) -> APIClient:
    """Authenticated the way programs are: with the editor's token."""
    client = APIClient()
    token = Token.objects.create(user=editor)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def redis_server() -> Iterator[ThrowawayRedis]:
    """A Redis server of the test's own: parallel runs never share keys."""
    server = ThrowawayRedis()
    server.start()
    try:
        yield server
    finally:
        server.kill()
