"""What the assisted-entry pages say when services/assisted.py refuses, in the page's
language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from storyhub import wording
from storyhub.services.errors import ServiceError

MESSAGES: wording.Messages = {
    # The form refuses an unknown choice first, in these words; the service's check is a
    # backstop for other callers.
    "arrival_unknown": _l("Please choose how the story reached you."),
    "consent_note_required": _l(
        "Without an e-mail address the author cannot confirm online: write how they agreed "
        "to publication (for example “read back on the phone on 3 May; she agreed”)."
    ),
}


def say(error: ServiceError) -> str:
    return wording.say(error, MESSAGES)
