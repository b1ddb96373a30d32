"""What the review page shows: the submitted text beside the edited one with a word diff,
revisions, earlier decisions, who else has the story open, suggested topics, and — after a
refused save — what changed since the moderator opened the page."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import (
    SENT_BACK,
    Consent,
    Diagnosis,
    ModerationEvent,
    ReviewMarker,
    Story,
    StoryRevision,
    StoryStatus,
    Topic,
    User,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import html_to_text, moderator_html
from storyhub.services import consents, edit_check, moderation, story_edits, translations
from storyhub.services.errors import Conflict
from storyhub.services.taxonomy import fold, ordered_topics, topic_keywords
from storyhub.services.workbench import queue, reasons
from storyhub.services.workbench.flags import Flag, story_flags
from storyhub.text.diffing import DiffPart, has_changes, word_diff


def mark_reviewing(story: Story, user: User) -> None:
    """Note that `user` has the story open; a marker unseen for a while no longer counts."""
    now, expiry = utcnow(), queue.marker_expiry()
    marker = db.session.get(ReviewMarker, (story.id, user.id))
    if marker is None:
        db.session.add(
            ReviewMarker(story_id=story.id, user_id=user.id, started_at=now, seen_at=now)
        )
    else:
        if marker.seen_at <= expiry:  # back after a long pause: a new review session
            marker.started_at = now
        marker.seen_at = now
    try:
        db.session.flush()
        # Tidy as we go, so the table only ever holds recent markers.
        db.session.execute(sa.delete(ReviewMarker).where(ReviewMarker.seen_at <= expiry))
        db.session.commit()
    except Conflict:
        db.session.rollback()  # the same moderator opened the page twice at once: one is enough


def release_review(story: Story, user: User) -> None:
    """ "Skip": `user` no longer has the story open, so others see it free at once."""
    db.session.execute(
        sa.delete(ReviewMarker).where(
            ReviewMarker.story_id == story.id, ReviewMarker.user_id == user.id
        )
    )
    db.session.commit()


@dataclass(frozen=True)
class TopicSuggestion:
    topic: Topic
    terms: list[str]  # the words in the story that matched, as the author wrote them


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)`, and for each of its characters the index of the one it came from."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        part = fold(char)
        folded.append(part)
        positions.extend([index] * len(part))
    return "".join(folded), positions


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # At the start of a word, running on to the word's end: "calcinosi" finds "calcinosis".
    words = r"\s+".join(map(re.escape, fold(keyword).split()))
    return re.compile(rf"(?<!\w){words}\w*")


def suggest_topics(story: Story, limit: int = 5) -> list[TopicSuggestion]:
    """Topics whose keywords appear in the story and that it is not linked to yet."""
    text = f"{story.title}\n{html_to_text(story.body_html)}"
    folded, positions = _folded_with_positions(text)
    chosen = {t.id for t in story.topics}
    suggestions = []
    for topic in ordered_topics():
        if topic.id in chosen:
            continue
        found: dict[str, tuple[int, str]] = {}  # folded word → (first place, as written)
        for keyword in topic_keywords(topic):
            for match in _keyword_pattern(keyword).finditer(folded):
                start = positions[match.start()]
                word = text[start : positions[match.end() - 1] + 1]
                if fold(word) not in found or start < found[fold(word)][0]:
                    found[fold(word)] = (start, word)
        if found:
            words = [word for _, word in sorted(found.values())][:limit]
            suggestions.append(TopicSuggestion(topic, words))
    return suggestions


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    diff: list[DiffPart] = field(default_factory=list)


@dataclass
class ChangesSince:
    """What other people did to a story after a moderator opened it, and the moderator's
    edits rebased on it: fields they left alone take the new values, their own changes stay."""

    events: list[ModerationEvent]
    revisions: list[StoryRevision]
    fields: list[FieldChange]
    mine: story_edits.StoryEdits = field(default_factory=story_edits.StoryEdits)
    both_changed: list[str] = field(default_factory=list)


def _revisions(story: Story) -> list[StoryRevision]:
    """The moderators' edits (and the state before the first), oldest first."""
    return list(
        db.session.scalars(
            sa.select(StoryRevision)
            .where(StoryRevision.story_id == story.id, StoryRevision.changed != SENT_BACK)
            .order_by(StoryRevision.created_at, StoryRevision.id)
        )
    )


def _state_at(story: Story, revisions: list[StoryRevision], moment: datetime) -> dict[str, str]:
    """The editable fields as they were at `moment`.

    Without revisions no moderator has edited the story, so it is as it is now. Otherwise the
    first revision holds the state before any edit, so a revision at or before `moment` exists.
    """
    seen = [r for r in revisions if r.created_at <= moment] or revisions[:1]
    if not seen:
        return story_edits.snapshot(story)
    return {k: getattr(seen[-1], k) for k in story_edits.snapshot(story)}


