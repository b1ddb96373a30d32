"""The audit log: every decision, who made it, when, from which state to which, and why."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from storyhub.labels import words
from storyhub.moderate import bp
from storyhub.moderate.forms import LogFilterForm
from storyhub.services.workbench import audit
from storyhub.views import no_store


@bp.route("/log")
@no_store
def log() -> Any:
    form = LogFilterForm(formdata=request.args)
    form.actor.choices = audit.actor_choices()
    form.action.choices = [("", "All actions"), *((a, words(a)) for a in audit.actions())]
    if not form.validate():
        page = audit.LogPage([], None)
        return render_template("moderate/log.html", form=form, page=page, filters=None), 400
    filters = audit.LogFilters(
        actor=form.actor.data,
        action=form.action.data,
        story=form.story.data,
        since=form.since.data,
        until=form.until.data,
    )
    page = audit.log_page(filters, form.before.data)
    return render_template("moderate/log.html", form=form, page=page, filters=filters)
