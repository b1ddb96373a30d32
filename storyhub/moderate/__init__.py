from flask import Blueprint

bp = Blueprint("moderate", __name__, url_prefix="/moderate")

from storyhub.moderate import routes  # noqa: E402,F401  (routes attach themselves to bp)
