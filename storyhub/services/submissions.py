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
from storyhub.sanitize import html_to_text, make_excerpt, plain_text_to_html
from storyhub.services import (
    consents,
    erasure,
    language_check,
    lifecycle,
    manage_links,
    notify,
    reidentification,
    translations,
)
from storyhub.services.errors import Conflict, ServiceError, TransitionNotAllowed
from storyhub.services.races import refused_if_changed
from storyhub.services.unit_of_work import unit_of_work
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


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _manage_token_for(idempotency_key: str) -> str:
    """Derive the manage token from the form's secret key, so a re-POST shows the same link."""
    if not idempotency_key:
        return secrets.token_urlsafe(32)
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"manage-token:" + idempotency_key.encode(), hashlib.sha256)
    return digest.hexdigest()


def _stored_key(idempotency_key: str) -> str | None:
    """What the database keeps of an idempotency key: its SHA-256 (the key leads to the
    manage token, so it is a secret like the token)."""
    return hash_token(idempotency_key) if idempotency_key else None


def _story_with_key(idempotency_key: str) -> Story | None:
    if not idempotency_key:
        return None
    # Almost always absent: probe the unique index for the id alone, load only a story found.
    story_id = db.session.scalar(
        sa.select(Story.id).where(Story.idempotency_key == _stored_key(idempotency_key))
    )
    return db.session.get(Story, story_id) if story_id is not None else None


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


def _agreed(story: Story) -> None:
    """The author wrote (or accepted) the title, name and text as they are now: moderators'
    later edits are measured against them (services/edit_check.py)."""
    story.agreed_title = story.title
    story.agreed_author_name = story.author_name


def _mark_distress(story: Story, title: str, body: str) -> None:
    """Distress words put it first in the queue; once marked, it stays marked."""
    story.priority = bool(story.priority) or distress.suggests_distress(title, body)


def _diagnoses(slugs: list[str]) -> list[Diagnosis]:
    wanted = set(slugs)
    # The re-identification check loaded these moments ago, in this session: no second query.
    loaded = [
        obj
        for obj in db.session.identity_map.values()
        if isinstance(obj, Diagnosis) and "slug" in obj.__dict__ and obj.slug in wanted
    ]
    if len(loaded) == len(wanted) and {d.slug for d in loaded} == wanted:
        return loaded
    return list(db.session.scalars(sa.select(Diagnosis).where(Diagnosis.slug.in_(slugs))))


def _new_submitter(token: str, email: str, consent: bool) -> Submitter:
    return Submitter(
        email=email or None,
        manage_token_hash=hash_token(token),
        consent_publish_at=utcnow() if consent else None,
        consent_text_version=CONSENT_TEXT_VERSION,
    )


def _store_new(
    story: Story,
    idempotency_key: str,
    token: str | None,
    given: tuple[tuple[ConsentPurpose, str], ...] = (),
    locale: str = "en",
) -> Story:
    """Flush the new story (a lost double-click race yields the winner), record the event and
    the consents `given` ((use, wording id) pairs), notify, commit."""
    db.session.add(story)
    try:
        db.session.flush()
    except Conflict:
        # Two identical POSTs raced (double click): the other one won; show its result.
        db.session.rollback()
        winner = _story_with_key(idempotency_key)
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
        db.session.execute(
            sa.insert(Consent),
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
        idempotency_key=_stored_key(submission.idempotency_key),
        submitter=_new_submitter(token, submission.email, submission.consent_publish),
        diagnoses=_diagnoses(submission.diagnoses),
        allow_translation=submission.consent_translate,
        allow_syndication=submission.consent_syndicate,
    )
    _set_text(story, submission.title, submission.body)
    _agreed(story)
    _mark_distress(story, submission.title, submission.body)
    given = [(P.PUBLISH, consents.PUBLISH_WORDING)] if submission.consent_publish else []
    if submission.consent_translate:
        given.append((P.TRANSLATE, consents.TRANSLATE_WORDING))
    if submission.consent_syndicate:
        given.append((P.SYNDICATE, consents.SYNDICATE_WORDING))
    stored = _store_new(story, submission.idempotency_key, token, tuple(given), submission.locale)
    return SubmissionReceipt(stored, _manage_token_for(submission.idempotency_key))


