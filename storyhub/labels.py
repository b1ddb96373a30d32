"""The one place a stored code becomes words: a story's status, kind, how its writer relates
to the patient, how a story entered for someone arrived, what an identifier finding is, and a
moderation action or state on the moderators' pages.

Templates reach these through `templating.py` (`status_words`, `relation_words`,
`arrival_words`, `story_kind_words`, `identifier_kind_words` and the `words` filter); services
and views call `label()` with the locale they mean. The tables hold lazy strings, so one table
serves every language: `label(table, code)` speaks the current one, `label(table, code, "en")`
the moderators' English.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from storyhub.models import Relation, StoryStatus

Table = Mapping[str, LazyString] | Mapping[StoryStatus, LazyString] | Mapping[Relation, LazyString]

# How the submitter's status page names each state, in the reader's language.
STATUS = {
    StoryStatus.PENDING: _l("Waiting for a moderator to read it"),
    StoryStatus.CHANGES_REQUESTED: _l("A moderator asked for changes"),
    StoryStatus.AWAITING_AUTHOR: _l("Waiting for your answer: a moderator edited it"),
    StoryStatus.PUBLISHED: _l("Published"),
    StoryStatus.UNPUBLISHED: _l("Taken down for now"),
    StoryStatus.REJECTED: _l("Not published"),
    StoryStatus.WITHDRAWN: _l("Withdrawn by you"),
    StoryStatus.ERASED: _l("Erased"),
}

# How the story page introduces its author, in the reader's language.
RELATION = {
    Relation.SELF: _l("Written by the patient"),
    Relation.FAMILY: _l("Written by a family member"),
    Relation.PARTNER: _l("Written by a partner"),
    Relation.CAREGIVER: _l("Written by a caregiver"),
    Relation.FRIEND: _l("Written by a friend"),
    Relation.OTHER: _l("Written by someone close to the patient"),
}

# The story form's answers to "Who are you?" (a menu: "Family member", not a sentence).
RELATION_CHOICES = {
    Relation.SELF: _l("I am the patient"),
    Relation.FAMILY: _l("Family member"),
    Relation.PARTNER: _l("Partner"),
    Relation.CAREGIVER: _l("Caregiver"),
    Relation.FRIEND: _l("Friend"),
    Relation.OTHER: _l("Other"),
}

# How a story entered for someone reached the volunteer ("… reached us by letter"): in the
# author's e-mail in their language, on the moderators' pages in English.
ARRIVAL = {
    "letter": _l("by letter"),
    "phone": _l("by phone"),
    "email": _l("by e-mail"),
    "in_person": _l("in person"),
}

# The assisted-entry form's menu of the same (capitalised, on their own).
ARRIVAL_CHOICES = {
    "letter": _l("By letter"),
    "phone": _l("By phone"),
    "email": _l("By e-mail"),
    "in_person": _l("In person"),
}

# What a story is, put into sentences such as "Your %(what)s is published": translators choose
# nouns of one grammatical gender (Italian says "nota di aggiornamento", feminine like "storia").
KIND = {
    "story": _l("story"),
    "translation": _l("translation"),
    "update": _l("update"),
}

# What each kind of identifying detail is called where a finding is announced ("Place: Bergamo").
IDENTIFIER_KIND = {
    "email": _l("E-mail address"),
    "phone": _l("Phone number"),
    "url": _l("Web address"),
    "date": _l("Exact date"),
    "age": _l("Exact age"),
    "place": _l("Place"),
    "person": _l("Name of a person"),
    "organisation": _l("Hospital or organisation"),
    "id": _l("Record or id number"),
}


def label(table: Table, code: object, locale: str | None = None, default: str = "") -> str:
    """The words for `code` in `table` (`default` when it has none), in `locale`, or in the
    current language when `locale` is None."""
    text = table.get(code)  # type: ignore[call-overload]
    if text is None:
        return default
    if locale is None:
        return str(text)
    with force_locale(locale):
        return str(text)


def words(code: str | Enum | None) -> str:
    """A code in plain English words for the moderators' pages: "changes_requested" →
    "changes requested". Their pages name states and actions by code, as the log stores them."""
    if code is None:
        return ""
    value = code.value if isinstance(code, Enum) else code
    return str(value).replace("_", " ")
