"""Helpers the templates call: display only, no queries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, url_for
from flask_babel import format_date, format_timedelta
from wtforms import Field

from storyhub import i18n
from storyhub.forms import ActionForm
from storyhub.models import Story, StoryStatus
from storyhub.services.catalog import story_slug
from storyhub.services.translations import may_be_out_of_date

STATUS_WORDS = {
    StoryStatus.PENDING: "Waiting for a moderator to read it",
    StoryStatus.CHANGES_REQUESTED: "A moderator asked for changes",
    StoryStatus.PUBLISHED: "Published",
    StoryStatus.UNPUBLISHED: "Taken down for now",
    StoryStatus.REJECTED: "Not published",
    StoryStatus.WITHDRAWN: "Withdrawn by you",
    StoryStatus.ERASED: "Erased",
}


def story_url(story: Story, **kwargs: Any) -> str:
    return url_for("reader.story", story_id=story.id, slug=story_slug(story), **kwargs)


def age(moment: datetime) -> str:
    return format_timedelta(datetime.now(UTC) - moment, granularity="minute")


def field_attrs(field: Field, hint: str = "") -> dict[str, str]:
    """ARIA attributes tying a field to its hint and its error message."""
    described_by = [f"{field.id}-hint"] if hint else []
    attrs = {}
    if field.errors:
        described_by.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return attrs


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        story_url=story_url,
        language_name=i18n.language_name,
        language_autonym=i18n.language_autonym,
        country_name=i18n.country_name,
        status_words=lambda status: STATUS_WORDS.get(status, str(status)),
        action_form=ActionForm,
        ui_lang=i18n.current_locale,
        field_attrs=field_attrs,
        translation_out_of_date=may_be_out_of_date,
    )
    app.jinja_env.filters.update(date=lambda d: format_date(d, "long") if d else "", age=age)
