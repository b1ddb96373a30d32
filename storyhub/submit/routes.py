"""Submitting a story, and a translation of a published one."""

from __future__ import annotations

import hashlib
import re
import secrets
from types import SimpleNamespace
from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storyhub.extensions import limiter
from storyhub.i18n import chosen_ui_locale, country_choices, current_locale
from storyhub.models import Relation, Story
from storyhub.services import catalog, helplines
from storyhub.services.errors import ServiceError
from storyhub.services.submissions import (
    LanguageNeedsConfirmation,
    MayIdentifyAuthor,
    StorySubmission,
    TranslationSubmission,
    submit_story,
    submit_translation,
)
from storyhub.submit import bp
from storyhub.submit.forms import LanguageForm, StoryForm, TranslationForm
from storyhub.submit.messages import say
from storyhub.submit.refill import csrf_expired_message, failure_message, refiller
from storyhub.views import configured_limit, no_store


def invalid_form_message(form: Any, button: str) -> str:
    if form.csrf_token.errors:
        return csrf_expired_message(button)
    return _("Please check the fields marked below.")


def ask_about_language(form: LanguageForm, question: LanguageNeedsConfirmation) -> None:
    form.language_question = question.detected
    if isinstance(form, StoryForm):
        form.identify_question = question.risk


def render_received(receipt: Any, draft_key: str) -> str:
    """The thank-you page; words of distress add, at once, where to find help."""
    story = receipt.story
    if story.priority:
        support = helplines.helplines_for(story.country)
        return render_template(
            "submit/received.html", receipt=receipt, draft_key=draft_key, helplines=support
        )
    return _received_page(receipt, draft_key)


# The thank-you page is the same for every submission sent from one page in one language,
# but for the private link in it: it is made once per worker and variant, and the link is
# put in its place (a token is letters, digits, "-" and "_": the same escaped or not). This
# keeps the form's own page cost off POST /submit (a fifth of it, measured: bench/run.py).
_RECEIVED: dict[tuple[Any, ...], str] = {}
_RECEIVED_KEPT = 256
_LINK_STAND_IN = "RECEIPTxLINKxSTANDxIN"
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def _received_page(receipt: Any, draft_key: str) -> str:
    story, token = receipt.story, receipt.manage_token
    submitter = story.submitter
    variant = (
        request.url,
        request.host_url,
        current_locale(),
        chosen_ui_locale(),
        story.kind,
        bool(submitter and submitter.email),
        draft_key,
    )
    personal = (
        current_user.is_authenticated  # a volunteer or moderator: their own menu
        or "_flashes" in session  # messages shown once, on this page
        or not _PLAIN_TOKEN.fullmatch(token)
    )
    if personal:
        return render_template(
            "submit/received.html", receipt=receipt, draft_key=draft_key, helplines=None
        )
    page = _RECEIVED.get(variant)
    if page is None:
        stand_in = SimpleNamespace(story=story, manage_token=_LINK_STAND_IN)
        page = render_template(
            "submit/received.html", receipt=stand_in, draft_key=draft_key, helplines=None
        )
        if len(_RECEIVED) >= _RECEIVED_KEPT:
            _RECEIVED.clear()
        _RECEIVED[variant] = page
    return page.replace(_LINK_STAND_IN, token)


def story_form(formdata: object = None) -> StoryForm:
    """Build the story form with choices in the reader's language."""
    kwargs = {} if formdata is None else {"formdata": formdata}
    return StoryForm(
        diagnosis_choices=catalog.diagnosis_choices(),
        country_choices=country_choices(),
        **kwargs,
    )


def _ensure_key(form: StoryForm | TranslationForm) -> None:
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)


def render_story_form(form: StoryForm, status: int = 200, message: str = "") -> tuple[str, int]:
    _ensure_key(form)
    return render_template("submit/form.html", form=form, message=message), status


@refiller("submit.submit_story_page")
def _refill_story_form(status: int, message: str) -> tuple[str, int]:
    button = _("Submit story")
    return render_story_form(story_form(request.form), status, failure_message(status, button))


# A question the form asks back (is the language right? could someone recognise you?) and
# its answer are one submission: the POST that answers it does not count against the rate
# limit again. The browser session remembers (a digest of) each submission key it was asked
# about; the session is signed, so a client cannot add keys, and the idempotency key makes
# every POST with one key store at most one story.
ASKED_KEYS = "asked_submission_keys"
ASKED_KEYS_KEPT = 10


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def remember_question_asked(form: StoryForm | TranslationForm) -> None:
    digest = _key_digest(form.submission_key.data or "")
    kept = [d for d in session.get(ASKED_KEYS, []) if d != digest]
    session[ASKED_KEYS] = [*kept, digest][-ASKED_KEYS_KEPT:]


