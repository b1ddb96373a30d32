"""Helpers the templates call: display only, no queries."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import format_date, format_number, format_timedelta, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from wtforms import Field

from storyhub import cache_versions, i18n, labels
from storyhub.forms import ActionForm
from storyhub.models import Story
from storyhub.proxy import external_url
from storyhub.services import catalog
from storyhub.services.catalog import TeaserSource, story_slug

# Query parameters the language switcher carries over to the same page in another language.
KEPT_QUERY_ARGS = frozenset({"diagnosis", "topic", "language", "country", "q", "after", "before"})


def _story_values(story: Story | TeaserSource, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The reader.story values of a story; an update lives on its original's page, at its
    anchor."""
    # A teaser row has no `update_of`: its own URL redirects to the same anchor.
    original = getattr(story, "update_of", None) if story.update_of_id else None
    if original is not None:
        kwargs.setdefault("_anchor", f"update-{story.id}")
        return {"story_id": original.id, "slug": story_slug(original), **kwargs}
    return {"story_id": story.id, "slug": story_slug(story), **kwargs}


def story_url(story: Story | TeaserSource, **kwargs: Any) -> str:
    """The story's canonical URL, as a link within the site."""
    return url_for("reader.story", **_story_values(story, kwargs))


def canonical_url(story: Story) -> str:
    """Absolute URL without the interface-language choice: for canonical links, feeds, APIs
    (built from PUBLIC_URL when it is set)."""
    return external_url("reader.story", **_story_values(story, {"lang": None}))


def age(moment: datetime) -> str:
    return format_timedelta(datetime.now(UTC) - moment, granularity="minute")


def field_attrs(field: Field, hint: str = "") -> dict[str, str]:
    """ARIA attributes tying a field to its hint and its error message."""
    described_by = [f"{field.id}-hint"] if hint else []
    attrs = {}
    if field.errors:
        described_by.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return attrs


def switch_language_url(code: str) -> str:
    """This page in another interface language: the same URL with ?lang= changed."""
    view_args = request.view_args or {}
    if request.endpoint is None or request.method != "GET":
        return url_for("reader.home", lang=code)
    # Only the parameters pages understand: anything else (say ?endpoint=) could clash with
    # url_for's own arguments.
    args = {
        key: values
        for key, values in request.args.to_dict(flat=False).items()
        if key in KEPT_QUERY_ARGS and key not in view_args
    }
    return url_for(request.endpoint, **view_args, **args, lang=code)


def language_switch() -> list[tuple[str, str, str, bool]]:
    """The language switcher's entries: (code, its own name, this page in it, current?)."""
    current = i18n.current_locale()
    return [
        (code, name, switch_language_url(code), code == current)
        for code, name in _ui_languages(tuple(current_app.config["STORYHUB_UI_LOCALES"]))
    ]


@functools.lru_cache(maxsize=8)
def _ui_languages(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each interface language with its own name for itself (the same in every locale)."""
    return tuple((code, i18n.language_autonym(code)) for code in codes)


def keep_chosen_language(endpoint: str | None, values: dict[str, Any]) -> None:
    """Carry an explicit ?lang= choice into every link the page makes, so the choice is
    remembered without a cookie (pages stay cacheable). The API and static files ignore it."""
    if not has_request_context() or "lang" in values or endpoint is None:
        return
    if endpoint == "static" or endpoint.startswith("api."):
        return
    chosen = i18n.chosen_ui_locale()
    if chosen:
        values["lang"] = chosen


def fingerprint_static(endpoint: str | None, values: dict[str, Any]) -> None:
    """Add `?v=<content hash>` to static URLs: nginx serves them as immutable for a year
    (deploy/nginx.conf), and a changed file gets a new URL."""
    if endpoint != "static" or "v" in values or not has_request_context():
        return
    path = Path(current_app.static_folder or "") / str(values.get("filename", ""))
    try:
        stat = path.stat()
    except OSError:
        return
    values["v"] = _content_hash(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _content_hash(path: str, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _translations(context: Context) -> Any:
    """The catalog a render uses: looked up once per render_template (`page_translations`,
    a context processor), not through Flask-Babel's request context for every string; a
    macro imported without the page's context looks it up as Flask-Babel does."""
    found = context.get("_translations")
    return found if found is not None else get_translations()


@pass_context
def _gettext(__context: Context, __string: str, **variables: Any) -> str:
    """`_()` and `gettext()` in templates, as Jinja's i18n extension (new style) has them:
    the translation is a format string, marked safe in autoescaped templates (the catalog's
    own text), and the variables are escaped into it."""
    text = _translations(__context).ugettext(__string)
    return (Markup(text) if __context.eval_ctx.autoescape else text) % variables  # noqa: S704


@pass_context
def _ngettext(
    __context: Context, __singular: str, __plural: str, __num: int, **variables: Any
) -> str:
    variables.setdefault("num", __num)
    text = _translations(__context).ungettext(__singular, __plural, __num)
    return (Markup(text) if __context.eval_ctx.autoescape else text) % variables  # noqa: S704


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"_translations": get_translations()})
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.url_defaults(keep_chosen_language)
    app.url_defaults(fingerprint_static)
    app.jinja_env.globals.update(
        story_url=story_url,
        canonical_url=canonical_url,
        external_url=external_url,
        language_name=i18n.language_name,
        language_autonym=i18n.language_autonym,
        country_name=i18n.country_name,
        # Codes into words: storyhub/labels.py is the one table of them.
        status_words=lambda status: labels.label(labels.STATUS, status, default=str(status)),
        relation_words=lambda relation: labels.label(labels.RELATION, relation),
        # Only the moderators' pages say how a story arrived: in English, like the rest of them.
        arrival_words=lambda arrived_by: labels.label(labels.ARRIVAL, arrived_by, "en"),
        identifier_kind_words=lambda kind: labels.label(labels.IDENTIFIER_KIND, kind),
        action_form=ActionForm,
        ui_lang=i18n.current_locale,
        ui_languages=lambda: list(_ui_languages(tuple(app.config["STORYHUB_UI_LOCALES"]))),
        language_switch=language_switch,
        switch_language_url=switch_language_url,
        chosen_ui_lang=i18n.chosen_ui_locale,
        filter_args=lambda filters: {k: v for k, v in vars(filters).items() if v},
        field_attrs=field_attrs,
        filter_labels=catalog.filter_labels,
        publish_generation=cache_versions.current_generation,
    )
    app.jinja_env.filters.update(
        date=lambda d: format_date(d, "long") if d else "",
        age=age,
        number=format_number,
        words=labels.words,  # "changes_requested" → "changes requested" (moderators' pages)
    )
