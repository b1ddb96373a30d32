"""The story form. Field names are part of the stable interface (DESIGN.md)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from storyhub.forms import CheckboxListField, line_filter, text_filter
from storyhub.i18n import is_country_code, normalise_language_tag
from storyhub.models import Relation

TITLE_MAX = 200
BODY_MAX = 50_000
BODY_MIN = 20
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")

RELATION_LABELS = {
    Relation.SELF: _l("I am the patient"),
    Relation.FAMILY: _l("Family member"),
    Relation.PARTNER: _l("Partner"),
    Relation.CAREGIVER: _l("Caregiver"),
    Relation.FRIEND: _l("Friend"),
    Relation.OTHER: _l("Other"),
}


def _upper(value: str | None) -> str:
    return line_filter(value).upper()


class StoryForm(FlaskForm):
    author_name = StringField(
        _l("Name to publish"),
        filters=[line_filter],
        validators=[
            DataRequired(_l("Please write the name to show with your story, e.g. initials.")),
            Length(max=80, message=_l("Please keep the name under 80 characters.")),
        ],
    )
    relation = SelectField(
        _l("Who are you to the patient?"),
        choices=[(r.value, label) for r, label in RELATION_LABELS.items()],
        default=Relation.SELF.value,
        validators=[InputRequired(_l("Please choose one."))],
    )
    relation_detail = StringField(
        _l("In your own words (optional)"),
        filters=[line_filter],
        validators=[Length(max=120, message=_l("Please keep this under 120 characters."))],
    )
    email = EmailField(
        _l("E-mail (optional, never published)"),
        filters=[line_filter],
        validators=[
            Optional(),
            Length(max=254, message=_l("This e-mail address is too long.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
        ],
    )
    country = SelectField(
        _l("Country"),
        filters=[_upper],
        validate_choice=False,
        validators=[DataRequired(_l("Please choose your country."))],
    )
    language = SelectField(
        _l("Language of your story"),
        filters=[line_filter],
        validate_choice=False,
        validators=[DataRequired(_l("Please choose the language you wrote in."))],
    )
    diagnoses = CheckboxListField(
        _l("Diagnosis"),
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one diagnosis: the closest one is fine."))],
    )
    title = StringField(
        _l("Title"),
        filters=[line_filter],
        validators=[
            DataRequired(_l("Please give your story a title.")),
            Length(
                max=TITLE_MAX,
                message=_l("Please keep the title under %(max)d characters.", max=TITLE_MAX),
            ),
        ],
    )
    body = TextAreaField(
        _l("Your story"),
        filters=[text_filter],
        validators=[
            DataRequired(_l("Please write your story.")),
            Length(min=BODY_MIN, message=_l("Please write at least a few sentences.")),
            Length(
                max=BODY_MAX,
                message=_l(
                    "Your story is longer than %(max)d characters. Please shorten it, "
                    "or send the rest later as an update.",
                    max=BODY_MAX,
                ),
            ),
        ],
    )
    consent_publish = BooleanField(
        _l("I agree that this story, with the name above, may be published on this site."),
        validators=[DataRequired(_l("We can only publish your story with your agreement."))],
    )
    website = StringField(_l("Leave this field empty"), filters=[line_filter])
    submission_key = HiddenField()

    def __init__(
        self,
        *args,
        diagnosis_choices: list[tuple[str, str]],
        country_choices: list[tuple[str, str]],
        language_choices: list[tuple[str, str]],
        **kwargs,
    ) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.diagnoses.choices = diagnosis_choices
        self.country.choices = [("", _l("Choose…")), *country_choices]
        self.language.choices = [("", _l("Choose…")), *language_choices]

    def validate_country(self, field: SelectField) -> None:
        if not is_country_code(field.data or ""):
            raise ValidationError(_l("Please choose a country from the list."))

    def validate_language(self, field: SelectField) -> None:
        tag = normalise_language_tag(field.data or "")
        if tag is None:
            raise ValidationError(_l("Please choose a language from the list."))
        field.data = tag

    def validate_diagnoses(self, field: CheckboxListField) -> None:
        known = {value for value, _label in self.diagnoses.choices}
        if not field.data or any(slug not in known for slug in field.data):
            raise ValidationError(_l("Please choose diagnoses from the list."))

    def validate_website(self, field: StringField) -> None:
        if field.data:
            raise ValidationError(_l("This field must stay empty."))

    def idempotency_key(self) -> str:
        key = self.submission_key.data or ""
        return key if _KEY_PATTERN.fullmatch(key) else ""
