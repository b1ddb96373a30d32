"""Follow a diagnosis or a topic by e-mail: double opt-in, a weekly digest of newly published
stories whose authors allowed syndication, one-click unsubscribe — delivered to a real SMTP
server, on both databases."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Diagnosis, OutboxMessage, Story, Subscription, User
from storyhub.models._types import utcnow
from storyhub.proxy import PublicUrl
from storyhub.services import moderation, subscriptions
from tests.plugins.forms import csrf_token
from tests.plugins.mail import message_body

READER = "reader.follows@example.org"
FOLLOW = "/follow/?diagnosis=limited-cutaneous-ssc"


def ask_to_follow(client, email: str = READER, url: str = FOLLOW):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"email": email, "csrf_token": token}, follow_redirects=True)


def deliver(app, runner, smtp_server) -> list:  # type: ignore[no-untyped-def]
    app.config["MAIL_URL"] = smtp_server.url
    smtp_server.sink.messages.clear()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return list(smtp_server.sink.messages)


def link(text: str, kind: str) -> str:
    match = re.search(rf"https?://[a-z.]+(/follow/{kind}/[^\s]+)", text)
    assert match, f"no {kind} link in the mail"
    return match.group(1)


def publish(app, moderator, story_id: int, days_ago: float = 0) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        story = db.session.get(Story, story_id)
        actor = db.session.get(User, moderator.id)
        moderation.decide(story, "approve", actor, story.version)
        story = db.session.get(Story, story_id)
        story.published_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def use_public_url(app) -> None:  # type: ignore[no-untyped-def]
    """What create_app does with PUBLIC_URL, without pinning the test client's Host to it."""
    public = PublicUrl.parse("https://stories.example.org")
    app.extensions["storyhub-public-url"] = public
    app.extensions["storyhub-public-url-adapter"] = public.url_adapter(app)


def newest_story_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Story.id)))


def run_digests(app, runner, days_later: float) -> str:  # type: ignore[no-untyped-def]
    """Pretend the digest timer runs `days_later` days after confirmation."""
    with app.app_context():
        for subscription in db.session.scalars(sa.select(Subscription)):
            if subscription.last_digest_at is not None:
                subscription.last_digest_at -= timedelta(days=days_later)
        db.session.commit()
    result = runner.invoke(args=["subscriptions", "send-digests"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_cached_pages_only_link_to_the_follow_form(client, demo):
    page = client.get("/diagnoses/limited-cutaneous-ssc")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    html = page.get_data(as_text=True)
    assert 'href="/follow/?diagnosis=limited-cutaneous-ssc"' in html
    assert "csrf_token" not in html
    topic = client.get("/topics/calcinosis").get_data(as_text=True)
    assert 'href="/follow/?topic=calcinosis"' in topic
    form = client.get(FOLLOW)
    assert form.headers["Cache-Control"] == "no-store"
    assert 'name="csrf_token"' in form.get_data(as_text=True)
    assert client.get("/follow/?diagnosis=no-such-thing").status_code == 404


def test_subscribe_confirm_digest_unsubscribe(
    app,
    client,
    runner,
    default_diagnosis,
    submit,
    moderator,
    smtp_server,
):
    use_public_url(app)  # the digest runs from cron: its links come from PUBLIC_URL
    # Nothing but the confirmation is sent until it is opened; the page answers alike.
    answer = ask_to_follow(client, "  Reader.Follows@Example.org ")
    assert answer.status_code == 200
    assert "nothing will be sent until you open the link" in answer.get_data(as_text=True)
    again = ask_to_follow(client)  # the same address again: same answer, no second mail
    assert "nothing will be sent until you open the link" in again.get_data(as_text=True)
    (confirmation,) = deliver(app, runner, smtp_server)
    assert confirmation["To"] == READER
    unsubscribe_header = confirmation["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://[^>]+/follow/unsubscribe/[^>]+>", unsubscribe_header)
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message_body(confirmation)
    confirm = link(text, "confirm")
    assert link(text, "unsubscribe") in unsubscribe_header

    # A story published before confirmation is not news; an unconfirmed address gets nothing.
    submit(title="Before I followed")
    publish(app, moderator, newest_story_id(app), days_ago=1)
    assert "0 digests queued" in run_digests(app, runner, days_later=30)

    # Opening the link shows a button (a mail scanner fetching it changes nothing).
    assert "Yes, send me the new stories" in client.get(confirm).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Subscription.confirmed_at)) is None
    done = client.post(confirm)
    assert done.status_code == 200
    assert "you now follow the stories about" in done.get_data(as_text=True)
    replayed = client.post(confirm)
    assert replayed.status_code == 200
    assert "this link was used before" in replayed.get_data(as_text=True)

    # Published after confirmation: one with syndication allowed, one without.
    submit(title="Warm gloves every morning", consent_syndicate="y")
    shared = newest_story_id(app)
    publish(app, moderator, shared)
    submit(title="Not to be syndicated")
    with app.app_context():
        db.session.get(Story, newest_story_id(app)).allow_syndication = False
        db.session.commit()
    publish(app, moderator, newest_story_id(app))

    # Not a week yet: nothing. A week later: one digest.
    assert "0 digests queued" in run_digests(app, runner, days_later=0)
    assert "1 digests queued" in run_digests(app, runner, days_later=7)
    (digest,) = [m for m in deliver(app, runner, smtp_server) if m["To"] == READER]
    assert digest["To"] == READER
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message_body(digest)
    assert "Warm gloves every morning" in body and f"/stories/{shared}" in body
    assert "Not to be syndicated" not in body and "Before I followed" not in body
    # At most weekly: the next run a day later sends nothing even with a new story.
    assert "0 digests queued" in run_digests(app, runner, days_later=1)

    # One-click unsubscribe, as a mail client does it (RFC 8058): no login, no CSRF token.
    one_click = link(body, "unsubscribe")
    gone = client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200
    assert "you will get no more e-mails" in gone.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Subscription.id))) == 0
    assert "no longer follows" in client.post(one_click).get_data(as_text=True)
    assert client.post(confirm).status_code == 404  # the confirmation of a removed one


