"""The author's answers on the private page /my/<token>: accept a moderator's edits or reply to
them, switch to the language the text reads as, give or withdraw a consent."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from storyhub.i18n import current_locale, language_name
from storyhub.models import ConsentPurpose, Story
from storyhub.services.author_changes import (
    accept_edits,
    reply_to_edits,
    set_consent,
    story_for_proposal,
    switch_to_detected_language,
)
from storyhub.services.errors import ServiceError, TransitionNotAllowed
from storyhub.services.submissions import StoryChanged
from storyhub.submit import bp
from storyhub.submit.manage import (
    back_to_manage,
    manage_limit,
    private_page,
    render_manage,
    story_or_404,
)
from storyhub.submit.manage_forms import (
    AcceptEditsForm,
    ConsentForm,
    LanguageSwitchForm,
    ReplyForm,
)
from storyhub.submit.messages import say
from storyhub.submit.routes import invalid_form_message


def _proposal_or_404(story: Story, target_id: int | None) -> Story:
    target = story_for_proposal(story, target_id or 0)
    if target is None:
        abort(404)
    return target


@bp.route("/my/<token>/accept", methods=["POST"])
@manage_limit
@private_page
def accept_edits_page(token: str) -> Any:
    story = story_or_404(token)
    form = AcceptEditsForm()
    if not form.validate_on_submit():
        return render_manage(story, token, 400, message=invalid_form_message(
            form, _("Publish this version")))  # fmt: skip
    target = _proposal_or_404(story, form.story_id.data)
    try:
        accept_edits(target, form.version.data, current_locale())
    except StoryChanged:
        return render_manage(story, token, 409, message=_(
            "The moderator changed it again while this page was open. Please read the "
            "changes below once more."))  # fmt: skip
    except TransitionNotAllowed:
        return back_to_manage(token, _("There is nothing to decide here any more."))
    return back_to_manage(token, _("Thank you: this version is published."))


@bp.route("/my/<token>/language", methods=["POST"])
@manage_limit
@private_page
def switch_language_page(token: str) -> Any:
    story = story_or_404(token)
    form = LanguageSwitchForm()
    if not form.validate_on_submit():
        return render_manage(story, token, 400, message=invalid_form_message(
            form, _("Switch the language")))  # fmt: skip
    try:
        switch_to_detected_language(story, form.version.data)
    except StoryChanged:
        return render_manage(story, token, 409, message=_(
            "Your story changed while this page was open. Please look at it again."))  # fmt: skip
    except TransitionNotAllowed as error:
        return back_to_manage(token, say(error))
    return back_to_manage(
        token, _("Thank you: your story is now marked as %(language)s.",
                 language=language_name(story.language, capitalize=False)))  # fmt: skip


@bp.route("/my/<token>/reply", methods=["POST"])
@manage_limit
@private_page
def reply_to_edits_page(token: str) -> Any:
    story = story_or_404(token)
    form = ReplyForm()
    target_id = form.story_id.data if isinstance(form.story_id.data, int) else 0
    if not form.validate_on_submit():
        return render_manage(story, token, 400, {target_id: form},
                             invalid_form_message(form, _("Send my reply")))  # fmt: skip
    target = _proposal_or_404(story, form.story_id.data)
    try:
        reply_to_edits(target, form.version.data, form.message.data)
    except StoryChanged:
        form.version.data = target.version
        form.version.raw_data = [str(target.version)]
        return render_manage(story, token, 409, {target.id: form}, _(
            "The moderator changed it again while this page was open. Your message is "
            "kept below: please read the changes, then send it again."))  # fmt: skip
    except TransitionNotAllowed:
        return render_manage(story, token, 409, {target.id: form},
                             _("There is nothing to decide here any more."))  # fmt: skip
    except ServiceError as error:
        form.message.errors = [*form.message.errors, say(error)]
        return render_manage(story, token, 400, {target.id: form})
    return back_to_manage(
        token, _("Thank you: your message is with the moderators. Nothing is published yet.")
    )


# ---- consent per use ------------------------------------------------------------------------

CONSENT_DONE = {
    ("translate", False): _l("Done: volunteers can no longer translate your story, and "
                             "translations already made are off the site."),
    ("translate", True): _l("Done: volunteers may translate your story again."),
    ("syndicate", False): _l("Done: your story is out of the feeds and the API. It stays on "
                             "the site."),
    ("syndicate", True): _l("Done: your story is included in the feeds and the API again."),
}  # fmt: skip


@bp.route("/my/<token>/consent", methods=["POST"])
@manage_limit
@private_page
def change_consent(token: str) -> Any:
    story = story_or_404(token)
    form = ConsentForm()
    if not form.validate_on_submit():
        return render_manage(
            story,
            token,
            400,
            message=_(
                "Your session had expired, so nothing was changed. Please press the button again."
            )
            if form.csrf_token.errors
            else _("Please choose again."),
        )
    give = form.give.data == "1"
    try:
        set_consent(
            story, ConsentPurpose(form.purpose.data), give, form.version.data, current_locale()
        )
    except StoryChanged:
        return render_manage(story, token, 409, message=_(
            "Your story changed while this page was open. Please check it, then choose "
            "again."))  # fmt: skip
    except TransitionNotAllowed:
        return back_to_manage(token, _("This choice cannot be changed for this story."))
    return back_to_manage(token, str(CONSENT_DONE[(form.purpose.data, give)]))


# ---- edit ---------------------------------------------------------------------------------
