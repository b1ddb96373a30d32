"""What the submitter's pages say when a service refuses (codes from services/submissions.py,
appeals.py, assisted.py), and the words of the identifier question, in the page's language.
The msgids are the ones the services used to hold, so the catalogs still apply."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from storyhub import wording
from storyhub.services.errors import ServiceError
from storyhub.services.identifier_check import initials
from storyhub.submit import bp
from storyhub.text.identifiers import Span

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
    # the lifecycle table's own refusal, when a service named none
    "not_allowed": _l("Your story can no longer be changed here."),
}


def say(error: ServiceError) -> str:
    return wording.say(error, MESSAGES)


# ---- the identifier question (services/identifier_check.py gives kinds and codes) ----------

# A plain-words way to say each kind of identifying detail less precisely.
SUGGESTIONS: wording.Messages = {
    "person": _l("Use initials, “%(initials)s”, or the role, such as “my husband”."),
    "email": _l("Leave it out: readers can reply through the site."),
    "phone": _l("Leave it out: readers can reply through the site."),
    "url": _l("Leave out links that lead to you; a general site is fine."),
    "date": _l("Say “in spring 2021” or “that winter” instead of the exact day."),
    "age": _l("Say “in her nineties” or “a young child” instead of the exact age."),
    "place": _l("Name a region, or say “a city in the north”, instead of the town or street."),
    "organisation": _l("Say “a hospital in the north” or “my employer” instead of its name."),
    "id": _l("Leave out record, card and id numbers."),
}

# What the display name gives away (identifier_check.name_concerns).
NAME_CONCERNS: wording.Messages = {
    "email": _l("Your name matches part of your e-mail address."),
    "full_name": _l("Your name looks like a full name: initials or a first name are enough."),
    "year": _l("Your name has digits that may be a birth year."),
}


@bp.app_template_global()
def identifier_suggestion(span: Span) -> str:
    """What the submitter could write instead of the passage `span` found."""
    text = str(SUGGESTIONS[span.kind])
    return text % {"initials": initials(span.text)} if span.kind == "person" else text


@bp.app_template_global()
def name_concern_words(code: str) -> str:
    return str(NAME_CONCERNS[code])
