"""The private manage link /my/<token>: status, edit, withdraw, add an update, erase.

Every page here answers with `Referrer-Policy: no-referrer` (the token is in the URL) and
`Cache-Control: no-store`; every change is a POST form with its CSRF token.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from storyhub.extensions import limiter
from storyhub.i18n import country_choices, current_locale
from storyhub.models import Relation, Story, StoryStatus
from storyhub.services import author_page, catalog, lifecycle
from storyhub.services.author_changes import add_update, edit_story, request_erasure, withdraw_story
from storyhub.services.errors import TransitionNotAllowed
from storyhub.services.manage_links import story_for_manage_token
from storyhub.services.submissions import (
    LanguageNeedsConfirmation,
    StoryChanged,
    StoryEdit,
    UpdateSubmission,
)
from storyhub.submit import bp
from storyhub.submit.forms import EditStoryForm, EditTranslationForm, UpdateForm
from storyhub.submit.manage_forms import (
    AppealForm,
    EraseForm,
    ReplyForm,
    WithdrawForm,
)
from storyhub.submit.messages import say
from storyhub.submit.refill import csrf_expired_message, failure_message, refiller
from storyhub.submit.routes import ask_about_language, invalid_form_message
from storyhub.views import configured_limit

manage_limit = limiter.limit(configured_limit("MANAGE_RATE_LIMIT"), methods=["POST"])


def private_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """No caching, and no Referer carrying the token to the next page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def story_or_404(token: str) -> Story:
    story = story_for_manage_token(token)
    if story is None:
        abort(404)
    return story


def offered(story: Story) -> list[str]:
    """What the holder of the story's link may do with it now (services/lifecycle.py)."""
    return lifecycle.allowed(story, lifecycle.submitter_of(story))


def may_edit(story: Story) -> bool:
    actions = offered(story)
    return "edit" in actions or "resubmit" in actions


def back_to_manage(token: str, message: str, category: str = "message") -> Any:
    flash(message, category)
    return redirect(url_for(".manage_story", token=token))


def render_manage(
    story: Story,
    token: str,
    status: int = 200,
    reply_forms: dict[int, ReplyForm] | None = None,
    message: str = "",
    appeal_form: AppealForm | None = None,
) -> Any:
    page = author_page.manage_page(story, current_locale())
    actions = offered(story)
    forms = reply_forms or {}
    for proposal in page.proposals:  # one reply form per story waiting for an answer
        target = proposal.story
        forms.setdefault(
            target.id,
            ReplyForm(formdata=None, data={"story_id": target.id, "version": target.version}),
        )
    return (
        render_template(
            "submit/manage.html",
            story=story,
            token=token,
            page=page,
            reply_forms=forms,
            message=message,
            can_edit="edit" in actions or "resubmit" in actions,
            can_withdraw="withdraw" in actions,
            can_update="add_update" in actions,
            can_erase="request_erasure" in actions,
            can_appeal="appeal" in actions,
            appeal_form=appeal_form or AppealForm(formdata=None),
        ),
        status,
    )


@bp.route("/my/<token>")
@private_page
def manage_story(token: str) -> Any:
    return render_manage(story_or_404(token), token)


# ---- a moderator's edits: publish this version, or reply --------------------------------


def edit_form(story: Story, **kwargs: Any) -> EditStoryForm | EditTranslationForm:
    if story.translation_of_id is not None:
        return EditTranslationForm(**kwargs)
    return EditStoryForm(
        diagnosis_choices=catalog.diagnosis_choices(), country_choices=country_choices(), **kwargs
    )


def _current_values(story: Story) -> dict[str, Any]:
    return {
        "title": story.title,
        "body": story.body_text,
        "language": story.language,
        "author_name": story.author_name,
        "translator_name": story.translator_name,
        "relation": story.relation.value,
        "relation_detail": story.relation_detail,
        "country": story.country,
        "diagnoses": [d.slug for d in story.diagnoses],
        "version": story.version,
    }


def render_edit(story: Story, token: str, form: Any, status: int = 200, message: str = "") -> Any:
    return (
        render_template(
            "submit/edit.html",
            story=story,
            token=token,
            form=form,
            message=message,
            can_save=may_edit(story),
        ),
        status,
    )


@refiller("submit.edit_story_page")
def _refill_edit(status: int, message: str) -> Any:
    token = request.view_args["token"]  # type: ignore[index]
    story = story_or_404(token)
    form = edit_form(story, formdata=request.form)
    return render_edit(story, token, form, status, failure_message(status, _("Save changes")))


