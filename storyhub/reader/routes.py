"""Public pages: only `catalog` and `search` queries, so only published content."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from storyhub.i18n import current_locale, language_name, normalise_language_tag
from storyhub.reader import bp, params
from storyhub.services import catalog, search
from storyhub.views import parse_int, revalidate_with_etag

SEARCH_PAGES = 20
# Old `?page=N` links are redirected to the keyset cursor where that page started, found with
# a scan of at most LEGACY_PAGES pages of ids; deeper ones answer 404.
LEGACY_PAGES = 10


@bp.after_request
def cacheable_for_anonymous(response: Any) -> Any:
    """Let browsers and proxies revalidate anonymous pages cheaply with an ETag."""
    # The interface language comes from ?lang= or, failing that, Accept-Language.
    response.vary.add("Accept-Language")
    if (
        request.method == "GET"
        and response.status_code == 200
        and not current_user.is_authenticated
    ):
        revalidate_with_etag(response)
    elif current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _per_page() -> int:
    return current_app.config["STORIES_PER_PAGE"]


@bp.route("/")
def home() -> Any:
    return render_template("reader/home.html", home=catalog.home_page(10))


def _filter_args(filters: catalog.StoryFilters) -> dict[str, str]:
    return {k: v for k, v in vars(filters).items() if v}


@bp.route("/stories/")
def stories() -> Any:
    filters = params.story_filters(request.args)
    page = parse_int(request.args.get("page"), 1, 1, 100_000)
    if page is None:
        abort(400)
    if page > LEGACY_PAGES:
        # Deeper numbered pages would cost an ever longer scan: only cursors go that far.
        abort(404)
    if "page" in request.args:
        # Links from before keyset paging: find where that page started, once.
        args = _filter_args(filters)
        start = catalog.cursor_after_pages(filters, page - 1, _per_page())
        if start:
            args["after"] = start.encode()
        return redirect(url_for(".stories", **args), 301 if page == 1 else 302)
    listing = catalog.list_teasers(
        filters,
        after=params.cursor(request.args, "after"),
        before=params.cursor(request.args, "before"),
        limit=_per_page(),
    )
    return render_template(
        "reader/stories.html",
        listing=listing,
        filters=filters,
        choices=catalog.filter_choices(filters),
        counted=catalog.listing_count(filters),
        paged="after" in request.args or "before" in request.args,
    )


@bp.route("/stories/<id:story_id>")
@bp.route("/stories/<id:story_id>-<slug>")
def story(story_id: int, slug: str | None = None) -> Any:
    story = catalog.find_public_story(story_id)
    if story is None:
        abort(404)
    if story.update_of is not None:
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


@bp.route("/stories/<id:story_id>/like")
def stories_like(story_id: int) -> Any:
    story = catalog.public_story(story_id)
    if story is None:
        abort(404)
    like = catalog.stories_like(story, current_locale())
    return render_template("reader/like.html", like=like)


@bp.route("/topics/")
def topics() -> Any:
    return render_template("reader/topics.html", topics=catalog.topic_entries())


@bp.route("/topics/<slug>")
def topic(slug: str) -> Any:
    topic = catalog.topic_heading(slug) or abort(404)
    filters = catalog.StoryFilters(topic=slug)
    return render_template(
        "reader/topic.html",
        topic=topic,
        filters=filters,
        listing=catalog.list_teasers(filters, limit=_per_page()),
        counted=catalog.listing_count(filters),
    )


@bp.route("/diagnoses/")
def diagnoses() -> Any:
    return render_template("reader/diagnoses.html", tree=catalog.diagnosis_tree())


@bp.route("/diagnoses/<slug>")
def diagnosis(slug: str) -> Any:
    diagnosis = catalog.diagnosis_heading(slug) or abort(404)
    filters = catalog.StoryFilters(diagnosis=slug)
    return render_template(
        "reader/diagnosis.html",
        diagnosis=diagnosis,
        filters=filters,
        listing=catalog.list_teasers(filters, limit=_per_page()),
        counted=catalog.listing_count(filters),
    )


@bp.route("/languages/<tag>")
def language(tag: str) -> Any:
    normalised = normalise_language_tag(tag) or abort(404)
    if normalised != tag:
        return redirect(url_for(".language", tag=normalised), 301)
    filters = catalog.StoryFilters(language=tag)
    return render_template(
        "reader/language.html",
        tag=tag,
        name=language_name(tag, capitalize=False),
        filters=filters,
        listing=catalog.list_teasers(filters, limit=_per_page()),
        counted=catalog.listing_count(filters),
    )


@bp.route("/search")
def search_page() -> Any:
    query = request.args.get("q", "")
    page = parse_int(request.args.get("page"), 1, 1, SEARCH_PAGES)
    if page is None or len(query) > 500:
        abort(400)
    filters = params.story_filters(request.args)
    results = search.search_stories(query, page, _per_page(), filters, current_locale())
    return render_template(
        "reader/search.html",
        results=results,
        page=page,
        filters=filters,
        choices=catalog.filter_choices(filters),
    )
