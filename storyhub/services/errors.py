"""Domain errors: what a rule refused, as a code and the data its words need.

Services say what happened; each blueprint says it in words (`<blueprint>/messages.py`, through
`storyhub.wording.say`), in the language of the page. A service not converted yet may still
pass an English `message`; `say` shows it when the blueprint has no words for the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyhub.models import Story


class ServiceError(Exception):
    """A rule said no.

    `code` names the rule ("message_too_long"), `field` the form field it is about, if any, and
    `data` what the words need ({"max": 2000}). `str(error)` is the English `message` a
    not-yet-converted service passed, else the code (for logs and the CLI).
    """

    status = 400  # the HTTP answer a view gives when it shows this error with the form
    code = "refused"  # a subclass's default code

    def __init__(self, message: str = "", *, code: str = "", field: str = "", **data: Any) -> None:
        self.code = code or type(self).code
        self.field = field
        self.data = data
        self.message = message
        super().__init__(message or self.code)


class Conflict(ServiceError):
    """Someone else wrote at the same moment; nothing of this request was saved.

    Raised by the unit of work (services/conflicts.py) for every database-level race, and the
    base of the services' own "the story changed meanwhile" errors. Views answer 409 with the
    form refilled.
    """

    status = 409
    code = "conflict"


class FieldError(ServiceError):
    """A rule about one form field said no; views show the words next to that field."""

    def __init__(self, field: str, message: str = "", *, code: str = "", **data: Any) -> None:
        super().__init__(message, code=code, field=field, **data)


class StaleStoryError(Conflict):
    """The story changed since the moderator loaded the form; `story` is it as it is now."""

    code = "story_stale"

    def __init__(self, story: Story) -> None:
        super().__init__(state=story.status)
        self.story = story


class TransitionNotAllowed(ServiceError):
    code = "not_allowed"


class ReasonRequired(ServiceError):
    code = "reason_required"


class DiagnosisRequired(ServiceError):
    code = "diagnosis_required"
