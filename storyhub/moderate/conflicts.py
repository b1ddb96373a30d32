"""A moderator's form that lost a race, refilled: storyhub.errors asks here when a concurrent
write escaped the view (the view itself already answers the races it expects)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.moderate.messages import conflict_message, say
from storyhub.services import story_edits
from storyhub.services.errors import Conflict
from storyhub.services.workbench import review as reviewing

_ENDPOINTS = frozenset({"moderate.review", "moderate.erase_story", "moderate.bulk"})


def refilled_review(error: Exception) -> Any | None:
    """Re-render the review page (or the queue) at 409 with what the moderator sent."""
    if request.method != "POST" or request.endpoint not in _ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return None
    from storyhub.moderate import routes
    from storyhub.moderate.forms import BulkForm, EraseForm

    message = say(error) if isinstance(error, Conflict) else conflict_message()
    if request.endpoint == "moderate.bulk":
        bulk = BulkForm()
        bulk.form_errors.append(message)
        return routes._render_queue(routes._filter_form(), bulk, 409)
    story_id = (request.view_args or {}).get("story_id", 0)
    story = db.session.get(Story, story_id, populate_existing=True)
    if story is None:
        return None
    if request.endpoint == "moderate.erase_story":
        return routes._review_after_error(story, message, EraseForm(prefix="erase"), 409)
    form = routes.decision_form()
    edits = story_edits.StoryEdits(
        title=form.title.data,
        author_name=form.author_name_edit(),
        body_html=form.body.data,
        excerpt=form.excerpt.data,
        content_note=form.content_note_edit(),
        diagnoses=form.diagnoses.data,
        topics=form.topics.data,
    )
    changes = reviewing.changes_since(story, form.loaded_at_time(), edits)
    page = reviewing.review_page(story, current_user, changes)
    routes._move_form_to(form, page)
    return routes.render_review(page, form, 409, message)
