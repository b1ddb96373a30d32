"""Domain errors that views turn into messages next to the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyhub.models import Story


class ServiceError(Exception):
    """A rule said no; the message is safe to show to the person who asked."""

    status = 400  # the HTTP answer a view gives when it shows this message with the form


class Conflict(ServiceError):
    """Someone else wrote at the same moment; nothing of this request was saved.

    Raised by the unit of work (services/conflicts.py) for every database-level race, and the
    base of the services' own "the story changed meanwhile" errors. Views answer 409 with the
    form refilled.
    """

    status = 409

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Someone else changed this at the same moment, so nothing was saved. "
            "Everything you typed is kept below: check the page, then try again."
        )


class FieldError(ServiceError):
    """A rule about one form field said no; views show the message next to that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class StaleStoryError(Conflict):
    """The story changed since the form was loaded."""

    def __init__(self, story: Story) -> None:
        super().__init__(
            "Someone else changed this story while you were reviewing it "
            f"(it is now {story.status.value.replace('_', ' ')}). Your edits are kept below: "
            "check the current state, then decide again."
        )
        self.story = story


class TransitionNotAllowed(ServiceError):
    pass


class ReasonRequired(ServiceError):
    pass


class DiagnosisRequired(ServiceError):
    pass
