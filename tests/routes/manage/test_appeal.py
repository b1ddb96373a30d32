"""Appeal: the rejection e-mail and the private page offer "Ask for another look" once; a
different moderator decides; the audit log shows both; the outcome is final and explained."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, User, UserRole
from storyhub.services import accounts, moderation
from storyhub.services.errors import TransitionNotAllowed
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.mail import delivered, message_body, private_link
from tests.plugins.submission import story_id

TITLE = "Learning to type again"
FIRST, SECOND = "first.mod@example.org", "second.mod@example.org"


@pytest.fixture
def moderators(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for email in (FIRST, SECOND):
            accounts.create_user(email, "a long test password", UserRole.MODERATOR)


def decide_as(app, email: str, sid: int, action: str, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        story = db.session.get(Story, sid)
        actor = db.session.scalar(sa.select(User).filter_by(email=email))
        moderation.decide(story, action, actor=actor, expected_version=story.version, reason=reason)


def appeal(client, token: str, message: str):  # type: ignore[no-untyped-def]
    page = client.get("/my/").get_data(as_text=True)  # the session's token, on any form
    return client.post(
        f"/my/{token}/appeal", data={"csrf_token": csrf_token(page), "message": message}
    )


def test_an_appeal_goes_to_another_moderator_whose_decision_is_final(
    app,
    client,
    default_diagnosis,
    moderators,
    submit,
    smtp_server,
):
    token = manage_token(submit().get_data(as_text=True))
    sid = story_id(app, TITLE)
    decide_as(app, FIRST, sid, "reject", reason="It names the hospital and the doctor.")
    rejection = message_body(delivered(app, smtp_server)[-1])
    assert "Ask for another look" in rejection and "A different moderator" in rejection
    assert client.get(private_link(rejection)).status_code == 200

    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Ask for another look" in page
    empty = appeal(client, token, "  ")
    assert empty.status_code == 400
    assert "Please tell the moderators why they should look again." in empty.get_data(as_text=True)
    sent = appeal(client, token, "I removed nothing, but the hospital asked me to name it.")
    assert sent.status_code == 302
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "a different moderator is reading your story again" in page
    assert 'action="/my/' + token + '/appeal"' not in page

    with pytest.raises(TransitionNotAllowed, match="a different moderator decides"):
        decide_as(app, FIRST, sid, "approve")
    decide_as(app, SECOND, sid, "reject", reason="Naming the doctor could identify you.")
    final = message_body(delivered(app, smtp_server)[-1])
    assert "This decision is final." in final and "Naming the doctor" in final
    assert "Ask for another look" not in final

    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "This decision is final." in page and "/appeal" not in page
    again = appeal(client, token, "Please, one more time.")  # a replayed or second appeal
    assert again.status_code == 302
    followed = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "that decision is final" in followed

    with app.app_context():
        events = db.session.execute(
            sa.select(ModerationEvent.action, User.email)
            .outerjoin(User, ModerationEvent.actor_id == User.id)
            .where(ModerationEvent.story_id == sid)
            .order_by(ModerationEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("submit", None),
        ("reject", FIRST),
        ("appeal", None),
        ("reject", SECOND),
    ]


def test_an_appeal_can_end_in_publication(app, client, default_diagnosis, moderators, submit, auth):
    token = manage_token(submit().get_data(as_text=True))
    sid = story_id(app, TITLE)
    decide_as(app, FIRST, sid, "reject", reason="Too short.")
    appeal(client, token, "It is short because typing hurts.")
    auth.login(SECOND, "a long test password")
    queue = client.get("/moderate/").get_data(as_text=True)
    assert "the author asked for another look" in queue
    review = client.get(f"/moderate/stories/{sid}").get_data(as_text=True)
    assert "It is short because typing hurts." in review
    decide_as(app, SECOND, sid, "approve")
    with app.app_context():
        assert db.session.get(Story, sid).status.value == "published"


def test_only_a_rejected_story_can_be_appealed(app, client, default_diagnosis, submit):
    token = manage_token(submit().get_data(as_text=True))
    response = appeal(client, token, "Please look again.")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only a story that was not published can be looked at again." in page
