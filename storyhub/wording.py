"""How a blueprint puts a service's refusal into words.

Services raise `ServiceError`s that carry a code and the data the words need
(services/errors.py); each blueprint keeps its own table of codes → lazy strings in its
`messages.py` and calls `say(error, TABLE)`. The strings keep the msgids they had when the
services held them, so the Italian and Spanish catalogs still apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel.speaklater import LazyString

from storyhub.services.errors import ServiceError

# A code's words: a lazy string (a plain one on the moderators' English pages), formatted with
# the error's data, or a function of that data (when a value needs words of its own first, such
# as a state).
Words = str | LazyString | Callable[..., str]
Messages = Mapping[str, Words]


def say(error: ServiceError, messages: Messages) -> str:
    """`error` in words, in the page's language; the English message a service not converted
    yet passed (or the bare code) when `messages` has no words for it."""
    text = messages.get(error.code)
    if text is None:
        return str(error)
    if callable(text):
        return text(**error.data)
    return _formatted(str(text), error.data)


def _formatted(text: str, data: dict[str, Any]) -> str:
    # As gettext does with keyword arguments: format only when there is something to put in.
    return text % data if data else text
