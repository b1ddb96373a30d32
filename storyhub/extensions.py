"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from storyhub import ratelimit_memory  # noqa: F401  (registers the worker-memory:// storage)
from storyhub.services.conflicts import ConflictSession

# One naming convention so Alembic names constraints identically on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# Every database-level race surfaces as the domain error Conflict (services/conflicts.py).
db = SQLAlchemy(model_class=Base, session_options={"class_": ConflictSession})
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def ui_locale() -> str:
    """Pick the interface language (storyhub.i18n.ui_locale: ?lang=, then Accept-Language)."""
    from storyhub.i18n import ui_locale as choose

    return choose()
