"""The trust boundary through the real production server: gunicorn with
storyhub/gunicorn_conf.py and the production config, receiving spoofed headers from 127.0.0.1
(an address gunicorn treats as its proxy's, so the worst case)."""

from __future__ import annotations

import http.client
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugins.processes import flask_command, free_port, gunicorn


class Server:
    def __init__(self, port: int) -> None:
        self.port = port
        self.public = f"http://127.0.0.1:{port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        # putrequest/putheader send headers exactly as given, underscores and all.
        connection.putrequest("GET", path, skip_host="Host" in (headers or {}))
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "STORYHUB_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "STORYHUB_INSTANCE": str(tmp_path),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    for command in (["db", "upgrade"], ["demo", "load"]):
        flask_command(command, env)
    with gunicorn(env, port):
        yield Server(port)


def test_spoofed_headers_through_gunicorn(server):
    host = f"127.0.0.1:{server.port}"
    spoofed = {
        "Host": host,
        "SCRIPT_NAME": "/evil",
        "PATH_INFO": "/evil",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Ssl": "on",
        "X-Forwarded-Protocol": "ssl",
        "X-Forwarded-Prefix": "/evil",
        "X-Forwarded-Host": f"evil.example, {host}",  # the proxy appended the real one
        "X-Forwarded-For": "203.0.113.9, 198.51.100.4",
    }
    first = server.get("/topics/calcinosis", spoofed)
    assert first.status == 200
    html = first.body.decode()
    assert "/evil" not in html and "https://" + host not in html and "evil.example" not in html
    assert len(first.headers.get_all("Date")) == 1
    # Nothing the spoofed request sent reached the cache key or the stored page.
    plain = server.get("/topics/calcinosis")
    assert plain.headers["X-Cache"] == "hit"
    assert plain.body == first.body
    assert len(plain.headers.get_all("Date")) == 1
    # gunicorn does not take the prefix from a header: the path stays the path.
    assert server.get("/evil/topics/calcinosis", spoofed).status == 404
    feed = server.get("/feeds/stories.atom", spoofed).body.decode()
    assert f"{server.public}/feeds/stories.atom" in feed and "evil" not in feed


def test_other_hosts_are_refused_through_gunicorn(server):
    assert server.get("/", {"Host": "evil.example"}).status == 400
    assert server.get("/", {"Host": "127.0.0.1", "X-Forwarded-Host": "evil.example"}).status == 400
    assert server.get("/healthz", {"Host": "10.1.2.3:8000"}).status == 200
    assert server.get("/", {"Host": f"127.0.0.1:{server.port}"}).status == 200
