"""Admin: moderator accounts and preset reject reasons."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from storyhub.admin import bp
from storyhub.admin.forms import InviteForm, ReasonForm
from storyhub.admin.messages import say
from storyhub.forms import ActionForm
from storyhub.lookups import get_or_404
from storyhub.models import RejectReason, User, UserRole
from storyhub.services import accounts
from storyhub.services.errors import FieldError, ServiceError
from storyhub.services.workbench import reasons
from storyhub.views import no_store

CSRF_EXPIRED = "Your session had expired; nothing was changed. Please try again."


def _refused(form: Any) -> None:
    if form.csrf_token.errors:
        form.form_errors.append(CSRF_EXPIRED)


@bp.route("/")
@no_store
def index() -> Any:
    return render_template("admin/index.html")


def _render_users(form: InviteForm, status: int = 200, message: str = "") -> Any:
    return render_template(
        "admin/users.html", users=accounts.all_users(), form=form, message=message
    ), status


@bp.route("/users", methods=["GET", "POST"])
@no_store
def users() -> Any:
    form = InviteForm()
    if not form.validate_on_submit():
        _refused(form)
        return _render_users(form, 400 if form.is_submitted() else 200)
    try:
        user, password = accounts.invite_user(form.email.data, UserRole(form.role.data))
    except FieldError as error:
        getattr(form, error.field).errors.append(say(error))
        return _render_users(form, 400)
    return render_template("admin/invited.html", user=user, password=password)


@bp.route("/users/<id:user_id>/<any(activate, deactivate):change>", methods=["POST"])
@no_store
def set_active(user_id: int, change: str) -> Any:
    user = get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return _render_users(InviteForm(formdata=None), 400, CSRF_EXPIRED)
    try:
        accounts.set_active(user, change == "activate", current_user)
    except ServiceError as error:
        return _render_users(InviteForm(formdata=None), 400, say(error))
    flash(f"{user.email} is {'active' if user.active else 'deactivated'}.")
    return redirect(url_for("admin.users"))


def _render_reasons(
    new: ReasonForm | None = None,
    failed: tuple[int, ReasonForm] | None = None,
    status: int = 200,
    message: str = "",
) -> Any:
    forms = {}
    for reason in reasons.reject_reasons():
        if failed and failed[0] == reason.id:
            forms[reason.id] = failed[1]
        else:
            forms[reason.id] = ReasonForm(formdata=None, obj=reason, prefix=f"r{reason.id}")
    new = new or ReasonForm(formdata=None, prefix="new")
    html = render_template("admin/reasons.html", forms=forms, new=new, message=message)
    return html, status


@bp.route("/reasons", methods=["GET", "POST"])
@no_store
def reject_reasons() -> Any:
    form = ReasonForm(prefix="new")
    if not form.validate_on_submit():
        _refused(form)
        return _render_reasons(new=form, status=400 if form.is_submitted() else 200)
    reasons.save_reason(None, form.label.data, form.text.data, form.position.data)
    flash(f"Preset “{form.label.data}” added.")
    return redirect(url_for("admin.reject_reasons"))


@bp.route("/reasons/<id:reason_id>", methods=["POST"])
@no_store
def edit_reason(reason_id: int) -> Any:
    reason = get_or_404(RejectReason, reason_id)
    form = ReasonForm(prefix=f"r{reason.id}")
    if not form.validate_on_submit():
        _refused(form)
        return _render_reasons(failed=(reason.id, form), status=400)
    reasons.save_reason(reason, form.label.data, form.text.data, form.position.data)
    flash(f"Preset “{reason.label}” saved.")
    return redirect(url_for("admin.reject_reasons"))


@bp.route("/reasons/<id:reason_id>/delete", methods=["POST"])
@no_store
def delete_reason(reason_id: int) -> Any:
    reason = get_or_404(RejectReason, reason_id)
    if not ActionForm().validate_on_submit():
        return _render_reasons(status=400, message=CSRF_EXPIRED)
    label = reason.label
    reasons.delete_reason(reason)
    flash(f"Preset “{label}” removed.")
    return redirect(url_for("admin.reject_reasons"))