def submit_translation(original: Story, submission: TranslationSubmission) -> SubmissionReceipt:
    """Store a translation of a published story as pending; it is moderated on its own."""
    existing = _existing_receipt(submission.idempotency_key)
    if existing:
        return existing
    if submission.language == original.language:
        raise SameLanguage(field="language")
    detected = _checked_language(
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
        idempotency_key=_stored_key(submission.idempotency_key),
        submitter=_new_submitter(token, submission.email, submission.consent_publish),
        translation_of=original,
        diagnoses=list(original.diagnoses),
    )
    _set_text(story, submission.title, submission.body)
    _agreed(story)
    translations.record_source(story)
    # No distress mark: a translator carries someone else's words, already read and published.
    given = (
        ((P.PUBLISH, consents.TRANSLATION_PUBLISH_WORDING),) if submission.consent_publish else ()
    )
    stored = _store_new(story, submission.idempotency_key, token, given, submission.locale)
    return SubmissionReceipt(stored, _manage_token_for(submission.idempotency_key))


def _first_story(submitter_id: int) -> Story | None:
    return db.session.scalar(
        sa.select(Story)
        .where(Story.submitter_id == submitter_id, Story.update_of_id.is_(None))
        .order_by(Story.id)
        .limit(1)
    )


def _story_for_mail_token(token: str) -> Story | None:
    """A private link from a decision e-mail (services/manage_links.py)."""
    carried = manage_links.submitter_id_for(token)
    if carried is None:
        return None
    submitter = db.session.get(Submitter, carried[0])
    if submitter is None or not manage_links.still_valid(submitter, carried[1]):
        return None
    return _first_story(submitter.id)


def story_for_manage_token(token: str) -> Story | None:
    """Return the story a manage link belongs to: the first story or translation it sent."""
    if not token or len(token) > 128:
        return None
    # The lookup is by a SHA-256 of the token: an index lookup leaks nothing useful about the
    # token through timing, because the attacker does not control the hash prefix.
    if manage_links.is_mail_token(token):
        return _story_for_mail_token(token)
    token_hash = hash_token(token)
    story = db.session.scalar(
        sa.select(Story)
        .join(Submitter, Story.submitter_id == Submitter.id)
        .where(
            sa.or_(
                Submitter.manage_token_hash == token_hash, Submitter.next_token_hash == token_hash
            )
        )
        .where(Story.update_of_id.is_(None))  # updates share their story's submitter
        .order_by(Story.id)
        .limit(1)
    )
    submitter = story.submitter if story is not None else None
    if submitter is not None and submitter.next_token_hash == token_hash:
        # A link sent again through /my/, opened for the first time: it replaces the old one
        # (services/my_links.py says why).
        submitter.manage_token_hash, submitter.next_token_hash = token_hash, None
        db.session.commit()
    return story


def _unchanged(story: Story, edit: StoryEdit) -> bool:
    """True when the story already says exactly this (a double click on Save)."""
    return (story.title, story.body_text, story.language) == (
        edit.title,
        edit.body,
        edit.language,
    ) and (edit.author_name in (None, story.author_name))


# A concurrent write raises Conflict when the unit of work commits: see _refused_if_changed.
_refused_if_changed = refused_if_changed(StoryChanged)


@_refused_if_changed
def edit_story(story: Story, expected_version: int, edit: StoryEdit) -> Story:
    """Save the submitter's changes while pending or changes requested; back to the queue."""
    action = "resubmit" if story.status is S.CHANGES_REQUESTED else "edit"
    actor = lifecycle.submitter_of(story)
    lifecycle.check(
        story,
        action,
        actor,
        refusal="edit_closed",
    )
    if story.version != expected_version and _unchanged(story, edit):
        return story  # a double click on Save
    lifecycle.check_version(story, action, expected_version, StoryChanged)
    with unit_of_work():
        _save_edit(story, edit, action, actor)
    return story


