"""Strangers can neither flush nor fill the page cache: query parameters a page does not read
make no entry, endless query strings (searches) cannot push out the other pages, the Redis
store is bounded, and a hit is dated once, by the server."""

from __future__ import annotations

import uuid

import pytest
import redis
from flask import Flask

from tests.plugins.app import REDIS_URL, redis_available


def _pools(app: Flask) -> dict[str, int]:
    return {name: len(pool) for name, pool in app.extensions["storyhub-page-pools"].items()}


def test_junk_query_strings_neither_evict_nor_grow(more_apps):
    """Issue 12: 2,000 junk query strings evicted the home page from a cache of 2,000 pages.
    Here the bound is 50 and 200 junk queries come (the same proportion, quicker to run)."""
    app = more_apps(PAGE_CACHE_MAX_PAGES=50, PAGE_CACHE_MAX_QUERY_PAGES=50)
    client = app.test_client()
    assert client.get("/").headers["X-Cache"] == "miss"
    assert client.get("/").headers["X-Cache"] == "hit"
    before = _pools(app)
    for number in range(200):
        response = client.get(f"/?utm_source=junk{number}")
        assert response.status_code == 200
    assert _pools(app) == before  # nothing stored for a parameter the page does not read
    home = client.get("/")
    assert home.headers["X-Cache"] == "hit"


def test_unread_parameters_beside_read_ones_are_not_stored(more_apps):
    app = more_apps()
    client = app.test_client()
    for _ in range(2):
        junk = client.get("/stories/?language=en&junk=1")
        assert junk.status_code == 200 and junk.headers["X-Cache"] == "miss"
    # A repeated parameter is not the page its first value names (the language switcher
    # carries every value): not stored either.
    for _ in range(2):
        repeated = client.get("/stories/?language=en&language=it")
        assert repeated.headers["X-Cache"] == "miss"
    assert _pools(app)["query"] == 0
    client.get("/stories/?language=en&country=IT")
    same = client.get("/stories/?country=IT&language=en&&")
    assert same.headers["X-Cache"] == "hit"  # one page, whatever order and empty pieces
    assert _pools(app)["query"] == 1


def test_endless_searches_cannot_push_out_other_pages(more_apps):
    app = more_apps(PAGE_CACHE_MAX_QUERY_PAGES=20, PAGE_CACHE_MAX_PAGES=20)
    client = app.test_client()
    for path in ("/", "/topics/calcinosis", "/diagnoses/"):
        client.get(path)
    for number in range(60):
        assert client.get(f"/search?q=gloves{number}").status_code == 200
    assert _pools(app)["query"] == 20  # bounded
    for path in ("/", "/topics/calcinosis", "/diagnoses/"):
        assert client.get(path).headers["X-Cache"] == "hit", path


def test_memory_pool_drops_least_recently_used_first(more_apps):
    app = more_apps(PAGE_CACHE_MAX_PAGES=3)
    client = app.test_client()
    client.get("/")
    client.get("/topics/")
    client.get("/diagnoses/")
    assert client.get("/").headers["X-Cache"] == "hit"  # used again: now the freshest
    client.get("/topics/calcinosis")  # a fourth page: /topics/ goes, not the home page
    assert _pools(app)["path"] == 3
    assert client.get("/").headers["X-Cache"] == "hit"
    assert client.get("/topics/").headers["X-Cache"] == "miss"


@pytest.mark.skipif(not redis_available(), reason="no Redis at STORYHUB_TEST_REDIS_URL")
def test_redis_store_is_bounded_and_keeps_recently_used_pages(more_apps):
    prefix = f"test-h12a-{uuid.uuid4().hex}:"
    client_redis = redis.Redis.from_url(REDIS_URL)
    try:
        app = more_apps(
            REDIS_URL=REDIS_URL,
            PAGE_CACHE_KEY_PREFIX=prefix,
            PAGE_CACHE_MAX_PAGES=4,
            PAGE_CACHE_MAX_QUERY_PAGES=3,
        )
        client = app.test_client()
        client.get("/")
        assert client.get("/").headers["X-Cache"] == "hit"
        for number in range(60):
            client.get(f"/?junk={number}")
        for number in range(10):
            client.get(f"/search?q=gloves{number}")
        for path in ("/topics/", "/diagnoses/", "/topics/calcinosis", "/stories/"):
            client.get(path)
            assert client.get("/").headers["X-Cache"] == "hit"  # used between the others
        pages = list(client_redis.scan_iter(f"{prefix}page:*"))
        assert len(pages) <= 4 + 3
        assert _pools(app) == {"path": 4, "query": 3}
        assert client.get("/").headers["X-Cache"] == "hit"
        assert client.get("/topics/").headers["X-Cache"] == "miss"  # the oldest went
        # Stored as plain data: headers and tag versions as JSON, then the body; no pickle.
        # (Listed again: storing /topics/ just now pushed the least recently used page out.)
        stored = client_redis.get(next(client_redis.scan_iter(f"{prefix}page:*")))
        assert stored is not None and stored.startswith(b'{"h": [[')
    finally:
        keys = list(client_redis.scan_iter(f"{prefix}*"))
        if keys:
            client_redis.delete(*keys)


def test_a_hit_carries_no_date_of_its_own(more_apps):
    """The server dates each response (gunicorn always adds Date): the app adds none, so a
    hit is not dated twice, nor with the time it was stored (tests/system/test_proxy_trust.py checks
    the same through gunicorn)."""
    app = more_apps()
    client = app.test_client()
    miss = client.get("/topics/calcinosis")
    hit = client.get("/topics/calcinosis")
    assert hit.headers["X-Cache"] == "hit"
    assert "Date" not in miss.headers and "Date" not in hit.headers
    api = client.get("/api/v1/stories")
    assert "Date" not in api.headers
