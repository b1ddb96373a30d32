"""What the private manage page shows besides the status: a moderator's edits waiting for the
author's answer, the author's choices (consent per use), and where to find help."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import (
    SENT_BACK,
    Consent,
    ConsentPurpose,
    Diagnosis,
    Story,
    StoryRevision,
    StoryStatus,
)
from storyhub.services import consents, edit_check, helplines
from storyhub.services.lifecycle import WITHDRAWABLE

# What a moderator may correct of the author's choices (services/story_edits.CORRECTIONS).
CORRECTED = ("language", "country", "relation", "diagnoses")


@dataclass
class Correction:
    """A moderator corrected what the author chose: the fields, before → after, and why."""

    at: datetime
    changes: list[tuple[str, str, str]]  # (field, before, after): codes, shown in words
    reason: str


@dataclass
class Proposal:
    """A story (or one of its updates) a moderator edited, waiting for "publish this version?"."""

    story: Story
    check: edit_check.EditCheck


@dataclass
class Choice:
    purpose: ConsentPurpose
    allowed: bool
    record: Consent | None  # the latest record: when it was given, or withdrawn
    # Publication only: where the story stands, said apart from the choice (agreeing to
    # publication does not make it public: a moderator decides), and whether "Withdraw" is
    # offered.
    state: str = ""
    withdrawable: bool = False


@dataclass
class ManagePage:
    story: Story
    proposals: list[Proposal]
    choices: list[Choice]
    helplines: list[helplines.HelplineEntry] | None  # None: no words of distress
    corrections: list[Correction] = field(default_factory=list)


def _choices(story: Story) -> list[Choice]:
    if story.kind != "story" or story.status is StoryStatus.ERASED:
        return []
    latest = consents.latest(story)
    publish = latest.get(ConsentPurpose.PUBLISH)
    return [
        # Required to submit: in force until the story is withdrawn (older stories kept their
        # consent on the submitter before these records existed).
        Choice(
            ConsentPurpose.PUBLISH,
            story.status is not StoryStatus.WITHDRAWN,
            publish,
            state=story.status.value,
            withdrawable=story.status in WITHDRAWABLE,
        ),
        Choice(
            ConsentPurpose.TRANSLATE, story.allow_translation, latest.get(ConsentPurpose.TRANSLATE)
        ),
        Choice(
            ConsentPurpose.SYNDICATE, story.allow_syndication, latest.get(ConsentPurpose.SYNDICATE)
        ),
    ]


def _diagnosis_names(slugs: str, locale: str) -> str:
    wanted = slugs.split()
    rows = db.session.scalars(sa.select(Diagnosis).where(Diagnosis.slug.in_(wanted)))
    names = {row.slug: row.name(locale) for row in rows}
    return ", ".join(names.get(slug, slug) for slug in wanted)


def corrections(story: Story, locale: str) -> list[Correction]:
    """The moderators' corrections of the story's language, country, relation or diagnoses,
    newest first (each revision keeps the state after it; the one before holds the before),
    with diagnoses named in `locale`."""
    revisions = list(
        db.session.scalars(
            sa.select(StoryRevision)
            .where(StoryRevision.story_id == story.id, StoryRevision.changed != SENT_BACK)
            .order_by(StoryRevision.created_at, StoryRevision.id)
        )
    )
    found = []
    for before, after in itertools.pairwise(revisions):
        names = [name for name in after.changed_fields if name in CORRECTED]
        if after.actor_id is None or not names:
            continue
        changes = [
            (name, *(_diagnosis_names(getattr(r, name), locale) for r in (before, after)))
            if name == "diagnoses"
            else (name, getattr(before, name), getattr(after, name))
            for name in names
        ]
        found.append(Correction(after.created_at, changes, after.reason))
    return list(reversed(found))


def manage_page(story: Story, locale: str) -> ManagePage:
    """What the author's private page shows, diagnoses named in `locale`."""
    family = [story, *story.updates]
    distressed = any(member.priority for member in family)
    return ManagePage(
        story=story,
        proposals=[
            Proposal(member, edit_check.check_edits(member))
            for member in family
            if member.status is StoryStatus.AWAITING_AUTHOR
        ],
        choices=_choices(story),
        helplines=helplines.helplines_for(story.country) if distressed else None,
        corrections=corrections(story, locale),
    )
