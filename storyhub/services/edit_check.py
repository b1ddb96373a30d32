"""Are a moderator's edits small enough to publish without asking the author?

The author's words are measured against what they last wrote or accepted (`agreed_title`,
`agreed_author_name`, `body_text`). Minor, published directly: a title's capitals, a few
typo-level corrections (one word for another a letter or two apart, punctuation, spacing,
"everyday" → "every day"), a name shortened to initials, formatting, teaser, diagnoses,
topics and the content note. Anything else changes what the author says, so approving sends
the edited version to the author first.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from flask import current_app

from storyhub.models import Story
from storyhub.sanitize import html_to_text
from storyhub.text.diffing import DiffPart, has_changes, readable, word_diff

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w")
# A letter apart, these flip what a sentence says: never counted as a typo.
_MEANING_WORDS = frozenset(
    {"no", "not", "now", "never", "non", "nor", "yes", "si", "sí", "mai", "ni", "nunca", "nada"}
)


@dataclass
class EditCheck:
    """The verdict the moderator sees before deciding, and the diffs the author reads."""

    substantive: bool
    reasons: list[str] = field(default_factory=list)  # why the author is asked
    minor: list[str] = field(default_factory=list)  # small changes that publish directly
    title: list[DiffPart] = field(default_factory=list)
    author_name: list[DiffPart] = field(default_factory=list)
    body: list[DiffPart] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.reasons or self.minor)


def agreed_version(story: Story) -> tuple[str, str, str]:
    """(title, name, text) as the author last wrote or accepted them."""
    return (
        story.agreed_title or story.title,
        story.agreed_author_name or story.author_name,
        story.body_text,
    )


def current_version(story: Story) -> tuple[str, str, str]:
    return story.title, story.author_name, html_to_text(story.body_html)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _is_typo_fix(old: str, new: str) -> bool:
    """One word replaced by a near spelling of itself (case aside)."""
    a, b = old.casefold(), new.casefold()
    if a == b:
        return True
    if not (_WORD.search(a) and _WORD.search(b)):
        return not (_WORD.search(a) or _WORD.search(b))  # punctuation for punctuation
    if a in _MEANING_WORDS or b in _MEANING_WORDS or a.isdigit() or b.isdigit():
        return False
    limit = current_app.config["MINOR_EDIT_MAX_TYPO_DISTANCE"]
    if min(len(a), len(b)) <= 4:
        limit = min(limit, 1)
    return _levenshtein(a, b) <= limit


def _is_punctuation(tokens: list[str]) -> bool:
    return all(not _WORD.search(token) for token in tokens)


def _word_changes(old: str, new: str) -> tuple[int, bool]:
    """(number of typo-level corrections, whether anything beyond them changed)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    corrections = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left, right = a[i1:i2], b[j1:j2]
        if _is_punctuation(left) and _is_punctuation(right):
            corrections += max(len(left), len(right))
        elif tag == "replace" and len(left) == len(right):
            if not all(_is_typo_fix(x, y) for x, y in zip(left, right, strict=True)):
                return corrections, True
            corrections += len(left)
        elif "".join(left).casefold() == "".join(right).casefold():
            corrections += 1  # "everyday" → "every day", "e-mail" → "email"
        else:
            return corrections, True  # words added, removed or rewritten
    return corrections, False


def is_shortened_name(old: str, new: str) -> bool:
    """True when `new` keeps some of `old`'s words, in order, whole or as initials:
    "Maria Rossi" → "M.R.", "Maria R.", "M. Rossi", "Maria"."""
    old_words = re.findall(r"\w+", old.casefold())
    new_words = re.findall(r"\w+", new.casefold())
    if not new_words or len(new_words) > len(old_words):
        # "M.R." reads as the single word "m" then "r"; "MR" as one: split into letters.
        if len(new_words) == 1 and len(new_words[0]) <= len(old_words):
            new_words = list(new_words[0])
        else:
            return False
    position = 0
    for word in new_words:
        while position < len(old_words) and not (
            old_words[position] == word or (len(word) == 1 and old_words[position][0] == word)
        ):
            position += 1
        if position == len(old_words):
            return False
        position += 1
    return True


def check_edits(story: Story) -> EditCheck:
    """Compare the story as it is now with the version the author agreed to."""
    return compare(agreed_version(story), current_version(story))


def compare(before: tuple[str, str, str], after: tuple[str, str, str]) -> EditCheck:
    """Classify the change from `before` to `after`, each (title, name, text)."""
    agreed_title, agreed_name, agreed_text = before
    title, name, text = after
    check = EditCheck(
        substantive=False,
        title=readable(word_diff(agreed_title, title)),
        author_name=readable(word_diff(agreed_name, name)),
        body=readable(word_diff(agreed_text, text)),
    )
    if name != agreed_name:
        if is_shortened_name(agreed_name, name):
            check.minor.append("name shortened")
        else:
            check.reasons.append("the author name is changed")
    corrections = 0
    if title != agreed_title:
        if title.casefold() == agreed_title.casefold():
            check.minor.append("title capitals")
        else:
            count, rewritten = _word_changes(agreed_title, title)
            corrections += count
            if rewritten:
                check.reasons.append("the title is reworded")
    if has_changes(check.body):
        count, rewritten = _word_changes(agreed_text, text)
        corrections += count
        if rewritten:
            check.reasons.append("words of the text are added, removed or rewritten")
    limit = current_app.config["MINOR_EDIT_MAX_CHANGES"]
    if corrections > limit and not check.reasons:
        check.reasons.append(f"{corrections} corrections (more than {limit})")
    elif corrections:
        check.minor.append(f"{corrections} small correction{'s' if corrections > 1 else ''}")
    check.substantive = bool(check.reasons)
    return check
