"""POST /my/<token>/appeal: "Ask for another look" at a rejected story, once."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from storyhub.services import appeals
from storyhub.services.errors import ServiceError, TransitionNotAllowed
from storyhub.submit import bp
from storyhub.submit.manage import (
    back_to_manage,
    manage_limit,
    private_page,
    render_manage,
    story_or_404,
)
from storyhub.submit.manage_forms import AppealForm
from storyhub.submit.messages import say
from storyhub.submit.routes import invalid_form_message


@bp.route("/my/<token>/appeal", methods=["POST"])
@manage_limit
@private_page
def appeal_story(token: str) -> Any:
    story = story_or_404(token)
    form = AppealForm()
    if not form.validate_on_submit():
        message = invalid_form_message(form, _("Ask for another look"))
        return render_manage(story, token, 400, message=message, appeal_form=form)
    try:
        appeals.ask_for_another_look(story, form.message.data)
    except TransitionNotAllowed as error:
        return back_to_manage(token, say(error))
    except ServiceError as error:
        form.message.errors = [*form.message.errors, say(error)]
        return render_manage(story, token, 400, message=say(error), appeal_form=form)
    return back_to_manage(
        token,
        _(
            "Thank you. A different moderator will read your story again, with your message. "
            "Their decision is final; we will e-mail it to you if you gave an address."
        ),
    )
