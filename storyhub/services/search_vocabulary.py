"""The site's diagnoses and topics as a search vocabulary: which of them a query names, and
which are nearest when nothing is found. Built from the taxonomy snapshot, once per publish
generation, so reading a query costs no query."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from storyhub import cache_versions, vocabulary
from storyhub.services import catalog


@dataclass(frozen=True)
class Entry:
    """A diagnosis or topic and every spelling of its name, as stems."""

    kind: str  # "diagnosis" or "topic"
    slug: str
    names: dict[str, str]  # language → name (topics: title)
    spellings: tuple[tuple[tuple[str, ...], str], ...]  # (stems, folded spelling)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.slug


@dataclass
class Reading:
    """What a query asks for: the words every story must contain (folded), and the diagnoses
    and topics it names (whose stories rank first)."""

    words: list[str]
    named: list[Entry] = field(default_factory=list)


def entries() -> list[Entry]:
    return cache_versions.per_generation(("search-vocabulary",), _entries)


def _entries() -> list[Entry]:
    known = catalog.taxonomy()
    found = []
    for diagnosis_id, slug in known.diagnosis_slugs.items():
        names = known.diagnosis_names.get(diagnosis_id, {})
        spellings = _spellings([*names.values(), slug.replace("-", " ")])
        found.append(Entry("diagnosis", slug, dict(names), spellings))
    for slug, texts in known.topic_texts.items():
        titles = {language: title for language, (title, _description) in texts.items()}
        spellings = _spellings([*titles.values(), slug.replace("-", " ")])
        found.append(Entry("topic", slug, titles, spellings))
    return found


def _spellings(names: Iterable[str]) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple(sorted((vocabulary.stems(alias), alias) for alias in vocabulary.aliases(names)))


def read_query(query: str) -> Reading:
    """Find the diagnosis and topic names in `query`, longest first, left to right. A name's
    words that only say what kind of name it is ("phenomenon", "syndrome") are not required of
    the stories: "Raynaud's phenomenon" looks for "raynaud" and ranks stories filed under
    Raynaud's phenomenon first."""
    words = vocabulary.query_words(query)
    stems = [vocabulary.stem(word) for word in words]
    by_spelling: dict[tuple[str, ...], list[Entry]] = {}
    written: dict[tuple[str, ...], str] = {}
    for entry in entries():
        for spelling, folded in entry.spellings:
            by_spelling.setdefault(spelling, []).append(entry)
            written.setdefault(spelling, folded)
    longest = max((len(s) for s in by_spelling), default=0)
    reading = Reading(words=[])
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            named = by_spelling.get(tuple(stems[position : position + size]))
            if named:
                # The name's words as the index holds them ("raynauds" → "raynaud"), so
                # each engine's stemmer meets the same spelling in the story's tags.
                span = written[tuple(stems[position : position + size])].split()
                specific = [w for w in span if w not in vocabulary.GENERIC_WORDS]
                reading.words.extend(specific or span)
                reading.named.extend(e for e in named if e not in reading.named)
                position += size
                break
        else:
            reading.words.append(words[position])
            position += 1
    return reading


def nearest(query: str, limit: int = 4) -> list[Entry]:
    """Diagnoses and topics whose names look most like the query's words (typing slips,
    another language's spelling): for an empty result."""
    stems = [vocabulary.stem(word) for word in vocabulary.query_words(query)]
    if not stems:
        return []
    joined = " ".join(stems)
    scored = []
    for entry in entries():
        best = 0.0
        for spelling, _folded in entry.spellings:
            best = max(best, difflib.SequenceMatcher(None, joined, " ".join(spelling)).ratio())
            for word in stems:
                for part in spelling:
                    if len(part) > 3 and len(word) > 3:
                        best = max(best, difflib.SequenceMatcher(None, word, part).ratio())
        if best >= 0.75:
            scored.append((best, entry))
    scored.sort(key=lambda pair: -pair[0])
    return [entry for _score, entry in scored[:limit]]


@dataclass(frozen=True)
class Offer:
    """ "Stories about Raynaud's phenomenon (12)": a link to a named diagnosis or topic."""

    kind: str
    slug: str
    name: str
    count: int


def offers(named: list[Entry], locale: str) -> list[Offer]:
    """Links to the diagnoses and topics `named`, with their names in `locale`."""
    if not named:
        return []
    diagnosis_counts = catalog.diagnosis_story_counts()
    topic_counts = catalog.topic_story_counts()
    known = catalog.taxonomy()
    result = []
    for entry in named:
        if entry.kind == "diagnosis":
            own = known.diagnosis_subtrees[entry.slug][0]
            count = diagnosis_counts.get(own, 0)
        else:
            count = topic_counts.get(known.topic_ids.get(entry.slug, -1), 0)
        result.append(Offer(entry.kind, entry.slug, entry.name(locale), count))
    return result
