from flask import Blueprint

bp = Blueprint("reader", __name__)

from storyhub.reader import feeds, fragments, routes  # noqa: E402,F401  (views attach themselves to bp)

bp.record_once(lambda state: fragments.init_app(state.app))
