from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from storyhub.api import routes  # noqa: E402,F401  (routes attach themselves to bp)
