"""The one HTML policy: everything shown with `|safe` went through a function here when stored.

Submitters write plain text: it is escaped, blank lines become paragraphs and URLs become links
marked `nofollow ugc`. Moderators may use a small allowlist of tags. Both end in `bleach.clean`
with the same allowlist, so nothing outside it can reach a page.
"""

from __future__ import annotations

import html
import re
import unicodedata

import bleach
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset(
    {"p", "br", "a", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Characters that never belong in stored text: C0/C1 controls (NUL breaks PostgreSQL) except
# tab and newline, lone surrogates, and bidi overrides that can disguise text.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…。])\s")


def clean_text(value: str | None) -> str:
    """Normalise user text: NFC, Unix newlines, no control or bidi-override characters."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _FORBIDDEN.sub("", value))


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


def plain_text_to_html(text: str) -> str:
    """Turn submitted plain text into safe HTML paragraphs with links marked nofollow ugc."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(clean_text(text)) if p.strip()]
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
