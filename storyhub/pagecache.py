"""Server-side cache of anonymous public pages, keyed by URL, interface language and a
publish *generation* that any committed change to public content bumps.

Correctness comes first: rather than each service remembering which pages to purge, a
SQLAlchemy hook watches every flush. When a commit touched a story that is or was published,
or a topic or diagnosis, the generation moves on and every cached page is stale at once, in
every worker: the generation lives in Redis when REDIS_URL is set, otherwise in a file in the
instance folder (one machine, many workers). Pages are stored in Redis, or in each worker's
memory (Flask-Caching); old generations simply age out. Pages are served by a WSGI middleware
in front of Flask, so a hit skips the request machinery; `per_generation` keeps plain data
derived from public content (taxonomy, counts) the same way.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app
from flask_caching import Cache
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_etags, unquote_etag

from storyhub.models import Diagnosis, DiagnosisName, Story, StoryStatus, Topic, TopicText

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

cache = Cache()
_TAXONOMY = (Topic, TopicText, Diagnosis, DiagnosisName)


class _FileGeneration:
    """A counter shared by the workers of one machine, kept in a small file.

    Its content, not its mtime: file times can be as coarse as the kernel's clock tick, and
    two publications within one tick must still be two generations."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")

    def read(self) -> str:
        try:
            with open(self.path, "rb") as counter:
                return counter.read().decode() or "0"
        except FileNotFoundError:
            return "0"

    def bump(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one writer at a time: no two bumps collapse
            current = self.read()
            following = int(current) + 1 if current.isdigit() else 1
            # Readers see the old or the new file, never a half-written one.
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}")
            temporary.write_text(str(following))
            os.replace(temporary, self.path)


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


T = TypeVar("T")


def per_generation(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, kept by this worker until public content next changes.

    For plain data derived from public content that many requests need (story counts,
    the taxonomy): the generation is part of the key, so a value computed before a change is
    never returned after it, in any worker. Values must be plain data, not ORM objects."""
    memo: dict[tuple[Any, ...], Any] = current_app.extensions["storyhub-generation-memo"]
    generation = _generation().read()
    full_key = (generation, *key)
    try:
        return memo[full_key]
    except KeyError:
        pass
    value = compute()
    if any(stored[0] != generation for stored in list(memo)):
        memo.clear()  # a new generation: the old values are never asked for again
    memo[full_key] = value
    return value


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


class PageCacheMiddleware:
    """Serve stored anonymous pages before Flask sees the request; store cacheable ones.

    A WSGI layer, like a reverse-proxy cache inside the process: a hit costs a key, a read
    of the generation and one cache lookup, not a request context, a session or the view.
    A response is stored when it is a 200 to an anonymous GET, says `public` in its
    Cache-Control, sets no cookie and is small: the view decides what is cacheable."""

    MAX_BODY = 1_000_000

    def __init__(self, app: Flask) -> None:
        self.inner = app.wsgi_app
        self.store = app.extensions["cache"][cache]
        self.generation = app.extensions["storyhub-page-generation"]
        self.private_cookies = (app.config["SESSION_COOKIE_NAME"], "remember_token")
        self.locales = tuple(app.config["STORYHUB_UI_LOCALES"])
        self.default_locale = app.config["BABEL_DEFAULT_LOCALE"]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.inner(environ, start_response)
        stored = self.store.get(key)
        if stored is not None:
            return self.serve(stored, environ, start_response)
        if environ["REQUEST_METHOD"] != "GET":  # a HEAD response has no body to keep
            return self.inner(environ, start_response)
        return self.run_and_store(key, environ, start_response)

    def key(self, environ: WSGIEnvironment) -> str | None:
        """The page's key, or None when the request must reach the app (not a read, or a
        session that may show private things: a moderator, a flash message)."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        cookies = environ.get("HTTP_COOKIE", "")
        if path.startswith("/static/") or any(name in cookies for name in self.private_cookies):
            return None
        # The interface language comes from ?lang= (in the query string, so in the key) or
        # else from Accept-Language, decided exactly as i18n.ui_locale decides it.
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        locale = accepted.best_match(self.locales) or self.default_locale
        # Everything a link on the page is built from: scheme, host and prefix (with PUBLIC_URL
        # set, storyhub/proxy.py has already pinned them to the site's own).
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        where = f"{environ['wsgi.url_scheme']}://{host}{environ.get('SCRIPT_NAME', '')}{path}"
        return f"page:{self.generation.read()}:{locale}:{where}?{environ.get('QUERY_STRING', '')}"

    def serve(
        self, stored: tuple[bytes, list[tuple[str, str]]], environ: WSGIEnvironment,
        start_response: StartResponse,
    ) -> Iterable[bytes]:  # fmt: skip
        body, headers = stored
        etag = dict(headers).get("ETag")
        if etag and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(
            unquote_etag(etag)[0] or ""
        ):
            kept = [(n, v) for n, v in headers if n in _NOT_MODIFIED_HEADERS]
            start_response("304 NOT MODIFIED", [*kept, ("X-Cache", "hit")])
            return []
        start_response("200 OK", [*headers, ("X-Cache", "hit")])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def run_and_store(
        self, key: str, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if _storable(status, headers):
                seen["headers"] = headers
                headers = [*headers, ("X-Cache", "miss")]
            return start_response(status, headers, exc_info)

        response = self.inner(environ, capture)
        if "headers" not in seen:
            return response
        # Read at once, not as the server sends it: a storable page is already rendered in
        # memory, and reading it here stores it even if the client goes away half way.
        try:
            body = b"".join(response)
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()
        if len(body) <= self.MAX_BODY:
            self.store.set(key, (body, seen["headers"]))
        return [body]


_NOT_MODIFIED_HEADERS = frozenset({"ETag", "Cache-Control", "Vary", "Content-Language"})


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


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
    app.extensions["storyhub-generation-memo"] = {}
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
        app.wsgi_app = PageCacheMiddleware(app)  # type: ignore[method-assign]
