"""What the author changes on their private page once the story is stored: edits while it waits,
the language it reads as, withdrawal, a later update, erasure, consents, and their answer to a
moderator's edits. Each is checked against the lifecycle table and the story's `version`."""

from __future__ import annotations

from storyhub.extensions import db
from storyhub.models import (
    ConsentPurpose,
    Story,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import html_to_text
from storyhub.services import (
    consents,
    erasure,
    language_check,
    lifecycle,
    translations,
)
from storyhub.services.errors import Conflict, ServiceError, TransitionNotAllowed
from storyhub.services.races import refused_if_changed

# Recorded with each consent, so we know which wording a person agreed to.
from storyhub.services.submissions import (
    REPLY_MAX,
    UPDATE_TITLE_PREFIX,
    P,
    S,
    StoryChanged,
    StoryEdit,
    UpdateSubmission,
    agreed,
    checked_language,
    diagnoses_by_slug,
    mark_distress,
    set_text,
    store_new,
    stored_key,
    story_with_key,
)
from storyhub.services.unit_of_work import unit_of_work


def _unchanged(story: Story, edit: StoryEdit) -> bool:
    """True when the story already says exactly this (a double click on Save)."""
    return (story.title, story.body_text, story.language) == (
        edit.title,
        edit.body,
        edit.language,
    ) and (edit.author_name in (None, story.author_name))


# A concurrent write raises Conflict when the unit of work commits: see races.py.
refused_if_story_changed = refused_if_changed(StoryChanged)


@refused_if_story_changed
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
    story.detected_language = checked_language(
        edit.language, edit.title, edit.body, edit.confirm_language
    )
    set_text(story, edit.title, edit.body)
    story.language = edit.language
    agreed(story)
    mark_distress(story, edit.title, edit.body)
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
            story.diagnoses = diagnoses_by_slug(edit.diagnoses)
    else:
        if edit.translator_name is not None:
            story.translator_name = edit.translator_name
        translations.record_source(story)
    lifecycle.apply(story, action, actor)
    # The edit form says the choices stay and apply to the changed text.
    consents.retie(story, consents.EDIT_WORDING, edit.locale)


@refused_if_story_changed
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


@refused_if_story_changed
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
    existing = story_with_key(submission.idempotency_key)
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
        idempotency_key=stored_key(submission.idempotency_key),
        submitter=story.submitter,
        update_of=story,
        diagnoses=list(story.diagnoses),
    )
    set_text(update, UPDATE_TITLE_PREFIX + submission.title, submission.body)
    agreed(update)
    mark_distress(update, submission.title, submission.body)
    # An update is published under its story's consents (it has no form of its own for them).
    return store_new(update, submission.idempotency_key, manage_token)


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


@refused_if_story_changed
def accept_edits(story: Story, expected_version: int, locale: str = "en") -> Story:
    """ "Publish this version": the author accepts a moderator's edits; it is published, and
    the edited text becomes the author's (their consents are tied to it)."""
    actor = _check_awaiting(story, "author_accept", expected_version)
    with unit_of_work():
        lifecycle.apply(story, "author_accept", actor)
        if story.published_at is None:
            story.published_at = utcnow()
        story.body_text = html_to_text(story.body_html)
        agreed(story)
        story.author_reply = ""
        translations.record_source(story)
        consents.retie(story, consents.ACCEPT_WORDING, locale)
    return story


@refused_if_story_changed
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
