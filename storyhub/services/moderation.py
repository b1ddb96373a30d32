"""Moderators' decisions and edits: each decision recorded as a ModerationEvent, each edit as a
StoryRevision, every write checked against `version`. Which decision may be taken by whom, from
which state to which, is the lifecycle table's (services/lifecycle.py); each call is one unit
of work (services/unit_of_work.py)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.i18n import language_name
from storyhub.models import (
    ModerationEvent,
    RejectReason,
    ReviewMarker,
    Story,
    StoryStatus,
    Topic,
    User,
)
from storyhub.models._types import utcnow
from storyhub.services import appeals, edit_check, lifecycle, story_edits, translations
from storyhub.services.erasure import erase_family
from storyhub.services.errors import (
    DiagnosisRequired,
    ReasonRequired,
    ServiceError,
    StaleStoryError,
    TransitionNotAllowed,
)
from storyhub.services.races import refused_if_changed
from storyhub.services.story_edits import (
    StoryEdits,
)
from storyhub.services.unit_of_work import unit_of_work
from storyhub.services.workbench import queue

S = StoryStatus


# The moderator's decisions (the review page's buttons, in this order); who may take each, from
# which state to which, is the lifecycle table's (services/lifecycle.py).
DECISIONS = ("approve", "reject", "request_changes", "unpublish", "republish")

# Approving or republishing a story whose words a moderator changed beyond small fixes
# (services/edit_check.py) asks its author first: this event, and the state it leads to.
SEND_TO_AUTHOR = "send_to_author"
ASKS_AUTHOR = frozenset({"approve", "republish"})

DONE = {
    "approve": "approved",
    "reject": "rejected",
    "request_changes": "sent back for changes",
    "unpublish": "unpublished",
    "republish": "republished",
}

REASON_PROMPTS = {
    "reject": "Please say why the story is rejected (or choose a preset reason): "
    "the author will read it.",
    "request_changes": "Please tell the author what to change.",
    "unpublish": "Please give the reason for unpublishing.",
    "erase": "Please give the reason for erasing (kept in the log: do not quote the story).",
}

BULK_LIMIT = 100


def actions_for(story: Story, viewer: User) -> list[str]:
    """The decisions `viewer` may take on the story as it is (the lifecycle table's order)."""
    offered = lifecycle.allowed(story, lifecycle.staff(viewer))
    return [name for name in offered if name in DECISIONS]


def can_edit(story: Story, viewer: User) -> bool:
    return "save" in lifecycle.allowed(story, lifecycle.staff(viewer))


def can_erase(story: Story, viewer: User) -> bool:
    return "erase" in lifecycle.allowed(story, lifecycle.staff(viewer))


# A concurrent write raises Conflict when the unit of work commits: see _refused_if_changed.
_refused_if_changed = refused_if_changed(StaleStoryError)


def _release_marker(story: Story, actor: User) -> None:
    db.session.execute(
        sa.delete(ReviewMarker).where(
            ReviewMarker.story_id == story.id, ReviewMarker.user_id == actor.id
        )
    )


def compose_reason(action: str, reason: str, preset_id: int | None) -> str:
    """The message to the author: a preset reason (rejections only), then the free text."""
    reason = reason.strip()
    if action != "reject" or not preset_id:
        return reason
    preset = db.session.get(RejectReason, preset_id)
    if preset is None:
        raise ServiceError("That preset reason no longer exists: choose another one.")
    return f"{preset.text}\n\n{reason}" if reason else preset.text


def _words(story: Story) -> tuple[str, str, str]:
    return edit_check.current_version(story)


@_refused_if_changed
def save_edits(story: Story, actor: User, expected_version: int, edits: StoryEdits) -> list[str]:
    """Store a moderator's edits without deciding; return the changed fields.

    On a published story, edits that change the author's words beyond small fixes are not
    published behind the author's back: the story leaves the site and its author is asked
    to accept the new version (the review page says so before saving).
    """
    with unit_of_work():
        lifecycle.check(
            story,
            "save",
            lifecycle.staff(actor),
            expected_version,
            stale=StaleStoryError,
            refusal="cannot_edit",
        )
        before = _words(story)
        changed = story_edits.apply_edits(story, edits, actor)
        if story.status is S.PUBLISHED and edit_check.compare(before, _words(story)).substantive:
            _send_to_author(story, actor, "")
    return changed


def correct_to_detected_language(story: Story, actor: User, expected_version: int) -> str:
    """One click from the "reads like Spanish" flag: the story is in the language the text
    reads as. A correction like any other (a revision with its reason); return the tag."""
    detected = story.detected_language
    if detected is None:
        raise ServiceError("There is no other language to correct to any more.")
    name = language_name(detected, "en")
    edits = StoryEdits(language=detected, correction_reason=f"The text is written in {name}.")
    save_edits(story, actor, expected_version, edits)
    return detected


def _send_to_author(story: Story, actor: User, reason: str) -> ModerationEvent:
    """Ask the author to accept the edited version; record it and tell them."""
    who = lifecycle.staff(actor)
    lifecycle.check(story, SEND_TO_AUTHOR, who)
    from_status = lifecycle.move(story, SEND_TO_AUTHOR)
    story.author_reply = ""
    story.moderator_message = reason  # shown with the changes on the author's private page
    story_edits.record_sent_back(story, actor)
    event = lifecycle.record(story, SEND_TO_AUTHOR, who, from_status, reason)
    assert event is not None
    _release_marker(story, actor)
    return event


def asks_author(story: Story) -> bool:
    """Would approving (or republishing) the story as it is now go to its author first?"""
    return edit_check.check_edits(story).substantive


@_refused_if_changed
def decide(
    story: Story,
    action: str,
    actor: User,
    expected_version: int,
    reason: str = "",
    edits: StoryEdits | None = None,
    reason_preset_id: int | None = None,
) -> ModerationEvent:
    """Apply a moderator's decision, with any edits, and record it; one transaction."""
    if action not in DECISIONS:
        raise TransitionNotAllowed(f"Unknown action {action!r}.")
    with unit_of_work():
        return _decide(story, action, actor, expected_version, reason, edits, reason_preset_id)


def _decide(
    story: Story,
    action: str,
    actor: User,
    expected_version: int,
    reason: str,
    edits: StoryEdits | None,
    reason_preset_id: int | None,
) -> ModerationEvent:
    who = lifecycle.staff(actor)  # a volunteer, say, is refused whatever the story's state
    rule = lifecycle.check(
        story,
        action,
        who,
        expected_version,
        stale=StaleStoryError,
        refusal="cannot_decide",
    )
    if not appeals.may_decide(story, actor.id):
        raise TransitionNotAllowed(
            f"You rejected story {story.id} and its author asked for another look: "
            "a different moderator decides this time."
        )
    if rule.target is S.PUBLISHED and story.awaits_author_confirmation:
        # Entered on the author's behalf (services/assisted.py): their consent comes first.
        raise TransitionNotAllowed(
            f"Story {story.id} was entered for its author, who has not confirmed it yet: "
            "it can be published once they have."
        )
    reason = compose_reason(action, reason, reason_preset_id)
    if rule.reason and not reason:
        raise ReasonRequired(REASON_PROMPTS[action])

    if edits is not None:
        story_edits.apply_edits(story, edits, actor)
    if rule.target is S.PUBLISHED and not story.diagnoses:
        # Readers find stories by diagnosis; the teaser line names it.
        raise DiagnosisRequired("Choose at least one diagnosis before publishing.")
    if action in ASKS_AUTHOR and asks_author(story):
        return _send_to_author(story, actor, reason)
    story.author_reply = ""  # answered by this decision (the event history keeps it)
    from_status = lifecycle.move(story, action)
    if rule.target is S.PUBLISHED and story.published_at is None:
        story.published_at = utcnow()
    if action == "approve":  # the moderator vouches for the translation as it stands now
        translations.record_source(story)
    if action in ("reject", "request_changes"):
        story.moderator_message = reason
    if action == "request_changes":
        story_edits.record_sent_back(story, actor)
    event = lifecycle.record(story, action, who, from_status, reason)
    assert event is not None
    _release_marker(story, actor)
    return event


@_refused_if_changed
def erase(story: Story, actor: User, expected_version: int, reason: str) -> ModerationEvent:
    """Erase the story and all that hangs off it (see services.erasure); notify as a decision.

    By the time the notice is queued the submitter's address is gone, by design: erasure
    keeps nothing to write to.
    """
    who = lifecycle.staff(actor)
    with unit_of_work():
        rule = lifecycle.check(
            story,
            "erase",
            who,
            expected_version,
            stale=StaleStoryError,
            refusal="already_erased",
        )
        reason = reason.strip()
        if rule.reason and not reason:
            raise ReasonRequired(REASON_PROMPTS["erase"])
        return erase_family(story, who, "erase", reason)[0]


@dataclass(frozen=True)
class BulkOutcome:
    story_id: int
    title: str
    ok: bool
    new_status: str = ""  # when done
    error: ServiceError | None = None  # when not: the blueprint says it in words


def _bulk_one(
    story_id: int,
    version: int,
    action: str,
    actor: User,
    reason: str,
    topic: Topic | None,
) -> BulkOutcome:
    story = db.session.get(Story, story_id)
    if story is None:
        return BulkOutcome(story_id, "", False, "There is no such story.")
    title = story.title
    edits = None
    if topic is not None:
        edits = StoryEdits(topics=[*(t.slug for t in story.topics), topic.slug])
    try:
        event = decide(story, action, actor, version, reason=reason, edits=edits)
    except StaleStoryError as error:  # decide rolled back its unit of work
        stale = ServiceError(code="bulk_stale", state=error.story.status)
        return BulkOutcome(story_id, title, False, error=stale)
    except ServiceError as error:
        return BulkOutcome(story_id, title, False, error=error)
    return BulkOutcome(story_id, title, True, new_status=event.to_status)


def bulk_decide(
    targets: list[tuple[int, int]],
    action: str,
    actor: User,
    reason: str = "",
    reason_preset_id: int | None = None,
    topic_slug: str = "",
) -> list[BulkOutcome]:
    """Approve (onto a topic) or reject several pending stories, each in its own transaction,
    with its own event and notice; one story failing does not stop the others."""
    if action not in queue.BULK_DECISIONS:
        raise TransitionNotAllowed("Several stories at once can only be approved or rejected.")
    if not targets:
        raise ServiceError("Tick at least one story.")
    if len(targets) > BULK_LIMIT:
        raise ServiceError(f"At most {BULK_LIMIT} stories at once, please.")
    topic = None
    if action == "approve" and topic_slug:
        topic = db.session.scalar(sa.select(Topic).filter_by(slug=topic_slug))
        if topic is None:
            raise ServiceError("That topic page no longer exists: choose another one.")
    reason = compose_reason(action, reason, reason_preset_id)
    if action == "reject" and not reason:
        raise ReasonRequired(REASON_PROMPTS["reject"])
    # A preset is already folded into `reason`; each story gets the same words.
    return [_bulk_one(sid, version, action, actor, reason, topic) for sid, version in targets]


def story_history(story: Story) -> list[ModerationEvent]:
    return list(
        db.session.scalars(
            sa.select(ModerationEvent)
            .where(ModerationEvent.story_id == story.id)
            .order_by(ModerationEvent.created_at, ModerationEvent.id)
        )
    )
