"""The trust boundary with what stands in front of the app: the one place that decides which
request headers are believed (SECURITY.md, "Trust boundaries").

- `PROXY_HOPS` reverse proxies are trusted: Werkzeug's ProxyFix takes the client address,
  scheme, host and prefix from the X-Forwarded-* values those hops added, and ignores the
  rest (a client can prepend values, it cannot replace the ones the proxy appends).
- With `PUBLIC_URL` set, a request for any other host is refused (400), and then the scheme,
  host, port and URL prefix of every request are set from PUBLIC_URL itself: whatever header a
  client or a misconfigured proxy sends, the page cache's key and every link the app builds
  are the site's own. Flask's TRUSTED_HOSTS is derived from it too.
- `external_url` builds every absolute link (e-mails, feeds, the API) from PUBLIC_URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import MapAdapter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Probes from the machine itself (a load balancer, systemd, deploy scripts) may ask for these
# by any host name: they build no link and are never cached.
HOST_CHECK_EXEMPT = frozenset({"/healthz", "/readyz"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as Flask's url_for quotes `_anchor`


@dataclass(frozen=True)
class PublicUrl:
    scheme: str
    hostname: str  # lower case, no port
    port: int
    prefix: str  # "" or "/path" without a trailing slash

    @classmethod
    def parse(cls, url: str) -> PublicUrl:
        """Parse PUBLIC_URL; ValueError saying what is wrong with it."""
        parts = urlsplit(url.strip())
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"PUBLIC_URL={url!r} must be http(s)://host[:port][/prefix].")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError(f"PUBLIC_URL={url!r} must hold no query, fragment or user.")
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ValueError(f"PUBLIC_URL={url!r} has an invalid port.") from None
        return cls(parts.scheme, parts.hostname.lower(), port, parts.path.rstrip("/"))

    @property
    def netloc(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        return host if _DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    def names_host(self, host_header: str | None) -> bool:
        """Whether a Host header names this site. The port is not compared (a proxy may send
        `$host` without it); nothing depends on it, as the request is pinned afterwards."""
        if not host_header:
            return False
        host = host_header.strip().lower()
        if host.startswith("["):
            host = host[1 : host.find("]")] if "]" in host else host
        elif host.count(":") == 1:
            host = host.split(":", 1)[0]
        return host.rstrip(".") == self.hostname

    def url_adapter(self, app: Flask) -> MapAdapter:
        return app.url_map.bind(self.netloc, script_name=self.prefix or "/", url_scheme=self.scheme)


class PinToPublicUrl:
    """Refuse requests for another host; give the rest PUBLIC_URL's scheme, host and prefix.

    Sits outside the page cache, so neither a cache key nor a generated link can carry a
    client's Host, X-Forwarded-Host/-Proto/-Prefix or a SCRIPT_NAME header."""

    def __init__(self, app: WSGIApplication, public: PublicUrl) -> None:
        self.app = app
        self.public = public

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        public = self.public
        if environ.get("PATH_INFO") not in HOST_CHECK_EXEMPT and not public.names_host(
            environ.get("HTTP_HOST")
        ):
            refusal = BadRequest("This site answers only for its own address.")
            return refusal(environ, start_response)
        environ["wsgi.url_scheme"] = public.scheme
        environ["HTTP_HOST"] = public.netloc
        environ["SERVER_NAME"] = public.hostname
        environ["SERVER_PORT"] = str(public.port)
        environ["SCRIPT_NAME"] = public.prefix
        return self.app(environ, start_response)


def public_url(app: Flask) -> PublicUrl | None:
    return app.extensions.get("storyhub-public-url")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of `endpoint`, for links that leave the page: e-mails, feeds, the
    API, canonical links. Built from PUBLIC_URL when it is set, in a request or not; without
    it (development, tests) from the request, and outside one the path alone."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    public = public_url(app)
    if public is None:
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        anchor = values.pop("_anchor", None)
        path = app.url_map.bind("", url_scheme="https").build(endpoint, values)
        return _with_anchor(path, anchor)
    if endpoint.startswith(".") and has_request_context():
        blueprint = request.blueprint
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    adapter: MapAdapter = app.extensions["storyhub-public-url-adapter"]
    return _with_anchor(adapter.build(endpoint, values, force_external=True), anchor)


def _with_anchor(url: str, anchor: str | None) -> str:
    return url if anchor is None else f"{url}#{quote(anchor, safe=_ANCHOR_SAFE)}"


def init_app(app: Flask) -> None:
    """Wrap the whole WSGI app (the page cache included): called last in create_app."""
    configured = app.config.get("PUBLIC_URL")
    if configured:
        try:
            public = PublicUrl.parse(configured)
        except ValueError as error:
            raise RuntimeError(str(error)) from None
        app.extensions["storyhub-public-url"] = public
        app.extensions["storyhub-public-url-adapter"] = public.url_adapter(app)
        app.config["TRUSTED_HOSTS"] = [public.hostname]
        app.wsgi_app = PinToPublicUrl(app.wsgi_app, public)  # type: ignore[method-assign]
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops < 0:
        raise RuntimeError("PROXY_HOPS must be 0 or more.")
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
