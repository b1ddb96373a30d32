"""The one HTML policy (storyhub/sanitize.py) on its own, without an app: what a submitter's
plain text and a moderator's HTML become, what never survives, and that cleaning twice changes
nothing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyhub.sanitize import (
    _PARAGRAPH_BREAK,
    ALLOWED_TAGS,
    LINK_REL,
    _parsed_paragraphs,
    clean_line,
    clean_text,
    has_visible_letters,
    html_to_text,
    make_excerpt,
    moderator_html,
    plain_text_to_html,
    storable,
)

HOSTILE = [
    "<script>alert(1)</script>",
    '<p onclick="steal()">hi</p>',
    "<style>p { display: none }</style>",
    '<b style="color: red">bold</b>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "<img src=x onerror=alert(1)>",
    "<iframe src=https://example.org></iframe>",
    "<svg><g onload=alert(1)></g></svg>",
    '<a href="https://example.org" target="_blank" onmouseover="x()">ok</a>',
    "<!-- a comment --><h1>Heading</h1>",
    '<form action="/login"><input name="password"></form>',
]
TAG = re.compile(r"<\s*([a-zA-Z0-9]+)")


def tags_in(markup: str) -> set[str]:
    return {name.lower() for name in TAG.findall(markup)}


@pytest.mark.parametrize("markup", HOSTILE)
def test_a_moderators_html_keeps_only_allowed_tags_and_no_script(markup: str) -> None:
    cleaned = moderator_html(markup)
    assert tags_in(cleaned) <= ALLOWED_TAGS
    lowered = cleaned.lower()
    for forbidden in ("<script", "<style", "javascript:", "data:", "onclick", "onerror", "onload"):
        assert forbidden not in lowered
    assert "style=" not in lowered and "target=" not in lowered and "onmouseover" not in lowered


@pytest.mark.parametrize("markup", HOSTILE)
def test_a_submitters_text_is_escaped_never_markup(markup: str) -> None:
    rendered = plain_text_to_html(markup)
    # Only the paragraph and the links the policy itself makes are tags.
    assert tags_in(rendered) <= {"p", "a", "br"}
    assert "<script" not in rendered and "<img" not in rendered and "<iframe" not in rendered


def test_allowed_tags_survive_and_links_get_rel_noopener() -> None:
    cleaned = moderator_html(
        "<h3>Title</h3><p><strong>a</strong> <em>b</em></p><ul><li>one</li></ul>"
        '<blockquote>q</blockquote><a href="https://example.org" title="t">site</a>'
        '<a href="mailto:someone@example.org">mail</a>'
    )
    for tag in ("h3", "p", "strong", "em", "ul", "li", "blockquote"):
        assert f"<{tag}>" in cleaned
    assert f'<a href="https://example.org" title="t" rel="{LINK_REL}">site</a>' in cleaned
    assert f'<a href="mailto:someone@example.org" rel="{LINK_REL}">mail</a>' in cleaned
    assert "noopener" in LINK_REL and "nofollow" in LINK_REL and "ugc" in LINK_REL


def test_a_link_with_a_bad_scheme_loses_its_href_but_keeps_its_words() -> None:
    assert moderator_html('<a href="javascript:alert(1)">click</a>') == "click"
    assert moderator_html('<a href="ftp://example.org/f">file</a>') == "file"


def test_plain_text_becomes_paragraphs_with_links() -> None:
    rendered = plain_text_to_html("First line\nsecond line\n\n\nsee https://example.org/tips. ok")
    assert rendered == (
        "<p>First line<br>\nsecond line</p>\n"
        f'<p>see <a href="https://example.org/tips" rel="{LINK_REL}">'
        "https://example.org/tips</a>. ok</p>"
    )


def test_e_mail_addresses_in_a_story_are_not_made_links() -> None:
    assert plain_text_to_html("write to me: someone@example.org") == (
        "<p>write to me: someone@example.org</p>"
    )


def test_entities_are_kept_as_text_not_decoded_into_markup() -> None:
    # A submitter's "&lt;b&gt;" is the text they typed, shown as typed.
    assert plain_text_to_html("Tom & Jerry &lt;b&gt;") == "<p>Tom &amp; Jerry &amp;lt;b&amp;gt;</p>"
    # A moderator's entities stay entities: "&lt;script&gt;" never becomes a tag.
    assert moderator_html("&lt;script&gt;alert(1)&lt;/script&gt; &amp;") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp;"
    )


def test_html_to_text_gives_back_the_words() -> None:
    assert html_to_text(plain_text_to_html("A & B <c>\n\nsecond")) == "A & B <c>\n\nsecond"


def test_control_and_bidi_override_characters_are_removed_and_text_normalised() -> None:
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_text("e\u0301") == "\u00e9"  # NFC
    assert clean_text("left\u202eright\x00\x07") == "leftright"
    assert clean_line("  several \n\t words  ") == "several words"
    assert storable("a\x01b\ufffe") == "ab" and storable("plain") == "plain"


def test_visible_letters() -> None:
    assert has_visible_letters("Al")
    assert not has_visible_letters("\u3164 . \u200b")


def test_excerpt_is_the_first_sentence_cut_at_a_word() -> None:
    assert make_excerpt("First one. Second one.") == "First one."
    long = make_excerpt("word " * 100)
    assert long.endswith("…") and len(long) <= 241 and not long.endswith(" …")


@pytest.mark.parametrize("markup", HOSTILE)
def test_cleaning_twice_is_cleaning_once(markup: str) -> None:
    once = moderator_html(markup)
    assert moderator_html(once) == once


# Markup-ish text: tags, attributes, entities and links, mixed with arbitrary characters.
_pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<a href='https://example.org'>",
        "</a>",
        "<script>",
        "</script>",
        "<img src=x onerror=y>",
        "&amp;",
        "&lt;",
        "&#x3c;",
        "<br>",
        "\n\n",
        "https://example.org/x",
        " ",
        "<h3>",
        "</h3>",
        '"',
        "'",
        "<!--",
        "-->",
    ]
)
_markup = st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=20).map("".join)


@settings(max_examples=200, deadline=None)
@given(_markup)
def test_any_markup_cleaned_twice_is_cleaned_once(markup: str) -> None:
    once = moderator_html(markup)
    assert moderator_html(once) == once
    assert tags_in(once) <= ALLOWED_TAGS


@settings(max_examples=200, deadline=None)
@given(_markup)
def test_any_plain_text_renders_to_allowed_markup_only(text: str) -> None:
    rendered = plain_text_to_html(text)
    assert tags_in(rendered) <= {"p", "a", "br"}
    assert moderator_html(rendered) == rendered


# Text as people write it, and the characters where escaping, linking or the parser could
# change something: markup, entities, link-like words, spaces of every kind, line breaks.
_plain_pieces = st.sampled_from(
    [
        "&", "<", ">", "&amp;", "&#x27;", "&nbsp;", '"', "'", ".", ":", "/", "@", "#", "?", "=",
        "\n", "\n\n", " \n \n", "\t", "\r\n", "\xa0", "\u2028", "\u2029", "\ufeff", "\u200b",
        "\x0c", "\x00", "\x85", "www.", "example.com", "http://", "https://x.org/a?b=c",
        "mailto:a@b.it", "a.b", "e.g.", "3.5 mg", "Dr.", "Sig.ra", "perché", "niño", "Ålesund",
        "日本語", "مرحبا", "🙂", "x.co", "Milano.it", "foo.bar.baz", "(see x.com)", "—", "…",
    ]
)  # fmt: skip
_plain_text = st.lists(st.one_of(_plain_pieces, st.text(max_size=6)), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(_plain_text)
def test_the_fast_path_for_text_without_markup_gives_what_the_parser_gives(text: str) -> None:
    """plain_text_to_html skips the parser for text with no markup character and no link:
    its answer is the same as the general path's, for any text."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(clean_text(text)) if p.strip()]
    assert plain_text_to_html(text) == _parsed_paragraphs(paragraphs)


def test_the_fast_path_is_taken_for_plain_sentences_and_not_for_links_or_markup() -> None:
    plain = "It began with cold fingers.\nThen the doctors: three of them.\n\nNow I swim."
    assert plain_text_to_html(plain) == (
        "<p>It began with cold fingers.<br>\nThen the doctors: three of them.</p>\n"
        "<p>Now I swim.</p>"
    )
    assert 'rel="nofollow ugc noopener"' in plain_text_to_html("See example.org today.")
    assert plain_text_to_html("a < b & c") == "<p>a &lt; b &amp; c</p>"
