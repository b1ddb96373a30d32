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


def _int_from_environment(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name}={value!r} is not a whole number (0 or more).")
    return int(value)


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY: str | None = None  # read at start-up by resolve_secret_key
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'storyhub.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    MAIL_URL: str | None = os.environ.get("MAIL_URL") or None
    # Every request body is bounded. The largest legitimate form is a 50,000-character story
    # in a script of 4-byte characters, percent-encoded (×3): about 600 KB plus the other
    # fields; a moderator's HTML edit of it is a few times that. 4 MiB leaves room for both;
    # anything larger is answered 413 before it is read. One form field may be as large.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    MAIL_FROM = os.environ.get("MAIL_FROM", "storyhub <no-reply@storyhub.invalid>")
    # The site's own address: links in e-mail composed outside a request (`flask outbox send`
    # answering /my/) are built from it.
    PUBLIC_URL: str | None = os.environ.get("PUBLIC_URL") or None
    MAIL_TIMEOUT_SECONDS = 20
    # Without MAIL_URL, development writes each e-mail as a file into instance/mail/;
    # production keeps them queued and `flask outbox send` says MAIL_URL is missing.
    MAIL_FILE_FALLBACK = True
    DEV_MAIL_PAGE: bool | str = False
    OUTBOX_BATCH_SIZE = 50
    # A claimed message is left alone this long; if its sender dies, another picks it up.
    OUTBOX_LEASE_SECONDS = 600
    # Retries wait 1, 2, 4, … minutes, at most 6 hours; a message is never dropped.
    OUTBOX_RETRY_BASE_SECONDS = 60
    OUTBOX_RETRY_MAX_SECONDS = 6 * 3600

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
    # Flask-Limiter syntax; operators tune them per deployment without a code change.
    SUBMIT_RATE_LIMIT = os.environ.get("SUBMIT_RATE_LIMIT", "20 per hour;5 per minute")
    # Login throttling (storyhub/services/login_throttle.py): growing delays per address, per
    # (address, account) and per account from unknown devices; overrides per scope, e.g.
    # {"account": {"free": 30, "max_seconds": 1800}}. RATELIMIT_ENABLED=False turns it off.
    LOGIN_THROTTLE: dict = {}
    TRANSLATE_RATE_LIMIT = os.environ.get("TRANSLATE_RATE_LIMIT", "20 per hour;5 per minute")
    MANAGE_RATE_LIMIT = os.environ.get("MANAGE_RATE_LIMIT", "60 per hour;10 per minute")
    # /my/ (send my private links again): per client here, per address when the requests are
    # handled (at most this many e-mails to one address a day, whoever asks).
    MY_LINKS_RATE_LIMIT = os.environ.get("MY_LINKS_RATE_LIMIT", "10 per hour;3 per minute")
    MY_LINKS_PER_ADDRESS_PER_DAY = 3
    # Follow a diagnosis or topic by e-mail: the subscribe form's limit per client, and how
    # long a confirmation link works.
    FOLLOW_RATE_LIMIT = os.environ.get("FOLLOW_RATE_LIMIT", "10 per hour;3 per minute")
    FOLLOW_CONFIRM_MAX_AGE_SECONDS = 7 * 86400
    # Shown to people who gave no e-mail address and lost their link (optional).
    CONTACT_EMAIL: str | None = os.environ.get("CONTACT_EMAIL") or None

    # The site's own address (scheme, host and optional path prefix, e.g.
    # https://stories.example.org). Set, it is the only Host the app answers and the base of
    # every absolute link (e-mails, feeds, the API); production refuses to start without it.
    PUBLIC_URL: str | None = os.environ.get("PUBLIC_URL") or None
    # How many reverse proxies stand in front of gunicorn: the X-Forwarded-* headers that many
    # hops added are believed (client address, scheme, host, prefix), any other is ignored.
    PROXY_HOPS = _int_from_environment("PROXY_HOPS", 0)

    # Anonymous public pages are kept in a server-side cache this long at most; any change
    # to public content makes them stale at once (storyhub/pagecache.py).
    PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE", "on") != "off"
    PAGE_CACHE_SECONDS = 300
    # Bounds, per worker in memory or shared in Redis (bytes: memory only; a page is at most
    # 1 MB). Pages with a query string (filters, searches, cursors) have a pool of their own,
    # so however many of them strangers ask for, the others stay.
    PAGE_CACHE_MAX_PAGES = 2_000
    PAGE_CACHE_MAX_BYTES = 64 * 2**20
    PAGE_CACHE_MAX_QUERY_PAGES = 1_000
    PAGE_CACHE_MAX_QUERY_BYTES = 16 * 2**20
    PAGE_CACHE_KEY_PREFIX = "storyhub:"

    # Ask the submitter to confirm the declared language when the detector (py3langid) is at
    # least this sure of another one, on at least this many letters of text.
    LANGUAGE_CHECK_CONFIDENCE = 0.9
    LANGUAGE_CHECK_MIN_LETTERS = 60

    # A story from a country with fewer than this many published stories, about a diagnosis
    # with fewer than this many (its sub-types included), could identify its author: the
    # submitter is warned before sending (never stopped) and moderators see a flag.
    # 0 switches the warning off.
    # The identifier check reads the text (names, towns, dates, contacts: storyhub/text/): the
    # submitter is asked about what it finds, and the count warning above needs it to fire.
    IDENTIFIER_CHECK = os.environ.get("IDENTIFIER_CHECK", "on") != "off"
    REIDENTIFICATION_COUNTRY_STORIES = int(os.environ.get("REIDENTIFICATION_COUNTRY_STORIES", 5))
    REIDENTIFICATION_DIAGNOSIS_STORIES = int(
        os.environ.get("REIDENTIFICATION_DIAGNOSIS_STORIES", 3)
    )
    # Moderators' edits publish directly while they stay this small: at most this many
    # typo-level corrections, each a word replaced by one at most this many letters apart.
    # Anything more goes to the author first ("publish this version?").
    MINOR_EDIT_MAX_CHANGES = 5
    MINOR_EDIT_MAX_TYPO_DISTANCE = 2

    # "Being reviewed by X since HH:MM" fades after this many minutes without a page view.
    REVIEW_MARKER_MINUTES = 15
    # How often the queue asks /moderate/presence.json who has what open and what was decided.
    PRESENCE_POLL_SECONDS = 20
    QUEUE_PAGE_SIZE = 50
    LOG_PAGE_SIZE = 50

    TOPIC_TEASER_LIMIT = 50
    STORIES_PER_PAGE = 20

    @classmethod
    def ratelimit_storage_uri(cls) -> str:
        # Without Redis, each worker's memory (storyhub/ratelimit_memory.py: no thread per hit).
        return cls.REDIS_URL or "worker-memory://"


