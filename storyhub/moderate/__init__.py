from flask import Blueprint

bp = Blueprint("moderate", __name__, url_prefix="/moderate")

# The modules attach their routes and template filters to bp.
from storyhub.moderate import display, identifiers, log, routes  # noqa: E402,F401
