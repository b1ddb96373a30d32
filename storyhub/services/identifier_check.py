"""What in a story, or in the name it is signed with, could let someone recognise its author:
the detector's findings (storyhub/text/identifiers.py) ready to show, and the checks on the
display name, as codes. Asked about before sending, never refused; flagged to moderators with
counts per kind. The words (what each kind is called, what to write instead, what the name
gives away) are the pages': storyhub/labels.py and storyhub/submit/messages.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, has_app_context

from storyhub.text import gazetteer, identifiers
from storyhub.text.identifiers import Span

# The moderators' flag counts them: (one, several).
COUNT_NOUNS = {
    "email": ("e-mail", "e-mails"),
    "phone": ("phone number", "phone numbers"),
    "url": ("link", "links"),
    "date": ("date", "dates"),
    "age": ("age", "ages"),
    "place": ("place", "places"),
    "person": ("name", "names"),
    "organisation": ("organisation", "organisations"),
    "id": ("id number", "id numbers"),
}
# What a moderator's one-click redaction puts in its place (editable before it is applied).
NEUTRAL_PHRASES = {
    "email": "[e-mail address removed]",
    "phone": "[phone number removed]",
    "url": "[link removed]",
    "date": "that day",
    "age": "[age]",
    "place": "[a town]",
    "person": "[name]",
    "organisation": "[a hospital]",
    "id": "[number removed]",
}
_YEAR_IN_NAME = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\d)\d{2}(?!\d)")
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")


def enabled() -> bool:
    """On unless the configuration says off (the detector itself needs no application)."""
    return not has_app_context() or bool(current_app.config.get("IDENTIFIER_CHECK", True))


def initials(name: str) -> str:
    """ "Dr Sarah Lin" → "Dr S. L."; "Giorgio" → "G." (a title stays: it says a role)."""
    words = name.split()
    kept = [w for w in words[:-1] if w.endswith(".") or w.lower() in {"dr", "prof", "mr", "mrs"}]
    rest = words[len(kept) :]
    return " ".join([*kept, *(f"{w[0]}." for w in rest if w[:1].isalpha())]) or name


@dataclass(frozen=True)
class Segment:
    """A piece of a previewed text: plain, or a finding with its anchor number."""

    text: str
    span: Span | None = None
    number: int = 0


@dataclass(frozen=True)
class Finding:
    number: int  # the anchor, "finding-<number>", of its highlight in the preview
    field: str  # "title" or "body"
    span: Span


@dataclass(frozen=True)
class IdentifyingDetails:
    """What the submitter is shown: findings in the title and text, and what the display name
    gives away (codes: "email", "full_name", "year")."""

    title: str
    body: str
    title_spans: tuple[Span, ...]
    body_spans: tuple[Span, ...]
    name_concerns: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.title_spans or self.body_spans or self.name_concerns)

    def findings(self) -> list[Finding]:
        numbered = [
            *(("title", s) for s in self.title_spans),
            *(("body", s) for s in self.body_spans),
        ]
        return [Finding(i, field, span) for i, (field, span) in enumerate(numbered, 1)]

    def segments(self, field: str) -> list[Segment]:
        text = self.title if field == "title" else self.body
        first = 1 if field == "title" else len(self.title_spans) + 1
        spans = self.title_spans if field == "title" else self.body_spans
        pieces: list[Segment] = []
        position = 0
        for number, span in enumerate(spans, first):
            if span.start > position:
                pieces.append(Segment(text[position : span.start]))
            pieces.append(Segment(span.text, span, number))
            position = span.end
        if position < len(text):
            pieces.append(Segment(text[position:]))
        return pieces

    def counts(self) -> dict[str, int]:
        return identifiers.counts([*self.title_spans, *self.body_spans])

    def count_text(self) -> str:
        """ "2 names, 1 place" (moderators' pages are in English)."""
        return ", ".join(f"{n} {COUNT_NOUNS[kind][n != 1]}" for kind, n in self.counts().items())


def name_concerns(author_name: str, email: str = "") -> tuple[str, ...]:
    """What the chosen display name gives away: part of the e-mail address, a full name
    (two words or more, not initials), digits like a birth year."""
    concerns: list[str] = []
    name = author_name.casefold()
    local = email.split("@", 1)[0].casefold() if "@" in email else ""
    parts = [p for p in re.split(r"[\W\d_]+", local) if len(p) >= 3]
    if any(part in name for part in parts):
        concerns.append("email")
    words = _NAME_WORD.findall(author_name)
    if len(words) >= 2 and all(w[0].isupper() for w in words[:2]):
        concerns.append("full_name")
    if _YEAR_IN_NAME.search(author_name):
        concerns.append("year")
    return tuple(concerns)


def check(
    title: str,
    body: str,
    language: str,
    country: str,
    author_name: str = "",
    email: str = "",
) -> IdentifyingDetails:
    """Findings in a story about to be sent (or edited), and the display name's concerns."""
    return IdentifyingDetails(
        title=title,
        body=body,
        title_spans=tuple(identifiers.find(title, language, country, author_name)),
        body_spans=tuple(identifiers.find(body, language, country, author_name)),
        name_concerns=name_concerns(author_name, email),
    )


def story_counts(title: str, body: str, language: str, country: str, author_name: str) -> dict:
    """Counts per kind over a stored story's title and text (the moderators' flag)."""
    spans = [
        *identifiers.find(title, language, country, author_name),
        *identifiers.find(body, language, country, author_name),
    ]
    return identifiers.counts(spans)


def warm() -> None:
    """Load what the detector reads (GeoNames' towns, one to three seconds of CPU; the
    patterns of each language the forms offer) now: gunicorn calls this as a worker starts,
    so no submission waits for it."""
    gazetteer.warm()
    for language, country in (("en", "GB"), ("it", "IT"), ("es", "ES")):
        check("Warm up", "Anna wrote from Milan on 3 May 2020, aged 9.", language, country, "A.")
