"""The app under test: every test gets its own empty database (a SQLite file or a PostgreSQL
schema).

Set STORYHUB_TEST_DATABASE_URL to a PostgreSQL URL to run the suite there; `make test` runs it
on both. Separate schemas keep tests independent, so they run in any order and in parallel.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from storyhub import create_app
from storyhub.extensions import db

TEST_DATABASE_URL = os.environ.get("STORYHUB_TEST_DATABASE_URL", "sqlite://")
# Where a rate-limited test keeps its counters: memory always, and Redis too when the run has one
# (`make test` sets STORYHUB_TEST_REDIS_URL).
RATE_LIMIT_STORAGES = ["worker-memory://"]  # what production uses without Redis
if os.environ.get("STORYHUB_TEST_REDIS_URL"):
    RATE_LIMIT_STORAGES.append(os.environ["STORYHUB_TEST_REDIS_URL"])


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """Create a throwaway PostgreSQL schema; yield a URL whose connections use it."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """Yield a URL to a database no other test touches; drop it afterwards."""
    if not is_postgres():
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with postgres_schema(TEST_DATABASE_URL) as url:
        yield url


@pytest.fixture(params=RATE_LIMIT_STORAGES, ids=["memory", "redis"][: len(RATE_LIMIT_STORAGES)])
def rate_limit_storage(request: pytest.FixtureRequest) -> str:
    """A test that asks for this fixture runs once per limiter storage (its app uses it)."""
    return request.param


def _limits(settings: dict[str, object], request: pytest.FixtureRequest) -> dict[str, object]:
    """A rate-limited app (`app_config(RATELIMIT_ENABLED=True, …)`) counts on its own, in the
    storage the test asked for (`rate_limit_storage`) or in memory."""
    if not settings.get("RATELIMIT_ENABLED"):
        return {}
    storage = (
        request.getfixturevalue("rate_limit_storage")
        if "rate_limit_storage" in request.fixturenames
        else "worker-memory://"
    )
    # Tests never share counters, even in one Redis.
    return {"RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}


@pytest.fixture
def app(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    # `@pytest.mark.app_config(NAME=value, …)` sets what must be known when the app is made
    # (PUBLIC_URL, RATELIMIT_ENABLED and the limits, say); changing app.config afterwards would
    # reach only part of the app.
    marker = request.node.get_closest_marker("app_config")
    settings = dict(marker.kwargs) if marker else {}
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            # The re-identification warning would stop most submissions in a small test
            # database; tests/routes/submit/test_reidentification_warning.py switches it on.
            "REIDENTIFICATION_COUNTRY_STORIES": 0,
            # Likewise the identifier check (the usual test story has a link in it);
            # tests/routes/submit/test_identifier_question.py switches it on.
            "IDENTIFIER_CHECK": False,
            **_limits(settings, request),
            **settings,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def demo(app: Flask) -> None:
    """Load the whole demo set (diagnoses, topics, stories). Prefer the factories
    (tests/plugins/factories.py) unless the test is about the demo content or needs a realistic
    corpus (search ranking, crawling every page)."""
    from storyhub.services.tools.demo import load_demo

    with app.app_context():
        load_demo()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free localhost port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


REDIS_URL = os.environ.get("STORYHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def uncached(app: Flask, database_url: str) -> Iterator[FlaskClient]:
    """The same site on the same database, without the page cache: the truth a cached page is
    compared with, byte for byte (tests/system/test_cache_invalidation*.py). It shares the
    app's instance folder, so its per-generation data moves on with each change."""
    truth = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "INSTANCE_PATH": app.instance_path,
            "PAGE_CACHE_ENABLED": False,
        }
    )
    yield truth.test_client()
    with truth.app_context():
        db.engine.dispose()


@pytest.fixture
def more_apps(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """Make more apps on this test's database, as more workers or machines would be: each with
    its own instance folder and `overrides`, built from `config` (a Config class) when given.
    `prepare` creates the tables and loads the demo set with the first app."""
    made: list[Flask] = []

    def make(config: type | None = None, *, prepare: bool = True, **overrides: Any) -> Flask:
        settings = {
            "TESTING": True,
            "SECRET_KEY": "more-apps-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),  # one machine: its workers share it
            "REIDENTIFICATION_COUNTRY_STORIES": 0,
            "IDENTIFIER_CHECK": False,  # the usual test story holds a link
            **overrides,
        }
        app = create_app(type("Configured", (config,), settings) if config else settings)
        if prepare:
            from storyhub.services.tools.demo import load_demo

            with app.app_context():
                db.create_all()
                if not made:
                    load_demo()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
