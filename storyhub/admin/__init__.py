"""Admin pages: moderator accounts, topics, diagnoses and preset reject reasons."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from storyhub.models import UserRole

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin() -> None:
    """Logged-in moderators who are not admins get 403; anyone else the login page."""
    if current_user.role is not UserRole.ADMIN:
        abort(403)


from storyhub.admin import people, support, taxonomy  # noqa: E402,F401  (routes attach themselves)