def _names(slugs: str, model: type[Diagnosis] | type[Topic]) -> str:
    wanted = slugs.split()
    if not wanted:
        return "none"
    rows = db.session.scalars(sa.select(model).where(model.slug.in_(wanted)))
    names = {
        row.slug: row.name("en") if isinstance(row, Diagnosis) else row.title("en") for row in rows
    }
    return ", ".join(names.get(slug, slug) for slug in wanted)


def _field_changes(before: dict[str, str], after: dict[str, str]) -> list[FieldChange]:
    changes = []
    for name, label in (
        ("title", "Title"),
        ("excerpt", "Teaser"),
        ("author_name", "Author name"),
        ("content_note", "Content note"),
        ("language", "Language"),
        ("country", "Country"),
        ("relation", "Relation"),
    ):
        if before.get(name, "") != after.get(name, ""):
            changes.append(FieldChange(label, before.get(name, ""), after.get(name, "")))
    if before["body_html"] != after["body_html"]:
        old, new = html_to_text(before["body_html"]), html_to_text(after["body_html"])
        changes.append(FieldChange("Text", old, new, word_diff(old, new)))
    for name, label, model in (("diagnoses", "Diagnoses", Diagnosis), ("topics", "Topics", Topic)):
        if before[name] != after[name]:
            changes.append(
                FieldChange(label, _names(before[name], model), _names(after[name], model))
            )
    return changes


_EDIT_FIELDS = {  # StoryEdits attribute → snapshot key
    "title": "title",
    "author_name": "author_name",
    "body_html": "body_html",
    "excerpt": "excerpt",
    "content_note": "content_note",
    "diagnoses": "diagnoses",
    "topics": "topics",
    "language": "language",
    "country": "country",
    "relation": "relation",
}


def _comparable(key: str, value: str | list[str]) -> str:
    """A submitted value in the form a snapshot stores it, so the two compare."""
    if key in ("diagnoses", "topics"):
        slugs = value if isinstance(value, list) else value.split()
        return " ".join(sorted(slugs))
    if key == "body_html":
        return moderator_html(str(value))
    return str(value)


def _rebase(
    edits: story_edits.StoryEdits, base: dict[str, str], current: dict[str, str]
) -> tuple[story_edits.StoryEdits, list[str]]:
    rebased: dict[str, object] = {}
    both = []
    if edits.body is not None:  # plain text: compared as text, rebased as text
        base_text = story_edits.editable_text(base["body_html"])
        current_text = story_edits.editable_text(current["body_html"])
        if story_edits.same_text(edits.body, base_text):
            rebased["body"] = current_text
        else:
            rebased["body"] = edits.body
            if not story_edits.same_text(current_text, base_text):
                both.append(story_edits.FIELD_LABELS["body"])
    for attribute, key in _EDIT_FIELDS.items():
        mine = getattr(edits, attribute)
        if mine is None:
            continue
        if _comparable(key, mine) == _comparable(key, base[key]):
            # Untouched by this moderator: show what is there now.
            theirs = current[key]
            rebased[attribute] = theirs.split() if key in ("diagnoses", "topics") else theirs
            continue
        rebased[attribute] = mine
        if _comparable(key, current[key]) != _comparable(key, base[key]):
            both.append(story_edits.FIELD_LABELS["body" if key == "body_html" else key])
    return story_edits.StoryEdits(**rebased), both  # type: ignore[arg-type]


def changes_since(
    story: Story, loaded_at: datetime | None, edits: story_edits.StoryEdits | None = None
) -> ChangesSince:
    """Decisions, edits and field changes made to `story` after `loaded_at`, and `edits`
    (what the moderator sent) rebased on the story as it is now."""
    edits = edits or story_edits.StoryEdits()
    revisions = _revisions(story)
    events = moderation.story_history(story)
    if loaded_at is None:  # the form did not say when it was loaded: show the latest
        return ChangesSince(events[-3:], revisions[-1:], [], edits)
    base = _state_at(story, revisions, loaded_at)
    current = story_edits.snapshot(story)
    mine, both = _rebase(edits, base, current)
    return ChangesSince(
        events=[e for e in events if e.created_at > loaded_at],
        revisions=[r for r in revisions if r.created_at > loaded_at and r.actor_id],
        fields=_field_changes(base, current),
        mine=mine,
        both_changed=both,
    )


@dataclass(frozen=True)
class SinceSentBack:
    """The author's new version against the one a moderator sent back to them."""

    sent: StoryRevision  # the version sent back: its actor and time
    action: str  # "request_changes" or "send_to_author"
    answer: str  # how the author came back: "resubmit", "author_reply" or "edit"
    fields: list[FieldChange]  # title, text, … as sent back → as now

    @property
    def changed(self) -> bool:
        return bool(self.fields)


