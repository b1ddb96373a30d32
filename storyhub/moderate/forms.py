from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from storyhub.forms import CheckboxListField, VisibleLetters, line_filter, text_filter
from storyhub.i18n import is_country_code, normalise_language_tag
from storyhub.labels import words
from storyhub.models import Relation
from storyhub.services.moderation import DECISIONS
from storyhub.services.workbench.queue import KINDS, TABS
from storyhub.views import SaneDate, parse_moment

SAVE = "save"
_VERSION_VALIDATORS = [
    InputRequired("The form is incomplete: reload the page."),
    NumberRange(min=1, max=2**31 - 1),
]


class DecisionForm(FlaskForm):
    """One form for saving edits and every decision; the pressed button names the action."""

    action = HiddenField()  # overwritten by the pressed button's name=action value
    title = StringField(
        "Title",
        filters=[line_filter],
        validators=[DataRequired("A title is needed."), Length(max=200)],
    )
    author_name = StringField(
        "Author name as published",
        filters=[line_filter],
        validators=[
            Length(max=80),
            VisibleLetters("The name needs letters readers can see (e.g. initials)."),
        ],
    )
    body = TextAreaField(
        "Text, as the author wrote it (a blank line between paragraphs; links as plain URLs)",
        validators=[DataRequired("The text cannot be empty."), Length(max=200_000)],
    )
    excerpt = StringField("Teaser sentence", filters=[line_filter], validators=[Length(max=400)])
    content_note = StringField(
        "Content note (optional)",
        filters=[line_filter],
        validators=[Length(max=200, message="Keep the content note under 200 characters.")],
    )
    diagnoses = CheckboxListField("Diagnoses", validate_choice=False)
    topics = CheckboxListField("Topic pages", validate_choice=False)
    preset = SelectField("Preset reason (for Reject)", coerce=int, default=0)
    reason = TextAreaField(
        "Reason / message to the author", filters=[text_filter], validators=[Length(max=5000)]
    )
    version = IntegerField("version", validators=_VERSION_VALIDATORS)
    # When the page was read: after a refused save it tells what others changed since.
    loaded_at = HiddenField()
    # Corrections of what the author chose by mistake; older clients send none of them.
    language = SelectField("Language", filters=[line_filter], validate_choice=False)
    country = SelectField("Country", filters=[line_filter], validate_choice=False)
    relation = SelectField(
        "Who wrote it", choices=[(r.value, r.value) for r in Relation], validate_choice=False
    )
    correction_reason = StringField(
        "Why you corrected the language, country, relation or diagnoses (the author reads it)",
        filters=[line_filter],
        validators=[Length(max=500)],
    )

    def validate_language(self, field: SelectField) -> None:
        if field.raw_data and normalise_language_tag(field.data or "") != field.data:
            raise ValidationError("Choose a language from the list.")

    def validate_country(self, field: SelectField) -> None:
        if field.raw_data and not is_country_code(field.data or ""):
            raise ValidationError("Choose a country from the list.")

    def validate_relation(self, field: SelectField) -> None:
        if field.raw_data and field.data not in {r.value for r in Relation}:
            raise ValidationError("Choose who wrote it from the list.")

    def correction_edits(self) -> dict[str, str | None]:
        """The corrections sent, as StoryEdits keywords (absent fields stay as they are)."""
        return {
            name: getattr(self, name).data if getattr(self, name).raw_data else None
            for name in ("language", "country", "relation")
        }

    def validate_author_name(self, field: StringField) -> None:
        # Older clients send no author_name at all (it then stays as it is); an emptied one
        # is a mistake.
        if field.raw_data and not field.data:
            raise ValidationError("A name (or initials) is needed.")

    def author_name_edit(self) -> str | None:
        return self.author_name.data if self.author_name.raw_data else None

    def content_note_edit(self) -> str | None:
        # Older clients send no content_note: it then stays as it is.
        return self.content_note.data if self.content_note.raw_data else None

    def validate_action(self, field: HiddenField) -> None:
        if field.data != SAVE and field.data not in DECISIONS:
            raise ValidationError("Choose one of the buttons.")

    def loaded_at_time(self) -> datetime | None:
        return parse_moment(self.loaded_at.data)


class VersionForm(FlaskForm):
    """A one-click action on the review page: only the version it was read at."""

    version = IntegerField("version", validators=_VERSION_VALIDATORS)


class SkipForm(FlaskForm):
    """ "Skip": nothing but the CSRF token."""


class EraseForm(FlaskForm):
    version = IntegerField("version", validators=_VERSION_VALIDATORS)
    reason = StringField(
        "Reason for erasing (kept in the log)",
        filters=[line_filter],
        validators=[DataRequired("Please give the reason for erasing."), Length(max=500)],
    )
    confirm = BooleanField(
        "I understand: the text and the author's details are wiped for good.",
        validators=[DataRequired("Tick the box to confirm.")],
    )


class QueueFilterForm(FlaskForm):
    """The queue's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    state = SelectField(
        "State",
        choices=[(s.value, words(s)) for s in TABS],
        default=TABS[0].value,
    )
    # Any language or country may be asked for, even one no story has (yet).
    language = SelectField("Language", default="", validate_choice=False)
    diagnosis = SelectField("Diagnosis", default="")
    country = SelectField("Country", default="", validate_choice=False)
    kind = SelectField("Kind", choices=[("", "All kinds"), *((k, k) for k in KINDS)], default="")
    after = IntegerField("after", validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])

    def validate_language(self, field: SelectField) -> None:
        if field.data and normalise_language_tag(field.data) != field.data:
            raise ValidationError("Not a language tag.")

    def validate_country(self, field: SelectField) -> None:
        if field.data and not is_country_code(field.data):
            raise ValidationError("Not a country code.")


class BulkForm(FlaskForm):
    """Several pending stories at once: each checkbox value is "story id:version"."""

    stories = CheckboxListField("Stories", validate_choice=False)
    bulk_action = HiddenField()  # set by the pressed button
    topic = SelectField("Approve onto topic page", default="")
    preset = SelectField("Preset reason", coerce=int, default=0)
    reason = TextAreaField(
        "Reason for rejecting (the authors read it)",
        filters=[text_filter],
        validators=[Length(max=5000)],
    )

    def validate_bulk_action(self, field: HiddenField) -> None:
        if field.data not in ("approve", "reject"):
            raise ValidationError("Choose Approve selected or Reject selected.")

    def validate_stories(self, field: CheckboxListField) -> None:
        if not field.data:
            raise ValidationError("Tick at least one story.")
        if len(field.data) > 100:
            raise ValidationError("At most 100 stories at once, please.")
        for value in field.data:
            story_id, _, version = value.partition(":")
            numbers = (story_id, version)
            if not all(n.isascii() and n.isdigit() and len(n) <= 9 for n in numbers):
                raise ValidationError("The list of stories is damaged: reload the queue.")

    def targets(self) -> list[tuple[int, int]]:
        pairs = (value.partition(":") for value in self.stories.data)
        return [(int(story_id), int(version)) for story_id, _, version in pairs]


class LogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = SelectField("Who", default="")
    action = SelectField("Action", default="")
    story = IntegerField("Story number", validators=[Optional(), NumberRange(1, 2**31 - 1)])
    since = DateField("From", validators=[Optional(), SaneDate()])
    until = DateField("To", validators=[Optional(), SaneDate()])
    before = IntegerField("before", validators=[Optional(), NumberRange(1, 2**31 - 1)])
