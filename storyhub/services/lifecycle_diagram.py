"""The lifecycle table drawn as a diagram: docs/domain.md shows `diagram()` exactly, and
tests/unit/test_lifecycle_diagram.py keeps the two equal
(`python -m storyhub.services.lifecycle_diagram` prints it)."""

from __future__ import annotations

from storyhub.services.lifecycle import _LIVE, TABLE, Role, Rule, S


def edges() -> set[tuple[str, str, str]]:
    """(from state, action, to state) for every state change; "new" for creation."""
    found = set()
    for r in TABLE:
        if r.target is None:
            continue
        for source in sorted(r.sources) or ["new"]:
            found.add((str(source), r.action, r.target.value))
    return found


def _who(r: Rule) -> str:
    return ", ".join(role.value for role in Role if role in r.actors)


def diagram() -> str:
    """The state changes, one line per action, with who may take it and what it needs
    (docs/domain.md shows exactly this)."""
    rows = []
    for r in TABLE:
        if r.target is None:
            continue
        named = " / ".join(s.value for s in S if s in r.sources)
        sources = "any" if r.sources == _LIVE else named or "new"
        marks = [_who(r)] + ["reason"] * r.reason + ["version"] * r.version
        rows.append((f"{sources} ──{r.action}──▶ {r.target.value}", "; ".join(marks)))
    width = max(len(left) for left, _ in rows)
    return "\n".join(f"{left:<{width}}   {right}" for left, right in rows)


if __name__ == "__main__":  # pragma: no cover  (python -m storyhub.services.lifecycle_diagram)
    print(diagram())
