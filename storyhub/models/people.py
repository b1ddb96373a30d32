"""People: submitters (private, never joined into public queries) and moderator accounts."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from storyhub.extensions import db
from storyhub.models._types import UTCDateTime, utcnow


class Submitter(db.Model):
    """Who sent a story: private e-mail, hashed manage token and the consent they gave."""

    __tablename__ = "submitters"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    manage_token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # A link sent again through /my/ (services/my_links.py). It works alongside the old one
    # until it is first opened; then it replaces it, and the old link stops working.
    next_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    consent_publish_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    consent_text_version: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:  # never the e-mail: reprs end up in logs
        return f"<Submitter {self.id}>"


class UserRole(enum.StrEnum):
    MODERATOR = "moderator"
    # Enters stories that came by letter, phone, e-mail or in person (/assist/) and nothing
    # else: no queue, no decisions.
    VOLUNTEER = "volunteer"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    role: so.Mapped[UserRole] = so.mapped_column(
        sa.Enum(
            UserRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
        )
    )
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Part of every session's user id: bumping it ends all of this user's sessions at once
    # (logout, new password, deactivation, role change; see _end_sessions_on_change below).
    session_generation: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and remember cookie: id and generation."""
        return f"{self.id}.{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """Make every session and remember cookie issued so far for this user invalid."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def _end_sessions_on_change(target: User, value: object, oldvalue: object, _by: object) -> None:
    """Whatever code path changes who someone is or what they may do, their sessions end."""
    if oldvalue in (so.attributes.NO_VALUE, so.attributes.NEVER_SET) or value == oldvalue:
        return  # a new object, or a write of the same value
    target.end_sessions()


for _attribute in (User.password_hash, User.role, User.active):
    sa.event.listen(_attribute, "set", _end_sessions_on_change, active_history=True)
