"""What the private manage page shows besides the status: a moderator's edits waiting for the
author's answer, the author's choices (consent per use), and where to find help."""

from __future__ import annotations

from dataclasses import dataclass

from storyhub.models import Consent, ConsentPurpose, Story, StoryStatus
from storyhub.services import consents, edit_check, helplines


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


@dataclass
class ManagePage:
    story: Story
    proposals: list[Proposal]
    choices: list[Choice]
    helplines: list[helplines.HelplineEntry] | None  # None: no words of distress


def _choices(story: Story) -> list[Choice]:
    if story.kind != "story" or story.status is StoryStatus.ERASED:
        return []
    latest = consents.latest(story)
    publish = latest.get(ConsentPurpose.PUBLISH)
    return [
        # Required to submit: in force until the story is withdrawn (older stories kept their
        # consent on the submitter before these records existed).
        Choice(ConsentPurpose.PUBLISH, story.status is not StoryStatus.WITHDRAWN, publish),
        Choice(
            ConsentPurpose.TRANSLATE, story.allow_translation, latest.get(ConsentPurpose.TRANSLATE)
        ),
        Choice(
            ConsentPurpose.SYNDICATE, story.allow_syndication, latest.get(ConsentPurpose.SYNDICATE)
        ),
    ]


def manage_page(story: Story) -> ManagePage:
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
    )
