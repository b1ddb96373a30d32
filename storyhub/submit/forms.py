"""Submitters' forms. Field names of the story and translation forms are part of the stable
interface (DESIGN.md); `language_other` and `confirm_language` are additions."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from storyhub import labels
from storyhub.forms import CheckboxListField, line_filter
from storyhub.i18n import (
    current_locale,
    find_language,
    is_country_code,
    normalise_language_tag,
)
from storyhub.models import Relation
from storyhub.services import catalog
from storyhub.submit.fields import (
    UPDATE_TITLE_MAX,
    body_field,
    consent_field,
    email_field,
    language_select_choices,
    name_field,
    syndicate_consent_field,
    title_field,
    translate_consent_field,
    translator_field,
    upper,
)


class SummaryMixin:
    """The fields with problems, in the order the page shows them (for the summary on top)."""

    display_order: tuple[str, ...] = ()

    def problems(self) -> list[Field]:
        hidden = {"csrf_token", "website", "submission_key"}
        fields = [f for f in self if f.errors and f.name not in hidden]  # type: ignore[attr-defined]
        rank = {name: position for position, name in enumerate(self.display_order)}
        return sorted(fields, key=lambda f: rank.get(f.name, len(rank)))


class LanguageForm(SummaryMixin, FlaskForm):
    """The language of the text: a menu, a free-text way out, and the mismatch question."""

    language = SelectField(_l("Language"), filters=[line_filter], validate_choice=False)
    language_other = StringField(
        _l("Not in the list? Type the language"),
        filters=[line_filter],
        validators=[Length(max=80, message=_l("Please type only the language's name or code."))],
    )
    confirm_language = BooleanField(_l("Yes, the language I chose is right"))
    # The one-click answer to the language question: "it is in the language it reads as".
    switch_language = StringField(filters=[line_filter], validators=[Length(max=35)])
    # Set by the view when the text reads as another language: the template asks about it.
    language_question: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_select_choices()

    def validate_language(self, field: SelectField) -> None:
        switched = normalise_language_tag(self.switch_language.data or "")
        if switched:
            field.data, self.language_other.data = switched, ""
        if self.language_other.data:
            # A typed language wins over the menu; validate_language_other reports a bad one.
            field.data = find_language(self.language_other.data) or field.data
            return
        if not field.data:
            raise ValidationError(_l("Please choose the language you wrote in."))
        tag = normalise_language_tag(field.data)
        if tag is None:
            raise ValidationError(_l("Please choose a language from the list."))
        field.data = tag
        listed = {c.value for c in self.language.choices}  # type: ignore[union-attr]
        if tag not in listed:  # any valid tag may be posted; show it where it can be seen
            self.language_other.data = tag

    def validate_language_other(self, field: StringField) -> None:
        if field.data and find_language(field.data) is None:
            raise ValidationError(
                _l(
                    "We do not know this language. Type its name in English, or its code "
                    "(for example “gsw” for Swiss German)."
                )
            )


_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class SubmissionKeyMixin:
    submission_key: HiddenField

    def idempotency_key(self) -> str:
        """The form's key bound to this browser session (its CSRF secret, which any accepted
        POST carries): a double click or a reload gets the same receipt, but the same key sent
        from another browser is another key, so a form page seen by someone else (a shared
        computer, a proxy log) cannot fetch the author's private link."""
        key = self.submission_key.data or ""
        if not _KEY_PATTERN.fullmatch(key):
            return ""
        binding = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
        message = f"submission-key:{binding}:{key}".encode()
        secret = current_app.config["SECRET_KEY"].encode()
        return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _refuse_filled_honeypot(form: FlaskForm, field: Field) -> None:
    if field.data:
        raise ValidationError(_l("This field must stay empty."))


@dataclass
class DiagnosisCheckbox:
    """One checkbox of the diagnosis list, with its sub-diagnoses nested under it."""

    option: Field
    label: str
    children: list[DiagnosisCheckbox] = dc_field(default_factory=list)


def _checkboxes(
    nodes: Iterable[catalog.DiagnosisNode], options: dict[str, Field]
) -> list[DiagnosisCheckbox]:
    """The taxonomy's tree, each node paired with the form's checkbox for its slug."""
    return [
        DiagnosisCheckbox(options.pop(node.slug), node.name, _checkboxes(node.children, options))
        for node in nodes
        if node.slug in options
    ]


