"""Identifying details on the review page (templates/moderate/_identifiers.html): each passage
highlighted, with a one-click redaction to a neutral phrase the moderator can edit."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from storyhub.forms import line_filter
from storyhub.lookups import get_or_404
from storyhub.models import Story, StoryStatus
from storyhub.moderate import bp
from storyhub.moderate.forms import EraseForm
from storyhub.moderate.messages import say
from storyhub.moderate.routes import _review_after_error
from storyhub.services import identifier_check, reidentification
from storyhub.services.errors import ServiceError, StaleStoryError
from storyhub.services.identifier_check import IdentifyingDetails
from storyhub.services.redaction import FIELDS, redact
from storyhub.views import no_store


class RedactForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
    field = HiddenField(validators=[AnyOf(FIELDS)])
    start = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])
    passage = HiddenField(validators=[DataRequired(), Length(max=2000)])
    replacement = StringField("Replace with", filters=[line_filter], validators=[Length(max=200)])


@bp.app_template_global()
def identifier_review(story: Story) -> IdentifyingDetails | None:
    """The findings in a story's current title and text, for the review page."""
    if story.status is StoryStatus.ERASED or not identifier_check.enabled():
        return None
    return reidentification.story_details(story)


@bp.app_template_global()
def redact_form(story: Story, field: str, start: int, passage: str, kind: str) -> RedactForm:
    neutral = identifier_check.NEUTRAL_PHRASES[kind]
    data = {"version": story.version, "field": field, "start": start, "passage": passage}
    return RedactForm(formdata=None, data={**data, "replacement": neutral})


@bp.route("/stories/<id:story_id>/redact", methods=["POST"])
@no_store
def redact_passage(story_id: int) -> Any:
    story = get_or_404(Story, story_id)
    form = RedactForm()
    if not form.validate():
        message = "Your session had expired; nothing was changed. Try again."
        if not form.csrf_token.errors:
            message = "That redaction could not be read; nothing was changed."
        return _review_after_error(story, message, EraseForm(formdata=None, prefix="erase"))
    try:
        redact(
            story,
            current_user,
            form.version.data,
            form.field.data,
            form.start.data,
            form.passage.data,
            form.replacement.data or "",
        )
    except StaleStoryError as error:
        return _review_after_error(
            error.story, say(error), EraseForm(formdata=None, prefix="erase"), 409
        )
    except ServiceError as error:
        return _review_after_error(story, say(error), EraseForm(formdata=None, prefix="erase"))
    # The passage itself stays out of the message: flashed text travels in the cookie.
    flash("Redacted one passage; a revision keeps the earlier text.")
    if story.status is StoryStatus.AWAITING_AUTHOR:
        flash(
            f"Story {story.id} is now awaiting the author: they are asked to accept the "
            "redacted version."
        )
        return redirect(url_for("moderate.queue"))
    return redirect(url_for("moderate.review", story_id=story.id, _anchor="identifiers"))
