"""/dev/mail: the e-mail a development server has "sent", read back from instance/mail/.

Registered only when DEV_MAIL_PAGE is on (development's default; never in production), so a new
user running `make run` sees the receipt and private link they were promised. Messages are the
files the outbox's file transport wrote (services/outbox.py).
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, render_template

from storyhub.views import no_store

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")

SHOWN = 200
_FILE_NAME = re.compile(r"^\d{6,}-[a-z_:]+\.eml$")
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Mail:
    name: str
    to: str
    subject: str
    date: str
    message: EmailMessage


def _folder() -> Path:
    return Path(current_app.instance_path) / "mail"


def _read(path: Path) -> Mail:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return Mail(
        path.name, str(message["To"]), str(message["Subject"]), str(message["Date"]), message
    )


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def _linked(text: str) -> str:
    """The text escaped, with its web addresses clickable (localhost ones too)."""
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html.escape(text))


@bp.route("/")
@no_store
def index() -> Any:
    folder = _folder()
    files = sorted(folder.glob("*.eml"), reverse=True)[:SHOWN] if folder.is_dir() else []
    return render_template(
        "devmail/index.html",
        mails=[_read(path) for path in files],
        folder=folder,
        mail_url_set=bool(current_app.config.get("MAIL_URL")),
    )


@bp.route("/<name>")
@no_store
def show(name: str) -> Any:
    path = _folder() / name
    if not _FILE_NAME.match(name) or not path.is_file():
        abort(404)
    mail = _read(path)
    headers = {key: str(value) for key, value in mail.message.items()}
    body_html = _linked(_body(mail.message))
    return render_template("devmail/show.html", mail=mail, headers=headers, body_html=body_html)


def enabled(app: Flask) -> bool:
    """On in development (not under TESTING unless a test says True); only where the outbox
    writes files, which production never does."""
    setting = app.config.get("DEV_MAIL_PAGE")
    wanted = setting is True or (setting == "development" and not app.testing)
    return wanted and bool(app.config.get("MAIL_FILE_FALLBACK"))


def init_app(app: Flask) -> None:
    if enabled(app):
        app.register_blueprint(bp)
