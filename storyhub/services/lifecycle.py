"""The story lifecycle in one table: every action on a story, who may take it, from which
states, to which state, whether it needs a reason and checks `version`, the event it records
and the e-mail it sends.

Pages ask `allowed(story, actor)` what to offer (the manage page, the review page, the queue);
services ask `check(...)` before they change anything and `apply(...)` to move the story and
record the event. The state diagram in docs/domain.md is `lifecycle_diagram.diagram()`, and a
unit test (tests/unit/test_lifecycle_diagram.py) keeps the two equal.

What the table does not hold, because it is not about states and actors: the words of each
refusal (each service says it to its own reader), and the decision-only checks in
`moderation.decide` (a second look after an appeal is someone else's; a story entered for its
author is not published before they confirm; no publishing without a diagnosis).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import ModerationEvent, Story, StoryStatus, User
from storyhub.services import notify
from storyhub.services.errors import Conflict, TransitionNotAllowed

S = StoryStatus


class Role(enum.StrEnum):
    """Who acts: the person behind a manage link (author, or translator for a translation),
    a signed-in user by role, or the site itself."""

    AUTHOR = "author"
    TRANSLATOR = "translator"
    VOLUNTEER = "volunteer"
    MODERATOR = "moderator"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF = frozenset({Role.MODERATOR, Role.ADMIN})
SUBMITTERS = frozenset({Role.AUTHOR, Role.TRANSLATOR})


@dataclass(frozen=True)
class Actor:
    role: Role
    user_id: int | None = None  # the signed-in user's, recorded with each event


def staff(user: User) -> Actor:
    """A signed-in user acting in their role (UserRole and Role share their values)."""
    return Actor(Role(user.role.value), user.id)


def submitter_of(story: Story) -> Actor:
    """Whoever holds the story's manage link: a translation's is its translator."""
    return Actor(Role.TRANSLATOR if story.translation_of_id is not None else Role.AUTHOR)


class Mail(enum.StrEnum):
    NONE = ""
    RECEIPT = "receipt"  # notify.story_received: the private link (the caller has the token)
    ASSISTED = "assisted"  # notify.assisted_entry: "please confirm the text entered for you"
    DECISION = "decision"  # notify.decision_made, sent by apply()


@dataclass(frozen=True)
class Rule:
    action: str
    actors: frozenset[Role]
    # Empty: the action creates the story (it has no state before).
    sources: frozenset[StoryStatus]
    # None: the story stays in its state (an edit, a consent, an update added beside it).
    target: StoryStatus | None
    reason: bool  # a reason (or message) is required
    version: bool  # the form's `version` must be the story's
    event: str  # the ModerationEvent action ("" for none: moderators' edits are revisions)
    mail: Mail = Mail.NONE
    # A condition on the story beyond its state; a story failing it is not offered the action.
    when: Callable[[Story], bool] | None = None
    note: str = ""

    def offered(self, story: Story, actor: Actor) -> bool:
        return (
            actor.role in self.actors
            and story.status in self.sources
            and (self.when is None or self.when(story))
        )


def _is_story(story: Story) -> bool:
    return story.kind == "story"


def _not_appealed(story: Story) -> bool:
    return story.appealed_at is None


def _awaits_confirmation(story: Story) -> bool:
    return story.awaits_author_confirmation


_LIVE = frozenset(S) - {S.ERASED}
# A moderator may edit while a story can still be (or is) read; not once it is rejected,
# withdrawn by its author, or erased.
MODERATOR_EDITABLE = frozenset({S.PENDING, S.CHANGES_REQUESTED, S.PUBLISHED, S.UNPUBLISHED})
# The author edits their text while no moderator has published it yet.
AUTHOR_EDITABLE = frozenset({S.PENDING, S.CHANGES_REQUESTED})
WITHDRAWABLE = frozenset({S.PENDING, S.CHANGES_REQUESTED, S.AWAITING_AUTHOR, S.PUBLISHED})

_NEW: frozenset[StoryStatus] = frozenset()
_SUBMITTER_OF_STORY = frozenset({Role.AUTHOR})  # consents and updates: not a translator's


def _rule(
    action: str,
    actors: Iterable[Role],
    sources: Iterable[StoryStatus],
    target: StoryStatus | None,
    *,
    reason: bool = False,
    version: bool = True,
    event: str | None = None,
    mail: Mail = Mail.NONE,
    when: Callable[[Story], bool] | None = None,
    note: str = "",
) -> Rule:
    return Rule(
        action,
        frozenset(actors),
        frozenset(sources),
        target,
        reason,
        version,
        action if event is None else event,
        mail,
        when,
        note,
    )


TABLE: tuple[Rule, ...] = (
    # ---- arriving
    _rule("submit", {Role.AUTHOR}, _NEW, S.PENDING, version=False, mail=Mail.RECEIPT),
    _rule(
        "submit_translation",
        {Role.TRANSLATOR},
        _NEW,
        S.PENDING,
        version=False,
        event="submit",
        mail=Mail.RECEIPT,
        note="of a published story whose author allows translations",
    ),
    _rule(
        "assisted_submit",
        {Role.VOLUNTEER, *STAFF},
        _NEW,
        S.PENDING,
        version=False,
        mail=Mail.ASSISTED,
        note="entered for its author; published only once they confirm",
    ),
    # ---- moderators' decisions
    _rule("approve", STAFF, {S.PENDING}, S.PUBLISHED, mail=Mail.DECISION),
    _rule("reject", STAFF, {S.PENDING}, S.REJECTED, reason=True, mail=Mail.DECISION),
    _rule(
        "request_changes",
        STAFF,
        {S.PENDING},
        S.CHANGES_REQUESTED,
        reason=True,
        mail=Mail.DECISION,
    ),
    _rule("unpublish", STAFF, {S.PUBLISHED}, S.UNPUBLISHED, reason=True, mail=Mail.DECISION),
    _rule("republish", STAFF, {S.UNPUBLISHED}, S.PUBLISHED, mail=Mail.DECISION),
    _rule(
        "send_to_author",
        STAFF,
        {S.PENDING, S.PUBLISHED, S.UNPUBLISHED},
        S.AWAITING_AUTHOR,
        mail=Mail.DECISION,
        note="approve, republish or save with edits beyond small fixes",
    ),
    _rule("save", STAFF, MODERATOR_EDITABLE, None, event="", note="each change a revision"),
    _rule("erase", STAFF, _LIVE, S.ERASED, reason=True, mail=Mail.DECISION),
    # ---- the author (or translator) through the manage link
    _rule("edit", SUBMITTERS, {S.PENDING}, S.PENDING),
    _rule("resubmit", SUBMITTERS, {S.CHANGES_REQUESTED}, S.PENDING),
    _rule("switch_language", SUBMITTERS, {*AUTHOR_EDITABLE, S.PUBLISHED}, None),
    _rule("author_accept", SUBMITTERS, {S.AWAITING_AUTHOR}, S.PUBLISHED),
    _rule("author_reply", SUBMITTERS, {S.AWAITING_AUTHOR}, S.PENDING, reason=True),
    _rule("withdraw", SUBMITTERS, WITHDRAWABLE, S.WITHDRAWN),
    _rule(
        "appeal",
        SUBMITTERS,
        {S.REJECTED},
        S.PENDING,
        reason=True,
        version=False,
        when=_not_appealed,
        note="once; a different moderator decides, finally",
    ),
    _rule(
        "request_erasure",
        SUBMITTERS,
        _LIVE,
        S.ERASED,
        version=False,
        event="erase",
        note="whatever a moderator did meanwhile",
    ),
    _rule(
        "author_confirm",
        {Role.AUTHOR},
        AUTHOR_EDITABLE,
        None,
        version=False,
        when=_awaits_confirmation,
    ),
    _rule(
        "add_update",
        _SUBMITTER_OF_STORY,
        {S.PUBLISHED},
        None,
        version=False,
        event="",
        when=_is_story,
        note="the update arrives as a new pending story (event submit)",
    ),
    _rule(
        "give_consent",
        _SUBMITTER_OF_STORY,
        _LIVE - {S.REJECTED},
        None,
        event="allow_<use>",
        when=_is_story,
    ),
    _rule(
        "withdraw_consent",
        _SUBMITTER_OF_STORY,
        _LIVE - {S.REJECTED},
        None,
        version=False,
        event="stop_<use>",
        when=_is_story,
        note="takes effect whatever a moderator did meanwhile",
    ),
)

RULES: dict[str, Rule] = {rule.action: rule for rule in TABLE}
TERMINAL = frozenset({S.ERASED})


class ActorNotAllowed(TransitionNotAllowed):
    """The action is not this actor's to take, whatever the story's state."""

    status = 403
    code = "not_for_this_actor"


def arrival(action: str) -> StoryStatus:
    """The state a story created by `action` starts in."""
    found = RULES[action]
    assert not found.sources and found.target is not None, action
    return found.target


def allowed(story: Story, actor: Actor) -> list[str]:
    """The actions `actor` may take on `story` now, in the table's order."""
    return [r.action for r in TABLE if r.offered(story, actor)]


