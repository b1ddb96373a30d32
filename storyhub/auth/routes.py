"""Moderator login and logout, and changing one's own password."""

from __future__ import annotations

import math

from flask import (
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from storyhub.admin.messages import say
from storyhub.auth import bp
from storyhub.auth.forms import LoginForm, PasswordForm
from storyhub.forms import ActionForm
from storyhub.models import UserRole
from storyhub.services import accounts, login_throttle
from storyhub.services.errors import FieldError
from storyhub.views import no_store, safe_next


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site, never to another host (views.safe_next)."""
    if safe := safe_next(target):
        return safe
    if current_user.is_authenticated and current_user.role is UserRole.VOLUNTEER:
        return url_for("assist.enter")  # volunteers only enter stories
    return url_for("moderate.queue")


def _throttled(form: LoginForm, retry_after: int) -> Response:
    """A throttled login comes back as the form, e-mail kept, saying how long to wait."""
    form.form_errors.append(
        f"Too many failed login attempts. Please wait {_wait_text(retry_after)}, then try "
        "again. This slows down password guessing; a browser you have logged in with before "
        "is not held up by other people's attempts."
    )
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
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
    try:
        result = accounts.log_in(
            form.email.data,
            form.password.data,
            request.remote_addr,
            request.cookies.get(login_throttle.DEVICE_COOKIE),
        )
    except login_throttle.LoginThrottled as throttled:
        return _throttled(form, throttled.retry_after)
    if result.user is None:
        form.form_errors.append("E-mail or password is not correct.")
        return render_template("auth/login.html", form=form), 400
    login_user(result.user)
    response = redirect(_safe_next(request.args.get("next")))
    response.set_cookie(
        login_throttle.DEVICE_COOKIE,
        result.device_cookie or "",
        max_age=login_throttle.DEVICE_COOKIE_MAX_AGE,
        path=url_for("auth.login"),  # sent to the login page only, never to public pages
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/logout", methods=["POST"])
def logout() -> object:
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            accounts.log_out_everywhere(current_user._get_current_object())
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
        getattr(form, error.field).errors.append(say(error))
        return render_template("auth/password.html", form=form), 400
    login_user(current_user._get_current_object())  # this browser stays in; all others are out
    flash("Your password is changed. Any other browser logged in as you is now logged out.")
    return redirect(url_for("moderate.queue"))
