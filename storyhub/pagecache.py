"""Server-side cache of anonymous public pages, keyed by URL, interface language and a
publish *generation* that any committed change to public content bumps.

Correctness comes first: rather than each service remembering which pages to purge, a
SQLAlchemy hook watches every flush. When a commit touched a story that is or was published,
or a topic or diagnosis, the generation moves on and every cached page is stale at once, in
every worker: the generation lives in Redis when REDIS_URL is set, otherwise in a file in the
instance folder (one machine, many workers). Pages are stored in Redis, or in each worker's
memory; old generations simply age out, and both stores are bounded (least recently used
pages go first). Pages are served by a WSGI middleware
in front of Flask, so a hit skips the request machinery; `per_generation` keeps plain data
derived from public content (taxonomy, counts) the same way.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Request, current_app
from werkzeug.datastructures import ImmutableMultiDict, LanguageAccept
from werkzeug.http import parse_accept_header, parse_etags, unquote_etag
from werkzeug.utils import cached_property

from storyhub.models import Diagnosis, DiagnosisName, Story, StoryStatus, Topic, TopicText

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

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
    def __init__(self, url: str, key: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.key = key

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


# Set by ReadTrackingArgs in the WSGI environ: the query parameter names the view asked for.
ARGS_READ = "storyhub.query_args_read"


class ReadTrackingArgs(ImmutableMultiDict[str, str]):
    """`request.args` that notes which names the view reads. The page cache stores a page only
    when the view read every parameter of its URL: one it ignores (`/?junk=1`, `/?junk=2`, …)
    must not make a new entry, or a stranger could fill the cache and push the home page out.
    A read this class does not see (iteration) only means a page is not stored: safe."""

    def __init__(self, pairs: Iterable[tuple[str, str]], read: set[str]) -> None:
        super().__init__(pairs)
        self.read = read

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key: str, type: Any = None) -> Any:
        self.read.add(key)
        return super().getlist(key, type)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


class PageRequest(Request):
    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:  # type: ignore[override]
        read: set[str] = self.environ.setdefault(ARGS_READ, set())
        return ReadTrackingArgs(_query_pairs(self.environ) or [], read)


def _query_pairs(environ: WSGIEnvironment) -> list[tuple[str, str]] | None:
    """The query string's (name, value) pairs as Werkzeug parses them; None if unreadable."""
    try:
        query = environ.get("QUERY_STRING", "").encode("latin-1").decode()
    except UnicodeError:
        return None
    return parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote")


class _MemoryPages:
    """One worker's pages, least recently used first out, bounded in number and bytes."""

    def __init__(self, max_pages: int, max_bytes: int, seconds: int) -> None:
        self.max_pages, self.max_bytes, self.seconds = max_pages, max_bytes, seconds
        self.pages: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return found[1]

    def set(self, key: str, value: bytes) -> None:
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (time.monotonic() + self.seconds, value)
            self.size += len(value)
            while len(self.pages) > self.max_pages or self.size > self.max_bytes:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        self.size -= len(self.pages.pop(key)[1])

    def __len__(self) -> int:
        return len(self.pages)


class _RedisPages:
    """Pages in Redis, shared by every worker: each pool keeps an index (a sorted set of keys
    by last use), trimmed to `max_pages` whenever a page is stored, least recently used first.
    Redis's own memory policy is not relied on: it would evict rate-limit counters too."""

    def __init__(self, client: Any, index: str, max_pages: int, seconds: int) -> None:
        self.client, self.index = client, index
        self.max_pages, self.seconds = max_pages, seconds

    def get(self, key: str) -> bytes | None:
        pipe = self.client.pipeline(transaction=False)
        pipe.get(key)
        pipe.zadd(self.index, {key: time.time()}, xx=True)
        value, _ = pipe.execute()
        return value

    def set(self, key: str, value: bytes) -> None:
        now = time.time()
        pipe = self.client.pipeline(transaction=False)
        pipe.set(key, value, ex=self.seconds)
        pipe.zadd(self.index, {key: now})
        pipe.zremrangebyscore(self.index, "-inf", now - self.seconds)  # expired already
        pipe.zcard(self.index)
        count = pipe.execute()[-1]
        if count > self.max_pages:
            evicted = [k for k, _ in self.client.zpopmin(self.index, count - self.max_pages)]
            if evicted:
                self.client.delete(*evicted)

    def __len__(self) -> int:
        return int(self.client.zcard(self.index))


