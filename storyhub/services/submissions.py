"""What submitters do: send a story or a translation, and through the private manage link
edit, withdraw, add an update or ask for erasure. Each change is one transaction with its
ModerationEvent (actor: none, i.e. the submitter) and, where it tells them something, its
outbox message."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

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
from storyhub.services import erasure, language_check, notify, translations
from storyhub.services.errors import ServiceError, TransitionNotAllowed

# Recorded with each consent, so we know which wording a person agreed to.
CONSENT_TEXT_VERSION = "publish-2026-11"
UPDATE_TITLE_PREFIX = "(Update) "

S = StoryStatus
EDITABLE = frozenset({S.PENDING, S.CHANGES_REQUESTED})
WITHDRAWABLE = frozenset({S.PENDING, S.CHANGES_REQUESTED, S.PUBLISHED})


class LanguageNeedsConfirmation(ServiceError):
    """The text reads clearly as another language than the one chosen: ask, never refuse."""

    def __init__(self, detected: str) -> None:
        super().__init__(detected)
        self.detected = detected


class StoryChanged(ServiceError):
    """The story changed (a moderator decided) after the submitter opened the page."""

    def __init__(self, story: Story) -> None:
        # Shown to the submitter, so in their interface language.
        super().__init__(
            _(
                "Your story changed while this page was open (a moderator may have acted on "
                "it). Nothing you typed is lost: it is below. Please check the status, then "
                "try again."
            )
        )
        self.story = story


class SameLanguage(ServiceError):
    """A translation must be in another language than its original."""


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
    confirm_language: bool = False


@dataclass(frozen=True)
class TranslationSubmission:
    language: str
    title: str
    body: str
    author_name: str
    consent_publish: bool
    email: str = ""
    idempotency_key: str = ""
    confirm_language: bool = False


@dataclass(frozen=True)
class StoryEdit:
    """A submitter's changes; None leaves a field as it is (translations have no details)."""

    title: str
    body: str
    language: str
    author_name: str
    confirm_language: bool = False
    relation: Relation | None = None
    relation_detail: str | None = None
    country: str | None = None
    diagnoses: list[str] | None = None


@dataclass(frozen=True)
class UpdateSubmission:
    title: str
    body: str
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


def _story_with_key(idempotency_key: str) -> Story | None:
    if not idempotency_key:
        return None
    return db.session.scalar(sa.select(Story).filter_by(idempotency_key=idempotency_key))


def _existing_receipt(idempotency_key: str) -> SubmissionReceipt | None:
    story = _story_with_key(idempotency_key)
    return SubmissionReceipt(story, _manage_token_for(idempotency_key)) if story else None


def _checked_language(language: str, title: str, body: str, confirmed: bool) -> str | None:
    """Return the language the text clearly reads as, if not the declared one; ask first."""
    detected = language_check.mismatch(language, f"{title}\n{body}")
    if detected and not confirmed:
        raise LanguageNeedsConfirmation(detected)
    return detected


def _set_text(story: Story, title: str, body: str) -> None:
    story.title = title
    story.body_text = body
    story.body_html = plain_text_to_html(body)
    story.excerpt = make_excerpt(body)


def _diagnoses(slugs: list[str]) -> list[Diagnosis]:
    return list(db.session.scalars(sa.select(Diagnosis).where(Diagnosis.slug.in_(slugs))))


def _new_submitter(token: str, email: str, consent: bool) -> Submitter:
    return Submitter(
        email=email or None,
        manage_token_hash=hash_token(token),
        consent_publish_at=utcnow() if consent else None,
        consent_text_version=CONSENT_TEXT_VERSION,
    )


def _record(story: Story, action: str, from_status: StoryStatus | None) -> None:
    db.session.add(
        ModerationEvent(
            story_id=story.id,
            action=action,
            from_status=from_status.value if from_status else None,
            to_status=story.status.value,
        )
    )


def _store_new(story: Story, idempotency_key: str, token: str | None) -> Story:
    """Flush the new story (a lost double-click race yields the winner), record, notify, commit."""
    db.session.add(story)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # Two identical POSTs raced (double click): the other one won; show its result.
        db.session.rollback()
        winner = _story_with_key(idempotency_key)
        if winner is None:
            raise
        return winner
    _record(story, "submit", None)
    if token is not None:
        notify.story_received(story, token)
    db.session.commit()
    return story


def submit_story(submission: StorySubmission) -> SubmissionReceipt:
    """Store a new story as pending, with its submitter and consent, and record the event."""
    existing = _existing_receipt(submission.idempotency_key)
    if existing:
        return existing
    detected = _checked_language(
        submission.language, submission.title, submission.body, submission.confirm_language
    )
    token = _manage_token_for(submission.idempotency_key)
    story = Story(
        status=S.PENDING,
        author_name=submission.author_name,
        relation=submission.relation,
        relation_detail=submission.relation_detail,
        country=submission.country,
        language=submission.language,
        detected_language=detected,
        idempotency_key=submission.idempotency_key or None,
        submitter=_new_submitter(token, submission.email, submission.consent_publish),
        diagnoses=_diagnoses(submission.diagnoses),
    )
    _set_text(story, submission.title, submission.body)
    stored = _store_new(story, submission.idempotency_key, token)
    return SubmissionReceipt(stored, _manage_token_for(submission.idempotency_key))


def submit_translation(original: Story, submission: TranslationSubmission) -> SubmissionReceipt:
    """Store a translation of a published story as pending; it is moderated on its own."""
    existing = _existing_receipt(submission.idempotency_key)
    if existing:
        return existing
    if submission.language == original.language:
        raise SameLanguage(_("The story is already in this language: choose the translation's."))
    detected = _checked_language(
        submission.language, submission.title, submission.body, submission.confirm_language
    )
    token = _manage_token_for(submission.idempotency_key)
    story = Story(
        status=S.PENDING,
        author_name=submission.author_name,
        relation=original.relation,
        relation_detail=original.relation_detail,
        country=original.country,
        language=submission.language,
        detected_language=detected,
        idempotency_key=submission.idempotency_key or None,
        submitter=_new_submitter(token, submission.email, submission.consent_publish),
        translation_of=original,
        diagnoses=list(original.diagnoses),
    )
    _set_text(story, submission.title, submission.body)
    translations.record_source(story)
    stored = _store_new(story, submission.idempotency_key, token)
    return SubmissionReceipt(stored, _manage_token_for(submission.idempotency_key))


def story_for_manage_token(token: str) -> Story | None:
    """Return the story a manage link belongs to: the first story or translation it sent."""
    if not token or len(token) > 128:
        return None
    # The lookup is by a SHA-256 of the token: an index lookup leaks nothing useful about the
    # token through timing, because the attacker does not control the hash prefix.
    return db.session.scalar(
        sa.select(Story)
        .join(Submitter, Story.submitter_id == Submitter.id)
        .where(Submitter.manage_token_hash == hash_token(token))
        .where(Story.update_of_id.is_(None))  # updates share their story's submitter
        .order_by(Story.id)
        .limit(1)
    )


def _unchanged(story: Story, edit: StoryEdit) -> bool:
    """True when the story already says exactly this (a double click on Save)."""
    return (story.title, story.body_text, story.language, story.author_name) == (
        edit.title,
        edit.body,
        edit.language,
        edit.author_name,
    )


def _commit_or_changed(story: Story) -> None:
    try:
        db.session.commit()
    except StaleDataError:  # a moderator committed between our read and our write
        db.session.rollback()
        raise StoryChanged(db.session.get(Story, story.id, populate_existing=True)) from None


def edit_story(story: Story, expected_version: int, edit: StoryEdit) -> Story:
    """Save the submitter's changes while pending or changes requested; back to the queue."""
    if story.status not in EDITABLE:
        raise TransitionNotAllowed(
            _(
                "Your story can no longer be changed here: its status changed while this page "
                "was open. Nothing you typed is lost: it is below, so you can copy it."
            )
        )
    if story.version != expected_version:
        if _unchanged(story, edit):
            return story
        raise StoryChanged(story)
    story.detected_language = _checked_language(
        edit.language, edit.title, edit.body, edit.confirm_language
    )
    _set_text(story, edit.title, edit.body)
    story.language, story.author_name = edit.language, edit.author_name
    if story.translation_of_id is None:  # a translation shares its original's details
        if edit.relation is not None:
            story.relation = edit.relation
        if edit.relation_detail is not None:
            story.relation_detail = edit.relation_detail
        if edit.country is not None:
            story.country = edit.country
        if edit.diagnoses is not None:
            story.diagnoses = _diagnoses(edit.diagnoses)
    else:
        translations.record_source(story)
    from_status = story.status
    story.status = S.PENDING
    _record(story, "resubmit" if from_status is S.CHANGES_REQUESTED else "edit", from_status)
    _commit_or_changed(story)
    return story


def withdraw_story(story: Story, expected_version: int) -> Story:
    """Take the story back (pending, changes requested or published → withdrawn)."""
    if story.status is S.WITHDRAWN:
        return story  # a second click: already done
    if story.status not in WITHDRAWABLE:
        raise TransitionNotAllowed(_("This story cannot be withdrawn any more."))
    if story.version != expected_version:
        raise StoryChanged(story)
    from_status = story.status
    story.status = S.WITHDRAWN
    _record(story, "withdraw", from_status)
    _commit_or_changed(story)
    return story


def add_update(story: Story, submission: UpdateSubmission, manage_token: str) -> Story:
    """Store an update to a published story as pending; once approved it shows, dated, on the
    story page. It shares the story's submitter, name and details."""
    existing = _story_with_key(submission.idempotency_key)
    if existing is not None:
        return existing
    if story.status is not S.PUBLISHED or story.kind != "story":
        raise TransitionNotAllowed(_("You can add an update once your story is published."))
    update = Story(
        status=S.PENDING,
        author_name=story.author_name,
        relation=story.relation,
        relation_detail=story.relation_detail,
        country=story.country,
        language=story.language,
        # No question here: the update keeps its story's language; moderators see the flag.
        detected_language=language_check.mismatch(
            story.language, f"{submission.title}\n{submission.body}"
        ),
        idempotency_key=submission.idempotency_key or None,
        submitter=story.submitter,
        update_of=story,
        diagnoses=list(story.diagnoses),
    )
    _set_text(update, UPDATE_TITLE_PREFIX + submission.title, submission.body)
    return _store_new(update, submission.idempotency_key, manage_token)


def request_erasure(story: Story) -> None:
    """Erase the story, its translations and updates, and the person's data, at their request.

    No version check: the wish to be erased does not depend on what a moderator did meanwhile.
    """
    if story.status is S.ERASED:
        return
    erasure.erase_story(story, actor_id=None, reason="requested by the author")
