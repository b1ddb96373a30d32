from flask import Blueprint

bp = Blueprint("submit", __name__)

from storyhub.submit import routes  # noqa: E402,F401  (routes attach themselves to bp)
