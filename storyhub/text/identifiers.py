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
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from storyhub.text import gazetteer
from storyhub.text import vocabulary as vocab

KINDS = ("email", "phone", "url", "date", "age", "place", "person", "organisation", "id")
LANGUAGES = ("en", "it", "es")
# When findings overlap, the first kind in this order wins.
PRECEDENCE = ("email", "url", "id", "date", "phone", "age", "organisation", "person", "place")
DEFAULT_REGION = {"en": "GB", "it": "IT", "es": "ES"}
BIG_CITY = 100_000  # "Rosario" in Argentina is the city; elsewhere a first name


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text}


def _alternation(words: str | list[str]) -> str:
    items = words.split() if isinstance(words, str) else words
    # Longest first, so "Dott.ssa" is tried before "Dott.".
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))


def _languages(language: str) -> tuple[str, ...]:
    base = (language or "").split("-")[0].lower()
    return (base,) if base in LANGUAGES else LANGUAGES


# A name-like word: starts with a capital; letters, apostrophes and inner hyphens.
_WORD = re.compile(r"\w[\w'’]*(?:-\w[\w'’]*)*")
_ORG_WORDS = frozenset(
    " ".join([*vocab.ORG_LEADING.values(), vocab.ORG_TRAILING]).casefold().split()
)
_CONNECTORS = frozenset(
    "de di del della dei degli da la las los le el van von der du dos das y e of and".split()
)

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
UK_POSTCODE = re.compile(r"(?<!\w)[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}(?!\w)")
POSTCODE_TOWN = re.compile(r"(?<![\w-])\d{5}(?=[ ,]{1,3}[A-ZÀ-Ý][a-zà-ÿ])")
SENTENCE_END = frozenset('.!?\n:;"“”«»¿¡()')

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
_CAPITALISED_WORD = re.compile(r"(?<![\w'’])[^\W\d_][\w'’]*(?:-\w[\w'’]*)*")


@lru_cache(maxsize=4)
def _tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """The words of `text` (start, end, word), found once and shared by every finder."""
    return tuple((m.start(), m.end(), m.group()) for m in _CAPITALISED_WORD.finditer(text))


@dataclass(frozen=True)
class _Hit:
    """A phrase found by `_Phrases`: the little of `re.Match` the finders use."""

    begin: int
    finish: int
    value: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self) -> str:
        return self.value


_PHRASE_SETS: dict[str, list[_Phrases]] = {}  # first word, lower case -> sets holding it


@lru_cache(maxsize=4)
def _phrase_hits(text: str) -> dict[_Phrases, list[_Hit]]:
    """Every phrase set's hits, in one pass over the words."""
    hits: dict[_Phrases, list[_Hit]] = {}
    for start, _end, word in _tokens(text):
        keys = [(0, word)]
        if "'" in word or "’" in word:  # "all'Ospedale" holds "Ospedale"
            keys += [(i + 1, word[i + 1 :]) for i, ch in enumerate(word) if ch in "'’"]
        for offset, key in keys:
            for phrases in _PHRASE_SETS.get(key.lower(), ()):
                hit = phrases._longest(text, start + offset, phrases.by_first[key.lower()])
                if hit:
                    hits.setdefault(phrases, []).append(hit)
    return hits


class _Phrases:
    """A set of words or short phrases looked up word by word in a dictionary: a regular
    expression alternation of hundreds of words costs ten times more on a long story."""

    def __init__(self, phrases: str | list[str], *, any_case: bool, space_after: bool = False):
        items = phrases.split() if isinstance(phrases, str) else phrases
        self.any_case = any_case
        self.space_after = space_after
        self.by_first: dict[str, list[str]] = {}
        for phrase in sorted(set(items), key=len, reverse=True):
            first = _CAPITALISED_WORD.match(phrase)
            key = (first.group() if first else phrase).lower()
            self.by_first.setdefault(key, []).append(phrase)
            _PHRASE_SETS.setdefault(key, []).append(self)

    def finditer(self, text: str) -> Iterator[_Hit]:
        return iter(_phrase_hits(text).get(self, ()))

    def _longest(self, text: str, start: int, candidates: list[str]) -> _Hit | None:
        for phrase in candidates:
            end = start + len(phrase)
            found = text[start:end]
            same = found.lower() == phrase.lower() if self.any_case else found == phrase
            if not same:
                continue
            following = text[end : end + 1]
            if self.space_after and not following.isspace():
                continue
            if following.isalnum() or following == "_":
                continue
            return _Hit(start, end, found)
        return None