@bp.route("/my/<token>/edit", methods=["GET", "POST"])
@manage_limit
@private_page
def edit_story_page(token: str) -> Any:
    story = story_or_404(token)
    if request.method == "GET":
        if not may_edit(story):
            return back_to_manage(token, _("Your story can no longer be changed here."))
        form = edit_form(story, data=_current_values(story))
        form.validate_language(form.language)  # shows a tag the menu lacks in the text box
        return render_edit(story, token, form)
    form = edit_form(story)
    if not form.validate_on_submit():
        return render_edit(story, token, form, 400, invalid_form_message(form, _("Save changes")))
    details = isinstance(form, EditStoryForm)
    try:
        edit_story(
            story,
            form.version.data,
            StoryEdit(
                title=form.title.data,
                body=form.body.data,
                language=form.language.data,
                author_name=form.author_name.data if details else None,
                translator_name=None if details else (form.translator_name.data or ""),
                confirm_language=form.confirm_language.data,
                relation=Relation(form.relation.data) if details else None,
                relation_detail=form.relation_detail.data if details else None,
                country=form.country.data if details else None,
                diagnoses=form.diagnoses.data if details else None,
                locale=current_locale(),
            ),
        )
    except LanguageNeedsConfirmation as question:
        ask_about_language(form, question)
        return render_edit(story, token, form)
    except StoryChanged as error:
        # Keep every word, and move the form to the current version: saving again is then a
        # deliberate choice made after seeing the new status.
        form.version.data = error.story.version
        form.version.raw_data = [str(error.story.version)]
        return render_edit(error.story, token, form, 409, say(error))
    except TransitionNotAllowed as error:
        return render_edit(story, token, form, 409, say(error))
    return back_to_manage(
        token,
        _("Your changes are saved. A moderator will read your story again."),
        f"draft-done:edit-{story.id}",
    )


# ---- withdraw -----------------------------------------------------------------------------


@bp.route("/my/<token>/withdraw", methods=["GET", "POST"])
@manage_limit
@private_page
def withdraw_story_page(token: str) -> Any:
    story = story_or_404(token)
    form = WithdrawForm(data={"version": story.version})
    if request.method == "POST" and form.validate_on_submit():
        try:
            withdraw_story(story, form.version.data)
        except StoryChanged as error:
            form.version.data = error.story.version
            form.version.raw_data = [str(error.story.version)]
            return render_template("submit/withdraw.html", story=error.story, token=token,
                                   form=form, message=say(error)), 409  # fmt: skip
        except TransitionNotAllowed as error:
            return back_to_manage(token, say(error))
        return back_to_manage(token, _("Your story is withdrawn. It is no longer on the site."))
    if "withdraw" not in offered(story) and story.status is not StoryStatus.WITHDRAWN:
        return back_to_manage(token, _("This story cannot be withdrawn any more."))
    status = 400 if request.method == "POST" else 200
    message = invalid_form_message(form, _("Withdraw my story")) if status == 400 else ""
    return render_template(
        "submit/withdraw.html", story=story, token=token, form=form, message=message
    ), status


# ---- add an update ------------------------------------------------------------------------


def render_update(story: Story, token: str, form: UpdateForm, status: int = 200,
                  message: str = "") -> Any:  # fmt: skip
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    return (
        render_template("submit/update.html", story=story, token=token, form=form, message=message),
        status,
    )


@refiller("submit.add_update_page")
def _refill_update(status: int, message: str) -> Any:
    token = request.view_args["token"]  # type: ignore[index]
    story = story_or_404(token)
    form = UpdateForm(formdata=request.form)
    return render_update(story, token, form, status, failure_message(status, _("Send update")))


@bp.route("/my/<token>/update", methods=["GET", "POST"])
@manage_limit
@private_page
def add_update_page(token: str) -> Any:
    story = story_or_404(token)
    if "add_update" not in offered(story):
        return back_to_manage(token, _("You can add an update once your story is published."))
    form = UpdateForm()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_update(story, token, form)
        return render_update(story, token, form, 400, invalid_form_message(form, _("Send update")))
    try:
        add_update(
            story,
            UpdateSubmission(
                title=form.title.data, body=form.body.data, idempotency_key=form.idempotency_key()
            ),
            token,
        )
    except TransitionNotAllowed as error:
        return render_update(story, token, form, 409, say(error))
    return back_to_manage(
        token,
        _(
            "Thank you: your update has arrived. It appears under your story once a "
            "moderator has read it."
        ),
        f"draft-done:update-{story.id}",
    )


# ---- erase --------------------------------------------------------------------------------


@bp.route("/my/<token>/erase", methods=["GET", "POST"])
@manage_limit
@private_page
def erase_story_page(token: str) -> Any:
    story = story_or_404(token)
    if "request_erasure" not in offered(story):
        return back_to_manage(token, _("Everything has already been erased."))
    form = EraseForm()
    if form.validate_on_submit():
        request_erasure(story)
        return back_to_manage(
            token,
            _("Your story and your personal data are erased."),
            f"draft-done:edit-{story.id} update-{story.id}",
        )
    status = 400 if request.method == "POST" else 200
    # The box's own message says what is missing; only an expired session needs more words.
    message = csrf_expired_message(_("Erase everything")) if form.csrf_token.errors else ""
    return render_template(
        "submit/erase.html", story=story, token=token, form=form, message=message
    ), status