_SENDINGS = ("request_changes", moderation.SEND_TO_AUTHOR)
_COMEBACKS = ("resubmit", "author_reply", "edit")
_SAME_MOMENT = timedelta(minutes=1)


def since_sent_back(story: Story) -> SinceSentBack | None:
    """When the author answered the last time a moderator sent the story back, what they
    changed since then; None when it was never sent back or the author has not answered."""
    history = moderation.story_history(story)
    sendings = [i for i, e in enumerate(history) if e.action in _SENDINGS]
    if not sendings:
        return None
    sending = history[sendings[-1]]
    answer = next((e for e in history[sendings[-1] + 1 :] if e.action in _COMEBACKS), None)
    sent = db.session.scalar(
        sa.select(StoryRevision)
        .where(StoryRevision.story_id == story.id, StoryRevision.changed == SENT_BACK)
        .order_by(StoryRevision.created_at.desc(), StoryRevision.id.desc())
        .limit(1)
    )
    # The snapshot is written with its event; one much older belongs to an earlier sending.
    if answer is None or sent is None or abs(sent.created_at - sending.created_at) > _SAME_MOMENT:
        return None
    before = {k: getattr(sent, k) for k in story_edits.snapshot(story)}
    now = story_edits.snapshot(story)
    return SinceSentBack(sent, sending.action, answer.action, _field_changes(before, now))


@dataclass
class ReviewPage:
    story: Story
    actions: list[str]
    can_edit: bool
    can_erase: bool
    flags: list[Flag]
    diff: list[DiffPart]
    edited: bool
    history: list[ModerationEvent]
    revisions: list[StoryRevision]
    reviewers: list[ReviewMarker]
    suggestions: list[TopicSuggestion]
    related: list[Story]
    presets: list
    loaded_at: datetime = field(default_factory=utcnow)
    changes: ChangesSince | None = None
    # Against the version the author agreed to: would Approve publish, or ask the author?
    edits: edit_check.EditCheck | None = None
    consents: list[Consent] = field(default_factory=list)
    # A translation: its original beside it, paragraph by paragraph (sanitised HTML), and when
    # the original changed since, a word diff of the original's text then → now.
    side_by_side: list[tuple[str, str]] = field(default_factory=list)
    original_diff: list[DiffPart] = field(default_factory=list)
    # A story sent back to its author and come back: what they changed since.
    since_sent_back: SinceSentBack | None = None


S = StoryStatus
_PARAGRAPHS = re.compile(r"(?<=</p>)\s*")


def _paragraphs(body_html: str) -> list[str]:
    return [part for part in _PARAGRAPHS.split(body_html) if part.strip()]


def side_by_side(story: Story) -> list[tuple[str, str]]:
    """The original's paragraphs beside the translation's, in order ("" where one runs out)."""
    original = story.translation_of
    if original is None:
        return []
    pairs = itertools.zip_longest(
        _paragraphs(original.body_html), _paragraphs(story.body_html), fillvalue=""
    )
    return list(pairs)


def original_changes(story: Story) -> list[DiffPart]:
    """For a translation that may be out of date: the original's text as it was when the
    translation was made (from the original's revisions) against its text now."""
    original = story.translation_of
    if original is None or not translations.may_be_out_of_date(story):
        return []
    then = _state_at(original, _revisions(original), story.submitted_at)
    return word_diff(html_to_text(then["body_html"]), html_to_text(original.body_html))


def review_page(story: Story, viewer: User, changes: ChangesSince | None = None) -> ReviewPage:
    """Everything the review page shows about `story`, read at one moment."""
    loaded_at = utcnow()
    diff = word_diff(story.body_text, html_to_text(story.body_html))
    original = story.translation_of or story.update_of
    related = [*story.translations, *story.updates]
    if original is not None:
        related = [original, *related]
    return ReviewPage(
        story=story,
        actions=moderation.actions_for(story, viewer),
        can_edit=moderation.can_edit(story, viewer),
        can_erase=moderation.can_erase(story, viewer),
        flags=story_flags(story),
        diff=diff,
        edited=has_changes(diff),
        history=moderation.story_history(story),
        revisions=list(reversed(_revisions(story))),
        reviewers=queue.active_markers([story.id], viewer).get(story.id, []),
        suggestions=suggest_topics(story),
        related=related,
        presets=reasons.reject_reasons(),
        loaded_at=loaded_at,
        changes=changes,
        edits=edit_check.check_edits(story) if story.status is not S.ERASED else None,
        consents=consents.history(story),
        side_by_side=side_by_side(story),
        original_diff=original_changes(story),
        since_sent_back=since_sent_back(story),
    )


def open_review(story: Story, viewer: User) -> ReviewPage:
    """Mark the story as being reviewed by `viewer`, then gather the page."""
    mark_reviewing(story, viewer)
    return review_page(story, viewer)
