"""Moderator login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from storyhub.auth import bp
from storyhub.auth.forms import LoginForm
from storyhub.extensions import limiter
from storyhub.forms import ActionForm
from storyhub.services.accounts import authenticate
from storyhub.views import configured_limit, no_store


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme and "\\" not in target:
            return target
    return url_for("moderate.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@no_store
def login() -> object:
    if current_user.is_authenticated:
        return redirect(url_for("moderate.queue"))
    form = LoginForm()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_template("auth/login.html", form=form)
        if form.csrf_token.errors:
            form.form_errors.append("Your session had expired. Please log in again.")
        return render_template("auth/login.html", form=form), 400
    user = authenticate(form.email.data, form.password.data)
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
