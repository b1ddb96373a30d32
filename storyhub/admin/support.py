"""Admin: the helplines shown to a submitter whose words suggest distress."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from storyhub.admin import bp
from storyhub.admin.forms import HelplineForm
from storyhub.admin.messages import say
from storyhub.admin.people import CSRF_EXPIRED
from storyhub.extensions import db
from storyhub.forms import ActionForm
from storyhub.i18n import country_choices, country_name
from storyhub.lookups import get_or_404
from storyhub.models import Helpline
from storyhub.services import helplines
from storyhub.services.errors import FieldError, ServiceError
from storyhub.views import no_store


def _form(**kwargs: Any) -> HelplineForm:
    form = HelplineForm(**kwargs)
    form.country.choices = [("", "Choose…"), *country_choices("en")]
    return form


def _render(
    new: HelplineForm | None = None,
    failed: tuple[int, HelplineForm] | None = None,
    status: int = 200,
    message: str = "",
) -> Any:
    forms = {}
    for row in helplines.all_helplines():
        if failed and failed[0] == row.id:
            forms[row.id] = failed[1]
        else:
            forms[row.id] = _form(formdata=None, obj=row, prefix=f"h{row.id}")
    html = render_template(
        "admin/helplines.html",
        forms=forms,
        new=new or _form(formdata=None, prefix="new"),
        shipped=helplines.shipped() if helplines.uses_shipped_list() else (),
        country_name=lambda code: country_name(code, "en"),
        message=message,
    )
    return html, status


def _entry(form: HelplineForm) -> helplines.HelplineEntry:
    return helplines.HelplineEntry(
        country=form.country.data or "",
        name=form.name.data,
        phone=form.phone.data,
        url=form.url.data,
        notes=form.notes.data,
        position=form.position.data,
    )


def _save(helpline_id: int | None, form: HelplineForm) -> bool:
    try:
        helplines.save_helpline(helpline_id, _entry(form))
    except FieldError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(say(error))
        return False
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(say(error))
        return False
    return True


@bp.route("/helplines", methods=["GET", "POST"])
@no_store
def helpline_list() -> Any:
    form = _form(prefix="new")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            form.form_errors.append(CSRF_EXPIRED)
        return _render(new=form, status=400 if form.is_submitted() else 200)
    if not _save(None, form):
        return _render(new=form, status=400)
    flash(f"“{form.name.data}” added.")
    return redirect(url_for("admin.helpline_list"))


@bp.route("/helplines/start", methods=["POST"])
@no_store
def start_helplines() -> Any:
    if not ActionForm().validate_on_submit():
        return _render(status=400, message=CSRF_EXPIRED)
    count = helplines.start_from_shipped()
    flash(f"{count} entries copied from the shipped list: they are yours to edit now.")
    return redirect(url_for("admin.helpline_list"))


@bp.route("/helplines/<id:helpline_id>", methods=["POST"])
@no_store
def edit_helpline(helpline_id: int) -> Any:
    row = get_or_404(Helpline, helpline_id)
    form = _form(prefix=f"h{row.id}")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            form.form_errors.append(CSRF_EXPIRED)
        return _render(failed=(row.id, form), status=400)
    if not _save(row.id, form):
        return _render(failed=(row.id, form), status=400)
    flash(f"“{form.name.data}” saved.")
    return redirect(url_for("admin.helpline_list"))


@bp.route("/helplines/<id:helpline_id>/delete", methods=["POST"])
@no_store
def delete_helpline(helpline_id: int) -> Any:
    row = get_or_404(Helpline, helpline_id)
    if not ActionForm().validate_on_submit():
        return _render(status=400, message=CSRF_EXPIRED)
    name = row.name
    helplines.delete_helpline(row.id)
    flash(f"“{name}” removed.")
    return redirect(url_for("admin.helpline_list"))