_TITLES = _Phrases(vocab.TITLES, any_case=False, space_after=True)
# Written in lower case too ("la dott.ssa Bianchi"); "miss" or "don" alone are verbs.
_TITLES_ANY_CASE = _Phrases(vocab.TITLES_ANY_CASE, any_case=True, space_after=True)
_RELATIONS = {lang: _Phrases(words, any_case=True) for lang, words in vocab.RELATIONS.items()}
_ORG_LEADING = {lang: _Phrases(words, any_case=True) for lang, words in vocab.ORG_LEADING.items()}
_ORG_TRAILING = _Phrases(vocab.ORG_TRAILING, any_case=False)
_EMPLOYERS = {
    lang: _Phrases(verbs.split("|"), any_case=True) for lang, verbs in vocab.EMPLOYERS.items()
}
_STREET_LEADING = _Phrases(vocab.STREETS_LEADING, any_case=True, space_after=True)
_STREET_TRAILING = _Phrases(vocab.STREETS_TRAILING, any_case=False)


def _at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\r'\"‘“«¿¡([":
        i -= 1
    return i < 0 or text[i] in SENTENCE_END


def _capitalised_run(
    text: str,
    pos: int,
    max_words: int = 4,
    *,
    allow_numbers: bool = False,
    leading_connector: bool = False,
) -> int | None:
    """The end of the capitalised words starting at `pos` (after spaces or a comma), with
    connectors ("di", "de la") inside; None when no capitalised word starts there. The run
    stops before a word that starts an organisation ("Dr Rossi del Policlinico Gemelli")."""
    end: int | None = None
    pending_connector = False
    words = 0
    i = pos
    while words < max_words + 2:
        gap = 0
        while i < len(text) and text[i] in " \t" and gap < 3:
            i += 1
            gap += 1
        match = _WORD.match(text, i)
        if match is None or match.end() - match.start() > 40:
            break
        word = match.group()
        if pending_connector and word.casefold() in _ORG_WORDS:
            break  # "Dr Rossi del Policlinico Gemelli": two findings, not one
        if word[0].isupper() or (allow_numbers and word.isdigit() and words == 0):
            end, i, words, pending_connector = match.end(), match.end(), words + 1, False
            if words >= max_words:
                break
            continue
        connector_allowed = end is not None or (leading_connector and words == 0)
        if connector_allowed and word.casefold() in _CONNECTORS and not pending_connector:
            i, pending_connector = match.end(), True
            continue
        break
    return end


def _run_before(text: str, end: int, max_words: int = 4) -> int | None:
    """The start of the capitalised words that end just before `end` ("St Mary's" before
    "Hospital"); None when the word before is not capitalised."""
    start: int | None = None
    i = end
    for _word in range(max_words):
        j = i
        while j > 0 and text[j - 1] in " \t" and i - j < 3:
            j -= 1
        if j == i and start is not None:
            break
        k = j
        while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "'’.-") and j - k < 40:
            k -= 1
        word = text[k:j]
        if start is not None and word.casefold() in ("and", "&", "of"):
            i = k  # "Norfolk and Norwich University Hospital"
            continue
        if not word or not word[0].isupper():
            break
        start, i = k, k
    return start


def _windows(anchors: Iterator[int], before: int, after: int, length: int) -> list[list[int]]:
    """Merged ranges around sorted anchor positions."""
    ranges: list[list[int]] = []
    for anchor in anchors:
        start, end = max(0, anchor - before), min(length, anchor + after)
        if ranges and start <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], end)
        else:
            ranges.append([start, end])
    return ranges


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=4)
def _digit_windows(text: str) -> tuple[tuple[int, int], ...]:
    """Where numbers are: dates, ages, phones and ids all hold one, so their patterns run
    only there (most of a story has none)."""
    ranges = _windows((m.start() for m in _DIGITS.finditer(text)), 30, 40, len(text))
    return tuple((start, end) for start, end in ranges)


