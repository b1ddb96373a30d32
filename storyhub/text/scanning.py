"""The scanning machinery the identifier finders share: the words of a story found once, sets
of words and phrases looked up word by word, runs of capitalised words, and windows around
anchors (digits, "@") so that patterns run only where they can match."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from storyhub.text import vocabulary as vocab

LANGUAGES = ("en", "it", "es")
BIG_CITY = 100_000  # "Rosario" in Argentina is the city; elsewhere a first name


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text}


# A name-like word: starts with a capital; letters, apostrophes and inner hyphens.
_WORD = re.compile(r"\w[\w'’]*(?:-\w[\w'’]*)*")
_ORG_WORDS = frozenset(
    " ".join([*vocab.ORG_LEADING.values(), vocab.ORG_TRAILING]).casefold().split()
)
_CONNECTORS = frozenset(
    "de di del della dei degli da la las los le el van von der du dos das y e of and".split()
)
SENTENCE_END = frozenset('.!?\n:;"“”«»¿¡()')

_CAPITALISED_WORD = re.compile(r"(?<![\w'’])[^\W\d_][\w'’]*(?:-\w[\w'’]*)*")


@lru_cache(maxsize=4)
def tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """The words of `text` (start, end, word), found once and shared by every finder."""
    return tuple((m.start(), m.end(), m.group()) for m in _CAPITALISED_WORD.finditer(text))


@dataclass(frozen=True)
class Hit:
    """A phrase found by `Phrases`: the little of `re.Match` the finders use."""

    begin: int
    finish: int
    value: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self) -> str:
        return self.value


_PHRASE_SETS: dict[str, list[Phrases]] = {}  # first word, lower case -> sets holding it


@lru_cache(maxsize=4)
def _phrase_hits(text: str) -> dict[Phrases, list[Hit]]:
    """Every phrase set's hits, in one pass over the words."""
    hits: dict[Phrases, list[Hit]] = {}
    for start, _end, word in tokens(text):
        keys = [(0, word)]
        if "'" in word or "’" in word:  # "all'Ospedale" holds "Ospedale"
            keys += [(i + 1, word[i + 1 :]) for i, ch in enumerate(word) if ch in "'’"]
        for offset, key in keys:
            for phrases in _PHRASE_SETS.get(key.lower(), ()):
                hit = phrases._longest(text, start + offset, phrases.by_first[key.lower()])
                if hit:
                    hits.setdefault(phrases, []).append(hit)
    return hits


class Phrases:
    """A set of words or short phrases looked up word by word in a dictionary: a regular
    expression alternation of hundreds of words costs ten times more on a long story."""

    def __init__(self, phrases: str | list[str], *, any_case: bool, space_after: bool = False):
        items = phrases.split() if isinstance(phrases, str) else phrases
        self.any_case = any_case
        self.space_after = space_after
        self.by_first: dict[str, list[str]] = {}
        for phrase in sorted(set(items), key=len, reverse=True):
            first = _CAPITALISED_WORD.match(phrase)
            key = (first.group() if first else phrase).lower()
            self.by_first.setdefault(key, []).append(phrase)
            _PHRASE_SETS.setdefault(key, []).append(self)

    def finditer(self, text: str) -> Iterator[Hit]:
        return iter(_phrase_hits(text).get(self, ()))

    def _longest(self, text: str, start: int, candidates: list[str]) -> Hit | None:
        for phrase in candidates:
            end = start + len(phrase)
            found = text[start:end]
            same = found.lower() == phrase.lower() if self.any_case else found == phrase
            if not same:
                continue
            following = text[end : end + 1]
            if self.space_after and not following.isspace():
                continue
            if following.isalnum() or following == "_":
                continue
            return Hit(start, end, found)
        return None


def at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\r'\"‘“«¿¡([":
        i -= 1
    return i < 0 or text[i] in SENTENCE_END


def capitalised_run(
    text: str,
    pos: int,
    max_words: int = 4,
    *,
    allow_numbers: bool = False,
    leading_connector: bool = False,
) -> int | None:
    """The end of the capitalised words starting at `pos` (after spaces or a comma), with
    connectors ("di", "de la") inside; None when no capitalised word starts there. The run
    stops before a word that starts an organisation ("Dr Rossi del Policlinico Gemelli")."""
    end: int | None = None
    pending_connector = False
    words = 0
    i = pos
    while words < max_words + 2:
        gap = 0
        while i < len(text) and text[i] in " \t" and gap < 3:
            i += 1
            gap += 1
        match = _WORD.match(text, i)
        if match is None or match.end() - match.start() > 40:
            break
        word = match.group()
        if pending_connector and word.casefold() in _ORG_WORDS:
            break  # "Dr Rossi del Policlinico Gemelli": two findings, not one
        if word[0].isupper() or (allow_numbers and word.isdigit() and words == 0):
            end, i, words, pending_connector = match.end(), match.end(), words + 1, False
            if words >= max_words:
                break
            continue
        connector_allowed = end is not None or (leading_connector and words == 0)
        if connector_allowed and word.casefold() in _CONNECTORS and not pending_connector:
            i, pending_connector = match.end(), True
            continue
        break
    return end


def run_before(text: str, end: int, max_words: int = 4) -> int | None:
    """The start of the capitalised words that end just before `end` ("St Mary's" before
    "Hospital"); None when the word before is not capitalised."""
    start: int | None = None
    i = end
    for _word in range(max_words):
        j = i
        while j > 0 and text[j - 1] in " \t" and i - j < 3:
            j -= 1
        if j == i and start is not None:
            break
        k = j
        while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "'’.-") and j - k < 40:
            k -= 1
        word = text[k:j]
        if start is not None and word.casefold() in ("and", "&", "of"):
            i = k  # "Norfolk and Norwich University Hospital"
            continue
        if not word or not word[0].isupper():
            break
        start, i = k, k
    return start


def windows(anchors: Iterator[int], before: int, after: int, length: int) -> list[list[int]]:
    """Merged ranges around sorted anchor positions."""
    ranges: list[list[int]] = []
    for anchor in anchors:
        start, end = max(0, anchor - before), min(length, anchor + after)
        if ranges and start <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], end)
        else:
            ranges.append([start, end])
    return ranges


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=4)
def _digit_windows(text: str) -> tuple[tuple[int, int], ...]:
    """Where numbers are: dates, ages, phones and ids all hold one, so their patterns run
    only there (most of a story has none)."""
    ranges = windows((m.start() for m in _DIGITS.finditer(text)), 30, 40, len(text))
    return tuple((start, end) for start, end in ranges)


def near_digits(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    for start, end in _digit_windows(text):
        yield from pattern.finditer(text, start, end)


def near(
    pattern: re.Pattern[str], text: str, anchors: Iterator[int], before: int, after: int
) -> Iterator[re.Match[str]]:
    for start, end in windows(anchors, before, after, len(text)):
        yield from pattern.finditer(text, start, end)
