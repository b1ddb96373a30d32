"""Distress signposting: a curated list of phrases (storyhub/data/distress_phrases.json) that
marks a submission for priority review and shows its writer where to find help. It never
refuses anything."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

PHRASES_FILE = Path(__file__).resolve().parent.parent / "data" / "distress_phrases.json"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def normalise(text: str) -> str:
    """Lower case, accents and typographic apostrophes folded, runs of spaces made one."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(folded.split())


def _pattern(phrase: str) -> str:
    words = normalise(phrase).split(" ")
    parts = [re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "") for word in words]
    # Whole words only: "end my life" is not found inside "friend my lifeline".
    return r"(?<!\w)" + " ".join(parts) + ("" if phrase.endswith("*") else r"(?!\w)")


@cache
def _phrases() -> dict[str, list[str]]:
    data = json.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    return {language: list(phrases) for language, phrases in data["phrases"].items()}


@cache
def _matcher() -> re.Pattern[str]:
    patterns = sorted({_pattern(p) for phrases in _phrases().values() for p in phrases})
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def phrases_found(*texts: str) -> list[str]:
    """The listed phrases found in `texts`, as normalised text, in order of appearance."""
    found: list[str] = []
    for text in texts:
        for match in _matcher().finditer(normalise(text or "")):
            if match.group(0) not in found:
                found.append(match.group(0))
    return found


def suggests_distress(*texts: str) -> bool:
    return bool(phrases_found(*texts))
