"""The fields the story, translation and update forms share (limits, filters, messages), and
the language menu."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
)

from storyhub.forms import VisibleLetters, line_filter, text_filter
from storyhub.i18n import (
    COMMON_LANGUAGES,
    current_locale,
    language_choices,
)

TITLE_MAX = 200
BODY_MAX = 50_000
BODY_MIN = 20
NAME_MAX = 80
# Room for the "(Update) " prefix (services.submissions) within the 200-character title.
UPDATE_TITLE_MAX = TITLE_MAX - 10


def upper(value: str | None) -> str:
    return line_filter(value).upper()


def title_field(label: Any, required: Any, limit: int = TITLE_MAX) -> StringField:
    return StringField(
        label,
        filters=[line_filter],
        # No maxlength attribute (WTForms would add one from Length): a browser cuts a pasted
        # text silently. The live counter (static/js/forms.js) shows the limit instead.
        render_kw={"data-max-chars": limit, "maxlength": False},
        validators=[
            DataRequired(required),
            Length(max=limit, message=_l("Please keep the title under %(max)d characters.")),
        ],
    )


def body_field(label: Any, required: Any) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[text_filter],
        render_kw={"data-max-chars": BODY_MAX, "maxlength": False, "minlength": False},
        validators=[
            DataRequired(required),
            Length(min=BODY_MIN, message=_l("Please write at least a few sentences.")),
            Length(
                max=BODY_MAX,
                message=_l(
                    "Your text is longer than %(max)d characters. Please shorten it, "
                    "or send the rest later as an update."
                ),
            ),
        ],
    )


def name_field(label: Any) -> StringField:
    return StringField(
        label,
        filters=[line_filter],
        validators=[
            DataRequired(_l("Please write the name to show, e.g. initials.")),
            Length(max=NAME_MAX, message=_l("Please keep the name under 80 characters.")),
            VisibleLetters(
                _l("Please write a name with letters readers can see, e.g. your initials.")
            ),
        ],
        render_kw={"maxlength": False},
    )


def translator_field() -> StringField:
    return StringField(
        _l("Your name for the “Translated by” credit (optional)"),
        filters=[line_filter],
        validators=[
            Optional(),
            Length(max=NAME_MAX, message=_l("Please keep the name under 80 characters.")),
        ],
        render_kw={"maxlength": False},
    )


def email_field() -> EmailField:
    return EmailField(
        _l("E-mail (optional, never published)"),
        filters=[line_filter],
        validators=[
            Optional(),
            Length(max=254, message=_l("This e-mail address is too long.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
        ],
    )


def consent_field() -> BooleanField:
    # The wording is recorded with the consent by id (services/consents.py WORDINGS): change
    # the text → change the id there.
    return BooleanField(
        _l("I agree that this story, with the name above, may be published on this site."),
        validators=[DataRequired(_l("We can only publish your story with your agreement."))],
    )


def translate_consent_field() -> BooleanField:
    return BooleanField(
        _l(
            "Volunteers may translate my story into other languages; translations are "
            "published next to it after a moderator has read them."
        )
    )


def syndicate_consent_field() -> BooleanField:
    return BooleanField(
        _l(
            "My story may be included in the site's news feeds and its public data interface "
            "(API), which other websites and apps can read."
        )
    )


def language_select_choices() -> list[SelectChoice]:
    """The menu: common languages in their own group first, then every other by name."""
    return list(_language_menu(current_locale()))


@lru_cache(maxsize=8)
def _language_menu(locale: str) -> tuple[SelectChoice, ...]:
    # Some two hundred entries that every story form needs: built once per interface language
    # (called inside a request in `locale`, so the group labels are in it too).
    common = gettext("Common languages")
    others = gettext("All languages")
    return (
        SelectChoice("", gettext("Choose…")),
        *(
            SelectChoice(code, name, optgroup=common if code in COMMON_LANGUAGES else others)
            for code, name in language_choices(locale)
        ),
    )
