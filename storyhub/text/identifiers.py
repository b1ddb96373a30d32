"""Could someone recognise the author? Find the passages of a story that point at real people,
places, dates and records: e-mail addresses, phone numbers, links, exact dates, exact ages of
the very old and of children, towns and streets, other people's names, hospitals and
employers, and record or national id numbers.

Pure Python and offline: regular expressions written so that each starts only at a word
boundary and has bounded repetition (linear time on any input, even 50,000 characters without
a space), `phonenumbers` for telephone numbers in the story's country, and GeoNames
(`storyhub/text/gazetteer.py`) for towns. It errs towards asking: a finding is a question to
the author, never a refusal."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from storyhub.text import names
from storyhub.text import vocabulary as vocab
from storyhub.text.scanning import LANGUAGES, Span, near, near_digits

__all__ = ["KINDS", "LANGUAGES", "Span", "counts", "find"]

KINDS = ("email", "phone", "url", "date", "age", "place", "person", "organisation", "id")
# When findings overlap, the first kind in this order wins.
PRECEDENCE = ("email", "url", "id", "date", "phone", "age", "organisation", "person", "place")
DEFAULT_REGION = {"en": "GB", "it": "IT", "es": "ES"}


def _alternation(words: str | list[str]) -> str:
    items = words.split() if isinstance(words, str) else words
    # Longest first, so "Dott.ssa" is tried before "Dott.".
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))


def _languages(language: str) -> tuple[str, ...]:
    base = (language or "").split("-")[0].lower()
    return (base,) if base in LANGUAGES else LANGUAGES


EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_URL_TAIL = r"[^\s<>\"'()\[\]]{1,2000}"
SCHEME_URL = re.compile(r"(?:https?://|HTTPS?://|www\.|WWW\.)" + _URL_TAIL)
_TLDS = r"\.(?:com|org|net|info|io|it|es|uk|eu|de|fr|me|app|ly|gov|edu)(?![\w-])"
TLD = re.compile(_TLDS, re.IGNORECASE)
BARE_DOMAIN = re.compile(
    r"(?<![\w@/.-])[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,4}"
    + _TLDS
    + r"(?:/[^\s<>\"']{0,2000})?",
    re.IGNORECASE,
)
PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d \t().\-/]{5,18}\d(?!\d)")
NUMERIC_DATE = re.compile(
    r"(?<![\d/.\-])(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?![\d/\-])"
)
CODICE_FISCALE = re.compile(r"(?<!\w)[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?!\w)")
DNI_NIE = re.compile(r"(?<!\w)([XYZ]?)(\d{7,8})[- ]?([A-Z])(?!\w)")
NHS_NUMBER = re.compile(r"(?<![\w-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w-])")
SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
RECORD = re.compile(
    r"(?<!\w)(?:NHS|hospital|patient|record|case|file|MRN|NHC|SIP|CIP|tessera|cartella|"
    r"historia|expediente|pratica|codice|número|numero|number|ID|insurance|policy|member|"
    r"passport|passaporto|pasaporte|tarjeta|sanitaria|n[º°o]\.?|#)"
    r"[^\n\d]{0,30}?(?<!\w)((?-i:[A-Z]{0,4})[-/ ]?\d[\d\-/ ]{3,16}\d[A-Z]?)(?![\w-])",
    re.IGNORECASE,
)

_MONTH = {lang: _alternation(words) for lang, words in vocab.MONTHS.items()}
_ORDINAL = r"(?:st|nd|rd|th|º|°|ª)?"
_DAY = rf"(?:[12]\d|3[01]|0?[1-9]){_ORDINAL}"
_YEAR = r"(?:\d{4}|'\d{2})"


def _date_patterns(language: str) -> re.Pattern[str]:
    month = _MONTH[language]
    forms = {
        "en": [
            rf"{_DAY}(?:\s{{1,3}}of)?\s{{1,3}}(?:{month})\.?(?:,?\s{{1,3}}{_YEAR})?",
            rf"(?:{month})\.?\s{{1,3}}{_DAY}(?!\d)(?:,?\s{{1,3}}{_YEAR})?",
        ],
        "it": [rf"{_DAY}\s{{1,3}}(?:{month})\.?(?:\s{{1,3}}(?:del\s{{1,3}})?{_YEAR})?"],
        "es": [
            rf"{_DAY}\s{{1,3}}(?:de\s{{1,3}})?(?:{month})\.?"
            rf"(?:,?\s{{1,3}}(?:de(?:l)?\s{{1,3}})?{_YEAR})?"
        ],
    }[language]
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)", re.IGNORECASE)


_DATES = {lang: _date_patterns(lang) for lang in LANGUAGES}

_AGE_FORMS = {
    "en": [
        r"(?<!\w)(\d{1,3})[\s-]{1,3}(?:years?|yrs?|months?|weeks?)[\s-]{1,3}old(?!\w)",
        r"(?<!\w)aged?\s{1,3}(\d{1,3})(?!\w)",
        r"(?<!\w)(?:turned|turns|turning|is|was)\s{1,3}(\d{1,3})(?=\s{0,3}(?:[.,;]|this|last|in|on|when))",
    ],
    "it": [
        r"(?<!\w)(?:ha|aveva|avrà|di|compiuto|compie|compiuti|età di|a)\s{1,3}(\d{1,3})"
        r"\s{1,3}(?:anni|mesi|settimane)(?!\w)",
    ],
    "es": [
        r"(?<!\w)(?:tiene|tenía|tendrá|de|cumplió|cumple|edad de|a los)\s{1,3}(\d{1,3})"
        r"\s{1,3}(?:años|meses|semanas)(?!\w)",
    ],
}
_AGES = {
    lang: re.compile("|".join(f"(?:{form})" for form in forms), re.IGNORECASE)
    for lang, forms in _AGE_FORMS.items()
}


def _emails(text: str) -> Iterator[Span]:
    ats = (m.start() for m in re.finditer("@", text))
    for m in near(EMAIL, text, ats, 80, 600):
        yield Span("email", m.start(), m.end(), m.group(), "e-mail address")


def _urls(text: str) -> Iterator[Span]:
    scheme = (m for m in SCHEME_URL.finditer(text) if not _preceded_by(text, m.start(), "@/."))
    tlds = (m.start() for m in TLD.finditer(text))
    for m in (*scheme, *near(BARE_DOMAIN, text, tlds, 330, 2100)):
        value = m.group().rstrip(".,;:!?)»”'\"")
        yield Span("url", m.start(), m.start() + len(value), value, "web address")


def _preceded_by(text: str, index: int, characters: str) -> bool:
    before = text[index - 1 : index]
    return bool(before) and (before.isalnum() or before in characters)


def _phones(text: str, region: str) -> Iterator[Span]:
    for m in near_digits(PHONE_CANDIDATE, text):
        candidate = m.group().rstrip(" -./(")
        digits = sum(ch.isdigit() for ch in candidate)
        if digits < 7:
            continue
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        # A possible (not assigned) number still identifies when written in full, like the
        # 07700 900xxx range British television uses.
        dialled = candidate.startswith(("+", "0", "(0")) and digits >= 10
        if phonenumbers.is_valid_number(number) or (
            dialled and phonenumbers.is_possible_number(number)
        ):
            yield Span("phone", m.start(), m.start() + len(candidate), candidate, "phone number")


_NAMED_AFTER_DATE = re.compile(r"(?:hospital|ospedale|clínica|clinica|calle|via)\s{1,3}$", re.I)


def _dates(text: str, languages: tuple[str, ...]) -> Iterator[Span]:
    for m in near_digits(NUMERIC_DATE, text):
        yield Span("date", m.start(), m.end(), m.group(), "exact date")
    for lang in languages:
        for m in near_digits(_DATES[lang], text):
            if _NAMED_AFTER_DATE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "Hospital 12 de Octubre" is a hospital
            value = m.group()
            if value.endswith(".") and len(value.split()[-1]) > 5:
                value = value[:-1]  # "3 marzo." ends a sentence; "3 Sept." abbreviates
            yield Span("date", m.start(), m.start() + len(value), value, "exact date")


def _ages(text: str, languages: tuple[str, ...]) -> Iterator[Span]:
    for lang in languages:
        for m in near_digits(_AGES[lang], text):
            value = next(g for g in m.groups() if g is not None)
            age = int(value)
            in_months = any(w in m.group().lower() for w in ("month", "mes", "week", "settiman"))
            if in_months or age < 18 or 89 < age < 130:
                yield Span("age", m.start(), m.end(), m.group(), "exact age of a child or over 89")


def _nhs_checksum(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _dni_letter(number: int) -> str:
    return "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23]


def _is_phone(candidate: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, region))
    except phonenumbers.NumberParseException:
        return False


def _ids(text: str, region: str) -> Iterator[Span]:
    for m in near_digits(CODICE_FISCALE, text):
        yield Span("id", m.start(), m.end(), m.group(), "codice fiscale")
    for m in near_digits(DNI_NIE, text):
        prefix, number, letter = m.groups()
        value = int(str("XYZ".index(prefix)) + number if prefix else number)
        if (prefix and len(number) == 7) or (not prefix and len(number) == 8):
            if _dni_letter(value) == letter:
                yield Span("id", m.start(), m.end(), m.group(), "DNI/NIE number")
    for m in near_digits(NHS_NUMBER, text) if region == "GB" else ():
        digits = re.sub(r"\D", "", m.group())
        if _nhs_checksum(digits):
            yield Span("id", m.start(), m.end(), m.group(), "NHS number")
    for m in near_digits(SSN, text):
        yield Span("id", m.start(), m.end(), m.group(), "social security number")
    for m in near_digits(RECORD, text):
        value = m.group(1)
        if not any(ch.isalpha() for ch in value) and _is_phone(value, region):
            continue  # "il mio numero è 0832 123456" is a phone number
        yield Span("id", m.start(1), m.end(1), m.group(1), "record or id number")


def _resolve(spans: list[Span]) -> list[Span]:
    """Keep one finding per passage: the kind first in PRECEDENCE, then the longest."""
    rank = {kind: i for i, kind in enumerate(PRECEDENCE)}
    ordered = sorted(spans, key=lambda s: (rank[s.kind], -(s.end - s.start), s.start))
    taken: list[Span] = []
    occupied = bytearray()
    for span in ordered:
        if span.end <= span.start:
            continue
        if len(occupied) < span.end:
            occupied.extend(b"\0" * (span.end - len(occupied)))
        if any(occupied[span.start : span.end]):
            continue
        occupied[span.start : span.end] = b"\1" * (span.end - span.start)
        taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def find(text: str, language: str = "", country: str = "", author_name: str = "") -> list[Span]:
    """The identifying passages of `text`, in order. `language` picks the words looked for
    (an unknown one: all of en/it/es); `country` (ISO 3166 alpha-2) is the region for phone
    numbers and the first place to look for towns; the author's chosen name is not a finding."""
    if not isinstance(text, str) or not text:
        return []
    author_name = author_name if isinstance(author_name, str) else ""
    language = language if isinstance(language, str) else ""
    country = country if isinstance(country, str) else ""
    languages = _languages(language)
    country = (country or "").upper()[:2]
    region = country if country.isalpha() and len(country) == 2 else ""
    region = region or DEFAULT_REGION.get(languages[0] if len(languages) == 1 else "", "GB")
    author = frozenset(
        part for part in {author_name.casefold().strip(), *author_name.casefold().split()} if part
    )
    found: list[Span] = [
        *_emails(text),
        *_urls(text),
        *_ids(text, region),
        *_dates(text, languages),
        *_phones(text, region),
        *_ages(text, languages),
        *names.organisations(text, languages, country),
        *names.people(text, languages, author, country),
        *names.streets(text),
        *names.towns(text, country),
    ]
    return _resolve(found)


def counts(spans: list[Span]) -> dict[str, int]:
    """How many findings of each kind, in KINDS order, kinds with none left out."""
    tally = {kind: 0 for kind in KINDS}
    for span in spans:
        tally[span.kind] += 1
    return {kind: n for kind, n in tally.items() if n}
