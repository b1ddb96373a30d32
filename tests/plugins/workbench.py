"""Helpers for the moderator workbench tests: accounts, reading forms off pages like a
browser would, and a spy on the notification interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, UserRole
from storyhub.services import accounts, notify
from tests.plugins.forms import Auth

ADMIN_EMAIL = "admin@example.org"
SECOND_EMAIL = "second.mod@example.org"
PASSWORD = "another long password"


def make_user(app: Flask, email: str, role: UserRole = UserRole.MODERATOR) -> int:
    with app.app_context():
        return accounts.create_user(email, PASSWORD, role).id


def login_as(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = Auth(client).login(email, password)
    assert response.status_code == 302, response.get_data(as_text=True)


@dataclass
class _Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """Collect each form's successful controls, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def _add(self, name: str, value: str) -> None:
        if self.forms:
            self.forms[-1].fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(_Form(a.get("action", "")))
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self._add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea or "", "")
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self._select_chosen = True
                self._add(self._select, value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            values = self.forms[-1].fields[self._textarea]
            values[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            if self._textarea and self.forms:
                values = self.forms[-1].fields[self._textarea]
                # A browser drops the newline that starts a textarea's content.
                values[-1] = values[-1].removeprefix("\r").removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            if self._select and not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None


def form_fields(html: str, action_contains: str) -> dict[str, Any]:
    """The fields of the form posting to `action_contains` (else the first whose action
    contains it), ready to post."""
    parser = _FormParser()
    parser.feed(html)
    exact = [f for f in parser.forms if f.action == action_contains]
    for form in exact or parser.forms:
        if action_contains in form.action:
            return {k: v if len(v) > 1 else v[0] for k, v in form.fields.items()}
    raise AssertionError(f"no form posting to {action_contains!r} on the page")


def review_fields(client: FlaskClient, story_id: int) -> dict[str, Any]:
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    return form_fields(html, f"/moderate/stories/{story_id}")


def post_review(
    client: FlaskClient,
    story_id: int,
    action: str,
    fields: dict[str, Any] | None = None,
    **changes: Any,
):  # type: ignore[no-untyped-def]
    """Open the review page, change some fields, press a button."""
    data = dict(fields) if fields is not None else review_fields(client, story_id)
    data.update(changes)
    data["action"] = action
    return client.post(f"/moderate/stories/{story_id}", data=data)


def story_id_by_title(app: Flask, title: str) -> int:
    with app.app_context():
        story_id = db.session.scalar(sa.select(Story.id).filter_by(title=title))
        assert story_id is not None, title
        return story_id


def events_of(app: Flask, story_id: int) -> list[tuple[str, str | None, str, str]]:
    with app.app_context():
        events = db.session.scalars(
            sa.select(ModerationEvent).filter_by(story_id=story_id).order_by(ModerationEvent.id)
        )
        return [(e.action, e.from_status, e.to_status, e.reason) for e in events]


def event_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ModerationEvent.id)))


def spy_notices(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, str]]:
    """Record every call of notify.decision_made (then call the real one): a spy, not a mock.
    Each record is (story id, action, reason)."""
    calls: list[tuple[int, str, str]] = []
    real = notify.decision_made

    def spy(story: Story, event: ModerationEvent) -> None:
        calls.append((story.id, event.action, event.reason))
        real(story, event)

    monkeypatch.setattr(notify, "decision_made", spy)
    return calls