class StoryDetailsForm(LanguageForm):
    """What a story says about its author: shared by the story form and its edit form."""

    author_name = name_field(_l("Name to publish"))
    relation = SelectField(
        _l("Who are you to the patient?"),
        choices=[(r.value, label) for r, label in labels.RELATION_CHOICES.items()],
        default=Relation.SELF.value,
        validators=[InputRequired(_l("Please choose one."))],
    )
    relation_detail = StringField(
        _l("In your own words (optional)"),
        filters=[line_filter],
        validators=[Length(max=120, message=_l("Please keep this under 120 characters."))],
    )
    country = SelectField(
        _l("Country"),
        filters=[upper],
        validate_choice=False,
        validators=[DataRequired(_l("Please choose your country."))],
    )
    diagnoses = CheckboxListField(
        _l("Diagnosis"),
        validate_choice=False,
        render_kw={"required": False},  # one is enough: do not announce each box as required
        validators=[DataRequired(_l("Choose at least one diagnosis: the closest one is fine."))],
    )
    title = title_field(_l("Title"), _l("Please give your story a title."))
    body = body_field(_l("Your story"), _l("Please write your story."))

    def __init__(
        self,
        *args: Any,
        diagnosis_choices: list[tuple[str, str]],
        country_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.language.label.text = _l("Language of your story")
        self.diagnoses.choices = diagnosis_choices
        self.country.choices = [("", _l("Choose…")), *country_choices]

    def diagnosis_nodes(self) -> list[DiagnosisCheckbox]:
        """The checkboxes nested as the taxonomy is (its snapshot, named in the reader's
        language like the choices the view gave)."""
        options = {str(option.data): option for option in self.diagnoses}
        nested = _checkboxes(catalog.taxonomy().tree(current_locale()), options)
        # A choice the taxonomy does not hold (none today) still gets its checkbox.
        return nested + [DiagnosisCheckbox(o, str(o.label.text)) for o in options.values()]

    def validate_country(self, field: SelectField) -> None:
        if not is_country_code(field.data or ""):
            raise ValidationError(_l("Please choose a country from the list."))

    def validate_diagnoses(self, field: CheckboxListField) -> None:
        known = {value for value, _label in self.diagnoses.choices}  # type: ignore[misc]
        if not field.data or any(slug not in known for slug in field.data):
            raise ValidationError(_l("Please choose diagnoses from the list."))


_STORY_ORDER = (
    "author_name", "relation", "relation_detail", "diagnoses", "country", "language",
    "language_other", "title", "body", "email", "consent_publish", "consent_translate",
    "consent_syndicate",
)  # fmt: skip
_TRANSLATION_ORDER = (
    "language", "language_other", "title", "body", "translator_name", "email", "consent_publish",
)  # fmt: skip


class StoryForm(SubmissionKeyMixin, StoryDetailsForm):
    display_order = _STORY_ORDER
    email = email_field()
    consent_publish = consent_field()
    consent_translate = translate_consent_field()
    consent_syndicate = syndicate_consent_field()
    confirm_identifiable = BooleanField(_l("I have read this. Send my story as it is now."))
    # Set by the view when the story could identify its author (services/reidentification).
    identify_question: Any = None
    website = StringField(
        _l("Leave this field empty"), filters=[line_filter], validators=[_refuse_filled_honeypot]
    )
    submission_key = HiddenField()


def version_field() -> IntegerField:
    return IntegerField(
        widget=HiddenField.widget,
        validators=[
            InputRequired(_l("The form is incomplete: please reload the page.")),
            NumberRange(min=1, max=2**31 - 1),
        ],
    )


class EditStoryForm(StoryDetailsForm):
    display_order = _STORY_ORDER
    version = version_field()


class TranslationForm(SubmissionKeyMixin, LanguageForm):
    display_order = _TRANSLATION_ORDER
    title = title_field(_l("Title in this language"), _l("Please give the translation a title."))
    body = body_field(_l("The translated story"), _l("Please write the translation."))
    translator_name = translator_field()
    email = email_field()
    consent_publish = BooleanField(
        _l(
            "I agree that this translation may be published with the story, and I may share it "
            "(it is my own translation, or the author's)."
        ),
        validators=[DataRequired(_l("We can only publish the translation with your agreement."))],
    )
    website = StringField(
        _l("Leave this field empty"), filters=[line_filter], validators=[_refuse_filled_honeypot]
    )
    submission_key = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.label.text = _l("Language of the translation")


class EditTranslationForm(LanguageForm):
    display_order = _TRANSLATION_ORDER
    title = title_field(_l("Title in this language"), _l("Please give the translation a title."))
    body = body_field(_l("The translated story"), _l("Please write the translation."))
    translator_name = translator_field()
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.label.text = _l("Language of the translation")


class UpdateForm(SubmissionKeyMixin, SummaryMixin, FlaskForm):
    title = title_field(
        _l("Title of the update"),
        _l("Please give your update a title."),
        UPDATE_TITLE_MAX,
    )
    body = body_field(_l("Your update"), _l("Please write your update."))
    submission_key = HiddenField()


class FollowForm(FlaskForm):
    """/follow/: the address that gets a weekly digest of a diagnosis's or topic's stories."""

    email = EmailField(
        _l("Your e-mail address"),
        filters=[line_filter],
        validators=[
            DataRequired(_l("Please write your e-mail address.")),
            Length(max=254, message=_l("This e-mail address is too long.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
        ],
    )
