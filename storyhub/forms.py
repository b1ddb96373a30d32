"""Form pieces shared by the blueprints' forms."""

from __future__ import annotations

from functools import cache
from typing import Any

import flask_wtf.i18n
from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField, ValidationError
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget

from storyhub.sanitize import clean_line, clean_text, has_visible_letters


@cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _wtforms_translations() -> support.Translations | None:
    """flask_wtf's own lookup, kept per locale: it reads and parses WTForms' message catalogue
    from disk once per request (4 ms, a third of the CPU of POST /submit, profiled), yet the
    catalogue does not change while the process runs."""
    if not has_request_context() or "babel" not in current_app.extensions:
        return None
    return _wtforms_catalogue(str(get_locale()))


flask_wtf.i18n._get_translations = _wtforms_translations


def line_filter(value: str | None) -> str:
    return clean_line(value) if isinstance(value, str) else (value or "")


def text_filter(value: str | None) -> str:
    return clean_text(value).strip() if isinstance(value, str) else (value or "")


class VisibleLetters:
    """A name shown to readers must show something: not only spaces, punctuation, zero-width
    or filler characters (U+3164, U+115F, U+2800...). Empty is left to DataRequired."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not has_visible_letters(field.data):
            raise ValidationError(str(self.message))


class CheckboxListField(SelectMultipleField):
    """Several checkboxes sharing one name: works with a keyboard and without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons such as Log out."""
