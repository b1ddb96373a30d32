"""Measure the identifier detector on a labelled set: JSON lines, one story each, whose text
marks each identifier inline as {{kind|passage}} (tests/data/identifiers_labelled.jsonl).

A finding counts as correct when it overlaps a marked passage of the same kind (a title kept
with a name, or a town kept with its hospital, is a matter of taste, not of a miss)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from storyhub.text import identifiers

MARK = re.compile(r"\{\{(\w+)\|(.*?)\}\}")


@dataclass(frozen=True)
class LabelledStory:
    id: str
    language: str
    country: str
    author: str
    split: str
    text: str
    spans: tuple[tuple[str, int, int], ...]  # (kind, start, end)


def parse_marked(marked: str) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """Plain text and its marked spans."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    position = 0
    length = 0
    for m in MARK.finditer(marked):
        before = marked[position : m.start()]
        parts.append(before)
        length += len(before)
        kind, passage = m.group(1), m.group(2)
        if kind not in identifiers.KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        spans.append((kind, length, length + len(passage)))
        parts.append(passage)
        length += len(passage)
        position = m.end()
    parts.append(marked[position:])
    return "".join(parts), tuple(spans)


def load(path: Path) -> list[LabelledStory]:
    stories = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        text, spans = parse_marked(row["text"])
        stories.append(
            LabelledStory(
                row["id"], row["language"], row["country"], row["author"], row["split"], text, spans
            )
        )
    return stories


@dataclass
class Tally:
    true_found: int = 0  # findings overlapping a marked passage of their kind
    found: int = 0
    recalled: int = 0  # marked passages some finding of their kind overlaps
    marked: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_found / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.marked if self.marked else 1.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(stories: list[LabelledStory]) -> dict[str, Tally]:
    """Per-kind tallies, plus "all" over every kind."""
    tallies = {kind: Tally() for kind in (*identifiers.KINDS, "all")}
    for story in stories:
        found = identifiers.find(story.text, story.language, story.country, story.author)
        for span in found:
            hit = any(
                k == span.kind and _overlaps((span.start, span.end), (s, e))
                for k, s, e in story.spans
            )
            for tally in (tallies[span.kind], tallies["all"]):
                tally.found += 1
                tally.true_found += hit
                if not hit:
                    tally.false_alarms.append(f"{story.id}: {span.text!r}")
        for kind, start, end in story.spans:
            hit = any(f.kind == kind and _overlaps((f.start, f.end), (start, end)) for f in found)
            for tally in (tallies[kind], tallies["all"]):
                tally.marked += 1
                tally.recalled += hit
                if not hit:
                    tally.misses.append(f"{story.id}: {story.text[start:end]!r}")
    return tallies


def table(tallies: dict[str, Tally]) -> str:
    """A Markdown table of precision and recall per kind."""
    lines = ["| kind | marked | found | precision | recall |", "|---|---:|---:|---:|---:|"]
    for kind, tally in tallies.items():
        lines.append(
            f"| {kind} | {tally.marked} | {tally.found} | "
            f"{tally.precision:.2f} | {tally.recall:.2f} |"
        )
    return "\n".join(lines)