def _save_edit(story: Story, edit: StoryEdit, action: str, actor: lifecycle.Actor) -> None:
    story.detected_language = _checked_language(
        edit.language, edit.title, edit.body, edit.confirm_language
    )
    _set_text(story, edit.title, edit.body)
    story.language = edit.language
    _agreed(story)
    _mark_distress(story, edit.title, edit.body)
    if story.translation_of_id is None:  # a translation shares its original's details
        if edit.author_name is not None:
            story.author_name = edit.author_name
            translations.share_byline(story)
        if edit.relation is not None:
            story.relation = edit.relation
        if edit.relation_detail is not None:
            story.relation_detail = edit.relation_detail
        if edit.country is not None:
            story.country = edit.country
        if edit.diagnoses is not None:
            story.diagnoses = _diagnoses(edit.diagnoses)
    else:
        if edit.translator_name is not None:
            story.translator_name = edit.translator_name
        translations.record_source(story)
    lifecycle.apply(story, action, actor)
    # The edit form says the choices stay and apply to the changed text.
    consents.retie(story, consents.EDIT_WORDING, edit.locale)


@_refused_if_changed
def switch_to_detected_language(story: Story, expected_version: int) -> Story:
    """One click on the author's page: the story is in the language the text reads as."""
    if story.detected_language is None:
        return story  # a second click, or a moderator already settled it
    actor = lifecycle.submitter_of(story)
    lifecycle.check(
        story,
        "switch_language",
        actor,
        expected_version,
        stale=StoryChanged,
        refusal="not_changeable",
    )
    with unit_of_work():
        story.language, story.detected_language = story.detected_language, None
        lifecycle.apply(story, "switch_language", actor)
    return story


@_refused_if_changed
def withdraw_story(story: Story, expected_version: int) -> Story:
    """Take the story back (pending, changes requested or published → withdrawn)."""
    if story.status is S.WITHDRAWN:
        return story  # a second click: already done
    actor = lifecycle.submitter_of(story)
    lifecycle.check(
        story,
        "withdraw",
        actor,
        expected_version,
        stale=StoryChanged,
        refusal="not_withdrawable",
    )
    with unit_of_work():
        lifecycle.apply(story, "withdraw", actor)
        consents.withdraw(story, P.PUBLISH)
    return story


def add_update(story: Story, submission: UpdateSubmission, manage_token: str) -> Story:
    """Store an update to a published story as pending; once approved it shows, dated, on the
    story page. It shares the story's submitter, name and details."""
    existing = _story_with_key(submission.idempotency_key)
    if existing is not None:
        return existing
    lifecycle.check(
        story,
        "add_update",
        lifecycle.submitter_of(story),
        refusal="update_needs_published",
    )
    update = Story(
        status=lifecycle.arrival("submit"),  # an update arrives like a story
        author_name=story.author_name,
        relation=story.relation,
        relation_detail=story.relation_detail,
        country=story.country,
        language=story.language,
        # No question here: the update keeps its story's language; moderators see the flag.
        detected_language=language_check.mismatch(
            story.language, f"{submission.title}\n{submission.body}"
        ),
        idempotency_key=_stored_key(submission.idempotency_key),
        submitter=story.submitter,
        update_of=story,
        diagnoses=list(story.diagnoses),
    )
    _set_text(update, UPDATE_TITLE_PREFIX + submission.title, submission.body)
    _agreed(update)
    _mark_distress(update, submission.title, submission.body)
    # An update is published under its story's consents (it has no form of its own for them).
    return _store_new(update, submission.idempotency_key, manage_token)


def request_erasure(story: Story) -> None:
    """Erase the story, its translations and updates, and the person's data, at their request.

    No version check: the wish to be erased does not depend on what a moderator did meanwhile.
    """
    for attempt in range(2):
        if story.status is S.ERASED:
            return
        actor = lifecycle.submitter_of(story)
        try:
            with unit_of_work():
                lifecycle.check(story, "request_erasure", actor)
                erasure.erase_family(story, actor, "request_erasure", "requested by the author")
            return
        except Conflict:
            # A moderator wrote meanwhile (the unit of work rolled back); erasure does not
            # depend on it: once more, afresh.
            story = db.session.get(Story, story.id, populate_existing=True)  # type: ignore[assignment]
            if attempt:
                raise


