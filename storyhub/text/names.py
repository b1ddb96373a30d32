"""Finders for what names a person or a place: other people's names, hospitals and
employers, streets, postcodes and towns (GeoNames)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from storyhub.text import gazetteer
from storyhub.text import vocabulary as vocab
from storyhub.text.scanning import (
    BIG_CITY,
    LANGUAGES,
    Phrases,
    Span,
    at_sentence_start,
    capitalised_run,
    near_digits,
    run_before,
    tokens,
)

UK_POSTCODE = re.compile(r"(?<!\w)[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}(?!\w)")
POSTCODE_TOWN = re.compile(r"(?<![\w-])\d{5}(?=[ ,]{1,3}[A-ZÀ-Ý][a-zà-ÿ])")

_TITLES = Phrases(vocab.TITLES, any_case=False, space_after=True)
# Written in lower case too ("la dott.ssa Bianchi"); "miss" or "don" alone are verbs.
_TITLES_ANY_CASE = Phrases(vocab.TITLES_ANY_CASE, any_case=True, space_after=True)
_RELATIONS = {lang: Phrases(words, any_case=True) for lang, words in vocab.RELATIONS.items()}
_ORG_LEADING = {lang: Phrases(words, any_case=True) for lang, words in vocab.ORG_LEADING.items()}
_ORG_TRAILING = Phrases(vocab.ORG_TRAILING, any_case=False)
_EMPLOYERS = {
    lang: Phrases(verbs.split("|"), any_case=True) for lang, verbs in vocab.EMPLOYERS.items()
}
_STREET_LEADING = Phrases(vocab.STREETS_LEADING, any_case=True, space_after=True)
_STREET_TRAILING = Phrases(vocab.STREETS_TRAILING, any_case=False)


def people(
    text: str, languages: tuple[str, ...], author: frozenset[str], country: str
) -> Iterator[Span]:
    for m in (*_TITLES.finditer(text), *_TITLES_ANY_CASE.finditer(text)):
        end = capitalised_run(text, m.end(), 3)
        if end is not None:
            yield Span("person", m.start(), end, text[m.start() : end], "name with a title")
    for lang in languages:
        for m in _RELATIONS[lang].finditer(text):
            i = m.end()
            if i < len(text) and text[i] == ",":
                i += 1
            end = capitalised_run(text, i, 3)
            if end is None:
                continue
            start = i + len(text[i:end]) - len(text[i:end].lstrip(" \t"))
            name = text[start:end]
            if name.casefold() in author or _is_month_or_kind_word(name):
                continue
            yield Span("person", start, end, name, "name after a relationship word")
    for start, end, word in tokens(text):
        folded = word.casefold()
        if (
            word[0].isupper()
            and folded in vocab.FIRST_NAMES
            and folded not in author
            and folded not in vocab.COMMON_WORDS
            and gazetteer.home_population(word, country) < BIG_CITY
        ):
            stop = capitalised_run(text, end, 1) or end
            if text[end:stop].strip().casefold() in author:
                stop = end
            yield Span("person", start, stop, text[start:stop], "first name")


_MONTH_WORDS = frozenset(" ".join(vocab.MONTHS.values()).split())


def _is_month_or_kind_word(name: str) -> bool:
    first = name.split()[0].casefold()
    return first in _MONTH_WORDS or first in vocab.COMMON_WORDS


_TOWN_CONNECTOR = re.compile(r"\s(?:di|de|del|of|in|a)\s+", re.IGNORECASE)


def _without_trailing_town(text: str, start: int, end: int, country: str) -> int:
    """ "Ospedale San Raffaele di Milano" → "Ospedale San Raffaele": the town is its own
    finding, and its own suggestion."""
    for m in reversed(list(_TOWN_CONNECTOR.finditer(text, start, end))):
        named = text[start : m.start()].strip()
        if " " in named and gazetteer.is_place(text[m.end() : end], country):
            return m.start()  # ("Policlinico di Modena" stays whole: named after the town)
    return end


def organisations(text: str, languages: tuple[str, ...], country: str) -> Iterator[Span]:
    # A hospital keeps its own language's name in any story ("the Ospedale San Carlo").
    for lang in LANGUAGES:
        for m in _ORG_LEADING[lang].finditer(text):
            end = capitalised_run(text, m.end(), 5, allow_numbers=True, leading_connector=True)
            if end is not None:
                end = _without_trailing_town(text, m.start(), end, country)
                reason = "hospital, clinic or institution"
                yield Span("organisation", m.start(), end, text[m.start() : end], reason)
    for lang in languages:
        for m in _EMPLOYERS[lang].finditer(text):
            end = capitalised_run(text, m.end(), 4)
            if end is not None:
                start = m.end() + len(text[m.end() : end]) - len(text[m.end() : end].lstrip())
                yield Span("organisation", start, end, text[start:end], "employer")
    for m in _ORG_TRAILING.finditer(text):
        start = run_before(text, m.start(), 4)
        if start is not None:
            reason = "hospital, clinic or institution"
            yield Span("organisation", start, m.end(), text[start : m.end()], reason)


def streets(text: str) -> Iterator[Span]:
    for m in _STREET_LEADING.finditer(text):
        end = capitalised_run(text, m.end(), 4)
        if end is None:
            continue
        number = re.compile(r",? {0,2}\d{1,4}[a-zA-Z]?(?!\w)").match(text, end)
        end = number.end() if number else end
        yield Span("place", m.start(), end, text[m.start() : end], "street")
    for m in _STREET_TRAILING.finditer(text):
        if m.group().startswith("Dr") or (
            m.group().startswith("St") and _followed_by_name(text, m)
        ):
            continue  # "Dr Rossi", "St Mary's": a title or a saint, not a street
        start = run_before(text, m.start(), 3)
        if start is None:
            continue
        number = re.compile(r"\d{1,4}[a-zA-Z]?,? {1,2}$").search(text, max(0, start - 8), start)
        start = number.start() if number else start
        yield Span("place", start, m.end(), text[start : m.end()], "street")
    for m in near_digits(UK_POSTCODE, text):
        yield Span("place", m.start(), m.end(), m.group(), "postcode")
    for m in near_digits(POSTCODE_TOWN, text):
        yield Span("place", m.start(), m.end(), m.group(), "postcode")


def _followed_by_name(text: str, match: re.Match[str]) -> bool:
    rest = text[match.end() : match.end() + 3].lstrip(" .")
    return bool(rest) and rest[0].isupper()


def towns(text: str, country: str) -> Iterator[Span]:
    """Capitalised words (up to four, with connectors) that name a town in GeoNames."""
    words = tokens(text)
    skip_until = 0
    for index, (first_start, _first_end, first_word) in enumerate(words):
        if first_start < skip_until or not first_word[0].isupper():
            continue
        for length in (4, 3, 2, 1):
            if index + length > len(words):
                continue
            _last_start, last_end, last_word = words[index + length - 1]
            if last_end - first_start > 60 or not last_word[0].isupper():
                continue
            name = text[first_start:last_end]
            if "\n" in name:
                continue
            if length == 1 and (
                len(name) < 3
                or (name.isupper() and len(name) <= 3)
                or name.casefold() in vocab.NEVER_ALONE
            ):
                continue
            if not gazetteer.is_place(name, country):
                continue
            if length == 1 and at_sentence_start(text, first_start):
                # First word of a sentence: capitalised anyway, so a word ("Solo", "Nice")
                # unless it is a town of the story's own country and no common word.
                if name.casefold() in vocab.COMMON_WORDS or not gazetteer.home_population(
                    name, country
                ):
                    break
            if name.casefold() in _MONTH_WORDS:
                break
            big_here = gazetteer.home_population(name, country) >= BIG_CITY
            if name.casefold() in vocab.FIRST_NAMES and not big_here:
                break
            yield Span("place", first_start, last_end, name, "town or city")
            skip_until = last_end
            break
