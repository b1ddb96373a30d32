from flask import Blueprint

bp = Blueprint("reader", __name__)

from storyhub.reader import feeds, routes  # noqa: E402,F401  (views attach themselves to bp)
