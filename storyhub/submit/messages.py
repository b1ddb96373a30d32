"""What the submitter's pages say when a service refuses (codes from services/submissions.py,
appeals.py, assisted.py), in the page's language. The msgids are the ones the services used to
hold, so the catalogs still apply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from storyhub import wording
from storyhub.services.errors import ServiceError

MESSAGES: wording.Messages = {
    # submissions
    "story_changed": _l(
        "Your story changed while this page was open (a moderator may have acted on "
        "it). Nothing you typed is lost: it is below. Please check the status, then "
        "try again."
    ),
    "same_language": _l("The story is already in this language: choose the translation's."),
    "edit_closed": _l(
        "Your story can no longer be changed here: its status changed while this page "
        "was open. Nothing you typed is lost: it is below, so you can copy it."
    ),
    "not_changeable": _l("Your story can no longer be changed here."),
    "not_withdrawable": _l("This story cannot be withdrawn any more."),
    "update_needs_published": _l("You can add an update once your story is published."),
    "consent_fixed": _l("This choice cannot be changed for this story."),
    "nothing_to_decide": _l("There is nothing to decide here any more."),
    "reply_message_missing": _l("Please write your message to the moderator."),
    "message_too_long": _l("Please keep your message under %(max)d characters."),
    # appeals
    "already_appealed": _l(
        "You have already asked for another look at this story; that decision is final."
    ),
    "not_appealable": _l("Only a story that was not published can be looked at again."),
    "appeal_message_missing": _l("Please tell the moderators why they should look again."),
    # assisted entry, answered by its author
    "nothing_to_confirm": _l("There is nothing to confirm here any more."),
}


def say(error: ServiceError) -> str:
    return wording.say(error, MESSAGES)
