"""Keep private values out of every log line: the tokens of private links (`/my/<token>` and
any other route with a `<token>` argument, however the path is spelled: `%2F`, `%252F`,
`%6Dy`, doubled slashes, backslashes, inside a query string), e-mail addresses, and long
random strings (tokens, keys, cookies).

Redaction happens at the root, three ways, so no handler can miss it: every LogRecord is
redacted as it is created (the record factory, which covers handlers added later, such as a
test runner's), a filter sits on the root logger and on every handler present when the app
starts (the dev server's, gunicorn's access and error logs: storyhub/gunicorn_conf.py), and on
the loggers that write request lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote

from flask import Flask

# Path prefixes whose next segment is a secret. "my" always; create_app adds the prefix of
# every route with a <token> argument, so a new private route is redacted without a change here.
_private_prefixes: set[str] = {"my"}
_private_path: re.Pattern[str]

_EMAIL = re.compile(r"[\w.!#$%'*+^`{|}~-]+(?:@|%40|%2540)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# A run of URL characters: what a path, a query string or a quoted URL can be made of.
_URLISH = re.compile(r"[^\s\"'<>`()\[\]{}|,;]+")
_HEX_SECRET = re.compile(r"(?<![A-Za-z0-9])[A-Fa-f0-9]{32,}(?![A-Za-z0-9])")
_RANDOM_SECRET = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]{32,}(?![A-Za-z0-9_.-])")
REDACTED = "[redacted]"


def _compile_private_path() -> None:
    global _private_path
    prefixes = "|".join(re.escape(p) for p in sorted(_private_prefixes, key=len, reverse=True))
    _private_path = re.compile(
        rf"(^|[/=?&#:])({prefixes})/+(?!\[redacted\])[^/?#&\s]+[^?#&\s]*", re.IGNORECASE
    )


_compile_private_path()


def _decoded(chunk: str) -> str:
    """The path as a router would see it: percent-escapes undone (twice-encoded too),
    backslashes as slashes, doubled slashes and dot segments collapsed."""
    for _ in range(3):
        unquoted = unquote(chunk)
        if unquoted == chunk:
            break
        chunk = unquoted
    chunk = chunk.replace("\\", "/")
    chunk = re.sub(r"/(?:\./)+", "/", chunk)
    return re.sub(r"/{2,}", "/", chunk) if "://" not in chunk else chunk


def _redact_private_paths(chunk: re.Match[str]) -> str:
    text = chunk.group(0)
    decoded = _decoded(text)
    if not _private_path.search(decoded):
        return text
    return _private_path.sub(lambda m: f"{m.group(1)}{m.group(2)}/{REDACTED}", decoded)


def _looks_random(match: re.Match[str]) -> str:
    """Long runs mixing upper case, lower case and digits are keys or tokens; slugs are not."""
    text = match.group(0)
    if any(c.isupper() for c in text) and any(c.islower() for c in text):
        if any(c.isdigit() for c in text):
            return REDACTED
    return text


def redact(text: str) -> str:
    """Return the text with private paths, e-mail addresses and secrets replaced."""
    text = _EMAIL.sub("[email]", text)
    text = _URLISH.sub(_redact_private_paths, text)
    text = _HEX_SECRET.sub(REDACTED, text)
    return _RANDOM_SECRET.sub(_looks_random, text)


_formatter = logging.Formatter()


def redact_record(record: logging.LogRecord) -> None:
    """Render the record's message and traceback now, redacted (idempotent)."""
    if getattr(record, "storyhub_redacted", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what can be shown
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = _formatter.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record.storyhub_redacted = True


class RedactSecrets(logging.Filter):
    """A logging filter that redacts each record it sees and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


# Kept for code that imported the old name.
RedactManageTokens = RedactSecrets

_installed_factory = False


def _install_record_factory() -> None:
    global _installed_factory
    if _installed_factory:
        return
    previous = logging.getLogRecordFactory()

    def make_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(make_record)
    _installed_factory = True


def _add_filter(target: logging.Filterer) -> None:
    if not any(isinstance(f, RedactSecrets) for f in target.filters):
        target.addFilter(RedactSecrets())


def install_on(loggers: Iterable[logging.Logger]) -> None:
    """Put the filter on these loggers and on each of their handlers."""
    for logger in loggers:
        _add_filter(logger)
        for handler in logger.handlers:
            _add_filter(handler)


def install_log_redaction(app: Flask | None = None) -> None:
    """Redact at the root: record factory, root logger and handlers, request-line loggers."""
    if app is not None:
        for rule in app.url_map.iter_rules():
            if "token" in rule.arguments and "<token" in rule.rule:
                prefix = rule.rule.split("<token", 1)[0].strip("/")
                if prefix and prefix not in _private_prefixes:
                    _private_prefixes.add(prefix)
                    _compile_private_path()
    _install_record_factory()
    from flask.logging import default_handler

    _add_filter(default_handler)
    names = ("werkzeug", "gunicorn.access", "gunicorn.error", "storyhub", "flask.app")
    install_on([logging.getLogger(), *(logging.getLogger(name) for name in names)])
    if app is not None:
        install_on([app.logger])
