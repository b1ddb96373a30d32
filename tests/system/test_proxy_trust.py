"""Only the proxy's own headers are believed, and only as many hops as PROXY_HOPS says; with
PUBLIC_URL set, no header can change the host, scheme or prefix of a link or a cache key."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pytest

from config import ProductionConfig
from tests.plugins.forms import csrf_token, story_form_data
from tests.plugins.paths import REPO_ROOT

ROOT = REPO_ROOT

# Every routing header a client could try to slip through a proxy.
SPOOFED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "gopher",
    "X-Forwarded-Prefix": "/evil",
    "X-Forwarded-Port": "6666",
    "X-Forwarded-For": "203.0.113.66",
    "Forwarded": "for=203.0.113.66;host=evil.example;proto=http",
    "X-Original-URL": "/evil",
    "X-Rewrite-URL": "/evil",
}


def _links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src|action)="([^"]+)"', html))


def test_production_refuses_to_start_without_public_url(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "STORYHUB_CONFIG": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
    }
    code = "from storyhub import create_app; create_app()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "PUBLIC_URL is not set" in result.stderr
    bad = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "PUBLIC_URL": "stories.example.org"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode != 0 and "must be http(s)://host" in bad.stderr


def test_proxy_hops_default_one_in_production_zero_otherwise():
    assert ProductionConfig.PROXY_HOPS == 1
    from config import DevelopmentConfig, TestingConfig

    assert DevelopmentConfig.PROXY_HOPS == 0 and TestingConfig.PROXY_HOPS == 0


@pytest.mark.parametrize("hops", [0, 1, 2])
def test_wrong_host_is_refused_in_production(more_apps, hops):
    app = more_apps(ProductionConfig, PUBLIC_URL="https://stories.example.org", PROXY_HOPS=hops)
    client = app.test_client()
    assert client.get("/", base_url="https://evil.example").status_code == 400
    assert client.get("/feeds/stories.atom", base_url="http://evil.example").status_code == 400
    # A proxy passing its own Host with the port, or without it: both the site.
    for host in ("stories.example.org", "STORIES.example.org:443", "stories.example.org:8080"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    # The probes of the machine itself answer for any host name.
    assert client.get("/healthz", base_url="http://10.0.0.5:8000").status_code == 200
    # X-Forwarded-Host is the host checked when the hop that set it is trusted (with two
    # hops, one value is a client's own claim: ignored, as ProxyFix ignores short lists).
    forwarded = client.get(
        "/", headers={"Host": "stories.example.org", "X-Forwarded-Host": "evil.example"}
    )
    assert forwarded.status_code == (400 if hops == 1 else 200)


@pytest.mark.parametrize("hops", [0, 1])
def test_spoofed_routing_headers_change_no_link(more_apps, hops):
    app = more_apps(ProductionConfig, PUBLIC_URL="https://stories.example.org", PROXY_HOPS=hops)
    client = app.test_client()
    clean = client.get("/topics/calcinosis", headers={"Host": "stories.example.org"})
    headers = {**SPOOFED, "Host": "stories.example.org", "SCRIPT_NAME": "/evil"}
    if hops:  # with a trusted proxy the last X-Forwarded-Host must name the site
        headers["X-Forwarded-Host"] = "evil.example, stories.example.org"
    spoofed = app.test_client().get(
        "/topics/calcinosis", headers=headers, environ_overrides={"SCRIPT_NAME": "/evil"}
    )
    assert spoofed.status_code == 200
    html = spoofed.get_data(as_text=True)
    assert "evil" not in html and "gopher" not in html and "6666" not in html
    assert _links(html) == _links(clean.get_data(as_text=True))
    story = app.test_client().get("/stories/1", headers=headers, follow_redirects=True)
    assert '<link rel="canonical" href="https://stories.example.org/stories/1-' in story.text
    assert "evil" not in story.text
    feed = app.test_client().get("/feeds/stories.atom", headers=headers)
    assert feed.status_code == 200
    assert "evil" not in feed.get_data(as_text=True)
    assert "https://stories.example.org/feeds/stories.atom" in feed.get_data(as_text=True)


def test_spoofed_headers_cannot_poison_the_page_cache(more_apps):
    """A page rendered for spoofed headers is never served to anyone else, and vice versa."""
    app = more_apps(ProductionConfig, PUBLIC_URL="https://stories.example.org", PROXY_HOPS=1)
    attacker = app.test_client()
    poisoned = {
        "Host": "stories.example.org",
        "X-Forwarded-Prefix": "/evil",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "stories.example.org",
        "SCRIPT_NAME": "/evil",
    }
    for _ in range(2):
        attacker.get("/topics/calcinosis", headers=poisoned, environ_overrides={
            "SCRIPT_NAME": "/evil", "wsgi.url_scheme": "http"})  # fmt: skip
    reader = app.test_client().get("/topics/calcinosis", headers={"Host": "stories.example.org"})
    assert reader.headers["X-Cache"] == "hit"  # the same page, so the same entry
    html = reader.get_data(as_text=True)
    assert "/evil" not in html and "http://" not in html.split("<body", 1)[1].split("nofollow")[0]


def test_without_public_url_the_cache_keys_on_the_prefix_and_host(more_apps):
    """Development: links follow the request, so the cache key holds everything they use."""
    app = more_apps(PROXY_HOPS=0)
    client = app.test_client()
    client.get("/topics/calcinosis", environ_overrides={"SCRIPT_NAME": "/evil"})
    plain = client.get("/topics/calcinosis")
    assert plain.headers["X-Cache"] == "miss"
    assert 'href="/evil' not in plain.get_data(as_text=True)
    client.get("/topics/calcinosis", headers={"Host": "evil.example"})
    again = client.get("/topics/calcinosis")
    assert again.headers["X-Cache"] == "hit" and "evil" not in again.get_data(as_text=True)


@pytest.mark.parametrize("hops", [0, 1])
def test_rate_limit_keys_on_the_real_client_address(more_apps, hops):
    app = more_apps(
        PROXY_HOPS=hops,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX=uuid.uuid4().hex,
        SUBMIT_RATE_LIMIT="1 per minute",
    )

    def post_from(client_address: str, claimed: str) -> int:
        client = app.test_client()
        page = client.get("/submit").get_data(as_text=True)
        data = story_form_data(csrf_token=csrf_token(page), diagnoses=[])
        # The proxy appends the address it saw; a client can only prepend its own claims.
        forwarded = f"{claimed}, {client_address}"
        return client.post(
            "/submit",
            data=data,
            headers={"X-Forwarded-For": forwarded},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},  # every request comes via the proxy
        ).status_code

    assert post_from("198.51.100.1", claimed="10.0.0.1") == 400  # counted, refused by the form
    # The same client claiming another address in X-Forwarded-For: still the same bucket.
    assert post_from("198.51.100.1", claimed="10.0.0.2") == 429
    # Another client behind the same proxy has its own bucket only when the proxy is trusted;
    # with PROXY_HOPS=0 every client is the proxy's address (and nothing a client sends helps).
    assert post_from("198.51.100.2", claimed="10.0.0.3") == (400 if hops else 429)