# ---- consent per use ----------------------------------------------------------------------

CONSENT_EVENTS = {
    (P.TRANSLATE, False): "stop_translations",
    (P.TRANSLATE, True): "allow_translations",
    (P.SYNDICATE, False): "stop_syndication",
    (P.SYNDICATE, True): "allow_syndication",
}


def set_consent(
    story: Story, purpose: ConsentPurpose, give: bool, expected_version: int, locale: str = "en"
) -> Story:
    """Withdraw (or give again) the consent to translations or to feeds and the API.

    A withdrawal always goes through, whatever a moderator did meanwhile: it is the author's
    right, and it takes effect at once (catalog reads the switch; the page cache sees the
    change). Giving consent is tied to the text the author saw, so it checks `version`.
    """
    attribute = consents.SWITCHES.get(purpose)
    action = "give_consent" if give else "withdraw_consent"
    refusal = "consent_fixed"
    if attribute is None:
        raise TransitionNotAllowed(code=refusal)
    actor = lifecycle.submitter_of(story)
    lifecycle.check(story, action, actor, refusal=refusal)
    if getattr(story, attribute) == give:
        return story  # a second click: already so
    lifecycle.check_version(story, action, expected_version, StoryChanged)
    for attempt in range(2):
        try:
            with unit_of_work():
                setattr(story, attribute, give)
                if give:
                    consents.record(story, purpose, consents.MANAGE_WORDING, locale)
                else:
                    consents.withdraw(story, purpose)
                lifecycle.apply(story, action, actor, event=CONSENT_EVENTS[(purpose, give)])
            return story
        except Conflict:
            story = db.session.get(Story, story.id, populate_existing=True)  # type: ignore[assignment]
            if give or attempt:
                raise StoryChanged(story) from None
            if getattr(story, attribute) == give:
                return story
    return story  # pragma: no cover  (the loop returns or raises)


# ---- the author approves a moderator's edits ------------------------------------------------


def story_for_proposal(story: Story, target_id: int) -> Story | None:
    """The story a manage link may answer for: the story itself or one of its updates."""
    if target_id == story.id:
        return story
    return next((u for u in story.updates if u.id == target_id), None)


def _check_awaiting(story: Story, action: str, expected_version: int) -> lifecycle.Actor:
    actor = lifecycle.submitter_of(story)
    lifecycle.check(
        story,
        action,
        actor,
        expected_version,
        stale=StoryChanged,
        refusal="nothing_to_decide",
    )
    return actor


@_refused_if_changed
def accept_edits(story: Story, expected_version: int, locale: str = "en") -> Story:
    """ "Publish this version": the author accepts a moderator's edits; it is published, and
    the edited text becomes the author's (their consents are tied to it)."""
    actor = _check_awaiting(story, "author_accept", expected_version)
    with unit_of_work():
        lifecycle.apply(story, "author_accept", actor)
        if story.published_at is None:
            story.published_at = utcnow()
        story.body_text = html_to_text(story.body_html)
        _agreed(story)
        story.author_reply = ""
        translations.record_source(story)
        consents.retie(story, consents.ACCEPT_WORDING, locale)
    return story


@_refused_if_changed
def reply_to_edits(story: Story, expected_version: int, message: str) -> Story:
    """The author answers the moderator instead of accepting: back to the queue, with the
    message for the moderators (never public)."""
    message = message.strip()
    if not message:
        raise ServiceError(code="reply_message_missing", field="message")
    if len(message) > REPLY_MAX:
        raise ServiceError(code="message_too_long", field="message", max=REPLY_MAX)
    actor = _check_awaiting(story, "author_reply", expected_version)
    with unit_of_work():
        story.author_reply = message
        lifecycle.apply(story, "author_reply", actor, reason=message)
    return story
