"""Form pieces shared by the blueprints' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from storyhub.sanitize import clean_line, clean_text


def line_filter(value: str | None) -> str:
    return clean_line(value) if isinstance(value, str) else (value or "")


def text_filter(value: str | None) -> str:
    return clean_text(value).strip() if isinstance(value, str) else (value or "")


class CheckboxListField(SelectMultipleField):
    """Several checkboxes sharing one name: works with a keyboard and without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons such as Log out."""
