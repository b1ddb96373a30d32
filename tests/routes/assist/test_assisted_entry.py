"""Assisted entry: a volunteer (or moderator) enters a story for its author, recording how it
arrived; the author confirms by e-mail (a real SMTP server) before it can be published, or the
volunteer records how they consented; the queue shows who entered it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Consent, ModerationEvent, Story, UserRole
from storyhub.services import accounts
from storyhub.services.errors import TransitionNotAllowed
from tests.plugins.forms import Auth, csrf_token, hidden_value
from tests.plugins.mail import delivered, message_body, private_link
from tests.plugins.submission import decide, story_id

VOLUNTEER = "volunteer@example.org"
PASSWORD = "a long volunteer password"
TITLE = "What my mother told me on the phone"


@pytest.fixture
def volunteer(app, client):  # type: ignore[no-untyped-def]
    with app.app_context():
        accounts.create_user(VOLUNTEER, PASSWORD, UserRole.VOLUNTEER)
    Auth(client).login(VOLUNTEER, PASSWORD)
    return client


def entry(client, **overrides: object):  # type: ignore[no-untyped-def]
    page = client.get("/assist/").get_data(as_text=True)
    data: dict[str, object] = {
        "csrf_token": csrf_token(page),
        "submission_key": hidden_value(page, "submission_key"),
        "arrived_by": "phone",
        "author_name": "M.R.",
        "relation": "self",
        "country": "IT",
        "language": "en",
        "diagnoses": ["limited-cutaneous-ssc"],
        "title": TITLE,
        "body": "My hands change colour in the cold. I wear two pairs of gloves in winter.\n\n"
        "The nurse showed me how to warm them slowly.",
        "email": "m.r.author@example.net",
        "consent_note": "",
    }
    data.update(overrides)
    return client.post("/assist/", data=data)


def test_a_volunteer_enters_a_story_and_the_author_confirms_it_by_email(
    app,
    client,
    default_diagnosis,
    moderator,
    volunteer,
    smtp_server,
):
    response = entry(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Its author gets an e-mail with a private link" in page
    sid = story_id(app, TITLE)

    with app.app_context():  # not publishable before the author confirms
        story = db.session.get(Story, sid)
        assert story.arrived_by == "phone" and story.entered_by.email == VOLUNTEER
    with pytest.raises(TransitionNotAllowed, match="has not confirmed it yet"):
        decide(app, sid, "approve")

    (mail,) = delivered(app, smtp_server)
    assert mail["To"] == "m.r.author@example.net"
    text = message_body(mail)
    assert "reached us by phone" in text and "Confirm my story" in text
    author = app.test_client()
    link = private_link(text)
    manage = author.get(link).get_data(as_text=True)
    assert "Please read and confirm your story" in manage
    # Without the box ticked: nothing changes, and the page says why.
    token = csrf_token(manage)
    refused = author.post(f"{link}/confirm", data={"csrf_token": token}, follow_redirects=True)
    assert "Please tick the box to confirm your story." in refused.get_data(as_text=True)
    confirmed = author.post(
        f"{link}/confirm", data={"csrf_token": token, "confirm": "y"}, follow_redirects=True
    )
    html = confirmed.get_data(as_text=True)
    assert "your story is confirmed" in html and "Please read and confirm" not in html
    # A replayed confirmation is answered, not an error.
    again = author.post(f"{link}/confirm", data={"csrf_token": token, "confirm": "y"})
    assert again.status_code == 302

    decide(app, sid, "approve")
    with app.app_context():
        story = db.session.get(Story, sid)
        assert story.status.value == "published"
        actions = db.session.scalars(
            sa.select(ModerationEvent.action).where(ModerationEvent.story_id == sid)
        ).all()
        assert actions[:2] == ["assisted_submit", "author_confirm"]
        wording = db.session.scalar(sa.select(Consent.wording_version).filter_by(story_id=sid))
        assert wording == "assisted-2026-12"


def test_without_an_address_the_volunteer_records_how_consent_was_given(
    app, client, default_diagnosis, moderator, volunteer
):
    missing = entry(client, email="")
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert "write how they agreed" in html and TITLE in html  # the form comes back filled
    note = "Read back to her on the phone on 3 May; she agreed to her initials."
    assert entry(client, email="", consent_note=note).status_code == 302
    sid = story_id(app, TITLE)
    with app.app_context():
        story = db.session.get(Story, sid)
        assert story.consent_note == note and story.author_confirmed_at is not None
    decide(app, sid, "approve")  # consent recorded: publishable after reading


def test_the_queue_shows_who_entered_a_story(
    app, client, default_diagnosis, moderator, volunteer, auth
):
    entry(client, arrived_by="letter")
    client.post(
        "/logout", data={"csrf_token": csrf_token(client.get("/assist/").get_data(as_text=True))}
    )
    auth.login()
    queue = client.get("/moderate/").get_data(as_text=True)
    line = re.search(r'<span class="meta entered-by">(.*)</span>', queue)
    assert line, queue[queue.find("<tbody") :][:1500]
    assert f"Entered by {VOLUNTEER}, arrived by letter" in line.group(1)
    assert "waiting for the author's confirmation" in line.group(1)


def test_volunteers_only_enter_stories(app, client, default_diagnosis, volunteer):
    assert client.get("/moderate/").status_code == 403
    assert client.get("/admin/").status_code == 403
    page = client.get("/login", follow_redirects=False)
    assert page.status_code == 302 and page.headers["Location"].endswith("/assist/")


def test_bad_input_comes_back_with_messages(app, client, volunteer):
    response = entry(client, arrived_by="pigeon", email="not an address", title="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please choose how the story reached you." in html
    assert "This does not look like an e-mail address." in html
    assert "My hands change colour" in html


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/assist/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