def _near_digits(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    for start, end in _digit_windows(text):
        yield from pattern.finditer(text, start, end)


def _near(
    pattern: re.Pattern[str], text: str, anchors: Iterator[int], before: int, after: int
) -> Iterator[re.Match[str]]:
    for start, end in _windows(anchors, before, after, len(text)):
        yield from pattern.finditer(text, start, end)


def _emails(text: str) -> Iterator[Span]:
    ats = (m.start() for m in re.finditer("@", text))
    for m in _near(EMAIL, text, ats, 80, 600):
        yield Span("email", m.start(), m.end(), m.group(), "e-mail address")


def _urls(text: str) -> Iterator[Span]:
    scheme = (m for m in SCHEME_URL.finditer(text) if not _preceded_by(text, m.start(), "@/."))
    tlds = (m.start() for m in TLD.finditer(text))
    for m in (*scheme, *_near(BARE_DOMAIN, text, tlds, 330, 2100)):
        value = m.group().rstrip(".,;:!?)»”'\"")
        yield Span("url", m.start(), m.start() + len(value), value, "web address")


def _preceded_by(text: str, index: int, characters: str) -> bool:
    before = text[index - 1 : index]
    return bool(before) and (before.isalnum() or before in characters)


def _phones(text: str, region: str) -> Iterator[Span]:
    for m in _near_digits(PHONE_CANDIDATE, text):
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
    for m in _near_digits(NUMERIC_DATE, text):
        yield Span("date", m.start(), m.end(), m.group(), "exact date")
    for lang in languages:
        for m in _near_digits(_DATES[lang], text):
            if _NAMED_AFTER_DATE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "Hospital 12 de Octubre" is a hospital
            value = m.group()
            if value.endswith(".") and len(value.split()[-1]) > 5:
                value = value[:-1]  # "3 marzo." ends a sentence; "3 Sept." abbreviates
            yield Span("date", m.start(), m.start() + len(value), value, "exact date")


def _ages(text: str, languages: tuple[str, ...]) -> Iterator[Span]:
    for lang in languages:
        for m in _near_digits(_AGES[lang], text):
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
    for m in _near_digits(CODICE_FISCALE, text):
        yield Span("id", m.start(), m.end(), m.group(), "codice fiscale")
    for m in _near_digits(DNI_NIE, text):
        prefix, number, letter = m.groups()
        value = int(str("XYZ".index(prefix)) + number if prefix else number)
        if (prefix and len(number) == 7) or (not prefix and len(number) == 8):
            if _dni_letter(value) == letter:
                yield Span("id", m.start(), m.end(), m.group(), "DNI/NIE number")
    for m in _near_digits(NHS_NUMBER, text) if region == "GB" else ():
        digits = re.sub(r"\D", "", m.group())
        if _nhs_checksum(digits):
            yield Span("id", m.start(), m.end(), m.group(), "NHS number")
    for m in _near_digits(SSN, text):
        yield Span("id", m.start(), m.end(), m.group(), "social security number")
    for m in _near_digits(RECORD, text):
        value = m.group(1)
        if not any(ch.isalpha() for ch in value) and _is_phone(value, region):
            continue  # "il mio numero è 0832 123456" is a phone number
        yield Span("id", m.start(1), m.end(1), m.group(1), "record or id number")


def _people(
    text: str, languages: tuple[str, ...], author: frozenset[str], country: str
) -> Iterator[Span]:
    for m in (*_TITLES.finditer(text), *_TITLES_ANY_CASE.finditer(text)):
        end = _capitalised_run(text, m.end(), 3)
        if end is not None:
            yield Span("person", m.start(), end, text[m.start() : end], "name with a title")
    for lang in languages:
        for m in _RELATIONS[lang].finditer(text):
            i = m.end()
            if i < len(text) and text[i] == ",":
                i += 1
            end = _capitalised_run(text, i, 3)
            if end is None:
                continue
            start = i + len(text[i:end]) - len(text[i:end].lstrip(" \t"))
            name = text[start:end]
            if name.casefold() in author or _is_month_or_kind_word(name):
                continue
            yield Span("person", start, end, name, "name after a relationship word")
    for start, end, word in _tokens(text):
        folded = word.casefold()
        if (
            word[0].isupper()
            and folded in vocab.FIRST_NAMES
            and folded not in author
            and folded not in vocab.COMMON_WORDS
            and gazetteer.home_population(word, country) < BIG_CITY
        ):
            stop = _capitalised_run(text, end, 1) or end
            if text[end:stop].strip().casefold() in author:
                stop = end
            yield Span("person", start, stop, text[start:stop], "first name")


_MONTH_WORDS = frozenset(" ".join(vocab.MONTHS.values()).split())


def _is_month_or_kind_word(name: str) -> bool:
    first = name.split()[0].casefold()
    return first in _MONTH_WORDS or first in vocab.COMMON_WORDS


_TOWN_CONNECTOR = re.compile(r"\s(?:di|de|del|of|in|a)\s+", re.IGNORECASE)


def _without_trailing_town(text: str, start: int, end: int, country: str) -> int:
    """ "Ospedale San Raffaele di Milano" → "Ospedale San Raffaele": the town is its own
    finding, and its own suggestion."""
    for m in reversed(list(_TOWN_CONNECTOR.finditer(text, start, end))):
        named = text[start : m.start()].strip()
        if " " in named and gazetteer.is_place(text[m.end() : end], country):
            return m.start()  # ("Policlinico di Modena" stays whole: named after the town)
    return end


def _organisations(text: str, languages: tuple[str, ...], country: str) -> Iterator[Span]:
    # A hospital keeps its own language's name in any story ("the Ospedale San Carlo").
    for lang in LANGUAGES:
        for m in _ORG_LEADING[lang].finditer(text):
            end = _capitalised_run(text, m.end(), 5, allow_numbers=True, leading_connector=True)
            if end is not None:
                end = _without_trailing_town(text, m.start(), end, country)
                reason = "hospital, clinic or institution"
                yield Span("organisation", m.start(), end, text[m.start() : end], reason)
    for lang in languages:
        for m in _EMPLOYERS[lang].finditer(text):
            end = _capitalised_run(text, m.end(), 4)
            if end is not None:
                start = m.end() + len(text[m.end() : end]) - len(text[m.end() : end].lstrip())
                yield Span("organisation", start, end, text[start:end], "employer")
    for m in _ORG_TRAILING.finditer(text):
        start = _run_before(text, m.start(), 4)
        if start is not None:
            reason = "hospital, clinic or institution"
            yield Span("organisation", start, m.end(), text[start : m.end()], reason)


def _streets(text: str) -> Iterator[Span]:
    for m in _STREET_LEADING.finditer(text):
        end = _capitalised_run(text, m.end(), 4)
        if end is None:
            continue
        number = re.compile(r",? {0,2}\d{1,4}[a-zA-Z]?(?!\w)").match(text, end)
        end = number.end() if number else end
        yield Span("place", m.start(), end, text[m.start() : end], "street")
    for m in _STREET_TRAILING.finditer(text):
        if m.group().startswith("Dr") or (
            m.group().startswith("St") and _followed_by_name(text, m)
        ):
            continue  # "Dr Rossi", "St Mary's": a title or a saint, not a street
        start = _run_before(text, m.start(), 3)
        if start is None:
            continue
        number = re.compile(r"\d{1,4}[a-zA-Z]?,? {1,2}$").search(text, max(0, start - 8), start)
        start = number.start() if number else start
        yield Span("place", start, m.end(), text[start : m.end()], "street")
    for m in _near_digits(UK_POSTCODE, text):
        yield Span("place", m.start(), m.end(), m.group(), "postcode")
    for m in _near_digits(POSTCODE_TOWN, text):
        yield Span("place", m.start(), m.end(), m.group(), "postcode")


def _followed_by_name(text: str, match: re.Match[str]) -> bool:
    rest = text[match.end() : match.end() + 3].lstrip(" .")
    return bool(rest) and rest[0].isupper()


def _towns(text: str, country: str) -> Iterator[Span]:
    """Capitalised words (up to four, with connectors) that name a town in GeoNames."""
    words = _tokens(text)
    skip_until = 0
    for index, (first_start, _first_end, first_word) in enumerate(words):
        if first_start < skip_until or not first_word[0].isupper():
            continue
        for length in (4, 3, 2, 1):
            if index + length > len(words):
                continue
            _last_start, last_end, last_word = words[index + length - 1]
            if last_end - first_start > 60 or not last_word[0].isupper():
                continue
            name = text[first_start:last_end]
            if "\n" in name:
                continue
            if length == 1 and (
                len(name) < 3
                or (name.isupper() and len(name) <= 3)
                or name.casefold() in vocab.NEVER_ALONE
            ):
                continue
            if not gazetteer.is_place(name, country):
                continue
            if length == 1 and _at_sentence_start(text, first_start):
                # First word of a sentence: capitalised anyway, so a word ("Solo", "Nice")
                # unless it is a town of the story's own country and no common word.
                if name.casefold() in vocab.COMMON_WORDS or not gazetteer.home_population(
                    name, country
                ):
                    break
            if name.casefold() in _MONTH_WORDS:
                break
            big_here = gazetteer.home_population(name, country) >= BIG_CITY
            if name.casefold() in vocab.FIRST_NAMES and not big_here:
                break
            yield Span("place", first_start, last_end, name, "town or city")
            skip_until = last_end
            break


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
        *_organisations(text, languages, country),
        *_people(text, languages, author, country),
        *_streets(text),
        *_towns(text, country),
    ]
    return _resolve(found)


def counts(spans: list[Span]) -> dict[str, int]:
    """How many findings of each kind, in KINDS order, kinds with none left out."""
    tally = {kind: 0 for kind in KINDS}
    for span in spans:
        tally[span.kind] += 1
    return {kind: n for kind, n in tally.items() if n}
