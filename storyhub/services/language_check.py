"""Offline check of the declared language (py3langid): a story filed under the wrong language
is hard to find, so when the text clearly reads as another one we ask; we never refuse."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from storyhub.i18n import base_language

# Languages close enough that the detector often mixes them up: never worth a question.
_CLOSE_GROUPS = (
    frozenset({"sr", "hr", "bs", "cnr", "sh"}),
    frozenset({"no", "nb", "nn", "da"}),
    frozenset({"ms", "id", "zsm"}),
    frozenset({"tl", "fil"}),
)


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # Loaded once per process on first use (about a second); norm_probs gives 0..1 confidence.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_model() -> None:
    """Load the detector now (gunicorn calls this as a worker starts), not in a request."""
    _identifier()


def _same_language(declared: str, detected: str) -> bool:
    if declared == detected:
        return True
    return any(declared in group and detected in group for group in _CLOSE_GROUPS)


def detect(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability) for `text`."""
    language, probability = _identifier().classify(text)
    return str(language), float(probability)


def mismatch(declared_tag: str, text: str) -> str | None:
    """Return the detected language when it clearly differs from `declared_tag`, else None.

    Clearly means: enough letters to judge, a confident detection, and a declared language the
    detector knows (it cannot have an opinion about, say, Swiss German or a sign language).
    """
    config = current_app.config
    if sum(ch.isalpha() for ch in text) < config["LANGUAGE_CHECK_MIN_LETTERS"]:
        return None
    declared = base_language(declared_tag)
    identifier = _identifier()
    if declared not in identifier.labels and not any(declared in g for g in _CLOSE_GROUPS):
        return None
    detected, probability = detect(text)
    if probability < config["LANGUAGE_CHECK_CONFIDENCE"] or _same_language(declared, detected):
        return None
    return detected
