"""The moderation queue and the review page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.moderate import bp
from storyhub.moderate.forms import DecisionForm
from storyhub.services import catalog, moderation
from storyhub.services.errors import ServiceError, StaleStoryError
from storyhub.views import no_store


@bp.before_request
@login_required
def require_moderator() -> None:
    """Every page here needs a logged-in moderator or admin (login_required does the rest)."""


def get_story_or_404(story_id: int) -> Story:
    story = db.session.get(Story, story_id) if 0 < story_id < 2**31 else None
    if story is None:
        abort(404)
    return story


def decision_form(story: Story, **kwargs: Any) -> DecisionForm:
    form = DecisionForm(**kwargs)
    form.diagnoses.choices = catalog.diagnosis_choices("en")
    form.topics.choices = [(t.slug, t.title("en")) for t in catalog.public_topics()]
    return form


def render_review(story: Story, form: DecisionForm, status: int = 200, message: str = "") -> Any:
    return (
        render_template(
            "moderate/review.html",
            story=story,
            form=form,
            message=message,
            actions=moderation.actions_for(story),
            history=moderation.story_history(story),
            reason_prompts=moderation.REASON_PROMPTS,
        ),
        status,
    )


@bp.route("/")
@no_store
def queue() -> Any:
    return render_template("moderate/queue.html", stories=moderation.review_queue())


@bp.route("/stories/<int:story_id>", methods=["GET", "POST"])
@no_store
def review(story_id: int) -> Any:
    story = get_story_or_404(story_id)
    form = decision_form(story)
    if form.is_submitted() is False:
        form = decision_form(
            story,
            data={
                "title": story.title,
                "excerpt": story.excerpt,
                "body": story.body_html,
                "diagnoses": [d.slug for d in story.diagnoses],
                "topics": [t.slug for t in story.topics],
                "version": story.version,
            },
        )
        return render_review(story, form)
    if not form.validate():
        message = (
            "Your session had expired; nothing was saved. Your edits are kept: decide again."
            if form.csrf_token.errors
            else "Please check the fields marked below."
        )
        return render_review(story, form, 400, message)
    try:
        moderation.decide(
            story,
            form.action.data,
            actor=current_user,
            expected_version=form.version.data,
            reason=form.reason.data,
            edits=moderation.StoryEdits(
                title=form.title.data,
                body_html=form.body.data,
                excerpt=form.excerpt.data,
                diagnoses=form.diagnoses.data,
                topics=form.topics.data,
            ),
        )
    except StaleStoryError as error:
        # Keep every edit, but move the form to the current version: deciding again is
        # then a deliberate choice made after seeing the story as it is now.
        form.version.data = error.story.version
        form.version.raw_data = [str(error.story.version)]
        return render_review(error.story, form, 409, str(error))
    except ServiceError as error:
        db.session.rollback()
        return render_review(story, form, 400, str(error))
    flash(f"Story {story.id} is now {story.status.value.replace('_', ' ')}.")
    return redirect(url_for("moderate.queue"))
