"""Word diffs: the moderator's review page and the author's "publish this version?" page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
# Past this many words a word diff gets slow (difflib is quadratic at worst): compare lines.
_MAX_DIFF_TOKENS = 40_000


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal", "insert" or "delete"
    text: str


def _tokens(text: str) -> list[str]:
    if len(text) > _MAX_DIFF_TOKENS * 4:
        return text.splitlines(keepends=True)
    return _TOKEN.findall(text)


def _key(token: str) -> str:
    # Paragraph breaks written as one or two newlines, or runs of spaces, are the same text.
    if token.isspace():
        return "\n" if "\n" in token else " "
    return token


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Split `old` → `new` into equal, deleted and inserted runs, word by word."""
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], False)
    parts: list[DiffPart] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(b[j1:j2]))
            continue
        add("delete", "".join(a[i1:i2]))
        add("insert", "".join(b[j1:j2]))
    return parts


def has_changes(parts: list[DiffPart]) -> bool:
    return any(p.op != "equal" and not p.text.isspace() for p in parts)


def readable(parts: list[DiffPart]) -> list[DiffPart]:
    """Group a word diff for people: changes separated only by a space or one short word read
    as one change, all removed words then all added ones ("At the clinic, Dr Ferri" → "My
    doctor", rather than word against word)."""
    grouped: list[DiffPart] = []
    removed = added = ""

    def flush() -> None:
        nonlocal removed, added
        if removed:
            grouped.append(DiffPart("delete", removed))
        if added:
            grouped.append(DiffPart("insert", added))
        removed = added = ""

    for index, part in enumerate(parts):
        if part.op == "delete":
            removed += part.text
        elif part.op == "insert":
            added += part.text
        else:
            between_changes = (removed or added) and index + 1 < len(parts)
            if between_changes and (part.text.isspace() or len(part.text.strip()) <= 3):
                removed += part.text
                added += part.text
                continue
            flush()
            grouped.append(part)
    flush()
    return grouped
