"""/assist/: volunteers and moderators enter stories that came by letter, phone, e-mail or in
person, on their authors' behalf (services/assisted.py)."""

from flask import Blueprint

bp = Blueprint("assist", __name__, url_prefix="/assist")

from storyhub.assist import routes  # noqa: E402,F401
