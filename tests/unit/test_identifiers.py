"""The identifier detector (storyhub/text/identifiers.py) on its own: what it finds in each
language, what it leaves alone, the floors it reaches on the labelled set, and that no input
of any kind makes it fail."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyhub.text import evaluation, identifiers
from tests.plugins.paths import TEST_DATA

LABELLED = TEST_DATA / "identifiers_labelled.jsonl"


def kinds(text: str, language: str, country: str = "", author: str = "") -> dict[str, str]:
    return {s.text: s.kind for s in identifiers.find(text, language, country, author)}


@pytest.mark.parametrize(
    ("language", "country", "text", "expected"),
    [
        (
            "en",
            "GB",
            "Write to me: jo.bloggs+care@mail.example.co.uk.",
            {"jo.bloggs+care@mail.example.co.uk": "email"},
        ),
        ("en", "GB", "Ring 020 7946 0018 after six.", {"020 7946 0018": "phone"}),
        ("it", "IT", "Chiamate il +39 06 4991 2345.", {"+39 06 4991 2345": "phone"}),
        ("es", "ES", "Mi móvil es 612 345 678.", {"612 345 678": "phone"}),
        (
            "en",
            "GB",
            "See https://example.org/forum?id=3, thanks.",
            {"https://example.org/forum?id=3": "url"},
        ),
        ("en", "GB", "It happened on 3 March 2021.", {"3 March 2021": "date"}),
        ("en", "GB", "It happened on 3/3/21.", {"3/3/21": "date"}),
        ("it", "IT", "È successo il 3 marzo.", {"3 marzo": "date"}),
        ("es", "ES", "Pasó el 3 de marzo.", {"3 de marzo": "date"}),
        ("en", "GB", "My gran is aged 97.", {"aged 97": "age"}),
        ("it", "IT", "Mio figlio ha 6 anni.", {"ha 6 anni": "age"}),
        ("es", "ES", "Mi abuela tiene 93 años.", {"tiene 93 años": "age"}),
        ("it", "IT", "Vivo a Bergamo.", {"Bergamo": "place"}),
        ("en", "GB", "We moved to 14 Park Road in 2019.", {"14 Park Road": "place"}),
        ("en", "GB", "My husband John came.", {"John": "person"}),
        ("it", "IT", "La dott.ssa Ferri è brava.", {"dott.ssa Ferri": "person"}),
        ("es", "ES", "La Dra. Puig me atendió.", {"Dra. Puig": "person"}),
        ("en", "GB", "They sent me to St Mary's Hospital.", {"St Mary's Hospital": "organisation"}),
        ("it", "IT", "Ricoverata all'Ospedale San Carlo.", {"Ospedale San Carlo": "organisation"}),
        ("es", "ES", "Me operaron en el Hospital Clínic.", {"Hospital Clínic": "organisation"}),
        ("it", "IT", "CF RSSMRA85T10A562S.", {"RSSMRA85T10A562S": "id"}),
        ("es", "ES", "Mi DNI es 12345678Z.", {"12345678Z": "id"}),
        ("en", "GB", "NHS number 943 476 5919.", {"943 476 5919": "id"}),
    ],
)
def test_finds_each_kind(language: str, country: str, text: str, expected: dict[str, str]):
    assert kinds(text, language, country) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I have had lupus for ten years and I am 45 now. In May it gets worse."),
        ("en", "Nice people. Reading other stories helped. Grace and patience, always."),
        ("it", "Ho 52 anni, convivo con la malattia da 10 anni. Come tutti, a maggio peggiora."),
        ("es", "Tengo 48 años y llevo 12 años con la enfermedad. Mayo fue el peor mes."),
        ("en", "My doctor said the hospital was full, so my husband drove me home."),
    ],
)
def test_ordinary_sentences_have_no_findings(language: str, text: str):
    assert identifiers.find(text, language) == []


def test_the_authors_own_name_is_not_a_finding():
    text = "My sister Maria and my husband John came with me."
    assert kinds(text, "en", "GB", author="Maria") == {"John": "person"}


def test_spans_are_character_offsets_into_the_text():
    text = "Ünïcödé 😀 first, then Dr Rossi at Ospedale Niguarda on 3 marzo 2021."
    for span in identifiers.find(text, "it", "IT"):
        assert text[span.start : span.end] == span.text
        assert span.reason


def test_an_unknown_language_still_finds_what_any_language_would():
    found = kinds("Mail a@b.example.com, 3 marzo, Dr Rossi, +44 20 7946 0018.", "de")
    assert found["a@b.example.com"] == "email"
    assert found["3 marzo"] == "date"
    assert found["+44 20 7946 0018"] == "phone"


def test_labelled_set_reaches_the_floors():
    tallies = evaluation.evaluate(evaluation.load(LABELLED))
    assert len(evaluation.load(LABELLED)) >= 40
    for kind in ("email", "phone", "url"):
        assert tallies[kind].recall >= 0.95, (kind, tallies[kind].misses)
    for kind in ("date", "place"):
        assert tallies[kind].recall >= 0.85, (kind, tallies[kind].misses)
    for kind in ("person", "organisation"):
        assert tallies[kind].recall >= 0.7, (kind, tallies[kind].misses)
    assert tallies["all"].precision >= 0.9, tallies["all"].false_alarms
    assert tallies["all"].recall >= 0.9, tallies["all"].misses


def test_the_labelled_set_covers_each_language_and_kind():
    stories = evaluation.load(LABELLED)
    assert {s.language for s in stories} == {"en", "it", "es"}
    assert all(sum(s.language == lang for s in stories) >= 13 for lang in ("en", "it", "es"))
    marked = {kind for s in stories for kind, _start, _end in s.spans}
    assert marked == set(identifiers.KINDS)


HOSTILE = [
    "",
    "a" * 50_000,
    "@" * 10_000,
    "1" * 50_000,
    "Dr " * 10_000,
    "Ospedale di " * 5000,
    "\x00\ud800\U0010ffff\u202e" * 1000,
    "http://" + "a" * 20_000,
    "a." * 20_000 + "com",
    "3/" * 20_000,
    "李小龙 محمد Владимир 3 de marzo Ωmega",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_never_fails(text: str):
    for span in identifiers.find(text, "en", "GB"):
        assert text[span.start : span.end] == span.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=400),
    language=st.sampled_from(["en", "it", "es", "de", "", "zh-Hant", "x" * 30]),
    country=st.sampled_from(["GB", "IT", "ES", "", "ZZ", "gb", "12", "🙂"]),
    author=st.text(max_size=40),
)
def test_any_unicode_is_scanned_without_error(text: str, language: str, country: str, author):
    spans = identifiers.find(text, language, country, author)
    previous_end = 0
    for span in spans:
        assert span.kind in identifiers.KINDS
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text
        previous_end = span.end


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Dr ",
                "Rossi ",
                "3 ",
                "marzo ",
                "Via ",
                "Roma ",
                "12",
                ", ",
                "@",
                ".",
                "com ",
                "+39 ",
                "333 ",
                "Ospedale ",
                "di ",
                "Milano",
                "\n",
                "mio marito ",
                "Giorgio",
                "-",
                "/",
            ]
        ),
        max_size=80,
    )
)
def test_identifier_like_fragments_in_any_order(parts: list[str]):
    text = "".join(parts)
    for span in identifiers.find(text, "it", "IT"):
        assert text[span.start : span.end] == span.text
