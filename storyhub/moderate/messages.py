"""What the moderators' pages say when a service refuses (they are in English). A service not
converted to codes yet (services/moderation.py) still passes its own English words, which `say`
shows as they are."""

from __future__ import annotations

from storyhub import wording
from storyhub.labels import words
from storyhub.models import Story, StoryStatus
from storyhub.services.errors import ServiceError
from storyhub.services.moderation import DONE

CSRF_EXPIRED = "Your session had expired; nothing was saved. Your edits are kept: try again."
CHECK_FIELDS = "Please check the fields marked below."
SENT_TO_AUTHOR = (
    "Story {id} is now awaiting the author: your edits change their words, so they are asked "
    "to accept this version (it publishes when they do) or to reply."
)

MESSAGES: wording.Messages = {
    "conflict": "Someone else changed this at the same moment, so nothing was saved. "
    "Everything you typed is kept below: check the page, then try again.",
    "story_stale": lambda state: (
        f"Someone else changed this story while you were reviewing it (it is now "
        f"{words(state)}). Your edits are kept below: check the current state, then decide "
        "again."
    ),
    # the lifecycle table's refusals (services/lifecycle.py)
    "not_allowed": lambda state, action: f"A story that is {words(state)} cannot take {action}.",
    "not_for_this_actor": lambda role, action: f"This is not for a {role} to do ({action}).",
    "cannot_edit": lambda state, action: f"A story that is {words(state)} cannot be edited.",
    "cannot_decide": lambda state, action: (
        f"A story that is {words(state)} cannot be {DONE.get(action, action)}."
    ),
    "already_erased": "This story is already erased.",
    "bulk_stale": lambda state: (
        f"It changed since you loaded the queue (it is now {words(state)}): open it to decide."
    ),
    # redaction
    "unknown_field": "Unknown field.",
    "passage_moved": "That passage is no longer where it was (the text changed): look at it "
    "again below.",
}


def say(error: ServiceError) -> str:
    return wording.say(error, MESSAGES)


def conflict_message() -> str:
    """What a lost race says when the error itself was not a service's (a stale row)."""
    return str(MESSAGES["conflict"])


# Each state change said as a sentence ("Story 10 now waits for the author's changes", not
# "Story 10 is now changes requested").
STATE_SENTENCES = {
    StoryStatus.PUBLISHED: "Story {id} is now published.",
    StoryStatus.CHANGES_REQUESTED: "Story {id} now waits for the author's changes.",
    StoryStatus.REJECTED: "Story {id} will not be published; its author is told why.",
    StoryStatus.UNPUBLISHED: "Story {id} is taken off the site for now.",
    StoryStatus.PENDING: "Story {id} is back in the queue.",
}


def state_sentence(story: Story) -> str:
    template = STATE_SENTENCES.get(story.status)
    if template is None:
        return f"Story {story.id} is now {words(story.status)}."
    return template.format(id=story.id)
