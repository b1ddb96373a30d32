"""Helpers for the submitter tests (manage link, translations, outbox): real requests and
real service calls, no mocks."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import OutboxMessage, Story, User
from storyhub.services import moderation, story_edits
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.processes import free_port  # noqa: F401  (used by mail tests)


def story_by_title(app: Flask, title: str) -> Story:
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title=title))
        assert story is not None, title
        db.session.expunge(story)
        return story


def story_id(app: Flask, title: str) -> int:
    return story_by_title(app, title).id


def decide(app: Flask, story_id: int, action: str, reason: str = "", **edits: object) -> None:
    """A moderator's decision through the real service (the moderator fixture must exist)."""
    with app.app_context():
        story = db.session.get(Story, story_id)
        actor = db.session.scalar(sa.select(User).limit(1))
        moderation.decide(
            story,
            action,
            actor=actor,
            expected_version=story.version,
            reason=reason,
            edits=story_edits.StoryEdits(**edits) if edits else None,  # type: ignore[arg-type]
        )


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the first form on the page (csrf_token, version, submission_key)."""
    fields = {"csrf_token": csrf_token(html)}
    for name in ("version", "submission_key"):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
            rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html
        )
        if match:
            fields[name] = match.group(1)
    return fields


def submitted_token(submit, **overrides: object) -> str:  # type: ignore[no-untyped-def]
    response = submit(**overrides)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return manage_token(response.get_data(as_text=True))


def post_form(client: FlaskClient, url: str, **data: object):  # type: ignore[no-untyped-def]
    """GET the page, then POST its form with its hidden fields plus `data`."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    fields: dict[str, object] = dict(form_fields(page.get_data(as_text=True)))
    fields.update(data)
    return client.post(url, data=fields)


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows
