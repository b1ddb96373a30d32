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
import sqlalchemy.orm as so
from flask import current_app

from storyhub.extensions import db
from storyhub.models import (
    Consent,
    ConsentPurpose,
    Diagnosis,
    Relation,
    Story,
    StoryStatus,
    Submitter,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import make_excerpt, plain_text_to_html
from storyhub.services import (
    arrival_rows,
    catalog,
    consents,
    language_check,
    lifecycle,
    notify,
    reidentification,
    translations,
)
from storyhub.services.errors import Conflict, ServiceError
from storyhub.services.manage_links import hash_token
from storyhub.text import distress

# Recorded with each consent, so we know which wording a person agreed to.
CONSENT_TEXT_VERSION = consents.PUBLISH_WORDING
UPDATE_TITLE_PREFIX = "(Update) "
REPLY_MAX = 5000

S = StoryStatus
P = ConsentPurpose


class LanguageNeedsConfirmation(ServiceError):
    """The text reads clearly as another language than the one chosen: ask, never refuse.
    `risk` carries the re-identification question too, so both are asked at once."""

    def __init__(self, detected: str, risk: reidentification.Question | None = None) -> None:
        super().__init__(code="language_unclear", field="language", detected=detected)
        self.detected = detected
        self.risk = risk


class MayIdentifyAuthor(ServiceError):
    """The text, the name, or a rare diagnosis from a country with few stories could let
    someone recognise the author: show what and suggest, never refuse."""

    def __init__(self, risk: reidentification.Question) -> None:
        super().__init__(code="may_identify_author")
        self.risk = risk


class StoryChanged(Conflict):
    """The story changed (a moderator decided) after the submitter opened the page."""

    code = "story_changed"

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story


class SameLanguage(ServiceError):
    """A translation must be in another language than its original."""

    code = "same_language"


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
    consent_translate: bool = False
    consent_syndicate: bool = False
    confirm_identifiable: bool = False
    locale: str = "en"  # the interface language the consent wording was shown in


@dataclass(frozen=True)
class TranslationSubmission:
    language: str
    title: str
    body: str
    consent_publish: bool
    translator_name: str = ""  # the "Translated by" credit; the byline is the original's
    email: str = ""
    idempotency_key: str = ""
    confirm_language: bool = False
    locale: str = "en"


@dataclass(frozen=True)
class StoryEdit:
    """A submitter's changes; None leaves a field as it is (translations have no details)."""

    title: str
    body: str
    language: str
    author_name: str | None = None  # None on a translation: its byline is the original's
    translator_name: str | None = None  # translations only
    confirm_language: bool = False
    relation: Relation | None = None
    relation_detail: str | None = None
    country: str | None = None
    diagnoses: list[str] | None = None
    locale: str = "en"


@dataclass(frozen=True)
class UpdateSubmission:
    title: str
    body: str
    idempotency_key: str = ""


@dataclass(frozen=True)
class SubmissionReceipt:
    story: Story
    manage_token: str


def _manage_token_for(idempotency_key: str) -> str:
    """Derive the manage token from the form's secret key, so a re-POST shows the same link."""
    if not idempotency_key:
        return secrets.token_urlsafe(32)
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"manage-token:" + idempotency_key.encode(), hashlib.sha256)
    return digest.hexdigest()


def stored_key(idempotency_key: str) -> str | None:
    """What the database keeps of an idempotency key: its SHA-256 (the key leads to the
    manage token, so it is a secret like the token)."""
    return hash_token(idempotency_key) if idempotency_key else None


# Almost always absent: probe the unique index for the id alone (one statement built once, run
# as Core on the session's connection: no ORM result to build), load only a story found.
_KEY_PROBE = sa.select(Story.__table__.c.id).where(
    Story.__table__.c.idempotency_key == sa.bindparam("key")
)


def story_with_key(idempotency_key: str) -> Story | None:
    if not idempotency_key:
        return None
    story_id = db.session.connection().scalar(_KEY_PROBE, {"key": stored_key(idempotency_key)})
    return db.session.get(Story, story_id) if story_id is not None else None


def _existing_receipt(idempotency_key: str) -> SubmissionReceipt | None:
    story = story_with_key(idempotency_key)
    return SubmissionReceipt(story, _manage_token_for(idempotency_key)) if story else None


def checked_language(language: str, title: str, body: str, confirmed: bool) -> str | None:
    """Return the language the text clearly reads as, if not the declared one; ask first."""
    detected = language_check.mismatch(language, f"{title}\n{body}")
    if detected and not confirmed:
        raise LanguageNeedsConfirmation(detected)
    return detected


def set_text(story: Story, title: str, body: str) -> None:
    story.title = title
    story.body_text = body
    story.body_html = plain_text_to_html(body)
    story.excerpt = make_excerpt(body)


def agreed(story: Story) -> None:
    """The author wrote (or accepted) the title, name and text as they are now: moderators'
    later edits are measured against them (services/edit_check.py)."""
    story.agreed_title = story.title
    story.agreed_author_name = story.author_name


def mark_distress(story: Story, title: str, body: str) -> None:
    """Distress words put it first in the queue; once marked, it stays marked."""
    story.priority = bool(story.priority) or distress.suggests_distress(title, body)


def diagnoses_by_slug(slugs: list[str]) -> list[Diagnosis]:
    wanted = set(slugs)
    # The re-identification check loaded these moments ago, in this session: no second query.
    loaded = [
        obj
        for obj in db.session.identity_map.values()
        if isinstance(obj, Diagnosis) and "slug" in obj.__dict__ and obj.slug in wanted
    ]
    if len(loaded) == len(wanted) and {d.slug for d in loaded} == wanted:
        return loaded
    # Their names are not needed to file the story: not loaded with them (one query, not two).
    query = sa.select(Diagnosis).where(Diagnosis.slug.in_(slugs))
    return list(db.session.scalars(query.options(so.lazyload(Diagnosis.names))))


def new_submitter(token: str, email: str, consent: bool) -> Submitter:
    return Submitter(
        email=email or None,
        manage_token_hash=hash_token(token),
        consent_publish_at=utcnow() if consent else None,
        consent_text_version=CONSENT_TEXT_VERSION,
    )


def store_new(
    story: Story,
    idempotency_key: str,
    token: str | None,
    given: tuple[tuple[ConsentPurpose, str], ...] = (),
    locale: str = "en",
    diagnosis_ids: list[int] | None = None,
) -> Story:
    """Flush the new story (a lost double-click race yields the winner), record the event and
    the consents `given` ((use, wording id) pairs), notify, commit. With `diagnosis_ids`, a
    new pending original is written as plain INSERTs instead (services/arrival_rows.py)."""
    try:
        if diagnosis_ids is None:
            db.session.add(story)
            db.session.flush()
        else:
            arrival_rows.insert_pending_story(story, diagnosis_ids)
    except Conflict:
        # Two identical POSTs raced (double click): the other one won; show its result.
        db.session.rollback()
        winner = story_with_key(idempotency_key)
        if winner is None:
            raise
        return winner
    # The event and the consents are plain rows of constants: written straight away (one
    # statement each), not through a second unit-of-work flush at the commit.
    now = utcnow()
    arrived = "submit_translation" if story.translation_of is not None else "submit"
    lifecycle.record_arrival(story, arrived, lifecycle.submitter_of(story), now)
    if given:
        assert all(wording in consents.WORDINGS for _purpose, wording in given)
        version = consents.text_version(story)
        db.session.connection().execute(
            sa.insert(Consent.__table__),
            [{"story_id": story.id, "purpose": purpose, "text_version": version,
              "wording_version": wording, "locale": locale, "given_at": now}
             for purpose, wording in given],
        )  # fmt: skip
    if token is not None:
        notify.story_received(story, token)
    # What was just written is what is stored: keep it loaded for the receipt page, rather
    # than reading the story and its submitter back after the commit.
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        db.session.commit()
    finally:
        session.expire_on_commit = expiring
    return story


