"""The state diagrams in docs/domain.md and README.md are the lifecycle table's.

docs/domain.md shows `lifecycle_diagram.diagram()` whole; README shows some of its lines. Each line
is parsed back into (from states, action, to state, who, what it needs) and compared with the
table, so a changed rule fails here until the documentation says it too.
"""

from __future__ import annotations

import re
from pathlib import Path

from storyhub.models import StoryStatus
from storyhub.services import lifecycle, lifecycle_diagram

ROOT = Path(__file__).resolve().parents[2]
EDGE = re.compile(
    r"^(?P<sources>[a-z_ /]+?) ──(?P<action>[a-z_]+)──▶ (?P<target>[a-z_]+)\s{3,}(?P<marks>.+)$"
)
LIVE = sorted(s.value for s in StoryStatus if s is not StoryStatus.ERASED)

Row = tuple[frozenset[str], str, str, frozenset[str], bool, bool]


def _blocks(text: str) -> list[str]:
    """The fenced code blocks of a Markdown text."""
    blocks: list[str] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def _parse(line: str) -> Row:
    match = EDGE.match(line)
    assert match, f"not an edge of the diagram: {line!r}"
    sources = match["sources"]
    if sources == "any":
        states = frozenset(LIVE)
    elif sources == "new":
        states = frozenset()
    else:
        states = frozenset(sources.split(" / "))
    who, *needs = match["marks"].split("; ")
    return (
        states,
        match["action"],
        match["target"],
        frozenset(who.split(", ")),
        "reason" in needs,
        "version" in needs,
    )


def _table() -> dict[str, Row]:
    return {
        rule.action: (
            frozenset(s.value for s in rule.sources),
            rule.action,
            rule.target.value,
            frozenset(role.value for role in rule.actors),
            rule.reason,
            rule.version,
        )
        for rule in lifecycle.TABLE
        if rule.target is not None
    }


def _diagram_lines(path: Path) -> list[str]:
    return [
        line
        for block in _blocks(path.read_text(encoding="utf-8"))
        for line in block.splitlines()
        if "──▶" in line
    ]


def test_domain_doc_shows_the_table() -> None:
    lines = _diagram_lines(ROOT / "docs" / "domain.md")
    parsed = {row[1]: row for row in map(_parse, lines)}
    assert parsed == _table()
    # And exactly as printed by `python -m storyhub.services.lifecycle`, in the table's order.
    assert "\n".join(lines) == lifecycle_diagram.diagram()


def test_readme_shows_lines_of_the_table() -> None:
    lines = _diagram_lines(ROOT / "README.md")
    assert lines, "README shows the author's part of the lifecycle"
    table = _table()
    for row in map(_parse, lines):
        assert row == table[row[1]]


def test_edges_are_the_parsed_ones() -> None:
    drawn = set()
    for states, action, target, *_rest in _table().values():
        drawn |= {(s, action, target) for s in states or {"new"}}
    assert drawn == lifecycle_diagram.edges()
