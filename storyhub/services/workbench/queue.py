"""The moderation queue: one tab per state with counts, filters, oldest first, keyset pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from storyhub.extensions import db
from storyhub.models import (
    ModerationEvent,
    ReviewMarker,
    Story,
    StoryStatus,
    User,
    story_diagnoses,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import html_to_text
from storyhub.services import lifecycle
from storyhub.services.taxonomy import diagnosis_ids_with_descendants
from storyhub.services.workbench.flags import Flag, story_flags

S = StoryStatus
TABS: tuple[StoryStatus, ...] = (
    S.PENDING,
    S.CHANGES_REQUESTED,
    S.AWAITING_AUTHOR,
    S.PUBLISHED,
    S.UNPUBLISHED,
    S.REJECTED,
    S.WITHDRAWN,
)
# Stories waiting for someone are shown oldest first — those with words of distress before
# all others (Story.priority) —; the archive tabs newest first.
WAITING = frozenset({S.PENDING, S.CHANGES_REQUESTED, S.AWAITING_AUTHOR})
KINDS = ("story", "translation", "update")


@dataclass(frozen=True)
class QueueFilters:
    state: StoryStatus = S.PENDING
    language: str = ""
    diagnosis: str = ""
    country: str = ""
    kind: str = ""

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments, empty ones left out (for links and forms)."""
        args = {
            "state": self.state.value,
            "language": self.language,
            "diagnosis": self.diagnosis,
            "country": self.country,
            "kind": self.kind,
        }
        return {k: v for k, v in args.items() if v}

    def link_args(self) -> dict[str, str]:
        """As `as_args`, without the default tab: what a review link carries so that "& next"
        stays in the same filtered tab (nothing at all for the plain pending tab)."""
        args = self.as_args()
        if args.get("state") == S.PENDING.value:
            del args["state"]
        return args

    def tab_args(self, state: StoryStatus) -> dict[str, str]:
        """The same filters on another tab (from its first page)."""
        return {**self.as_args(), "state": state.value}


EXCERPT_LENGTH = 200


@dataclass
class QueueRow:
    story: Story
    flags: list[Flag]
    reviewers: list[ReviewMarker]
    # Since the story last entered this state (a resubmission restarts the wait).
    waiting_since: datetime | None = None
    resubmitted: bool = False

    @property
    def excerpt(self) -> str:
        """About the first 200 characters of the text, cut at a word."""
        text = " ".join(html_to_text(self.story.body_html).split())
        if len(text) <= EXCERPT_LENGTH:
            return text
        return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"


@dataclass
class QueuePage:
    filters: QueueFilters
    rows: list[QueueRow]
    counts: dict[StoryStatus, int]
    next_after: int | None
    languages: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    # What the bulk form offers on this tab (approve, reject: from pending only).
    bulk_actions: list[str] = field(default_factory=list)