def submit_story(submission: StorySubmission) -> SubmissionReceipt:
    """Store a new story as pending, with its submitter and consent, and record the event."""
    existing = _existing_receipt(submission.idempotency_key)
    if existing:
        return existing
    risk = None
    if not submission.confirm_identifiable:
        risk = reidentification.submission_question(
            submission.country,
            submission.diagnoses,
            submission.title,
            submission.body,
            submission.language,
            submission.author_name,
            submission.email,
        )
    detected = language_check.mismatch(
        submission.language, f"{submission.title}\n{submission.body}"
    )
    if detected and not submission.confirm_language:
        raise LanguageNeedsConfirmation(detected, risk)
    if risk is not None:
        raise MayIdentifyAuthor(risk)
    token = _manage_token_for(submission.idempotency_key)
    story = Story(
        status=lifecycle.arrival("submit"),
        author_name=submission.author_name,
        relation=submission.relation,
        relation_detail=submission.relation_detail,
        country=submission.country,
        language=submission.language,
        detected_language=detected,
        idempotency_key=stored_key(submission.idempotency_key),
        submitter=new_submitter(token, submission.email, submission.consent_publish),
        allow_translation=submission.consent_translate,
        allow_syndication=submission.consent_syndicate,
    )
    set_text(story, submission.title, submission.body)
    agreed(story)
    mark_distress(story, submission.title, submission.body)
    given = [(P.PUBLISH, consents.PUBLISH_WORDING)] if submission.consent_publish else []
    if submission.consent_translate:
        given.append((P.TRANSLATE, consents.TRANSLATE_WORDING))
    if submission.consent_syndicate:
        given.append((P.SYNDICATE, consents.SYNDICATE_WORDING))
    stored = store_new(
        story,
        submission.idempotency_key,
        token,
        tuple(given),
        submission.locale,
        diagnosis_ids=diagnosis_ids(submission.diagnoses),
    )
    return SubmissionReceipt(stored, _manage_token_for(submission.idempotency_key))


def diagnosis_ids(slugs: list[str]) -> list[int]:
    """The ids of the chosen diagnoses, from the taxonomy snapshot the form's menu was made
    from (unknown slugs left out, as a query would leave them)."""
    taxonomy = catalog.taxonomy()
    return [i for slug in dict.fromkeys(slugs) for i in taxonomy.subtree(slug)[:1]]


def submit_translation(original: Story, submission: TranslationSubmission) -> SubmissionReceipt:
    """Store a translation of a published story as pending; it is moderated on its own."""
    existing = _existing_receipt(submission.idempotency_key)
    if existing:
        return existing
    if submission.language == original.language:
        raise SameLanguage(field="language")
    detected = checked_language(
        submission.language, submission.title, submission.body, submission.confirm_language
    )
    token = _manage_token_for(submission.idempotency_key)
    story = Story(
        status=lifecycle.arrival("submit_translation"),
        author_name=original.author_name,
        translator_name=submission.translator_name,
        relation=original.relation,
        relation_detail=original.relation_detail,
        country=original.country,
        language=submission.language,
        detected_language=detected,
        idempotency_key=stored_key(submission.idempotency_key),
        submitter=new_submitter(token, submission.email, submission.consent_publish),
        translation_of=original,
        diagnoses=list(original.diagnoses),
    )
    set_text(story, submission.title, submission.body)
    agreed(story)
    translations.record_source(story)
    # No distress mark: a translator carries someone else's words, already read and published.
    given = (
        ((P.PUBLISH, consents.TRANSLATION_PUBLISH_WORDING),) if submission.consent_publish else ()
    )
    stored = store_new(story, submission.idempotency_key, token, given, submission.locale)
    return SubmissionReceipt(stored, _manage_token_for(submission.idempotency_key))
