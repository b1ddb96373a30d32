"""Submitting a story and following it through the private manage link."""

from __future__ import annotations

import secrets

from flask import abort, render_template, request
from flask_babel import gettext as _

from storyhub.extensions import limiter
from storyhub.i18n import country_choices, language_choices
from storyhub.models import Relation
from storyhub.services import catalog
from storyhub.services.submissions import (
    StorySubmission,
    story_for_manage_token,
    submit_story,
)
from storyhub.submit import bp
from storyhub.submit.forms import StoryForm
from storyhub.views import configured_limit, no_store

CSRF_EXPIRED = (
    "Your session had expired, so the form could not be accepted yet. Nothing is lost: "
    "everything you wrote is below. Please press “Submit story” again."
)


def story_form(formdata: object = None) -> StoryForm:
    """Build the story form with choices in the reader's language."""
    kwargs = {} if formdata is None else {"formdata": formdata}
    return StoryForm(
        diagnosis_choices=catalog.diagnosis_choices(),
        country_choices=country_choices(),
        language_choices=language_choices(),
        **kwargs,
    )


def render_story_form(form: StoryForm, status: int = 200, message: str = "") -> tuple[str, int]:
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    return render_template("submit/form.html", form=form, message=message), status


@bp.route("/submit", methods=["GET", "POST"])
@limiter.limit(configured_limit("SUBMIT_RATE_LIMIT"), methods=["POST"])
@no_store
def submit_story_page() -> object:
    form = story_form()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_story_form(form)
        message = (
            _(CSRF_EXPIRED)
            if form.csrf_token.errors
            else _("Please check the fields marked below.")
        )
        return render_story_form(form, 400, message)
    receipt = submit_story(
        StorySubmission(
            author_name=form.author_name.data,
            relation=Relation(form.relation.data),
            relation_detail=form.relation_detail.data,
            email=form.email.data or "",
            country=form.country.data,
            language=form.language.data,
            diagnoses=form.diagnoses.data,
            title=form.title.data,
            body=form.body.data,
            consent_publish=form.consent_publish.data,
            idempotency_key=form.idempotency_key(),
        )
    )
    return render_template("submit/received.html", receipt=receipt)


@bp.route("/my/<token>")
@no_store
def manage_story(token: str) -> object:
    story = story_for_manage_token(token)
    if story is None:
        abort(404)
    response = render_template("submit/manage.html", story=story, token=token)
    return response, 200, {"Referrer-Policy": "no-referrer"}
