"""Property-based: whatever bytes arrive in a form or query, the answer is never a 5xx."""

from __future__ import annotations

import re
import urllib.parse

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyhub.extensions import db
from storyhub.models import Story, User, UserRole
from tests.plugins.forms import csrf_token, hidden_value
from tests.plugins.workbench import ADMIN_EMAIL, login_as, make_user

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Raw bytes cover what a str cannot: invalid UTF-8, lone surrogates, NUL, overlong forms.
raw_values = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"\x00", b"\xed\xa0\x80", b"\xe2\x80\xae", b"-1", b"99999999999999999999", b"' OR 1=1--",
         b"x" * 100_000, b"<script>alert(1)</script>", b"[]", b"%00"]
    ),
)  # fmt: skip
STORY_FIELDS = [
    "author_name", "relation", "relation_detail", "email", "country", "language", "diagnoses",
    "title", "body", "consent_publish", "website", "submission_key",
]  # fmt: skip


def _encode(pairs: list[tuple[str, bytes]]) -> bytes:
    return "&".join(
        f"{urllib.parse.quote(name)}={urllib.parse.quote_from_bytes(value)}"
        for name, value in pairs
    ).encode()


@PROPERTY_SETTINGS
@given(values=st.fixed_dictionaries({f: st.lists(raw_values, max_size=2) for f in STORY_FIELDS}))
def test_story_form_never_fails_with_a_server_error(app, client, demo, values):
    page = client.get("/submit").get_data(as_text=True)
    pairs = [("csrf_token", csrf_token(page).encode())]
    pairs += [("submission_key", hidden_value(page, "submission_key").encode())]
    pairs += [(name, value) for name, items in values.items() for value in items]
    response = client.post(
        "/submit", data=_encode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "Submit story" in response.get_data(as_text=True)
    with app.app_context():
        texts = db.session.execute(sa.select(Story.title, Story.body_text, Story.author_name))
        assert not any("\x00" in field or "\ufffe" in field for row in texts for field in row)


@PROPERTY_SETTINGS
@given(
    params=st.lists(
        st.tuples(st.sampled_from(["diagnosis", "language", "country", "page", "lang", "q"]),
                  raw_values),
        max_size=4,
    )
)  # fmt: skip
def test_listing_query_parameters_never_fail(client, demo, params):
    query = _encode(params).decode()
    for path in ("/stories/", "/", "/topics/calcinosis", "/diagnoses/morphea"):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query, response.status_code)


@PROPERTY_SETTINGS
@given(segment=raw_values)
def test_path_segments_never_fail(client, demo, segment):
    quoted = urllib.parse.quote_from_bytes(segment[:200], safe="")
    for prefix in ("/stories/", "/topics/", "/diagnoses/", "/languages/", "/my/"):
        response = client.get(prefix + quoted)
        assert response.status_code < 500, (prefix, quoted, response.status_code)


def _post_targets(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every POST URL of the app, with the page whose form posts to it (or None)."""
    targets = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {arg: 1 for arg in rule.arguments}
        values.update({k: "en" for k in rule.arguments if k == "language"})
        values.update({k: "deactivate" for k in rule.arguments if k == "change"})
        values.update({k: "not-a-real-token" for k in rule.arguments if k == "token"})
        url = rule.build(values)[1]
        targets.append((rule.endpoint, url))
    return targets


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_form_of_the_app_survives_arbitrary_input(app, demo, moderator, data):
    """Logged in as an admin, post arbitrary bytes in each field of every form."""
    client = app.test_client()
    with app.app_context():
        admin_exists = db.session.scalar(sa.select(User.id).filter_by(email=ADMIN_EMAIL))
    if admin_exists is None:  # hypothesis calls this test many times with the same app
        make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    login_as(client, ADMIN_EMAIL)
    token = csrf_token(client.get("/moderate/").get_data(as_text=True))
    targets = _post_targets(app)
    assert len(targets) >= 25
    for endpoint, url in targets:
        if endpoint == "auth.logout":
            continue
        page = client.get(url)
        html = page.get_data(as_text=True) if page.status_code == 200 else ""
        names = set(re.findall(r'name="([A-Za-z0-9_-]+)"', html))
        names |= {"action", "reason", "title", "body", "version", "email", "confirm"}
        names.discard("csrf_token")
        pairs = [("csrf_token", token.encode())]
        for name in sorted(names):
            pairs += [(name, v) for v in data.draw(st.lists(raw_values, max_size=2), label=name)]
        response = client.post(
            url, data=_encode(pairs), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500, (endpoint, url, response.status_code)
