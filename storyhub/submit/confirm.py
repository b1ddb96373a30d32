"""POST /my/<token>/confirm: the author of a story entered on their behalf confirms it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from storyhub.i18n import current_locale
from storyhub.services.assisted import confirm_by_author
from storyhub.services.errors import TransitionNotAllowed
from storyhub.submit import bp
from storyhub.submit.manage import back_to_manage, manage_limit, private_page, story_or_404
from storyhub.submit.manage_forms import AuthorConfirmForm
from storyhub.submit.messages import say
from storyhub.submit.refill import csrf_expired_message


@bp.route("/my/<token>/confirm", methods=["POST"])
@manage_limit
@private_page
def confirm_story(token: str) -> Any:
    story = story_or_404(token)
    form = AuthorConfirmForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            return back_to_manage(token, csrf_expired_message(_("Confirm my story")), "error")
        return back_to_manage(token, _("Please tick the box to confirm your story."), "error")
    try:
        confirm_by_author(story, current_locale())
    except TransitionNotAllowed as error:
        return back_to_manage(token, say(error))
    return back_to_manage(
        token, _("Thank you: your story is confirmed. A moderator can now publish it.")
    )
