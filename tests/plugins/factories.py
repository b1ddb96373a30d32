"""Factories: the rows a test needs, made directly through the models, instead of the whole demo
set. Each is a fixture returning a function, so a test asks for what it uses:

    def test_a_published_story_is_listed(client, make_story):
        make_story(title="Warm gloves")
        assert "Warm gloves" in client.get("/stories").get_data(as_text=True)

Stories are made the way the demo loader makes them (a submitter with consent, a `submit` event,
and an `approve` event when published), so every public page and the queue treat them like
stories that came through the form.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from storyhub.extensions import db
from storyhub.models import (
    Diagnosis,
    DiagnosisName,
    ModerationEvent,
    Relation,
    Story,
    StoryStatus,
    Submitter,
    Topic,
    TopicText,
    UserRole,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import make_excerpt, plain_text_to_html
from storyhub.services import accounts
from storyhub.services.manage_links import hash_token
from storyhub.services.submissions import CONSENT_TEXT_VERSION

STORY_BODY = (
    "My fingers stiffened first in winter. Typing became slow.\n\n"
    "Now I use dictation and warm gloves, and I rest my hands between pages."
)
# The diagnosis the story form's default data (tests/plugins/forms.py) chooses.
DEFAULT_DIAGNOSIS = ("limited-cutaneous-ssc", "Limited cutaneous systemic sclerosis")


def _diagnosis(
    slug: str,
    name: str = "",
    parent: str | None = None,
    names: dict[str, str] | None = None,
    description: str = "",
) -> Diagnosis:
    diagnosis = db.session.scalar(sa.select(Diagnosis).filter_by(slug=slug))
    if diagnosis is not None:
        return diagnosis
    position = db.session.scalar(sa.select(sa.func.count()).select_from(Diagnosis)) or 0
    diagnosis = Diagnosis(slug=slug, position=position)
    diagnosis.parent = _diagnosis(parent) if parent else None
    label = name or slug.replace("-", " ").capitalize()
    for language, text in (names or {"en": label}).items():
        diagnosis.names.append(
            DiagnosisName(
                language=language, name=text, description=description if language == "en" else ""
            )
        )
    db.session.add(diagnosis)
    db.session.flush()
    return diagnosis


def _topic(
    slug: str, title: str = "", keywords: Iterable[str] = (), description: str = ""
) -> Topic:
    topic = db.session.scalar(sa.select(Topic).filter_by(slug=slug))
    if topic is not None:
        return topic
    position = db.session.scalar(sa.select(sa.func.count()).select_from(Topic)) or 0
    topic = Topic(slug=slug, position=position + 1, keywords="\n".join(keywords))
    text = description or f"Stories about {slug.replace('-', ' ')}."
    topic.texts.append(
        TopicText(
            language="en",
            title=title or slug.replace("-", " ").capitalize(),
            description_html=plain_text_to_html(text),
        )
    )
    db.session.add(topic)
    db.session.flush()
    return topic


def _story(
    title: str,
    body: str,
    status: StoryStatus | str,
    language: str,
    diagnoses: Iterable[str],
    topics: Iterable[str],
    days_ago: int,
    email: str,
    translation_of: int | None,
    **fields: Any,
) -> Story:
    status = StoryStatus(status)
    submitted = utcnow() - timedelta(days=days_ago)
    published = status is StoryStatus.PUBLISHED
    fields.setdefault("author_name", "R.B.")
    fields.setdefault("country", "IT")
    fields["relation"] = Relation(fields.get("relation", "self"))
    story = Story(
        status=status,
        title=title,
        body_text=body,
        body_html=plain_text_to_html(body),
        excerpt=make_excerpt(body),
        language=language,
        submitted_at=submitted,
        published_at=submitted + timedelta(hours=1) if published else None,
        submitter=Submitter(
            email=email,
            manage_token_hash=hash_token(secrets.token_urlsafe(32)),
            consent_publish_at=utcnow(),
            consent_text_version=CONSENT_TEXT_VERSION,
        ),
        diagnoses=[_diagnosis(slug) for slug in diagnoses],
        topics=[_topic(slug) for slug in topics],
        translation_of=db.session.get(Story, translation_of) if translation_of else None,
        **fields,
    )
    db.session.add(story)
    db.session.flush()
    db.session.add(ModerationEvent(story_id=story.id, action="submit", to_status="pending"))
    if status is not StoryStatus.PENDING:
        db.session.add(
            ModerationEvent(
                story_id=story.id,
                action="approve" if published else str(status),
                from_status="pending",
                to_status=str(status),
            )
        )
    return story


@pytest.fixture
def make_diagnosis(app: Flask) -> Callable[..., int]:
    """make_diagnosis("morphea", "Morphea", parent="localized-scleroderma") → its id (made once
    per slug; a parent slug not made yet is made too)."""

    def make(slug: str = DEFAULT_DIAGNOSIS[0], name: str = "", **kwargs: Any) -> int:
        if slug == DEFAULT_DIAGNOSIS[0] and not name:
            name = DEFAULT_DIAGNOSIS[1]
        with app.app_context():
            diagnosis = _diagnosis(slug, name, **kwargs)
            db.session.commit()
            return diagnosis.id

    return make


@pytest.fixture
def make_topic(app: Flask) -> Callable[..., int]:
    """make_topic("calcinosis", "Calcinosis", keywords=["calcium"]) → its id (once per slug)."""

    def make(slug: str = "daily-life", title: str = "", **kwargs: Any) -> int:
        with app.app_context():
            topic = _topic(slug, title, **kwargs)
            db.session.commit()
            return topic.id

    return make


@pytest.fixture
def make_story(app: Flask) -> Callable[..., int]:
    """make_story(title=…, status="pending", language="it", topics=["calcinosis"], …) → its id.

    Published by default, in English, with the form's default diagnosis; any other Story column
    (author_name, country, content_note, allow_translation …) can be given by name. Diagnoses
    and topics are made on first use.
    """

    def make(
        title: str = "Learning to type again",
        body: str = STORY_BODY,
        status: StoryStatus | str = StoryStatus.PUBLISHED,
        language: str = "en",
        diagnoses: Iterable[str] = (DEFAULT_DIAGNOSIS[0],),
        topics: Iterable[str] = (),
        days_ago: int = 1,
        email: str = "rb.patient@example.net",
        translation_of: int | None = None,
        **fields: Any,
    ) -> int:
        with app.app_context():
            if DEFAULT_DIAGNOSIS[0] in diagnoses:
                _diagnosis(*DEFAULT_DIAGNOSIS)
            story = _story(
                title,
                body,
                status,
                language,
                diagnoses,
                topics,
                days_ago,
                email,
                translation_of,
                **fields,
            )
            db.session.commit()
            return story.id

    return make


@pytest.fixture
def make_moderator(app: Flask) -> Callable[..., int]:
    """make_moderator("second@example.org", password=…, role=UserRole.ADMIN) → the user's id."""

    def make(
        email: str, password: str = "another long password", role: UserRole = UserRole.MODERATOR
    ) -> int:
        with app.app_context():
            return accounts.create_user(email, password, role).id

    return make


@pytest.fixture
def default_diagnosis(make_diagnosis: Callable[..., int]) -> int:
    """The one diagnosis the story form's default data chooses: all most submission tests need
    (instead of the whole demo set)."""
    return make_diagnosis()