def check(
    story: Story,
    action: str,
    actor: Actor,
    expected_version: int | None = None,
    *,
    stale: Callable[[Story], Conflict] | None = None,
    refusal: str = "",
) -> Rule:
    """Refuse `action` unless `actor` may take it on `story` as it is; return its rule.

    With `stale`, a `version` other than `expected_version` raises `stale(story)`: first for
    moderators (they get the story as it is now, their edits kept, and decide again), after
    the state for authors (a moderator's decision meanwhile is said as such: their page
    explains the new status).
    """
    found = RULES[action]
    if actor.role not in found.actors:
        raise ActorNotAllowed(role=actor.role.value, action=action)
    if stale is not None and actor.role in STAFF:
        check_version(story, action, expected_version, stale)
    if not found.offered(story, actor):
        raise TransitionNotAllowed(code=refusal or "not_allowed", state=story.status, action=action)
    if stale is not None and actor.role not in STAFF:
        check_version(story, action, expected_version, stale)
    return found


def check_version(
    story: Story, action: str, expected_version: int | None, stale: Callable[[Story], Conflict]
) -> None:
    """Raise `stale(story)` if the action checks `version` and the form's is not the story's."""
    if RULES[action].version and story.version != expected_version:
        raise stale(story)


def move(story: Story, action: str) -> StoryStatus:
    """Put `story` in the action's state (the caller has `check`ed it); return the state it
    left. Nothing is written until the caller's unit of work ends: the story's row is then
    written by one UPDATE, so its version moves by one."""
    from_status = story.status
    target = RULES[action].target
    if target is not None:
        story.status = target
    return from_status


