"""Moderator accounts: creating them and checking a login."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from storyhub.extensions import db
from storyhub.models import User, UserRole
from storyhub.services import login_throttle
from storyhub.services.errors import FieldError, ServiceError

MIN_PASSWORD_LENGTH = 12
# Checked against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("storyhub-timing-equaliser")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.email)))


def create_user(email: str, password: str, role: UserRole) -> User:
    """Create a moderator or admin account; e-mails are unique, case-insensitively."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise FieldError("email", code="not_an_email", email=email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError("password", code="password_too_short", min=MIN_PASSWORD_LENGTH)
    if db.session.scalar(sa.select(User.id).filter_by(email=email)) is not None:
        raise FieldError("email", code="account_exists", email=email)
    user = User(email=email, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active account with these credentials, or None."""
    user = db.session.scalar(sa.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    device_cookie: str | None = None  # to set on success: this browser is now known


def log_in(
    email: str, password: str, address: str | None, device_cookie: str | None
) -> LoginResult:
    """Check a login under the throttle (services/login_throttle.py); raises LoginThrottled
    before the password is looked at when this client must wait."""
    attempt = login_throttle.begin(normalise_email(email), address, device_cookie)
    user = authenticate(email, password)
    if user is None:
        return LoginResult(None)
    login_throttle.succeeded(attempt)
    return LoginResult(user, attempt.device_cookie_after_success())


def invite_user(email: str, role: UserRole) -> tuple[User, str]:
    """Create an account with a random first password, returned once for the admin to pass on
    (there is no e-mail for moderators yet); the new moderator changes it after logging in."""
    password = secrets.token_urlsafe(15)
    return create_user(email, password, role), password


def set_active(user: User, active: bool, admin: User) -> None:
    """Deactivate or reactivate an account; its open sessions end (User.session_generation)."""
    if user.id == admin.id and not active:
        raise ServiceError(code="deactivate_self")
    user.active = active
    db.session.commit()


def log_out_everywhere(user: User) -> None:
    """End every session of this user, in this browser and all others."""
    user.end_sessions()
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password; every session of the user ends (the caller logs this one in again)."""
    if not user.check_password(current):
        raise FieldError("current", code="wrong_password")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise FieldError("new", code="password_too_short", min=MIN_PASSWORD_LENGTH)
    user.set_password(new)
    db.session.commit()
