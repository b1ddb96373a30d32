"""Server-side cache of anonymous public pages, keyed by URL, interface language and a
publish *generation* that any committed change to public content bumps.

Correctness comes first: rather than each service remembering which pages to purge, a
SQLAlchemy hook watches every flush. When a commit touched a story that is or was published,
or a topic or diagnosis, the generation moves on and every cached page is stale at once, in
every worker: the generation lives in Redis when REDIS_URL is set, otherwise in a file in the
instance folder (one machine, many workers). Pages are stored in Redis, or in each worker's
memory; old generations simply age out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Response, current_app, g, request
from flask_babel import get_locale
from flask_caching import Cache

from storyhub.models import Diagnosis, DiagnosisName, Story, StoryStatus, Topic, TopicText

cache = Cache()
_KEPT_HEADERS = ("Content-Type", "Cache-Control", "ETag", "Vary", "Content-Language", "Link")
_TAXONOMY = (Topic, TopicText, Diagnosis, DiagnosisName)


class _FileGeneration:
    """A counter shared by the workers of one machine: the mtime of a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str:
        try:
            return str(os.stat(self.path).st_mtime_ns)
        except FileNotFoundError:
            return "0"

    def bump(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        os.utime(self.path)


class _RedisGeneration:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.key = "storyhub:page-generation"

    def read(self) -> str:
        return (self.client.get(self.key) or b"0").decode()

    def bump(self) -> None:
        self.client.incr(self.key)


def _generation() -> _FileGeneration | _RedisGeneration:
    return current_app.extensions["storyhub-page-generation"]


def invalidate() -> None:
    """Make every cached page stale (bulk loads that bypass the ORM call this)."""
    _generation().bump()


# Story columns that change what public pages, feeds and the API show even when the story's
# status is not loaded or not changing: an author withdrawing consent to translations or to
# feeds, a moderator's content note. Any change to them makes every cached page stale.
_PUBLIC_SWITCHES = ("allow_translation", "allow_syndication", "content_note")


def _touches_public_content(session: so.Session) -> bool:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _TAXONOMY):
            return True
        if isinstance(obj, Story):
            attrs = sa.inspect(obj).attrs
            history = attrs.status.history
            if StoryStatus.PUBLISHED in (*history.added, *history.deleted, *history.unchanged):
                return True
            # A new story is not public (unless published, caught above): its switches are not.
            if obj not in session.new and any(
                attrs[name].history.has_changes() for name in _PUBLIC_SWITCHES
            ):
                return True
    return False


def _after_flush(session: so.Session, _context: Any) -> None:
    if _touches_public_content(session):
        session.info["pagecache_stale"] = True


def _after_commit(session: so.Session) -> None:
    if session.info.pop("pagecache_stale", False):
        invalidate()


def _after_rollback(session: so.Session) -> None:
    session.info.pop("pagecache_stale", None)


def _is_anonymous() -> bool:
    cookies = request.cookies
    return not (current_app.config["SESSION_COOKIE_NAME"] in cookies or "remember_token" in cookies)


def _key() -> str:
    return f"page:{_generation().read()}:{get_locale()}:{request.full_path}"


def serve_cached_page() -> Response | None:
    if request.method not in ("GET", "HEAD") or not _is_anonymous():
        return None
    g.page_cache_key = _key()
    stored = cache.get(g.page_cache_key)
    if stored is None:
        return None
    body, headers = stored
    response = Response(body, 200, headers)
    response.headers["X-Cache"] = "hit"
    g.page_cache_hit = True
    return response.make_conditional(request)


def store_page(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if (
        key is None
        or g.get("page_cache_hit")
        or response.status_code != 200
        or response.direct_passthrough
        or "public" not in (response.headers.get("Cache-Control") or "")
        or "Set-Cookie" in response.headers
    ):
        return response
    headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
    cache.set(key, (response.get_data(), headers))
    response.headers["X-Cache"] = "miss"
    return response


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    cache.init_app(
        app,
        config={
            "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "storyhub:",
            "CACHE_DEFAULT_TIMEOUT": app.config["PAGE_CACHE_SECONDS"],
            "CACHE_THRESHOLD": 2_000,
        },
    )
    app.extensions["storyhub-page-generation"] = (
        _RedisGeneration(redis_url)
        if redis_url
        else _FileGeneration(Path(app.instance_path) / "page-cache-generation")
    )
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not sa.event.contains(so.Session, name, listener):
            sa.event.listen(so.Session, name, listener)
    if app.config["PAGE_CACHE_ENABLED"]:
        app.before_request(serve_cached_page)
        app.after_request(store_page)
