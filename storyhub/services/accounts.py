"""Moderator accounts: creating them and checking a login."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from storyhub.extensions import db
from storyhub.models import User, UserRole
from storyhub.services.errors import ServiceError

MIN_PASSWORD_LENGTH = 12
# Checked against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("storyhub-timing-equaliser")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, role: UserRole) -> User:
    """Create a moderator or admin account; e-mails are unique, case-insensitively."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ServiceError(f"{email!r} is not an e-mail address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(sa.select(User.id).filter_by(email=email)) is not None:
        raise ServiceError(f"An account for {email} already exists.")
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
