"""The one HTML policy: everything shown with `|safe` went through a function here when stored.

Submitters write plain text: it is escaped, blank lines become paragraphs and URLs become links
marked `nofollow ugc`. Moderators may use a small allowlist of tags. Both end in `bleach.clean`
with the same allowlist, so nothing outside it can reach a page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

import bleach
import sqlalchemy as sa
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset(
    {"p", "br", "a", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Code points no XML document may hold (an Atom feed refuses them, so one in a title would break
# every feed listing it), nor JSON consumers and e-mail headers expect: C0 controls except tab,
# LF and CR (NUL also breaks PostgreSQL), lone surrogates, and the noncharacters U+FDD0–U+FDEF
# and U+xFFFE/U+xFFFF in every plane.
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
XML_INVALID = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)
# Characters that never belong in text people write: the above, C1 controls, and bidi
# overrides that can disguise text.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069"
    + _NONCHARACTERS
    + "]"
)
# Letters that show nothing: Hangul fillers, braille blank, and the like. A name made only of
# these (plus spaces, punctuation, zero-width marks) looks empty on the page.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180e")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…。])\s")


def clean_text(value: str | None) -> str:
    """Normalise user text: NFC, Unix newlines, no control or bidi-override characters."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _FORBIDDEN.sub("", value))


def storable(value: str) -> str:
    """Remove the code points no XML, JSON consumer or mail header accepts (see XML_INVALID).

    The last line of the policy: every text column passes here on its way to the database
    (`guard_stored_text`), whatever path wrote it.
    """
    return XML_INVALID.sub("", value) if XML_INVALID.search(value) else value


def has_visible_letters(value: str) -> bool:
    """True when `value` holds at least one letter a reader can see."""
    return any(
        unicodedata.category(char).startswith("L") and char not in _INVISIBLE_LETTERS
        for char in value
    )


def clean_line(value: str | None) -> str:
    """Normalise a one-line field: as `clean_text`, with runs of white space folded."""
    return " ".join(clean_text(value).split())


def _set_link_attributes(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(("http://", "https://", "mailto:")):
        return None  # drop the link, keep its text
    attrs[(None, "rel")] = LINK_REL
    return attrs


_linker = Linker(callbacks=[_set_link_attributes], parse_email=False)


def _final_clean(markup: str) -> str:
    return bleach.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


# Plain text without these characters and without anything the linker reads as a link is
# already what the parser would give back: escaping, linking and cleaning leave it as it is
# (tests/unit/test_sanitize.py compares both paths on any text).
_MARKUP_CHARACTERS = re.compile("[&<>]")
# Every link the linker finds has a dot right before its top-level domain (a letter or digit):
# prose without one ("winter. Then") needs no look with its slower pattern.
_DOT_BEFORE_WORD = re.compile(r"\.\w")


def _may_hold_link(paragraph: str) -> bool:
    return bool(_DOT_BEFORE_WORD.search(paragraph) and _linker.url_re.search(paragraph))


def plain_text_to_html(text: str) -> str:
    """Turn submitted plain text into safe HTML paragraphs with links marked nofollow ugc."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(clean_text(text)) if p.strip()]
    if not any(_MARKUP_CHARACTERS.search(p) or _may_hold_link(p) for p in paragraphs):
        return "\n".join("<p>" + p.replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return _parsed_paragraphs(paragraphs)


def _parsed_paragraphs(paragraphs: list[str]) -> str:
    """The general path: escape, link, and clean with the one allowlist."""
    rendered = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph, quote=False).replace("\n", "<br>\n")
        rendered.append(f"<p>{_linker.linkify(escaped)}</p>")
    return _final_clean("\n".join(rendered))


def moderator_html(markup: str) -> str:
    """Sanitise HTML written by a moderator: allowlisted tags only, links marked as for stories."""
    cleaned = _final_clean(clean_text(markup))
    return _final_clean(_linker.linkify(cleaned))


def html_to_text(markup: str) -> str:
    """Return the visible text of sanitised HTML, paragraphs separated by blank lines."""
    text = re.sub(r"</p>\s*", "\n\n", markup)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = html.unescape(bleach.clean(text, tags=set(), strip=True))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def make_excerpt(text: str, limit: int = 240) -> str:
    """Return the first sentence of `text` (plain), cut at a word boundary within `limit`."""
    flat = " ".join(clean_text(text).split())
    sentence = _SENTENCE_END.split(flat, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


def _clean_stored_strings(session: Any, _context: Any, _instances: Any) -> None:
    for instance in (*session.new, *session.dirty):
        state = sa.inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)
            if isinstance(value, str) and XML_INVALID.search(value):
                setattr(instance, attribute.key, storable(value))


def guard_stored_text(session_class: type) -> None:
    """Clean every string column of every row the session writes (insert or update)."""
    if not sa.event.contains(session_class, "before_flush", _clean_stored_strings):
        sa.event.listen(session_class, "before_flush", _clean_stored_strings)
