"""Query-string parsing shared by the reader pages and the JSON API: bad input is a 4xx."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, NotFound

from storyhub.i18n import is_country_code, normalise_language_tag
from storyhub.services import catalog
from storyhub.views import sane_moment


def story_filters(args: MultiDict[str, str]) -> catalog.StoryFilters:
    """Read `diagnosis`, `language`, `country` and `topic`: 400 when malformed, 404 when the
    diagnosis or topic does not exist."""
    diagnosis = args.get("diagnosis", "").strip()
    topic = args.get("topic", "").strip()
    language = args.get("language", "").strip()
    country = args.get("country", "").strip().upper()
    if len(diagnosis) > 80 or len(topic) > 80 or (country and not is_country_code(country)):
        raise BadRequest("Unknown country or malformed filter.")
    if language:
        language = normalise_language_tag(language) or ""
        if not language:
            raise BadRequest("Unknown language tag.")
    known = catalog.taxonomy()
    if diagnosis and diagnosis not in known.diagnosis_subtrees:
        raise NotFound("No such diagnosis.")
    if topic and topic not in known.topic_ids:
        raise NotFound("No such topic.")
    return catalog.StoryFilters(
        diagnosis=diagnosis, language=language, country=country, topic=topic
    )


def cursor(args: MultiDict[str, str], name: str) -> catalog.Cursor | None:
    """Read a keyset cursor; 400 for one we did not make."""
    token = args.get(name, "")
    if not token:
        return None
    try:
        parsed = catalog.Cursor.decode(token)
    except (OverflowError, ValueError):  # a well-formed time that no datetime can hold in UTC
        parsed = None
    if parsed is None or sane_moment(parsed.published_at) is None:
        raise BadRequest(f"The {name} cursor is not valid.")
    return parsed