def answers_a_question() -> bool:
    """Flask-Limiter's exempt_when: this POST answers a question asked about its key."""
    key = request.form.get("submission_key", "")
    return bool(key) and _key_digest(key) in session.get(ASKED_KEYS, [])


@bp.route("/submit", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("SUBMIT_RATE_LIMIT"), methods=["POST"], exempt_when=answers_a_question
)
@no_store
def submit_story_page() -> Any:
    form = story_form()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_story_form(form)
        return render_story_form(form, 400, invalid_form_message(form, _("Submit story")))
    try:
        receipt = submit_story(
            StorySubmission(
                author_name=form.author_name.data,
                relation=Relation(form.relation.data),
                relation_detail=form.relation_detail.data,
                email=form.email.data or "",
                country=form.country.data,
                language=form.language.data,
                diagnoses=form.diagnoses.data,
                title=form.title.data,
                body=form.body.data,
                consent_publish=form.consent_publish.data,
                consent_translate=form.consent_translate.data,
                consent_syndicate=form.consent_syndicate.data,
                idempotency_key=form.idempotency_key(),
                confirm_language=form.confirm_language.data,
                confirm_identifiable=form.confirm_identifiable.data,
                locale=current_locale(),
            )
        )
    except LanguageNeedsConfirmation as question:
        ask_about_language(form, question)
        remember_question_asked(form)
        return render_story_form(form)
    except MayIdentifyAuthor as question:
        form.identify_question = question.risk
        remember_question_asked(form)
        return render_story_form(form)
    return render_received(receipt, "submit")


def _translatable_or_404(story_id: int) -> Story:
    story = catalog.public_story(story_id)  # the <id:> converter bounds story_id
    if story is None or story.update_of_id is not None:
        abort(404)
    return story


def render_translation_refused(original: Story) -> tuple[str, int]:
    """The author does not want translations: say so kindly, and give back any typed text."""
    form = TranslationForm(formdata=request.form if request.method == "POST" else None)
    return (
        render_template(
            "submit/translate_refused.html",
            original=original,
            title=form.title.data or "",
            body=form.body.data or "",
        ),
        403,
    )


def render_translation_form(
    original: Story, form: TranslationForm, status: int = 200, message: str = ""
) -> tuple[str, int]:
    _ensure_key(form)
    page = catalog.story_page(original)
    return (
        render_template(
            "submit/translate.html", original=original, page=page, form=form, message=message
        ),
        status,
    )


@refiller("submit.translate_story")
def _refill_translation_form(status: int, message: str) -> tuple[str, int]:
    original = _translatable_or_404(request.view_args["story_id"])  # type: ignore[index]
    if not original.allow_translation:
        return render_translation_refused(original)
    form = TranslationForm(formdata=request.form)
    return render_translation_form(
        original, form, status, failure_message(status, _("Send translation"))
    )


@bp.route("/stories/<id:story_id>/translate", methods=["GET", "POST"])
@limiter.limit(
    configured_limit("TRANSLATE_RATE_LIMIT"), methods=["POST"], exempt_when=answers_a_question
)
@no_store
def translate_story(story_id: int) -> Any:
    original = _translatable_or_404(story_id)
    if original.translation_of_id is not None:  # translate from the original, not a copy
        return redirect(url_for(".translate_story", story_id=original.translation_of_id))
    if not original.allow_translation:  # the author withdrew (or never gave) consent
        return render_translation_refused(original)
    form = TranslationForm()
    if not form.validate_on_submit():
        if request.method == "GET":
            return render_translation_form(original, form)
        message = invalid_form_message(form, _("Send translation"))
        return render_translation_form(original, form, 400, message)
    try:
        receipt = submit_translation(
            original,
            TranslationSubmission(
                language=form.language.data,
                title=form.title.data,
                body=form.body.data,
                translator_name=form.translator_name.data or "",
                email=form.email.data or "",
                consent_publish=form.consent_publish.data,
                idempotency_key=form.idempotency_key(),
                confirm_language=form.confirm_language.data,
                locale=current_locale(),
            ),
        )
    except LanguageNeedsConfirmation as question:
        ask_about_language(form, question)
        remember_question_asked(form)
        return render_translation_form(original, form)
    except ServiceError as error:  # the original's own language
        form.language.errors = [*form.language.errors, say(error)]
        return render_translation_form(
            original, form, 400, _("Please check the fields marked below.")
        )
    return render_received(receipt, f"translate-{original.id}")


# The manage-link pages, /my/ (send my links again), confirming an assisted entry, appeals.
from storyhub.submit import (  # noqa: E402,F401
    answers,
    appeal,
    confirm,
    follow,
    manage,
    recover,
)
