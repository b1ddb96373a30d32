"""Assisted entry: the form, and the page that says what happens next."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from storyhub.assist import bp
from storyhub.assist.forms import AssistForm
from storyhub.assist.messages import say
from storyhub.i18n import country_choices
from storyhub.lookups import get_or_404
from storyhub.models import Relation, Story, UserRole
from storyhub.services import catalog
from storyhub.services.assisted import AssistedEntry, ConsentNoteRequired, enter_story
from storyhub.services.errors import ServiceError
from storyhub.views import no_store

ALLOWED = (UserRole.VOLUNTEER, UserRole.MODERATOR, UserRole.ADMIN)


@bp.before_request
@login_required
def require_helper() -> None:
    """Volunteers, moderators and admins (login_required sends others to log in)."""
    if current_user.role not in ALLOWED:
        abort(403)


def assist_form(formdata: object = None) -> AssistForm:
    kwargs = {} if formdata is None else {"formdata": formdata}
    return AssistForm(
        diagnosis_choices=catalog.diagnosis_choices(),
        country_choices=country_choices(),
        **kwargs,
    )


def render_assist(form: AssistForm, status: int = 200, message: str = "") -> Any:
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    return render_template("assist/form.html", form=form, message=message), status


@bp.route("/", methods=["GET", "POST"])
@no_store
def enter() -> Any:
    form = assist_form()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_assist(form)
        return render_assist(form, 400, _("Please check the fields marked below."))
    try:
        story = enter_story(
            AssistedEntry(
                author_name=form.author_name.data,
                relation=Relation(form.relation.data),
                country=form.country.data,
                language=form.language.data,
                title=form.title.data,
                body=form.body.data,
                arrived_by=form.arrived_by.data,
                email=form.email.data or "",
                consent_note=form.consent_note.data or "",
                diagnoses=form.diagnoses.data,
                idempotency_key=form.idempotency_key(),
            ),
            current_user,
        )
    except ConsentNoteRequired as error:
        form.consent_note.errors = [*form.consent_note.errors, say(error)]
        return render_assist(form, 400, _("Please check the fields marked below."))
    except ServiceError as error:
        return render_assist(form, 400, say(error))
    return redirect(url_for(".entered", story_id=story.id))


@bp.route("/entered/<id:story_id>")
@no_store
def entered(story_id: int) -> Any:
    story = get_or_404(Story, story_id)
    if story.entered_by_id != current_user.id:
        abort(404)
    return render_template("assist/entered.html", story=story)
