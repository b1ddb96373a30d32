"""Names of countries and languages, from Babel's CLDR data and pycountry's code list."""

from __future__ import annotations

from functools import lru_cache

import langcodes
import pycountry
from babel import Locale, UnknownLocaleError
from flask import current_app, has_request_context, request
from flask_babel import get_locale

# Offered first in the language menu: the languages the first community writes in most.
COMMON_LANGUAGES = ("en", "it", "es", "fr", "de", "pt", "nl", "pl", "ro", "el", "tr", "ar")


def current_locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


_CHOSEN = "storyhub.chosen_ui_locale"


def chosen_ui_locale() -> str | None:
    """The interface language the reader picked explicitly with ?lang=, if it is one we have.
    Every link a page builds asks (templating.keep_chosen_language): read once per request."""
    if not has_request_context():
        return None
    environ = request.environ
    try:
        return environ[_CHOSEN]  # type: ignore[no-any-return]
    except KeyError:
        pass
    chosen = request.args.get("lang", "")
    found = chosen if chosen in current_app.config["STORYHUB_UI_LOCALES"] else None
    environ[_CHOSEN] = found
    return found


def ui_locale() -> str:
    """Pick the interface language: explicit ?lang=, then Accept-Language, then English."""
    supported = current_app.config["STORYHUB_UI_LOCALES"]
    return (
        chosen_ui_locale()
        or request.accept_languages.best_match(supported)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@lru_cache(maxsize=64)
def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


# Valid tags that name no language a reader could choose: undetermined, no linguistic
# content, uncoded, several.
_NOT_A_LANGUAGE = frozenset({"und", "zxx", "mis", "mul"})


@lru_cache(maxsize=512)
def normalise_language_tag(tag: str) -> str | None:
    """Return the canonical BCP 47 form of `tag` ("pt_br" → "pt-BR", "iw" → "he"), or None.

    Any well-formed tag whose subtags are registered with IANA is accepted (langcodes checks
    the registry), so a story in Swiss German ("gsw") or American Sign Language ("ase") can be
    declared even though the menu lists only the languages Babel names.
    """
    tag = (tag or "").strip()
    if not tag or len(tag) > 35 or not tag.isascii():
        return None
    try:
        language = langcodes.Language.get(langcodes.standardize_tag(tag))
    except ValueError:  # LanguageTagError: not a well-formed tag
        return None
    code = language.language or ""
    private_use = len(code) == 3 and "qaa" <= code <= "qtz"
    if not language.is_valid() or not code.isalpha() or code in _NOT_A_LANGUAGE or private_use:
        return None
    normalised = language.to_tag()
    return normalised if len(normalised) <= 35 else None


def base_language(tag: str) -> str:
    """Return the language subtag of a tag: "pt-BR" → "pt"."""
    return tag.split("-", 1)[0].lower()


def language_name(tag: str, in_locale: str | None = None, capitalize: bool = True) -> str:
    """Return the name of language `tag` in `in_locale` (default: the UI language).

    Capitalised for lists and menus; `capitalize=False` keeps CLDR's own case for use within a
    sentence ("Storie in inglese", "Stories in English").
    """
    return _language_name(tag, in_locale or current_locale(), capitalize)


# Names are asked for on every listing (each teaser names its language and country): kept per
# (tag, language of the page), bounded.
@lru_cache(maxsize=4096)
def _language_name(tag: str, in_locale: str, capitalize: bool) -> str:
    display = _locale(in_locale) or _locale("en")
    if display is None:
        return tag
    locale = _locale(tag)
    if locale is not None:
        name = locale.get_display_name(display) or tag
    else:
        # A tag Babel has no locale for ("ase", "en-US-u-ca-gregory"): name its language part.
        name = display.languages.get(base_language(tag)) or tag
    return name[:1].upper() + name[1:] if capitalize else name


@lru_cache(maxsize=8)
def _names_to_tags(in_locale: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for display_tag in ("en", in_locale):
        display = _locale(display_tag)
        for code, name in (display.languages if display else {}).items():
            tag = normalise_language_tag(code)
            if tag:
                names.setdefault(name.casefold(), tag)
    return names


def find_language(text: str, in_locale: str | None = None) -> str | None:
    """Return the tag for what someone typed: a tag ("gsw", "pt-BR") or a language's name in
    English or the UI language ("Swiss German", "tedesco svizzero"); None if nothing fits."""
    text = " ".join((text or "").split())
    if not text or len(text) > 80:
        return None
    return normalise_language_tag(text) or _names_to_tags(in_locale or current_locale()).get(
        text.casefold()
    )


def language_autonym(tag: str) -> str:
    """Return the language's own name for itself: "Italiano", "Español", "English"."""
    return language_name(tag, tag)


@lru_cache(maxsize=8)
def _language_choices(in_locale: str) -> tuple[tuple[str, str], ...]:
    display = _locale(in_locale) or _locale("en")
    assert display is not None
    others = sorted(
        (
            (code, name[:1].upper() + name[1:])
            for code, name in display.languages.items()
            if len(code) == 2 and code not in COMMON_LANGUAGES and _locale(code) is not None
        ),
        key=lambda item: item[1].casefold(),
    )
    common = tuple((code, language_name(code, in_locale)) for code in COMMON_LANGUAGES)
    return common + tuple(others)


def language_choices(in_locale: str | None = None) -> list[tuple[str, str]]:
    """Return (tag, name) pairs: common languages first, then every other, by name."""
    return list(_language_choices(in_locale or current_locale()))


def country_name(code: str, in_locale: str | None = None) -> str:
    return _country_name(code, in_locale or current_locale())


@lru_cache(maxsize=4096)
def _country_name(code: str, in_locale: str) -> str:
    display = _locale(in_locale) or _locale("en")
    assert display is not None
    name = display.territories.get(code)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


@lru_cache(maxsize=8)
def _country_choices(in_locale: str) -> tuple[tuple[str, str], ...]:
    pairs = ((c.alpha_2, country_name(c.alpha_2, in_locale)) for c in pycountry.countries)
    return tuple(sorted(pairs, key=lambda item: item[1].casefold()))


def country_choices(in_locale: str | None = None) -> list[tuple[str, str]]:
    """Return (ISO 3166-1 alpha-2, name in the UI language) for every country, by name."""
    return list(_country_choices(in_locale or current_locale()))


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None
