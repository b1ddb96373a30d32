"""The lifecycle table (services/lifecycle.py) on its own: no app, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from storyhub.models import StoryStatus
from storyhub.services import lifecycle, lifecycle_diagram, moderation
from storyhub.services.errors import Conflict, TransitionNotAllowed
from storyhub.services.lifecycle import RULES, TABLE, Actor, Role

S = StoryStatus
MODERATOR = Actor(Role.MODERATOR, 1)
ADMIN = Actor(Role.ADMIN, 2)
VOLUNTEER = Actor(Role.VOLUNTEER, 3)
AUTHOR = Actor(Role.AUTHOR)
TRANSLATOR = Actor(Role.TRANSLATOR)


@dataclass
class FakeStory:
    """What the table reads of a story."""

    status: StoryStatus = S.PENDING
    version: int = 1
    kind: str = "story"
    translation_of_id: int | None = None
    appealed_at: datetime | None = None
    awaits_author_confirmation: bool = False


def _story(**kwargs: Any) -> Any:
    return FakeStory(**kwargs)


def test_every_state_is_reachable_from_a_new_story() -> None:
    reached, frontier = {"new"}, {"new"}
    edges = lifecycle_diagram.edges()
    while frontier:
        frontier = {dst for src, _a, dst in edges if src in frontier} - reached
        reached |= frontier
    assert reached - {"new"} == {s.value for s in S}


def test_erased_is_the_only_terminal_state() -> None:
    leaving = {src for src, _a, dst in lifecycle_diagram.edges() if src != dst}
    assert {s for s in S if s.value not in leaving} == lifecycle.TERMINAL == {S.ERASED}
    # Nothing at all is offered on an erased story, to anyone.
    for role in Role:
        assert lifecycle.allowed(_story(status=S.ERASED), Actor(role)) == []


def test_actions_have_one_row_each_and_every_target_is_a_state() -> None:
    assert len(RULES) == len(TABLE)
    for rule in TABLE:
        assert rule.actors, rule.action
        assert rule.target is None or rule.target in S


def test_who_takes_each_action() -> None:
    staff = {Role.MODERATOR, Role.ADMIN}
    submitters = {Role.AUTHOR, Role.TRANSLATOR}
    for action in (*moderation.DECISIONS, "send_to_author", "save", "erase"):
        assert RULES[action].actors == staff, action
    for action in ("edit", "resubmit", "author_accept", "author_reply", "withdraw", "appeal"):
        assert RULES[action].actors == submitters, action
    # Consents and updates belong to the original's author, not to a translator.
    for action in ("add_update", "give_consent", "withdraw_consent", "author_confirm"):
        assert RULES[action].actors == {Role.AUTHOR}, action
    assert RULES["assisted_submit"].actors == {Role.VOLUNTEER, *staff}
    # A volunteer enters stories and does nothing else; the site itself decides nothing.
    for rule in TABLE:
        if rule.action != "assisted_submit":
            assert Role.VOLUNTEER not in rule.actors, rule.action
        assert Role.SYSTEM not in rule.actors, rule.action


def test_reasons_and_versions() -> None:
    needs_reason = {r.action for r in TABLE if r.reason}
    assert needs_reason == {
        "reject",
        "request_changes",
        "unpublish",
        "erase",
        "author_reply",
        "appeal",
    }
    # The moderators' prompts cover exactly their actions that need a reason.
    staff_reasons = {a for a in needs_reason if Role.MODERATOR in RULES[a].actors}
    assert set(moderation.REASON_PROMPTS) == staff_reasons
    # What goes through whatever happened meanwhile: arrivals, an appeal, erasure at the
    # author's request, a consent withdrawn, confirming, adding an update.
    unchecked = {r.action for r in TABLE if not r.version}
    assert unchecked == {
        "submit",
        "submit_translation",
        "assisted_submit",
        "appeal",
        "request_erasure",
        "author_confirm",
        "add_update",
        "withdraw_consent",
    }


def test_decisions_send_the_decision_mail() -> None:
    mailed = {r.action for r in TABLE if r.mail is lifecycle.Mail.DECISION}
    assert mailed == {*moderation.DECISIONS, "send_to_author", "erase"}


def test_the_two_editable_sets_are_the_tables() -> None:
    assert RULES["save"].sources == lifecycle.MODERATOR_EDITABLE
    assert RULES["edit"].sources | RULES["resubmit"].sources == lifecycle.AUTHOR_EDITABLE
    assert RULES["withdraw"].sources == lifecycle.WITHDRAWABLE


def test_allowed_for_a_pending_story() -> None:
    pending = _story()
    assert lifecycle.allowed(pending, MODERATOR) == [
        "approve",
        "reject",
        "request_changes",
        "send_to_author",
        "save",
        "erase",
    ]
    assert lifecycle.allowed(pending, ADMIN) == lifecycle.allowed(pending, MODERATOR)
    assert lifecycle.allowed(pending, VOLUNTEER) == []
    assert lifecycle.allowed(pending, AUTHOR) == [
        "edit",
        "switch_language",
        "withdraw",
        "request_erasure",
        "give_consent",
        "withdraw_consent",
    ]


def test_allowed_follows_the_story_not_only_its_state() -> None:
    published = _story(status=S.PUBLISHED)
    assert "add_update" in lifecycle.allowed(published, AUTHOR)
    translation = _story(status=S.PUBLISHED, kind="translation", translation_of_id=7)
    assert lifecycle.submitter_of(translation) == TRANSLATOR  # type: ignore[arg-type]
    offered = lifecycle.allowed(translation, TRANSLATOR)
    assert "withdraw" in offered and "add_update" not in offered
    assert "give_consent" not in offered
    rejected = _story(status=S.REJECTED)
    assert "appeal" in lifecycle.allowed(rejected, AUTHOR)
    assert "give_consent" not in lifecycle.allowed(rejected, AUTHOR)
    appealed = _story(status=S.REJECTED, appealed_at=datetime(2026, 12, 1))
    assert "appeal" not in lifecycle.allowed(appealed, AUTHOR)  # once
    entered = _story(awaits_author_confirmation=True)
    assert "author_confirm" in lifecycle.allowed(entered, AUTHOR)
    assert "author_confirm" not in lifecycle.allowed(_story(), AUTHOR)


class Stale(Conflict):
    def __init__(self, story: object) -> None:
        super().__init__("stale")
        self.story = story


def test_check_refuses_the_wrong_actor_with_403() -> None:
    with pytest.raises(lifecycle.ActorNotAllowed) as refused:
        lifecycle.check(_story(), "approve", VOLUNTEER, 1, stale=Stale)
    assert refused.value.status == 403
    with pytest.raises(lifecycle.ActorNotAllowed):
        lifecycle.check(_story(), "approve", AUTHOR)
    with pytest.raises(lifecycle.ActorNotAllowed):
        lifecycle.check(_story(), "withdraw", MODERATOR)


def test_check_says_stale_first_to_moderators_and_the_state_first_to_authors() -> None:
    moved_on = _story(status=S.PUBLISHED, version=5)
    with pytest.raises(Stale):
        lifecycle.check(moved_on, "approve", MODERATOR, 4, stale=Stale)
    with pytest.raises(TransitionNotAllowed) as refused:
        lifecycle.check(moved_on, "edit", AUTHOR, 4, stale=Stale, refusal="no longer")
    assert str(refused.value) == "no longer" and not isinstance(refused.value, Conflict)
    waiting = _story(status=S.AWAITING_AUTHOR, version=5)
    with pytest.raises(Stale):
        lifecycle.check(waiting, "author_accept", AUTHOR, 4, stale=Stale)
    assert lifecycle.check(waiting, "author_accept", AUTHOR, 5, stale=Stale).target is S.PUBLISHED


def test_check_ignores_the_version_where_the_table_says_so() -> None:
    rejected = _story(status=S.REJECTED, version=9)
    assert lifecycle.check(rejected, "appeal", AUTHOR, 1, stale=Stale).target is S.PENDING


def test_check_refuses_with_a_code_and_the_state() -> None:
    with pytest.raises(TransitionNotAllowed) as refused:
        lifecycle.check(_story(status=S.WITHDRAWN), "approve", MODERATOR, 1, stale=Stale)
    assert refused.value.code == "not_allowed"
    assert refused.value.data == {"state": S.WITHDRAWN, "action": "approve"}


@dataclass
class FakeUser:
    id: int
    role: Any


def test_the_queue_offers_bulk_decisions_where_the_table_allows_them() -> None:
    from storyhub.models import UserRole
    from storyhub.services.workbench import queue

    moderator = FakeUser(1, UserRole.MODERATOR)
    assert queue.bulk_actions(S.PENDING, moderator) == ["approve", "reject"]  # type: ignore[arg-type]
    for state in set(S) - {S.PENDING}:
        assert queue.bulk_actions(state, moderator) == []  # type: ignore[arg-type]
    volunteer = FakeUser(2, UserRole.VOLUNTEER)
    assert queue.bulk_actions(S.PENDING, volunteer) == []  # type: ignore[arg-type]
