"""Rendered fragments shared by every page that shows them: a teaser, a story's body.

A listing of twenty stories spent most of its time in Jinja rendering the same twenty teasers
every other listing also renders. Each fragment is rendered once per story *version* and
interface language and kept here; the key holds everything the HTML is made from (the story's
id and version, which every UPDATE of its row moves on, the names of its diagnoses, its nested
translations' ids and versions, the interface language, the ?lang= choice links carry), so a
fragment is never stale by construction and nothing ever needs purging.

The store is bounded: least recently used fragments go first, in each worker. With REDIS_URL
set, fragments are also shared between workers and machines through Redis (with a lifetime,
so Redis holds a bounded working set too).

Only HTML rendered by the autoescaping templates from sanitised fields (`body_html` is
sanitised when stored, see sanitize.py) is marked safe again when it is served from here.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, g, get_template_attribute, has_request_context, request
from flask_login import current_user
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from storyhub.i18n import chosen_ui_locale, current_locale
from storyhub.services.catalog import Teaser

DEFAULT_SIZE = 20_000  # fragments per worker: a teaser is about 600 bytes, a body a few kB
REDIS_LIFETIME = 24 * 3600  # seconds
_EXTENSION = "storyhub-fragments"


class _LRU:
    """A bounded mapping, least recently used first out; shared by the threads of a worker."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: str) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class FragmentStore:
    def __init__(self, size: int, redis_client: Any = None) -> None:
        self.local = _LRU(size)
        self.redis = redis_client

    def get_or_render(self, key: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
        html = self.local.get(key)
        if html is None:
            html = self._shared_get(key)
            if html is None:
                html = render()
                self._shared_put(key, html)
            self.local.put(key, html)
        # The HTML came out of an autoescaping template (fields escaped, `body_html`
        # sanitised when stored): safe to insert as it is.
        return Markup(html)  # noqa: S704

    def _redis_key(self, key: tuple[Hashable, ...]) -> str:
        return "storyhub:fragment:" + hashlib.sha256(repr(key).encode()).hexdigest()

    def _shared_get(self, key: tuple[Hashable, ...]) -> str | None:
        if self.redis is None:
            return None
        try:
            value = self.redis.get(self._redis_key(key))
        except Exception:  # Redis down: render here, as without it
            return None
        return value.decode() if value is not None else None

    def _shared_put(self, key: tuple[Hashable, ...], html: str) -> None:
        if self.redis is None:
            return
        try:
            self.redis.set(self._redis_key(key), html.encode(), ex=REDIS_LIFETIME)
        except Exception:  # a cache, not a store: the page still renders
            current_app.logger.warning("fragment not shared: Redis refused it")


def _redis_client(app: Flask) -> Any:
    """The Redis client the page cache made for its generation counter, else our own."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    generation = app.extensions.get("storyhub-page-generation")
    client = getattr(generation, "client", None)
    if client is not None:
        return client
    import redis

    return redis.Redis.from_url(url)


def _store() -> FragmentStore:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(_EXTENSION)
    if store is None:
        # Made on first use: the page cache's Redis client exists by then.
        store = FragmentStore(
            app.config.get("FRAGMENT_CACHE_SIZE", DEFAULT_SIZE), _redis_client(app)
        )
        app.extensions[_EXTENSION] = store
    return store


def _context() -> tuple[Hashable, ...]:
    """What every fragment's HTML depends on besides its story: the interface language
    (dates, labels), the ?lang= choice its links carry, where the site is mounted. Worked out
    once per request (g), not once per teaser."""
    context = g.get("fragment_context")
    if context is None:
        context = g.fragment_context = (current_locale(), chosen_ui_locale(), request.script_root)
    return context


def _teaser_key(teaser: Teaser) -> tuple[Hashable, ...]:
    story = teaser.story
    return (
        story.id,
        story.version,
        teaser.diagnoses,
        tuple(_teaser_key(t) for t in teaser.translations),
    )


def teaser_html(teaser: Teaser) -> Markup:
    """One <li> of a teaser list (the `teaser_item` macro), rendered once per version."""
    return teasers_html([teaser])


def teasers_html(teasers: list[Teaser]) -> Markup:
    """The <li> of each teaser of a list, each rendered once per version (the context, the
    store and the macro looked up once per list, not once per teaser)."""
    context, store = _context(), _store()
    macro: Any = None

    def render(teaser: Teaser) -> str:
        nonlocal macro
        if macro is None:
            macro = get_template_attribute("_macros.html", "teaser_item")
        return str(macro(teaser))

    return Markup("").join(
        store.get_or_render(("teaser", *context, _teaser_key(t)), lambda t=t: render(t))
        for t in teasers
    )


def story_body_html(story: Any) -> Markup:
    """A story's or an update's body with its content note (`noted_body`), once per version."""
    key = ("body", *_context(), story.id, story.version)
    macro = get_template_attribute("reader/_story_body.html", "noted_body")
    return _store().get_or_render(key, lambda: str(macro(story)))


class SharedExtension(Extension):
    """`{% shared %}…{% endshared %}`: a part of the layout made only of words in the
    interface language and links within the site (header, menus, footer), the same on every
    page for a given `_context()`. Rendered once per context and reused for anonymous readers;
    for a logged-in user, whose menu differs, and while templates reload from disk
    (development), rendered every time."""

    tags = {"shared"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        # `{% shared a, b %}`: the part also depends on a and b (hashable values), e.g. a
        # diagnosis's slug and the publish generation its taxonomy data comes from.
        keys: list[nodes.Expr] = []
        while parser.stream.current.type != "block_end":
            if keys:
                parser.stream.expect("comma")
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")  # one entry per `shared` in a template
        call = self.call_method("_render", [where, nodes.Tuple(keys, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, where: str, keys: tuple[Hashable, ...], caller: Callable[[], str]) -> str:
        if self.environment.auto_reload or not has_request_context() or not _anonymous():
            return caller()
        return _store().get_or_render(("shared", where, *_context(), *keys), caller)


def _anonymous() -> bool:
    """Whether no one is logged in: asked once per request (kept in the request's environ,
    which no other request shares), not once per shared part."""
    environ = request.environ
    anonymous = environ.get("storyhub.fragment_anonymous")
    if anonymous is None:
        anonymous = environ["storyhub.fragment_anonymous"] = not current_user.is_authenticated
    return bool(anonymous)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension(SharedExtension)
    app.jinja_env.globals.update(
        teaser_html=teaser_html, teasers_html=teasers_html, story_body_html=story_body_html
    )
