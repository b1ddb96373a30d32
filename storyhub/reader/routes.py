"""Public pages: only `catalog` queries, so only published content."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from storyhub.i18n import (
    country_name,
    is_country_code,
    language_name,
    normalise_language_tag,
)
from storyhub.reader import bp
from storyhub.services import catalog
from storyhub.views import parse_int


@bp.after_request
def cacheable_for_anonymous(response: Any) -> Any:
    """Let browsers and proxies revalidate anonymous pages cheaply with an ETag."""
    if (
        request.method == "GET"
        and response.status_code == 200
        and not current_user.is_authenticated
    ):
        response.add_etag()
        response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        response.make_conditional(request)
    elif current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/")
def home() -> Any:
    return render_template(
        "reader/home.html",
        teasers=catalog.recent_teasers(10),
        topics=catalog.public_topics(),
        diagnoses=catalog.diagnosis_choices(),
    )


@bp.route("/stories/")
def stories() -> Any:
    page = parse_int(request.args.get("page"), 1, 1, 100_000)
    diagnosis = request.args.get("diagnosis", "").strip()
    language = request.args.get("language", "").strip()
    country = request.args.get("country", "").strip().upper()
    if page is None or len(diagnosis) > 80 or (country and not is_country_code(country)):
        abort(400)
    if language:
        language = normalise_language_tag(language) or abort(400)
    if diagnosis and catalog.diagnosis_by_slug(diagnosis) is None:
        abort(404)
    filters = catalog.StoryFilters(diagnosis=diagnosis, language=language, country=country)
    teasers, has_more = catalog.filtered_teasers(
        filters, page, current_app.config["STORIES_PER_PAGE"]
    )
    return render_template(
        "reader/stories.html",
        teasers=teasers,
        has_more=has_more,
        page=page,
        filters=filters,
        diagnoses=catalog.diagnosis_choices(),
        country_label=country_name(country) if country else "",
        language_label=language_name(language) if language else "",
    )


@bp.route("/stories/<int:story_id>")
@bp.route("/stories/<int:story_id>-<slug>")
def story(story_id: int, slug: str | None = None) -> Any:
    story = catalog.public_story(story_id) if story_id < 2**31 else None
    if story is None:
        abort(404)
    if story.update_of_id:
        original = story.update_of
        return redirect(
            url_for(".story", story_id=original.id, slug=catalog.story_slug(original))
            + f"#update-{story.id}",
            301,
        )
    canonical = catalog.story_slug(story)
    if slug != canonical:
        return redirect(url_for(".story", story_id=story.id, slug=canonical), 301)
    return render_template("reader/story.html", page=catalog.story_page(story))


@bp.route("/topics/")
def topics() -> Any:
    return render_template("reader/topics.html", topics=catalog.public_topics())


@bp.route("/topics/<slug>")
def topic(slug: str) -> Any:
    topic = catalog.topic_by_slug(slug) or abort(404)
    return render_template(
        "reader/topic.html",
        topic=topic,
        teasers=catalog.topic_teasers(topic, current_app.config["TOPIC_TEASER_LIMIT"]),
    )


@bp.route("/diagnoses/")
def diagnoses() -> Any:
    return render_template("reader/diagnoses.html", diagnoses=catalog.diagnosis_choices())


@bp.route("/diagnoses/<slug>")
def diagnosis(slug: str) -> Any:
    diagnosis = catalog.diagnosis_by_slug(slug) or abort(404)
    return render_template(
        "reader/diagnosis.html",
        diagnosis=diagnosis,
        teasers=catalog.diagnosis_teasers(diagnosis, current_app.config["TOPIC_TEASER_LIMIT"]),
    )


@bp.route("/languages/<tag>")
def language(tag: str) -> Any:
    normalised = normalise_language_tag(tag) or abort(404)
    if normalised != tag:
        return redirect(url_for(".language", tag=normalised), 301)
    return render_template(
        "reader/language.html",
        tag=tag,
        name=language_name(tag),
        teasers=catalog.language_teasers(tag, current_app.config["TOPIC_TEASER_LIMIT"]),
    )