class DevelopmentConfig(Config):
    DEBUG = False
    # /dev/mail lists the e-mail written to instance/mail/ (storyhub/devmail.py): "development"
    # = on, except under TESTING (a test turns it on with True). Production has no such files.
    DEV_MAIL_PAGE: bool | str = "development" if os.environ.get("DEV_MAIL_PAGE") != "0" else False


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("STORYHUB_TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    RATELIMIT_ENABLED = False
    SECRET_KEY = "testing-only-secret-key"  # noqa: S105  (tests only)


class ProductionConfig(Config):
    MAIL_FILE_FALLBACK = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_HOPS = _int_from_environment("PROXY_HOPS", 1)


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


def resolve_secret_key(config: type[Config], configured: str | None = None) -> str:
    """Return the secret key, or explain why production cannot start without one."""
    key = configured or os.environ.get("SECRET_KEY")
    if key:
        return key
    if issubclass(config, ProductionConfig):
        raise RuntimeError(
            "SECRET_KEY is not set. In production it must come from the environment, "
            "identical on every worker, so that sessions and CSRF tokens stay valid: "
            "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return _instance_secret_key()


def resolve_public_url(config: type[Config], configured: str | None) -> str | None:
    """Return PUBLIC_URL, or explain why production cannot start without it."""
    if configured:
        return configured
    if issubclass(config, ProductionConfig):
        raise RuntimeError(
            "PUBLIC_URL is not set. In production it must name the site's own address, "
            "e.g. PUBLIC_URL=https://stories.example.org: requests for any other host are "
            "refused, and e-mailed, feed and API links are built from it, never from the "
            "request's headers."
        )
    return None
