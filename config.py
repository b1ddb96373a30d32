"""Configuration classes, read from the environment.

`STORYHUB_CONFIG` picks one of `development` (default), `testing` or `production`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("STORYHUB_INSTANCE", BASE_DIR / "instance"))


def _instance_secret_key() -> str:
    """Return a secret key kept in instance/, creating it on first use (development only)."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'storyhub.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    MAIL_URL: str | None = os.environ.get("MAIL_URL") or None

    # A story can take an hour to write: the CSRF token lives as long as the browser session,
    # and a failed check re-renders the filled form instead of discarding it.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_CHECK_DEFAULT = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    STORYHUB_UI_LOCALES = ("en", "it", "es")

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SUBMIT_RATE_LIMIT = "20 per hour;5 per minute"
    # Per client address, and per account whatever the address (failed attempts only), so
    # guessing one moderator's password from many machines is slow too.
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute;20 per hour"

    # "Being reviewed by X since HH:MM" fades after this many minutes without a page view.
    REVIEW_MARKER_MINUTES = 15
    QUEUE_PAGE_SIZE = 50
    LOG_PAGE_SIZE = 50

    TOPIC_TEASER_LIMIT = 50
    STORIES_PER_PAGE = 20

    @classmethod
    def ratelimit_storage_uri(cls) -> str:
        return cls.REDIS_URL or "memory://"


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("STORYHUB_TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    RATELIMIT_ENABLED = False
    SECRET_KEY = "testing-only-secret-key"  # noqa: S105  (tests only)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """Return the configuration class named by STORYHUB_CONFIG."""
    name = os.environ.get("STORYHUB_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"STORYHUB_CONFIG={name!r} is not one of {', '.join(sorted(CONFIGS))}."
        ) from None


def resolve_secret_key(config: type[Config]) -> str:
    """Return the secret key, or explain why production cannot start without one."""
    if config.SECRET_KEY:
        return config.SECRET_KEY
    if config is ProductionConfig or issubclass(config, ProductionConfig):
        raise RuntimeError(
            "SECRET_KEY is not set. In production it must come from the environment, "
            "identical on every worker, so that sessions and CSRF tokens stay valid: "
            "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return _instance_secret_key()
