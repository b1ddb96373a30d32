"""Submitting a story and reaching it again through the private manage link."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from storyhub.extensions import db
from storyhub.models import (
    Diagnosis,
    ModerationEvent,
    Relation,
    Story,
    StoryStatus,
    Submitter,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import make_excerpt, plain_text_to_html
from storyhub.services import notify

# Recorded with each consent, so we know which wording a person agreed to.
CONSENT_TEXT_VERSION = "publish-2026-11"


@dataclass(frozen=True)
class StorySubmission:
    author_name: str
    relation: Relation
    country: str
    language: str
    title: str
    body: str
    consent_publish: bool
    relation_detail: str = ""
    email: str = ""
    diagnoses: list[str] = field(default_factory=list)
    idempotency_key: str = ""


@dataclass(frozen=True)
class SubmissionReceipt:
    story: Story
    manage_token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _manage_token_for(idempotency_key: str) -> str:
    """Derive the manage token from the form's secret key, so a re-POST shows the same link."""
    if not idempotency_key:
        return secrets.token_urlsafe(32)
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"manage-token:" + idempotency_key.encode(), hashlib.sha256)
    return digest.hexdigest()


def _existing_receipt(idempotency_key: str) -> SubmissionReceipt | None:
    if not idempotency_key:
        return None
    story = db.session.scalar(sa.select(Story).filter_by(idempotency_key=idempotency_key))
    if story is None:
        return None
    return SubmissionReceipt(story, _manage_token_for(idempotency_key))


def submit_story(submission: StorySubmission) -> SubmissionReceipt:
    """Store a new story as pending, with its submitter and consent, and record the event."""
    existing = _existing_receipt(submission.idempotency_key)
    if existing:
        return existing
    token = _manage_token_for(submission.idempotency_key)
    submitter = Submitter(
        email=submission.email or None,
        manage_token_hash=hash_token(token),
        consent_publish_at=utcnow() if submission.consent_publish else None,
        consent_text_version=CONSENT_TEXT_VERSION,
    )
    diagnoses = db.session.scalars(
        sa.select(Diagnosis).where(Diagnosis.slug.in_(submission.diagnoses))
    ).all()
    story = Story(
        status=StoryStatus.PENDING,
        title=submission.title,
        body_text=submission.body,
        body_html=plain_text_to_html(submission.body),
        excerpt=make_excerpt(submission.body),
        author_name=submission.author_name,
        relation=submission.relation,
        relation_detail=submission.relation_detail,
        country=submission.country,
        language=submission.language,
        idempotency_key=submission.idempotency_key or None,
        submitter=submitter,
        diagnoses=list(diagnoses),
    )
    db.session.add(story)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # Two identical POSTs raced (double click): the other one won; show its receipt.
        db.session.rollback()
        winner = _existing_receipt(submission.idempotency_key)
        if winner is None:
            raise
        return winner
    db.session.add(
        ModerationEvent(
            story_id=story.id, action="submit", from_status=None, to_status=story.status.value
        )
    )
    notify.story_received(story, token)
    db.session.commit()
    return SubmissionReceipt(story, token)


def story_for_manage_token(token: str) -> Story | None:
    """Return the story a manage link belongs to (the first one that submitter sent)."""
    if not token or len(token) > 128:
        return None
    # The lookup is by a SHA-256 of the token: an index lookup leaks nothing useful about the
    # token through timing, because the attacker does not control the hash prefix.
    return db.session.scalar(
        sa.select(Story)
        .join(Submitter, Story.submitter_id == Submitter.id)
        .where(Submitter.manage_token_hash == hash_token(token))
        .where(Story.translation_of_id.is_(None), Story.update_of_id.is_(None))
        .order_by(Story.id)
        .limit(1)
    )