def record(
    story: Story,
    action: str,
    actor: Actor,
    from_status: StoryStatus | None,
    reason: str = "",
    event: str = "",
) -> ModerationEvent | None:
    """Record the action's event (`event` names one the table leaves open, "allow_<use>") and
    queue the decision e-mail it sends, if any. `from_status` is None for a new story."""
    found = RULES[action]
    name = event or found.event
    if not name:
        return None
    entry = ModerationEvent(
        story_id=story.id,
        actor_id=actor.user_id,
        action=name,
        from_status=from_status.value if from_status is not None else None,
        to_status=story.status.value,
        reason=reason,
    )
    db.session.add(entry)
    if found.mail is Mail.DECISION:
        notify.decision_made(story, entry)
    return entry


def record_arrival(story: Story, action: str, actor: Actor, at: datetime) -> None:
    """A new story's event, as one INSERT (the submission path's hot spot: no ORM object to
    flush that nobody reads). Arrivals send no decision e-mail."""
    found = RULES[action]
    assert found.mail is not Mail.DECISION and not found.sources
    db.session.connection().execute(  # Core: the ORM's bulk INSERT adds nothing here
        sa.insert(ModerationEvent.__table__),
        [{"story_id": story.id, "actor_id": actor.user_id, "action": found.event,
          "from_status": None, "to_status": story.status.value, "reason": "", "created_at": at}],
    )  # fmt: skip


def apply(
    story: Story, action: str, actor: Actor, reason: str = "", event: str = ""
) -> ModerationEvent | None:
    """`move` and `record`: the state change and its event, after `check`."""
    return record(story, action, actor, move(story, action), reason, event)
