"""Stored text is valid everywhere it goes: Atom (parsed by a strict XML parser), JSON, HTML and
e-mail headers, whatever characters were sent; names show letters; bodies are bounded."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from storyhub.extensions import db
from storyhub.models import OutboxMessage, Story, Topic
from storyhub.sanitize import XML_INVALID, clean_line, clean_text, storable
from storyhub.services.outbox import build_email
from tests.plugins.forms import csrf_token, hidden_value, story_form_data
from tests.plugins.workbench import post_review, story_id_by_title

# One of each kind the XML spec refuses or discourages, in every place of a title.
BAD = "\ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff\x0b\x0c\x01"
FEEDS = ("/feeds/stories.atom", "/feeds/diagnoses/limited-cutaneous-ssc.atom")


def _post_story(client, **overrides):  # type: ignore[no-untyped-def]
    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(**overrides)
    data["csrf_token"] = csrf_token(page)
    data["submission_key"] = hidden_value(page, "submission_key")
    return client.post("/submit", data=data)


def _assert_valid_everywhere(app, client, story_id: int) -> None:  # type: ignore[no-untyped-def]
    for feed in FEEDS:
        response = client.get(feed)
        assert response.status_code == 200, feed
        etree.fromstring(response.data)  # strict: raises on any invalid character
    api = client.get(f"/api/v1/stories/{story_id}")
    assert api.status_code == 200
    document = json.loads(api.data)
    assert not XML_INVALID.search(json.dumps(document, ensure_ascii=False))
    page = client.get(f"/stories/{story_id}", follow_redirects=True)
    assert page.status_code == 200
    assert not XML_INVALID.search(page.get_data(as_text=True))
    with app.app_context():
        for message in db.session.scalars(sa.select(OutboxMessage)):
            email = build_email(message)
            assert not XML_INVALID.search(str(email["Subject"]))
            email.as_bytes()  # serialises: no header refuses its value


def test_noncharacters_in_a_published_story_leave_every_feed_valid(
    app, client, demo, moderator, auth
):
    title = f"Cold{BAD} hands"
    response = _post_story(
        client, title=title, author_name=f"R{BAD}.B.", relation_detail=f"sister{BAD}",
        body=f"My fingers{BAD} stiffened first in winter. Typing became slow.\n\nNow I rest.",
        consent_syndicate="y",
    )  # fmt: skip
    assert response.status_code == 200
    story_id = story_id_by_title(app, "Cold hands")
    auth.login()
    reason = f"Good{BAD}."
    assert post_review(client, story_id, "approve", reason=reason).status_code == 302
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert (story.title, story.author_name, story.relation_detail) == (
            "Cold hands", "R.B.", "sister"
        )  # fmt: skip
        assert not XML_INVALID.search(story.body_text + story.body_html + story.excerpt)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/moderate/").text)})
    _assert_valid_everywhere(app, client, story_id)


def test_any_storing_path_is_cleaned_not_only_forms(app, client, demo):
    """Code that writes without a form (CLI, demo data, a future import) is cleaned too."""
    with app.app_context():
        story = db.session.scalars(sa.select(Story).filter_by(status="published")).first()
        story.title = f"Imported{BAD} title"
        topic = db.session.scalars(sa.select(Topic)).first()
        topic.slug = topic.slug  # untouched columns stay as they are
        db.session.commit()
        story_id = story.id
    with app.app_context():
        assert db.session.get(Story, story_id).title == "Imported title"
    _assert_valid_everywhere(app, client, story_id)


def test_a_name_without_visible_letters_is_refused_with_the_form_kept(client, demo):
    for name in ("\u3164", "\u115f\u1160", "\u2800\u2800", "\u200b\u200d", " . - ", "\uffa0!"):
        response = _post_story(client, author_name=name, title="A name nobody sees")
        html = response.get_data(as_text=True)
        assert response.status_code == 400, name
        assert "Please write a name with letters readers can see" in html
        assert re.search(r'id="author_name-error"|author_name', html)
        assert 'value="A name nobody sees"' in html
        assert "warm gloves" in html  # the text is kept
    assert _post_story(client, author_name="李", title="Visible").status_code == 200


def test_the_moderator_cannot_publish_an_invisible_name(
    app, client, default_diagnosis, moderator, auth
):
    _post_story(client)
    story_id = story_id_by_title(app, "Learning to type again")
    auth.login()
    response = post_review(client, story_id, "save", author_name="\u3164\u200b")
    assert response.status_code == 400
    assert "The name needs letters readers can see" in response.get_data(as_text=True)


def test_the_largest_legitimate_story_fits_and_a_larger_body_is_a_clear_413(client):
    # 50,000 four-byte characters: 600 KB once percent-encoded.
    body = ("\U0001d49c" * 99 + " ") * 500
    response = _post_story(client, title="Long", body=body[:50_000])
    assert response.status_code in (200, 400)
    assert "larger than this site accepts" not in response.get_data(as_text=True)
    huge = _post_story(client, title="Huge", body="x" * (5 * 1024 * 1024))
    assert huge.status_code == 413
    assert "larger than this site accepts" in huge.get_data(as_text=True)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=80))
def test_stored_text_is_always_xml_valid(text):
    for cleaned in (storable(text), clean_text(text), clean_line(text)):
        assert not XML_INVALID.search(cleaned)
        element = etree.Element("entry")
        element.text = cleaned  # lxml refuses any XML-invalid character
        etree.fromstring(etree.tostring(element))
        json.loads(json.dumps(cleaned))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=st.text(min_size=1, max_size=40),
    name=st.text(min_size=1, max_size=20),
    detail=st.text(max_size=40),
)
def test_whatever_is_typed_stored_text_stays_valid(app, client, demo, title, name, detail):
    response = _post_story(
        client, title=f"T {title}", author_name=f"N {name}", relation_detail=detail
    )
    assert response.status_code in (200, 400)
    with app.app_context():
        for row in db.session.execute(
            sa.select(Story.title, Story.author_name, Story.relation_detail, Story.excerpt)
        ):
            assert not any(XML_INVALID.search(value or "") for value in row)
    for feed in FEEDS:
        etree.fromstring(client.get(feed).data)
