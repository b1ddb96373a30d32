"""storyhub: patient stories, submitted, moderated and read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from config import (
    INSTANCE_DIR,
    Config,
    config_from_environment,
    resolve_public_url,
    resolve_secret_key,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Create the app. `config` is a config class, or overrides on top of the environment's."""
    overrides = config if isinstance(config, Mapping) else {}
    app = Flask(
        __name__,
        instance_path=str(overrides.get("INSTANCE_PATH", INSTANCE_DIR)),
        template_folder=str(PROJECT_DIR / "templates"),
    )
    config_class = config if isinstance(config, type) else config_from_environment()
    app.config.from_object(config_class)
    app.config["RATELIMIT_STORAGE_URI"] = config_class.ratelimit_storage_uri()
    if isinstance(config, Mapping):
        app.config.update(config)
    app.config["SECRET_KEY"] = resolve_secret_key(config_class, app.config.get("SECRET_KEY"))
    app.config["PUBLIC_URL"] = resolve_public_url(config_class, app.config.get("PUBLIC_URL"))

    _init_extensions(app)
    from storyhub import lookups

    lookups.init_app(app)  # the <id:…> converter, before the routes that name it
    _register_blueprints(app)

    from storyhub import cli, errors, pagecache, privacy, proxy, security, sessions, templating

    privacy.install_log_redaction(app)
    sessions.init_app(app)
    pagecache.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    # Last, so it wraps everything, the page cache included: one place decides what the
    # proxy's and the client's headers may change.
    proxy.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from storyhub import models
    from storyhub.extensions import (
        babel,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
        ui_locale,
    )
    from storyhub.services import login_throttle

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=ui_locale)
    limiter.init_app(app)
    login_throttle.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to moderate."

    @login_manager.user_loader
    def load_user(session_user_id: str) -> models.User | None:
        """The session's user, if the session is still of the user's current generation."""
        user_id, _dot, generation = session_user_id.partition(".")
        if not (user_id.isdigit() and generation.isdigit()) or len(session_user_id) > 40:
            return None
        user = db.session.get(models.User, int(user_id))
        if user is None or user.get_id() != session_user_id:
            return None  # logged out everywhere, new password, deactivated or new role
        return user

    from storyhub.sanitize import guard_stored_text
    from storyhub.services import conflicts

    guard_stored_text(conflicts.ConflictSession)
    with app.app_context():
        conflicts.init_engine(db.engine)
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys, and let readers and one writer work at once (WAL)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    from storyhub import admin, api, assist, auth, devmail, health, moderate, reader, submit

    app.register_blueprint(health.bp)
    app.register_blueprint(reader.bp)
    app.register_blueprint(submit.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(moderate.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(assist.bp)
    devmail.init_app(app)  # /dev/mail, development only