def test_bad_and_expired_links_answer_clearly(app, client, demo, runner, smtp_server):
    assert client.get("/follow/confirm/not-a-token").status_code == 404
    assert client.post("/follow/confirm/not-a-token").status_code == 404
    assert client.get("/follow/unsubscribe/not-a-token").status_code == 200
    bad = ask_to_follow(client, "not an address")
    assert bad.status_code == 400
    assert "does not look like an e-mail address" in bad.get_data(as_text=True)
    assert 'value="not an address"' in bad.get_data(as_text=True)

    ask_to_follow(client)
    (confirmation,) = deliver(app, runner, smtp_server)
    confirm = link(message_body(confirmation), "confirm")
    app.config["FOLLOW_CONFIRM_MAX_AGE_SECONDS"] = -1  # every link is now too old
    expired = client.post(confirm)
    assert expired.status_code == 410
    assert "This confirmation link has expired" in expired.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Subscription.confirmed_at)) is None


def test_removed_or_merged_diagnosis_drops_or_moves_its_followers(app, client, demo):
    ask_to_follow(client, "one@example.org")
    ask_to_follow(client, "two@example.org", "/follow/?diagnosis=diffuse-cutaneous-ssc")
    with app.app_context():
        target = db.session.scalar(sa.select(Diagnosis).where(Diagnosis.slug == "morphea"))
        source = db.session.scalar(
            sa.select(Diagnosis).where(Diagnosis.slug == "limited-cutaneous-ssc")
        )
        subscriptions.move("diagnosis", source.id, target.id)
        db.session.commit()
        moved = db.session.scalar(
            sa.select(Subscription).where(Subscription.email == "one@example.org")
        )
        assert moved.diagnosis.slug == "morphea"
        # Removal: the subscription goes with it (ON DELETE CASCADE), nothing fails.
        gone = db.session.scalar(
            sa.select(Diagnosis).where(Diagnosis.slug == "diffuse-cutaneous-ssc")
        )
        db.session.execute(sa.delete(Diagnosis).where(Diagnosis.id == gone.id))
        db.session.commit()
        emails = set(db.session.scalars(sa.select(Subscription.email)))
        assert emails == {"one@example.org"}


def test_export_and_erasure_cover_the_address(app, client, runner, demo, caplog):
    ask_to_follow(client, "Private.Reader@example.org")
    exported = json.loads(
        runner.invoke(args=["stories", "export", "--email", "private.reader@example.org"]).output
    )
    (entry,) = exported["subscriptions"]
    assert entry["email"] == "private.reader@example.org"
    assert entry["follows"] == "diagnosis:limited-cutaneous-ssc"
    assert entry["confirmed_at"] is None
    result = runner.invoke(args=["subscriptions", "erase", "--email", "PRIVATE.reader@example.org"])
    assert "1 subscriptions removed" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Subscription.id))) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.kind == "follow_confirm"
                )
            )
            == 0
        )
    assert "private.reader" not in caplog.text.lower()


@pytest.mark.app_config(RATELIMIT_ENABLED=True, FOLLOW_RATE_LIMIT="2 per minute")
def test_the_form_is_rate_limited_with_the_address_kept(client, demo):
    for address in ("first@example.org", "second@example.org"):
        assert ask_to_follow(client, address).status_code == 200
    limited = ask_to_follow(client, "third@example.org")
    assert limited.status_code == 429
    assert 'value="third@example.org"' in limited.get_data(as_text=True)
