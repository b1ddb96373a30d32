"""Moderator login and logout, and changing one's own password."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from storyhub.auth import bp
from storyhub.auth.forms import LoginForm, PasswordForm
from storyhub.extensions import limiter
from storyhub.forms import ActionForm
from storyhub.models import UserRole
from storyhub.services import accounts
from storyhub.services.errors import FieldError
from storyhub.views import configured_limit, no_store

TOO_MANY_ATTEMPTS = (
    "Too many login attempts for this account or from this address. "
    "Please wait a few minutes, then try again."
)


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme and "\\" not in target:
            return target
    if current_user.is_authenticated and current_user.role is UserRole.VOLUNTEER:
        return url_for("assist.enter")  # volunteers only enter stories
    return url_for("moderate.queue")


def _account_key() -> str:
    """Rate-limit key for the account being tried, whoever is trying it."""
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.errorhandler(TooManyRequests)
def too_many_attempts(_error: TooManyRequests) -> Any:
    """A rate-limited login comes back as the form, e-mail kept, with a plain message."""
    form = LoginForm()
    form.form_errors.append(TOO_MANY_ATTEMPTS)
    return render_template("auth/login.html", form=form), 429


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(
    configured_limit("LOGIN_ACCOUNT_RATE_LIMIT"),
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,  # a successful login does not count against the account
)
@no_store
def login() -> object:
    if current_user.is_authenticated:
        return redirect(_safe_next(None))
    form = LoginForm()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_template("auth/login.html", form=form)
        if form.csrf_token.errors:
            form.form_errors.append("Your session had expired. Please log in again.")
        return render_template("auth/login.html", form=form), 400
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None:
        form.form_errors.append("E-mail or password is not correct.")
        return render_template("auth/login.html", form=form), 400
    login_user(user)
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
def logout() -> object:
    if ActionForm().validate_on_submit():
        logout_user()
        flash("You are logged out.")
    return redirect(url_for("reader.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@no_store
def change_password() -> object:
    form = PasswordForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        if form.csrf_token.errors:
            form.form_errors.append("Your session had expired. Please try again.")
        return render_template("auth/password.html", form=form), status
    try:
        accounts.change_password(current_user, form.current.data, form.new.data)
    except FieldError as error:
        getattr(form, error.field).errors.append(str(error))
        return render_template("auth/password.html", form=form), 400
    flash("Your password is changed.")
    return redirect(url_for("moderate.queue"))