def _conditions(filters: QueueFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.language:
        conditions.append(Story.language == filters.language)
    if filters.country:
        conditions.append(Story.country == filters.country)
    if filters.diagnosis:
        ids = diagnosis_ids_with_descendants(filters.diagnosis)
        linked = sa.select(story_diagnoses.c.story_id).where(
            story_diagnoses.c.diagnosis_id.in_(ids)
        )
        conditions.append(Story.id.in_(linked))
    if filters.kind == "story":
        conditions += [Story.translation_of_id.is_(None), Story.update_of_id.is_(None)]
    elif filters.kind == "translation":
        conditions.append(Story.translation_of_id.is_not(None))
    elif filters.kind == "update":
        conditions.append(Story.update_of_id.is_not(None))
    return conditions


def _counts(conditions: list[sa.ColumnElement[bool]]) -> dict[StoryStatus, int]:
    rows = db.session.execute(
        sa.select(Story.status, sa.func.count(Story.id))
        .where(Story.status.in_(TABS), *conditions)
        .group_by(Story.status)
    )
    counts = dict.fromkeys(TABS, 0)
    counts.update({StoryStatus(status): number for status, number in rows})
    return counts


def _after(story_id: int | None, oldest_first: bool) -> sa.ColumnElement[bool] | None:
    """Keyset condition: rows after the story with this id in the tab's order."""
    if story_id is None:
        return None
    anchor = db.session.execute(
        sa.select(Story.priority, Story.submitted_at, Story.id).where(Story.id == story_id)
    ).first()
    if anchor is None:
        return None
    priority, submitted_at, anchor_id = anchor
    if oldest_first:
        later = sa.or_(
            Story.submitted_at > submitted_at,
            sa.and_(Story.submitted_at == submitted_at, Story.id > anchor_id),
        )
        # Priority stories come first: after a priority anchor, the rest of them, then all
        # the others; after an ordinary anchor, only later ordinary ones.
        if priority:
            return sa.or_(Story.priority.is_(False), sa.and_(Story.priority.is_(True), later))
        return sa.and_(Story.priority.is_(False), later)
    return sa.or_(
        Story.submitted_at < submitted_at,
        sa.and_(Story.submitted_at == submitted_at, Story.id < anchor_id),
    )


def _entered(ids: list[int], state: StoryStatus) -> dict[int, datetime]:
    """When each story last came back into `state` from another one (a resubmission, an
    author's reply), in one query; a story never sent back waits since it was submitted."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ModerationEvent.story_id, sa.func.max(ModerationEvent.created_at))
        .where(ModerationEvent.story_id.in_(ids), ModerationEvent.to_status == state.value)
        .where(
            ModerationEvent.from_status.is_not(None),
            ModerationEvent.from_status != ModerationEvent.to_status,
        )
        .group_by(ModerationEvent.story_id)
    )
    return {story_id: moment for story_id, moment in rows if moment is not None}


def _resubmitted(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(ModerationEvent.story_id)
            .where(ModerationEvent.story_id.in_(ids), ModerationEvent.action == "resubmit")
            .distinct()
        )
    )


@dataclass(frozen=True)
class Presence:
    """What the queue's light poll reports for one story."""

    id: int
    status: str
    decided: bool  # no longer in the tab the moderator is looking at
    open_by: list[str]


def presence(ids: list[int], state: StoryStatus, viewer: User) -> list[Presence]:
    """Who else has these stories open, and which left `state` (decided by someone)."""
    ids = ids[:200]
    rows = db.session.execute(sa.select(Story.id, Story.status).where(Story.id.in_(ids)))
    statuses = {story_id: status for story_id, status in rows}
    markers = active_markers(list(statuses), viewer)
    return [
        Presence(
            story_id,
            status.value,
            status is not state,
            [m.user.email for m in markers.get(story_id, [])],
        )
        for story_id, status in statuses.items()
    ]


def marker_expiry() -> datetime:
    """Markers last seen before this moment have expired."""
    return utcnow() - timedelta(minutes=current_app.config["REVIEW_MARKER_MINUTES"])


def active_markers(story_ids: list[int], viewer: User) -> dict[int, list[ReviewMarker]]:
    """Who else has these stories open right now (markers not yet expired)."""
    if not story_ids:
        return {}
    markers = db.session.scalars(
        sa.select(ReviewMarker)
        .where(ReviewMarker.story_id.in_(story_ids), ReviewMarker.user_id != viewer.id)
        .where(ReviewMarker.seen_at > marker_expiry())
        .order_by(ReviewMarker.started_at)
    )
    by_story: dict[int, list[ReviewMarker]] = {}
    for marker in markers:
        by_story.setdefault(marker.story_id, []).append(marker)
    return by_story


def _present(column: sa.Column) -> list[str]:  # type: ignore[type-arg]
    return sorted(
        v
        for v in db.session.scalars(sa.select(column).where(Story.status.in_(TABS)).distinct())
        if v
    )


def queue_page(filters: QueueFilters, after: int | None, viewer: User) -> QueuePage:
    """One page of the tab chosen by `filters`, with counts for every tab."""
    per_page = current_app.config["QUEUE_PAGE_SIZE"]
    oldest_first = filters.state in WAITING
    conditions = _conditions(filters)
    query = (
        sa.select(Story)
        .where(Story.status == filters.state, *conditions)
        .options(so.selectinload(Story.diagnoses))
    )
    keyset = _after(after, oldest_first)
    if keyset is not None:
        query = query.where(keyset)
    if oldest_first:
        query = query.order_by(Story.priority.desc(), Story.submitted_at, Story.id)
    else:
        query = query.order_by(Story.submitted_at.desc(), Story.id.desc())
    stories = list(db.session.scalars(query.limit(per_page + 1)))
    more = len(stories) > per_page
    stories = stories[:per_page]
    ids = [s.id for s in stories]
    markers = active_markers(ids, viewer)
    entered = _entered(ids, filters.state)
    resubmitted = _resubmitted(ids)
    return QueuePage(
        filters=filters,
        rows=[
            QueueRow(
                s,
                story_flags(s),
                markers.get(s.id, []),
                waiting_since=entered.get(s.id, s.submitted_at),
                resubmitted=s.id in resubmitted,
            )
            for s in stories
        ],
        counts=_counts(conditions),
        next_after=stories[-1].id if more else None,
        languages=_present(Story.language),
        countries=_present(Story.country),
        bulk_actions=bulk_actions(filters.state, viewer),
    )


BULK_DECISIONS = ("approve", "reject")


def bulk_actions(state: StoryStatus, viewer: User) -> list[str]:
    """The decisions the queue offers for ticked stories of a tab, as the lifecycle allows."""
    who = lifecycle.staff(viewer)
    return [
        action
        for action in BULK_DECISIONS
        if state in lifecycle.RULES[action].sources and who.role in lifecycle.RULES[action].actors
    ]


def _tab_query(filters: QueueFilters) -> sa.Select[tuple[int]]:
    query = sa.select(Story.id).where(Story.status == filters.state, *_conditions(filters))
    if filters.state in WAITING:
        return query.order_by(Story.priority.desc(), Story.submitted_at, Story.id)
    return query.order_by(Story.submitted_at.desc(), Story.id.desc())


def _open_by_others(viewer: User) -> sa.Select[tuple[int]]:
    return sa.select(ReviewMarker.story_id).where(
        ReviewMarker.user_id != viewer.id, ReviewMarker.seen_at > marker_expiry()
    )


def next_story(filters: QueueFilters, current_id: int, viewer: User) -> int | None:
    """The story to open after `current_id` in the same filtered tab: the next one in the
    tab's order nobody else has open (else the next one at all), wrapping to the start; None
    when the tab holds nothing else. `current_id` may have left the tab (just decided)."""
    keyset = _after(current_id, filters.state in WAITING)
    others = _open_by_others(viewer)
    base = _tab_query(filters).where(Story.id != current_id)
    attempts = [base.where(Story.id.not_in(others)), base]
    for query in attempts:
        if keyset is not None:
            found = db.session.scalar(query.where(keyset).limit(1))
            if found is not None:
                return found
        found = db.session.scalar(query.limit(1))
        if found is not None:
            return found
    return None


def previous_story(filters: QueueFilters, current_id: int) -> int | None:
    """The story before `current_id` in the filtered tab (the first pages only), for `k`."""
    ids = list(db.session.scalars(_tab_query(filters).limit(500)))
    if current_id not in ids:
        return None
    position = ids.index(current_id)
    return ids[position - 1] if position > 0 else None
