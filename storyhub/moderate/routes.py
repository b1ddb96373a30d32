"""The moderation queue, bulk decisions and the review page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from storyhub.i18n import country_choices, country_name, language_choices, language_name
from storyhub.labels import RELATION, words
from storyhub.lookups import get_or_404
from storyhub.models import Relation, Story, StoryStatus, UserRole
from storyhub.moderate import bp
from storyhub.moderate.forms import (
    SAVE,
    BulkForm,
    DecisionForm,
    EraseForm,
    QueueFilterForm,
    SkipForm,
    VersionForm,
)
from storyhub.moderate.messages import (
    CHECK_FIELDS,
    CSRF_EXPIRED,
    SENT_TO_AUTHOR,
    say,
    state_sentence,
)
from storyhub.services import catalog, moderation, story_edits
from storyhub.services.errors import ServiceError, StaleStoryError
from storyhub.services.workbench import queue as queue_service
from storyhub.services.workbench import reasons
from storyhub.services.workbench import review as reviewing
from storyhub.services.workbench.queue import QueueFilters, next_story, previous_story, queue_page
from storyhub.views import no_store


@bp.before_request
@login_required
def require_moderator() -> None:
    """Every page here needs a logged-in moderator or admin (login_required does the rest)."""
    if current_user.role is UserRole.VOLUNTEER:  # volunteers only enter stories (/assist/)
        abort(403)


def _preset_choices() -> list[tuple[int, str]]:
    return [(0, "— none —"), *((r.id, r.label) for r in reasons.reject_reasons())]


def _topic_choices(suggested: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [
        (t.slug, t.title("en") + (" (suggested)" if t.slug in suggested else ""))
        for t in catalog.public_topics()
    ]


# ----------------------------------------------------------------------------- queue


def _filter_form() -> QueueFilterForm:
    form = QueueFilterForm(formdata=request.args)
    form.diagnosis.choices = [("", "All diagnoses"), *catalog.diagnosis_choices("en")]
    return form


def _filters_from(form: QueueFilterForm) -> QueueFilters:
    return QueueFilters(
        state=StoryStatus(form.state.data),
        language=form.language.data,
        diagnosis=form.diagnosis.data,
        country=form.country.data,
        kind=form.kind.data,
    )


def review_filters() -> QueueFilters:
    """The queue tab and filters a review page was opened from (carried in its query string,
    so "& next" lands on the next story of the same filtered tab); ignored if malformed."""
    form = _filter_form()
    return _filters_from(form) if form.validate() else QueueFilters()


def tab_args() -> dict[str, str]:
    """The tab and filters to carry on to the next review page (none if none were given)."""
    return review_filters().link_args()


def _next_page(story: Story, filters: QueueFilters) -> Any:
    """After a decision or a skip: the next story of the same filtered tab, else the tab."""
    following = next_story(filters, story.id, current_user)
    if following is None:
        flash("Nothing else is waiting in this tab.")
        return redirect(url_for("moderate.queue", **filters.as_args()))
    return redirect(url_for("moderate.review", story_id=following, **filters.link_args()))


def _render_queue(filter_form: QueueFilterForm, bulk: BulkForm, status: int = 200) -> Any:
    filters = QueueFilters()
    after = None
    if filter_form.validate():
        filters = _filters_from(filter_form)
        after = filter_form.after.data
    else:
        status = 400
    page = queue_page(filters, after, current_user)
    filter_form.language.choices = [
        ("", "All languages"),
        *((code, language_name(code, "en")) for code in page.languages),
    ]
    filter_form.country.choices = [
        ("", "All countries"),
        *((code, country_name(code, "en")) for code in page.countries),
    ]
    bulk.topic.choices = [("", "— keep their topics —"), *_topic_choices()]
    bulk.preset.choices = _preset_choices()
    html = render_template("moderate/queue.html", page=page, filters=filter_form, bulk=bulk)
    return html, status


@bp.route("/")
@no_store
def queue() -> Any:
    return _render_queue(_filter_form(), BulkForm(formdata=None))


@bp.route("/presence.json")
@no_store
def presence() -> Any:
    """The queue's light poll: for the stories on screen, who else has them open and which
    were decided meanwhile. `ids` comma-separated (at most 200), `state` the tab."""
    raw = request.args.get("ids", "")
    ids = [int(part) for part in raw.split(",")[:200] if part.isascii() and part.isdigit()]
    ids = [i for i in ids if 0 < i < 2**31]
    try:
        state = StoryStatus(request.args.get("state", "pending"))
    except ValueError:
        abort(400)
    rows = queue_service.presence(ids, state, current_user)
    return {"stories": [row.__dict__ for row in rows]}


@bp.route("/bulk", methods=["POST"])
@no_store
def bulk() -> Any:
    form = BulkForm()
    form.topic.choices = [("", ""), *_topic_choices()]
    form.preset.choices = _preset_choices()
    if not form.validate():
        if form.csrf_token.errors:
            form.form_errors.append(CSRF_EXPIRED)
        return _render_queue(_filter_form(), form, 400)
    try:
        outcomes = moderation.bulk_decide(
            form.targets(),
            form.bulk_action.data,
            current_user,
            reason=form.reason.data,
            reason_preset_id=form.preset.data or None,
            topic_slug=form.topic.data,
        )
    except ServiceError as error:
        form.form_errors.append(say(error))
        return _render_queue(_filter_form(), form, error.status)
    # Each outcome with its words: "now published", or why not.
    results = [(o, say(o.error) if o.error else f"now {words(o.new_status)}") for o in outcomes]
    return render_template(
        "moderate/bulk_result.html", results=results, action=form.bulk_action.data
    )


# ----------------------------------------------------------------------------- review


def decision_form(**kwargs: Any) -> DecisionForm:
    form = DecisionForm(**kwargs)
    form.language.choices = language_choices("en")
    form.country.choices = country_choices("en")
    form.relation.choices = [(r.value, RELATION[r]) for r in Relation]
    form.diagnoses.choices = catalog.diagnosis_choices("en")
    form.topics.choices = _topic_choices()
    form.preset.choices = _preset_choices()
    return form


def _initial_data(story: Story, page: reviewing.ReviewPage) -> dict[str, Any]:
    return {
        "title": story.title,
        "author_name": story.author_name,
        "excerpt": story.excerpt,
        "content_note": story.content_note,
        "body": story_edits.editable_text(story.body_html),
        "diagnoses": [d.slug for d in story.diagnoses],
        "topics": [t.slug for t in story.topics],
        "language": story.language,
        "country": story.country,
        "relation": story.relation.value,
        "version": story.version,
        "loaded_at": page.loaded_at.isoformat(),
    }


def render_review(
    page: reviewing.ReviewPage,
    form: DecisionForm,
    status: int = 200,
    message: str = "",
    erase_form: EraseForm | None = None,
) -> Any:
    if erase_form is None:
        erase_form = EraseForm(formdata=None, prefix="erase", data={"version": page.story.version})
    # Suggested topics are marked among the checkboxes, for the moderator to confirm.
    form.topics.choices = _topic_choices({s.topic.slug for s in page.suggestions})
    listed = {code for code, _name in form.language.choices}  # type: ignore[union-attr]
    for code in (page.story.language, page.story.detected_language):
        if code and code not in listed:  # a rarer tag the menu lacks: keep it choosable
            form.language.choices = [*form.language.choices, (code, language_name(code, "en"))]  # type: ignore[misc]
    filters = review_filters()
    html = render_template(
        "moderate/review.html",
        page=page,
        story=page.story,
        filters=filters,
        previous_id=previous_story(filters, page.story.id),
        next_id=next_story(filters, page.story.id, current_user),
        form=form,
        erase_form=erase_form,
        message=message,
        reason_prompts=moderation.REASON_PROMPTS,
        field_labels=story_edits.FIELD_LABELS,
    )
    return html, status


def _move_form_to(form: DecisionForm, page: reviewing.ReviewPage) -> None:
    """Base the form on the story as it is now, keeping the moderator's own edits (fields they
    left alone show the new values): saving or deciding again is then a deliberate choice."""
    form.version.data = page.story.version
    form.version.raw_data = [str(page.story.version)]
    form.loaded_at.data = page.loaded_at.isoformat()
    assert page.changes is not None
    mine = page.changes.mine
    for name, value in (
        ("title", mine.title),
        ("author_name", mine.author_name),
        ("body", mine.body),
        ("excerpt", mine.excerpt),
        ("content_note", mine.content_note),
        ("diagnoses", mine.diagnoses),
        ("topics", mine.topics),
    ):
        if value is not None:
            getattr(form, name).data = value


@bp.route("/stories/<id:story_id>", methods=["GET", "POST"])
@no_store
def review(story_id: int) -> Any:
    story = get_or_404(Story, story_id)
    if request.method == "GET":
        page = reviewing.open_review(story, current_user)
        return render_review(page, decision_form(data=_initial_data(story, page)))
    form = decision_form()
    if not form.validate():
        message = CSRF_EXPIRED if form.csrf_token.errors else CHECK_FIELDS
        return render_review(reviewing.review_page(story, current_user), form, 400, message)
    edits = story_edits.StoryEdits(
        title=form.title.data,
        author_name=form.author_name_edit(),
        body=form.body.data,
        excerpt=form.excerpt.data,
        content_note=form.content_note_edit(),
        diagnoses=form.diagnoses.data,
        topics=form.topics.data,
        correction_reason=form.correction_reason.data or "",
        **form.correction_edits(),
    )
    try:
        if form.action.data == SAVE:
            changed = moderation.save_edits(story, current_user, form.version.data, edits)
        else:
            moderation.decide(
                story,
                form.action.data,
                actor=current_user,
                expected_version=form.version.data,
                reason=form.reason.data,
                edits=edits,
                reason_preset_id=form.preset.data or None,
            )
    except StaleStoryError as error:
        changes = reviewing.changes_since(error.story, form.loaded_at_time(), edits)
        page = reviewing.review_page(error.story, current_user, changes)
        _move_form_to(form, page)
        return render_review(page, form, 409, say(error))
    except ServiceError as error:
        page = reviewing.review_page(story, current_user)
        return render_review(page, form, error.status, say(error))
    if form.action.data == SAVE:
        flash(
            "Edits saved: " + ", ".join(story_edits.FIELD_LABELS[c] for c in changed) + "."
            if changed
            else "Nothing had changed, so nothing was saved."
        )
        if story.status is StoryStatus.AWAITING_AUTHOR:
            flash(SENT_TO_AUTHOR.format(id=story.id))
            return _next_page(story, review_filters())
        return redirect(url_for("moderate.review", story_id=story.id, **tab_args()))
    if story.status is StoryStatus.AWAITING_AUTHOR:
        flash(SENT_TO_AUTHOR.format(id=story.id))
    else:
        flash(state_sentence(story))
    return _next_page(story, review_filters())


@bp.route("/stories/<id:story_id>/skip", methods=["POST"])
@no_store
def skip(story_id: int) -> Any:
    """Leave the story for someone else: the claim is released, the next story opens."""
    story = get_or_404(Story, story_id)
    form = SkipForm()
    if not form.validate():
        page = reviewing.review_page(story, current_user)
        return render_review(page, _reload(story, page), 400, CSRF_EXPIRED)
    reviewing.release_review(story, current_user)
    flash(f"Skipped story {story.id}; it is free for others.")
    return _next_page(story, review_filters())


@bp.route("/stories/<id:story_id>/language", methods=["POST"])
@no_store
def correct_language(story_id: int) -> Any:
    """The one-click correction offered by the language flag."""
    story = get_or_404(Story, story_id)
    form = VersionForm()
    if not form.validate():
        message = CSRF_EXPIRED if form.csrf_token.errors else "Reload the page and try again."
        return render_review(
            reviewing.review_page(story, current_user), _reload(story), 400, message
        )
    try:
        tag = moderation.correct_to_detected_language(story, current_user, form.version.data)
    except StaleStoryError as error:
        page = reviewing.review_page(error.story, current_user)
        return render_review(page, _reload(error.story, page), 409, say(error))
    except ServiceError as error:
        page = reviewing.review_page(story, current_user)
        return render_review(page, _reload(story, page), 400, say(error))
    flash(f"Language corrected to {language_name(tag, 'en')}; the author sees why on their page.")
    return redirect(url_for("moderate.review", story_id=story.id, **tab_args()))


def _reload(story: Story, page: reviewing.ReviewPage | None = None) -> DecisionForm:
    page = page or reviewing.review_page(story, current_user)
    return decision_form(data=_initial_data(story, page))


@bp.route("/stories/<id:story_id>/erase", methods=["POST"])
@no_store
def erase_story(story_id: int) -> Any:
    story = get_or_404(Story, story_id)
    form = EraseForm(prefix="erase")
    if not form.validate():
        message = CSRF_EXPIRED if form.csrf_token.errors else "Please check the erase form below."
        return _review_after_error(story, message, form)
    try:
        moderation.erase(story, current_user, form.version.data, form.reason.data)
    except StaleStoryError as error:
        return _review_after_error(error.story, say(error), form, 409)
    except ServiceError as error:
        return _review_after_error(story, say(error), form, error.status)
    flash(f"Story {story.id} is erased: its text and the author's details are gone.")
    return redirect(url_for("moderate.queue"))


def _review_after_error(
    story: Story, message: str, erase_form: EraseForm, status: int = 400
) -> Any:
    page = reviewing.review_page(story, current_user)
    erase_form.version.data = story.version
    erase_form.version.raw_data = [str(story.version)]
    form = decision_form(data=_initial_data(story, page))
    return render_review(page, form, status, message, erase_form)
