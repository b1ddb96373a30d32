from flask import Blueprint

bp = Blueprint("reader", __name__)

from storyhub.reader import routes  # noqa: E402,F401  (routes attach themselves to bp)
