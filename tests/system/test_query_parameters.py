"""Every unexpected query input is a 4xx, in the URL's format (JSON under /api/), never a 5xx.

The URLs come from app.url_map and the parameters from what each view actually reads: a
recording query-string class notes every name a view asks for. Then each parameter of each
public, moderator, admin and API page gets values that parse but overflow (dates at the ends
of time, cursors that leave the calendar in UTC, huge numbers), redirect tricks and raw bytes.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyhub.extensions import db
from storyhub.models import Diagnosis, Story, StoryStatus, Topic, UserRole
from storyhub.pagecache import ARGS_READ
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.workbench import ADMIN_EMAIL, login_as, make_user
from tests.system.test_properties import raw_values


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


OVERFLOWING = [
    "9" * 40, "-1", "0", "2147483648", "1e309", "NaN", "٣", "１２",
    "9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "1899-12-31",
    _cursor("9999-12-31T23:59:59+14:00|1"), _cursor("0001-01-01T00:00:00-01:00|1"),
    _cursor("2026-01-01T00:00:00+00:00|99999999999999999999"), _cursor("2026-01-01T00:00:00|1"),
    _cursor("2026-01-01T00:00:00+00:00|0"), _cursor("x|y|z"), "===", "%",
    "\r\nSet-Cookie: stolen=1", "//evil.example/", "/\\evil.example", "/\t/evil.example",
    "https://evil.example/", "javascript:alert(1)", "/%0d%0aX: y", "\x00",
]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(OVERFLOWING).map(str.encode),
    raw_values,
)


def _sample_values(app: Flask, token: str) -> dict[str, Any]:
    with app.app_context():
        story_id = db.session.scalar(
            sa.select(Story.id).filter_by(status=StoryStatus.PUBLISHED).order_by(Story.id)
        )
        return {
            "story_id": story_id,
            "diagnosis_id": db.session.scalar(sa.select(Diagnosis.id).order_by(Diagnosis.id)),
            "topic_id": db.session.scalar(sa.select(Topic.id).order_by(Topic.id)),
            "tag": "en",
            "token": token,
            "filename": "css/site.css",
            "_unknown": "nothing-here",
        }


def _slug_for(app: Flask, endpoint: str) -> str:
    with app.app_context():
        model = Topic if "topic" in endpoint else Diagnosis
        return db.session.scalar(sa.select(model.slug).order_by(model.id))


def _get_urls(app: Flask, token: str) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET page, built with real ids and slugs."""
    values = _sample_values(app, token)
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        arguments = {name: values.get(name, 1) for name in rule.arguments}
        if "slug" in rule.arguments:
            arguments["slug"] = _slug_for(app, rule.endpoint)
        urls.append((rule.endpoint, rule.build(arguments)[1]))
    return urls


@pytest.fixture
def browsing(app: Flask, demo: None, submit: Any) -> tuple[FlaskClient, list[tuple[str, str]]]:
    """An admin's client (who may open every page) and every GET URL of the app."""
    token = manage_token(submit().get_data(as_text=True))
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    client = app.test_client()
    login_as(client, ADMIN_EMAIL)
    # Keep the environ each request reaches the app with: the app notes there every query
    # parameter a view reads (the page cache relies on it), and the test asks it.
    serve = app.wsgi_app

    def keep_environ(environ: dict[str, Any], start_response: Any) -> Any:
        client.last_environ = environ  # type: ignore[attr-defined]
        return serve(environ, start_response)

    app.wsgi_app = keep_environ  # type: ignore[method-assign]
    return client, _get_urls(app, token)


def _parameters_read(client: FlaskClient, urls: list[tuple[str, str]]) -> dict[str, set[str]]:
    read: dict[str, set[str]] = {}
    for _endpoint, url in urls:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        read[url] = set(client.last_environ.get(ARGS_READ, ()))  # type: ignore[attr-defined]
    return read


