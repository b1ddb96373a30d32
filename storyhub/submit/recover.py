"""/my/: lost your private link? Ask for it again by the e-mail address you gave.

The answer is the same for every address (services/my_links.py records the request and looks
it up later), so this page never tells whether an address sent anything.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from storyhub.extensions import limiter
from storyhub.i18n import current_locale
from storyhub.services import my_links as my_links_service
from storyhub.submit import bp
from storyhub.submit.manage_forms import LinkRequestForm
from storyhub.submit.refill import failure_message, refiller
from storyhub.submit.routes import invalid_form_message
from storyhub.views import configured_limit, no_store


def render_my_links(form: LinkRequestForm, status: int = 200, message: str = "") -> Any:
    return render_template("submit/my_links.html", form=form, message=message), status


@refiller("submit.my_links")
def _refill_my_links(status: int, message: str) -> Any:
    form = LinkRequestForm(formdata=request.form)
    return render_my_links(form, status, failure_message(status, _("Send my links")))


@bp.route("/my/", methods=["GET", "POST"])
@limiter.limit(configured_limit("MY_LINKS_RATE_LIMIT"), methods=["POST"])
@no_store
def my_links() -> Any:
    form = LinkRequestForm()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_my_links(form)
        return render_my_links(form, 400, invalid_form_message(form, _("Send my links")))
    my_links_service.request_links(form.email.data, current_locale())
    flash(
        _(
            "Thank you. If stories were sent with this address, an e-mail with their private "
            "links is on its way; it can take a few minutes. Please look in your spam folder too."
        )
    )
    return redirect(url_for(".my_links"))
