"""/follow/: follow a diagnosis or a topic by e-mail (double opt-in; one-click unsubscribe).

The diagnosis and topic pages stay cacheable: they only link here. This page carries the
form with its CSRF token and is never stored. The answer is the same whatever the address.
The confirmation and unsubscribe links carry a signed token; opening one shows a button
(mail scanners that fetch links change nothing); the button, and a mail client's RFC 8058
one-click POST, do it. Those POSTs are authorised by the token, not by a CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from storyhub.extensions import csrf, limiter
from storyhub.i18n import current_locale
from storyhub.services import subscriptions
from storyhub.submit import bp
from storyhub.submit.forms import FollowForm
from storyhub.submit.refill import failure_message, refiller
from storyhub.submit.routes import invalid_form_message
from storyhub.views import configured_limit, no_store


def _target() -> subscriptions.Target:
    for kind in ("diagnosis", "topic"):
        slug = request.args.get(kind, "")
        if slug:
            target = subscriptions.find_target(kind, slug)
            if target is not None:
                return target
    abort(404)


def render_follow(
    form: FollowForm, target: subscriptions.Target, status: int = 200, message: str = ""
) -> Any:
    return render_template(
        "submit/follow.html",
        form=form,
        target=target,
        name=target.name(current_locale()),
        message=message,
    ), status


@refiller("submit.follow")
def _refill_follow(status: int, message: str) -> Any:
    form = FollowForm(formdata=request.form)
    return render_follow(form, _target(), status, failure_message(status, _("Follow by e-mail")))


@bp.route("/follow/", methods=["GET", "POST"])
@limiter.limit(configured_limit("FOLLOW_RATE_LIMIT"), methods=["POST"])
@no_store
def follow() -> Any:
    target = _target()
    form = FollowForm()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_follow(form, target)
        return render_follow(form, target, 400, invalid_form_message(form, _("Follow")))
    subscriptions.subscribe(form.email.data, target, current_locale())
    flash(
        _(
            "Thank you. Please look in your inbox (and your spam folder): nothing will be sent "
            "until you open the link in the e-mail we have just sent."
        )
    )
    return redirect(url_for(".follow", **{target.kind: target.slug}))


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
@no_store
def follow_confirm(token: str) -> Any:
    if request.method == "POST":
        outcome, subscription = subscriptions.confirm(token)
    else:
        outcome, subscription = subscriptions.peek_confirmation(token)
    target = subscriptions.target_of(subscription) if subscription is not None else None
    status = {
        subscriptions.Confirmation.EXPIRED: 410,
        subscriptions.Confirmation.UNKNOWN: 404,
    }.get(outcome, 200)
    return render_template(
        "submit/follow_confirm.html",
        outcome=outcome.value,
        done=request.method == "POST",
        token=token,
        target=target,
        name=target.name(current_locale()) if target else "",
    ), status


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@no_store
def follow_unsubscribe(token: str) -> Any:
    if request.method == "POST":
        removed = subscriptions.unsubscribe(token)
        return render_template(
            "submit/follow_unsubscribe.html", done=True, removed=removed, token=token
        )
    subscription = subscriptions.subscription_for_unsubscribe(token)
    target = subscriptions.target_of(subscription) if subscription is not None else None
    return render_template(
        "submit/follow_unsubscribe.html",
        done=False,
        removed=subscription is None,
        token=token,
        name=target.name(current_locale()) if target else "",
    )