def _check(url: str, response: Any) -> None:
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code >= 400 and url.startswith("/api/"):
        assert response.is_json, (url, response.content_type)
        assert response.get_json()["error"]["status"] == response.status_code
    location = response.headers.get("Location", "")
    assert "\r" not in location and "\n" not in location
    assert "evil.example" not in location
    assert not any(name.lower() == "x" for name in response.headers.keys())


def test_the_parameters_each_view_reads_are_found(browsing: Any) -> None:
    client, urls = browsing
    read = _parameters_read(client, urls)
    everything = set().union(*read.values())
    # The list grows by itself with the views; these must at least be among it.
    assert {"diagnosis", "language", "country", "page", "after", "before", "q", "lang"} <= (
        everything
    )
    assert {"cursor", "limit"} <= read["/api/v1/stories"]
    assert {"state", "kind", "after"} <= read["/moderate/"]
    assert {"since", "until", "before", "story"} <= read["/moderate/log"]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_query_parameter_of_every_page_answers_below_500(browsing: Any, data: Any) -> None:
    client, urls = browsing
    if not hasattr(client, "parameters_read"):  # hypothesis reuses the fixture: discover once
        client.parameters_read = _parameters_read(client, urls)  # type: ignore[attr-defined]
    for url, names in client.parameters_read.items():  # type: ignore[attr-defined]
        for name in sorted(names | {"lang"}):
            value = data.draw(hostile, label=f"{url}?{name}")
            query = f"{urllib.parse.quote(name)}={urllib.parse.quote_from_bytes(value)}"
            _check(url, client.get(f"{url}?{query}"))


def test_overflowing_cursors_and_dates_are_400_in_the_urls_format(
    client: FlaskClient, demo: None, moderator: Any, auth: Any
) -> None:
    auth.login()
    for value in OVERFLOWING:
        quoted = urllib.parse.quote(value)
        for url in (f"/stories/?after={quoted}", f"/stories/?before={quoted}"):
            assert client.get(url).status_code in (200, 400, 404), url
        api = client.get(f"/api/v1/stories?cursor={quoted}&limit={quoted}")
        assert api.status_code in (200, 400) and api.is_json, value
        for name in ("since", "until", "before", "story", "after"):
            page = "/moderate/log" if name != "after" else "/moderate/"
            response = client.get(f"{page}?{name}={quoted}")
            assert response.status_code in (200, 400), (name, value)


def test_far_dates_in_the_log_are_refused_with_a_message(
    client: FlaskClient, demo: None, moderator: Any, auth: Any
) -> None:
    auth.login()
    response = client.get("/moderate/log?until=9999-12-31")
    assert response.status_code == 400
    assert "Choose a day between" in response.get_data(as_text=True)
    assert client.get("/moderate/log?since=2026-01-01&until=2026-12-31").status_code == 200


def test_api_errors_are_json_even_outside_the_apis_views(client: FlaskClient, demo: None) -> None:
    cursor = _cursor("9999-12-31T23:59:59+14:00|1")
    response = client.get(f"/api/v1/stories?cursor={cursor}")
    assert response.status_code == 400 and response.is_json
    assert client.post("/api/v1/stories").is_json  # 405, decided before any API view runs


@pytest.mark.parametrize(
    "target",
    ["\r\nSet-Cookie: stolen=1", "/x\r\nX: y", "//evil.example/", "/\\evil.example",
     "/\t/evil.example", "https://evil.example/", "/\x00", "/" + "a" * 5000],
)  # fmt: skip
def test_login_never_follows_a_next_it_should_not(
    client: FlaskClient, moderator: Any, target: str
) -> None:
    page = client.get(f"/login?next={urllib.parse.quote(target)}").get_data(as_text=True)
    response = client.post(
        f"/login?next={urllib.parse.quote(target)}",
        data={"email": moderator.email, "password": moderator.password,
              "csrf_token": csrf_token(page)},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/moderate/")
    assert not any(re.search(r"[\r\n]", value) for value in response.headers.values())
    assert "stolen" not in response.headers.get("Set-Cookie", "")
