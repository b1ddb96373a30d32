"""Server-side cache of anonymous public pages, keyed by URL and interface language, each
page fresh while the version counters of its *tags* have not moved.

Correctness comes first: rather than each service remembering which pages to purge, a
SQLAlchemy hook looks at every flush. When a commit touched a story that is or was published,
it bumps the tags of every page that showed or will show that story (services/cache_tags.py:
the story's family page, its topics', diagnoses' and ancestors', its language's and country's
listings, the coarse tags of site-wide listings), computed from the story's state before and
after the change; a taxonomy edit bumps the tag every page carries. A stored page keeps the
versions of its tags when it was made, and a lookup compares them with the current ones, in
every worker: the counters live in Redis when REDIS_URL is set (one MGET), otherwise in a
memory-mapped file in the instance folder (one machine, many workers). Every change also moves
the *publish generation* on: `per_generation` keeps plain data derived from public content
(taxonomy, counts) per generation, and a page made while the generation moved is not stored.
Pages are stored in Redis, or in each worker's memory; both stores are bounded (least recently
used pages go first). Pages are served by a WSGI middleware in front of Flask, so a hit skips
the request machinery.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Request, Response, request
from werkzeug.datastructures import ImmutableMultiDict, LanguageAccept
from werkzeug.http import parse_accept_header, parse_etags, unquote_etag
from werkzeug.utils import cached_property

from storyhub.cache_versions import (
    GENERATION,
    FileVersions,
    Generation,
    RedisVersions,
    after_commit,
    after_rollback,
    before_flush,
)
from storyhub.services import cache_tags

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

# Set by ReadTrackingArgs in the WSGI environ: the query parameter names the view asked for.
ARGS_READ = "storyhub.query_args_read"
# Set by note_page_tags in the WSGI environ of a page the middleware may store: its tags.
PAGE_TAGS = "storyhub.page_tags"


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
        return ReadTrackingArgs(super().args.items(multi=True), read)


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


def _pack(body: bytes, headers: list[tuple[str, str]], versions: dict[str, int]) -> bytes:
    """Plain data, not pickle: what is read back from a shared store is never code. The
    page's tags and their versions when it was made go with it."""
    return json.dumps({"h": headers, "v": versions}).encode() + b"\n" + body


def _unpack(stored: bytes) -> tuple[bytes, list[tuple[str, str]], dict[str, int]]:
    head, _, body = stored.partition(b"\n")
    meta = json.loads(head)
    return body, [(name, value) for name, value in meta["h"]], meta["v"]


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
        self.versions: FileVersions | RedisVersions = app.extensions["storyhub-page-versions"]
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
            page = _unpack(stored)
            tags = list(page[2])
            # Fresh while none of its tags moved on: one read of a few counters.
            if self.versions.read(tags) == [page[2][tag] for tag in tags]:
                return self.serve(page, environ, start_response)
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
        key = f"{self.prefix}page:{locale}:{where}?{query}"
        return key, "query" if pairs else "path"

    def serve(
        self, stored: tuple[bytes, list[tuple[str, str]], dict[str, int]],
        environ: WSGIEnvironment, start_response: StartResponse,
    ) -> Iterable[bytes]:  # fmt: skip
        body, headers, _versions = stored
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
        # Read before the view reads the database: if a change commits while the page is
        # made, the generation moves and the page, which may show the old state, is not kept.
        (generation,) = self.versions.read([GENERATION])
        environ[PAGE_TAGS] = None  # the app fills it in (note_page_tags)

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
        tags = environ.get(PAGE_TAGS)
        if tags and len(body) <= self.MAX_BODY and _view_read_every_parameter(environ):
            # The tags' versions first, then the generation (a change bumps them the other
            # way round): if the generation did not move, no tag read here moved after the
            # view read the data.
            order = sorted(tags)
            *versions, after = self.versions.read([*order, GENERATION])
            if after == generation:
                stored = _pack(body, seen["headers"], dict(zip(order, versions, strict=True)))
                self.pools[pool].set(key, stored)
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


def note_page_tags(response: Response) -> Response:
    """Tell the middleware which tags a page it may store carries (from the endpoint, view
    arguments and query string: services/cache_tags.py); only for 200s it asked about."""
    environ = request.environ
    # A page whose view ignored a query parameter is not stored: its tags (a query, for a
    # story page) would be computed for nothing.
    if PAGE_TAGS in environ and response.status_code == 200 and _view_read_every_parameter(environ):
        # From the query string itself: reading request.args would count as the view's reads.
        args = dict(_query_pairs(environ) or [])
        environ[PAGE_TAGS] = cache_tags.page_tags(request.endpoint, request.view_args, args)
    return response


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
    versions: FileVersions | RedisVersions
    if redis_url:
        import redis

        versions = RedisVersions(redis.Redis.from_url(redis_url), prefix)
    else:
        versions = FileVersions(Path(app.instance_path) / "page-cache-versions")
    app.extensions["storyhub-page-versions"] = versions
    app.extensions["storyhub-page-generation"] = Generation(versions)
    app.request_class = PageRequest
    app.after_request(note_page_tags)
    for name, listener in (
        ("before_flush", before_flush),
        ("after_commit", after_commit),
        ("after_rollback", after_rollback),
    ):
        if not sa.event.contains(so.Session, name, listener):
            sa.event.listen(so.Session, name, listener)
    if app.config["PAGE_CACHE_ENABLED"]:
        app.wsgi_app = PageCacheMiddleware(app)  # type: ignore[method-assign]