def _pack(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    """Plain data, not pickle: what is read back from a shared store is never code."""
    return json.dumps(headers).encode() + b"\n" + body


def _unpack(stored: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    head, _, body = stored.partition(b"\n")
    return body, [(name, value) for name, value in json.loads(head)]


class PageCacheMiddleware:
    """Serve stored anonymous pages before Flask sees the request; store cacheable ones.

    A WSGI layer, like a reverse-proxy cache inside the process: a hit costs a key, a read
    of the generation and one cache lookup, not a request context, a session or the view.
    A response is stored when it is a 200 to an anonymous GET, says `public` in its
    Cache-Control, sets no cookie, is small, and its view read every query parameter of the
    URL (ReadTrackingArgs): the view decides what is cacheable. Pages with a query string
    (searches, filters, cursors: endless) live in a pool of their own, so no flood of them
    can push out the pages without one (the home page, stories, topics)."""

    MAX_BODY = 1_000_000

    def __init__(self, app: Flask) -> None:
        self.inner = app.wsgi_app
        self.pools: dict[str, _MemoryPages | _RedisPages] = app.extensions["storyhub-page-pools"]
        self.generation = app.extensions["storyhub-page-generation"]
        self.prefix = app.config["PAGE_CACHE_KEY_PREFIX"]
        self.private_cookies = (app.config["SESSION_COOKIE_NAME"], "remember_token")
        self.locales = tuple(app.config["STORYHUB_UI_LOCALES"])
        self.default_locale = app.config["BABEL_DEFAULT_LOCALE"]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        found = self.key(environ)
        if found is None:
            return self.inner(environ, start_response)
        key, pool = found
        stored = self.pools[pool].get(key)
        if stored is not None:
            return self.serve(_unpack(stored), environ, start_response)
        if environ["REQUEST_METHOD"] != "GET":  # a HEAD response has no body to keep
            return self.inner(environ, start_response)
        return self.run_and_store(key, pool, environ, start_response)

    def key(self, environ: WSGIEnvironment) -> tuple[str, str] | None:
        """The page's key and pool, or None when the request must reach the app (not a
        read, or a session that may show private things: a moderator, a flash message)."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        cookies = environ.get("HTTP_COOKIE", "")
        if path.startswith("/static/") or any(name in cookies for name in self.private_cookies):
            return None
        pairs = _query_pairs(environ)
        if pairs is None:
            return None
        # The interface language comes from ?lang= (in the query string, so in the key) or
        # else from Accept-Language, decided exactly as i18n.ui_locale decides it.
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        locale = accepted.best_match(self.locales) or self.default_locale
        # Everything a link on the page is built from: scheme, host and prefix (with PUBLIC_URL
        # set, storyhub/proxy.py has already pinned them to the site's own).
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        where = f"{environ['wsgi.url_scheme']}://{host}{environ.get('SCRIPT_NAME', '')}{path}"
        # The parameters as the view sees them, in one order: `?b=1&a=2`, `?a=2&b=1&&` and
        # `?%61=2&b=1` are one page, not three entries.
        query = urlencode(sorted(pairs, key=lambda pair: pair[0]))
        key = f"{self.prefix}page:{self.generation.read()}:{locale}:{where}?{query}"
        return key, "query" if pairs else "path"

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
        self, key: str, pool: str, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if _storable(status, headers):
                # The server dates each response it sends: a stored Date would be a second,
                # stale one on every hit.
                seen["headers"] = [(n, v) for n, v in headers if n.lower() != "date"]
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
        if len(body) <= self.MAX_BODY and _view_read_every_parameter(environ):
            self.pools[pool].set(key, _pack(body, seen["headers"]))
        return [body]


def _view_read_every_parameter(environ: WSGIEnvironment) -> bool:
    names = [name for name, _ in _query_pairs(environ) or []]
    read: set[str] = environ.get(ARGS_READ, set())
    return len(names) == len(set(names)) and read.issuperset(names)


_NOT_MODIFIED_HEADERS = frozenset({"ETag", "Cache-Control", "Vary", "Content-Language"})


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("PAGE_CACHE_KEY_PREFIX", "storyhub:")
    prefix = app.config["PAGE_CACHE_KEY_PREFIX"]
    seconds = app.config["PAGE_CACHE_SECONDS"]
    bounds = {
        "path": (app.config["PAGE_CACHE_MAX_PAGES"], app.config["PAGE_CACHE_MAX_BYTES"]),
        "query": (
            app.config["PAGE_CACHE_MAX_QUERY_PAGES"],
            app.config["PAGE_CACHE_MAX_QUERY_BYTES"],
        ),
    }
    pools: dict[str, _MemoryPages | _RedisPages]
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        pools = {
            name: _RedisPages(client, f"{prefix}page-index:{name}", pages, seconds)
            for name, (pages, _bytes) in bounds.items()
        }
    else:
        pools = {name: _MemoryPages(pages, size, seconds) for name, (pages, size) in bounds.items()}
    app.extensions["storyhub-page-pools"] = pools
    app.extensions["storyhub-generation-memo"] = {}
    app.extensions["storyhub-page-generation"] = (
        _RedisGeneration(redis_url, f"{prefix}page-generation")
        if redis_url
        else _FileGeneration(Path(app.instance_path) / "page-cache-generation")
    )
    app.request_class = PageRequest
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not sa.event.contains(so.Session, name, listener):
            sa.event.listen(so.Session, name, listener)
    if app.config["PAGE_CACHE_ENABLED"]:
        app.wsgi_app = PageCacheMiddleware(app)  # type: ignore[method-assign]
