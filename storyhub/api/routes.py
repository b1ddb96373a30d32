"""Read-only JSON API of published content: stories, one story, diagnoses, topics."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from storyhub.api import bp, schema
from storyhub.proxy import external_url
from storyhub.reader import params
from storyhub.services import catalog
from storyhub.views import parse_int, revalidate_with_etag

OPENAPI_FILE = Path(__file__).with_name("openapi.json")
MAX_LIMIT = 100


@bp.after_request
def public_and_cacheable(response: Response) -> Response:
    """Anyone may read published stories, from any site; proxies revalidate with an ETag."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "GET" and response.status_code == 200:
        # Revalidated every time: when an author withdraws a story from the API, no cache
        # anywhere keeps serving it.
        revalidate_with_etag(response)
    return response


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    return jsonify({"error": {"status": status, "message": error.description}}), status


@bp.route("/")
def index() -> Any:
    return jsonify(
        {
            "stories": external_url(".stories"),
            "diagnoses": external_url(".diagnoses"),
            "topics": external_url(".topics"),
            "openapi": external_url(".openapi"),
        }
    )


@bp.route("/stories")
def stories() -> Any:
    filters = params.story_filters(request.args)
    limit = parse_int(
        request.args.get("limit"), current_app.config["STORIES_PER_PAGE"], 1, MAX_LIMIT
    )
    if limit is None:
        abort(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    # Only stories whose authors allow feeds and the API (consent per use).
    listing = catalog.list_stories(
        filters, after=params.cursor(request.args, "cursor"), limit=limit, syndicated=True
    )
    next_cursor = listing.older.encode() if listing.older else None
    args = {k: v for k, v in vars(filters).items() if v}
    return jsonify(
        {
            "stories": [schema.story_summary(s) for s in listing.stories],
            "next_cursor": next_cursor,
            "next": external_url(".stories", cursor=next_cursor, limit=limit, **args)
            if next_cursor
            else None,
        }
    )


@bp.route("/stories/<id:story_id>")
def story(story_id: int) -> Any:
    found = catalog.public_story(story_id, syndicated=True)
    if found is None:
        abort(404, "No published story has this id.")
    if found.update_of_id:
        # On the site an update lives on its original's page; as JSON it stands on its own.
        return jsonify(schema.story_summary(found) | {"body_html": found.body_html})
    return jsonify(schema.story_detail(catalog.story_page(found, with_related=False)))


@bp.route("/diagnoses")
def diagnoses() -> Any:
    known = catalog.taxonomy()
    counts = catalog.diagnosis_story_counts()
    flat = [
        schema.diagnosis(known, diagnosis_id, counts.get(diagnosis_id, 0))
        for diagnosis_id, _depth in known.walk()
    ]
    return jsonify({"diagnoses": flat})


@bp.route("/topics")
def topics() -> Any:
    return jsonify({"topics": [schema.topic(entry) for entry in catalog.topic_entries()]})


@cache
def _openapi_document() -> dict[str, Any]:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


@bp.route("/openapi.json")
def openapi() -> Any:
    document = dict(_openapi_document())
    document["servers"] = [{"url": external_url(".index").rstrip("/")}]
    return jsonify(document)


@bp.route("/<path:_unknown>")
def unknown(_unknown: str) -> Any:
    abort(404, "No such API endpoint. See /api/v1/openapi.json.")
