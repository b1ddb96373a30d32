"""A submission key grants the story's private link, so it is a secret: bound to the browser
session that got the form, and stored only as a digest."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, Submitter
from storyhub.services.manage_links import hash_token
from tests.plugins.forms import csrf_token, hidden_value, manage_token, story_form_data


def _form_data(client, **overrides):  # type: ignore[no-untyped-def]
    page = client.get("/submit").get_data(as_text=True)
    return story_form_data(
        csrf_token=csrf_token(page),
        submission_key=hidden_value(page, "submission_key"),
        **overrides,
    )


def _stories(app, title: str) -> list[Story]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Story).filter_by(title=title)))


def test_a_double_click_and_a_reload_get_the_same_receipt(app, client, default_diagnosis):
    data = _form_data(client, title="Pressed twice")
    first = client.post("/submit", data=data)
    second = client.post("/submit", data=data)
    assert first.status_code == second.status_code == 200
    assert manage_token(first.get_data(as_text=True)) == manage_token(second.get_data(as_text=True))
    assert len(_stories(app, "Pressed twice")) == 1


def test_a_replayed_key_from_another_browser_does_not_reveal_the_link(
    app, client, default_diagnosis
):
    data = _form_data(client, title="Someone else's story")
    author_token = manage_token(client.post("/submit", data=data).get_data(as_text=True))
    # A stranger holding the page (shared computer, logged form body) replays the key with a
    # CSRF token of their own: they get a receipt for a new copy, never the author's link.
    stranger = app.test_client()
    stolen = dict(data, csrf_token=csrf_token(stranger.get("/submit").get_data(as_text=True)))
    replay = stranger.post("/submit", data=stolen).get_data(as_text=True)
    assert author_token not in replay
    assert manage_token(replay) != author_token
    assert stranger.get(f"/my/{author_token}").status_code == 200  # the link itself still works
    with app.app_context():
        hashes = set(db.session.scalars(sa.select(Submitter.manage_token_hash)))
    assert hash_token(author_token) in hashes and hash_token(manage_token(replay)) in hashes


def test_neither_the_key_nor_the_token_is_stored_in_clear(app, client, default_diagnosis):
    data = _form_data(client, title="Stored safely")
    token = manage_token(client.post("/submit", data=data).get_data(as_text=True))
    with app.app_context():
        story = _stories(app, "Stored safely")[0]
        row = db.session.execute(
            sa.select(Story.idempotency_key, Submitter.manage_token_hash)
            .join(Submitter, Story.submitter_id == Submitter.id)
            .where(Story.id == story.id)
        ).one()
    assert row.idempotency_key and len(row.idempotency_key) == 64
    assert data["submission_key"] not in row.idempotency_key
    assert row.manage_token_hash == hash_token(token)
    assert token not in row.idempotency_key
