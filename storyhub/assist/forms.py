"""The assisted-entry form: the story form's details, plus how it arrived and how the author
consented when they have no e-mail address."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from storyhub import labels
from storyhub.forms import line_filter, text_filter
from storyhub.services.assisted import CONSENT_NOTE_MAX
from storyhub.submit.forms import StoryDetailsForm, SubmissionKeyMixin


class AssistForm(SubmissionKeyMixin, StoryDetailsForm):
    arrived_by = SelectField(
        _l("How did the story reach you?"),
        choices=[("", _l("Choose…")), *labels.ARRIVAL_CHOICES.items()],
        validators=[InputRequired(_l("Please choose how the story reached you."))],
    )
    email = EmailField(
        _l("The author's e-mail address (optional)"),
        filters=[line_filter],
        validators=[
            Optional(),
            Length(max=254, message=_l("This e-mail address is too long.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
        ],
    )
    consent_note = TextAreaField(
        _l("Without an e-mail address: how did the author agree to publication?"),
        filters=[text_filter],
        validators=[
            Length(max=CONSENT_NOTE_MAX, message=_l("Please keep this under 500 characters."))
        ],
    )
    submission_key = HiddenField()

    def validate_arrived_by(self, field: SelectField) -> None:
        if field.data not in labels.ARRIVAL_CHOICES:
            field.errors.append(_l("Please choose how the story reached you."))
