"""Twenty queries a reader of this site might type (English, Italian, Spanish), each with
the demo stories a person would expect to find. Used by
tests/routes/reader/test_search_quality.py and by `bench/search_quality.py`, which prints the
table in README.md."""

from __future__ import annotations

from dataclasses import dataclass

from storyhub.services import search

GIULIA_IT = "I sassolini sotto la pelle"
GIULIA_EN = "The little stones under my skin"
MARCO = "Diciotto mesi per dare un nome alle cose"
ER = "Mia madre e i guanti di lana"
SARAH = "Learning to live with winter"
SARAH_UPDATE = "(Update) Six months on, and a kinder winter"
JAMES = "What I learned in the waiting room"
LUCIA = "Mis codos, mis dedos y mi paciencia"

RAYNAUD = (SARAH, SARAH_UPDATE, ER, LUCIA, GIULIA_IT, GIULIA_EN)
SSC = (SARAH, SARAH_UPDATE, JAMES, GIULIA_IT, GIULIA_EN, ER, MARCO)

# (language of the query, query, every story a reader would be glad to find). The measure:
# how many of the first five results are among them, out of min(5, how many there are).
QUERIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("en", "Raynaud's phenomenon", RAYNAUD),
    ("en", "raynauds cold fingers", RAYNAUD),
    ("en", "calcium lumps on my fingers", (GIULIA_EN,)),
    ("en", "scleroderma husband caregiver", (JAMES,)),
    ("en", "SSc", SSC),
    ("en", "finger ulcer typing", (SARAH_UPDATE,)),
    ("en", "diagnosis journey", (MARCO, JAMES, ER)),
    ("en", "morphea", ()),  # only a pending story: nothing public
    ("it", "fenomeno di Raynaud", RAYNAUD),
    ("it", "sclerodermia diagnosi", (MARCO, GIULIA_IT, ER, JAMES, GIULIA_EN, SARAH)),
    ("it", "calcinosi dita", (GIULIA_IT, GIULIA_EN, LUCIA)),
    ("it", "guanti di lana", (ER,)),
    ("it", "figlia di una paziente", (ER,)),
    ("it", "mani gonfie", (MARCO,)),
    ("es", "fenómeno de Raynaud", RAYNAUD),
    ("es", "esclerodermia", (*SSC, LUCIA)),
    ("es", "síndrome de superposición", (LUCIA,)),
    ("es", "calcinosis codos", (LUCIA,)),
    ("es", "dedos blancos invierno", (LUCIA,)),
    ("es", "guantes de lana", (LUCIA,)),
]


@dataclass
class Measured:
    language: str
    query: str
    expected: tuple[str, ...]
    top: list[str]  # titles of the first five results
    found: int  # expected stories among the first five

    @property
    def wanted(self) -> int:
        return min(len(self.expected), 5)


def measure() -> list[Measured]:
    """Run every query (inside an app or request context) and count the top-5 hits."""
    rows = []
    for language, query, expected in QUERIES:
        top = [hit.teaser.story.title for hit in search.search_stories(query, 1, 5).hits]
        rows.append(Measured(language, query, expected, top, len(set(top) & set(expected))))
    return rows


def share(rows: list[Measured]) -> float:
    wanted = sum(row.wanted for row in rows)
    return sum(row.found for row in rows) / wanted if wanted else 1.0
