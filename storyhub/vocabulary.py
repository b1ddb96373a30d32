"""The site's own words: how diagnosis and topic names are spelled by readers.

Pure text functions, shared by the search index (which stores each story's diagnosis and
topic names in every language, with their common spellings) and the search page (which
recognises those names in a query). Everything is compared "folded": lower case, no accents,
apostrophes and punctuation as spaces, a possessive 's dropped, so "Raynaud’s phenomenon",
"raynauds phenomenon" and "Raynaud's" all meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Words that only say what kind of name it is: "Raynaud's phenomenon" is also called
# "Raynaud's", "Fenomeno di Raynaud" is "Raynaud". A name without them is a second alias.
GENERIC_WORDS = frozenset(
    {
        "phenomenon", "phenomena", "fenomeno", "disease", "syndrome", "sindrome",
        "enfermedad", "malattia", "the", "of", "di", "de", "del", "della", "da", "la", "el",
    }
)  # fmt: skip

# Common other names, folded: any name containing the key is also known by each value.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "systemic sclerosis": ("ssc", "scleroderma", "systemic scleroderma"),
    "sclerosi sistemica": ("ssc", "sclerodermia", "sclerodermia sistemica"),
    "esclerosis sistemica": ("ssc", "esclerodermia", "esclerodermia sistemica"),
    "morphea": ("morphoea",),
    "localized scleroderma": ("localised scleroderma",),
}

_APOSTROPHE_S = re.compile(r"['’ʼ`´]s\b")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation gone: "Raynaud’s Phenomenon" → "raynaud phenomenon"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHE_S.sub("", plain)).split())


def stem(word: str) -> str:
    """A crude stem for matching names across spellings and languages: a trailing "s" goes,
    so "raynauds" meets "raynaud" and "calcinosis" meets Italian "calcinosi"."""
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in fold(text).split())


def core(folded: str) -> str:
    """The name without its generic words ("raynaud phenomenon" → "raynaud"); "" if nothing
    specific is left."""
    return " ".join(word for word in folded.split() if word not in GENERIC_WORDS)


def aliases(names: Iterable[str]) -> set[str]:
    """Every folded spelling of a diagnosis or topic known by `names` (one per language): the
    names; a topic title's part before a colon ("Raynaud's: cold fingers…" → "raynaud"); the
    short name without generic words; synonyms ("ssc" for "systemic sclerosis", and "limited
    cutaneous ssc" for "limited cutaneous systemic sclerosis")."""
    found: set[str] = set()
    for name in names:
        whole, short = fold(name), fold(name.split(":")[0])
        found.update(spelling for spelling in (whole, short) if spelling)
        if len(core(short)) >= 3:
            found.add(core(short))
    for spelling in list(found):
        for key, others in SYNONYMS.items():
            if spelling == key:
                found.update(others)
            elif f" {key} " in f" {spelling} ":
                found.update(spelling.replace(key, other) for other in others)
    return found


def query_words(query: str) -> list[str]:
    """The words of a query as searched: folded, single letters dropped (what is left of
    "l’ulcera" or "Raynaud's" after the apostrophe)."""
    return [word for word in fold(query).split() if len(word) > 1 or word.isdigit()]
