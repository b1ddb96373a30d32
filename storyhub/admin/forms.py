from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from storyhub.forms import line_filter, text_filter
from storyhub.models import UserRole

DESCRIPTION_LENGTH = 800
_POSITION = [InputRequired("Give a number (0 comes first)."), NumberRange(0, 100_000)]


class InviteForm(FlaskForm):
    email = EmailField(
        "E-mail",
        filters=[line_filter],
        validators=[DataRequired("Please enter the e-mail address."), Length(max=254)],
    )
    role = SelectField(
        "Role",
        choices=[
            (UserRole.MODERATOR.value, "Moderator"),
            (UserRole.VOLUNTEER.value, "Volunteer (enters stories for others)"),
            (UserRole.ADMIN.value, "Admin"),
        ],
        default=UserRole.MODERATOR.value,
    )


class TopicTextForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[line_filter],
        validators=[DataRequired("A title is needed."), Length(max=200)],
    )
    description = TextAreaField(
        "Description (HTML allowed: p, br, a, strong, em, lists, blockquote, h3, h4)",
        filters=[text_filter],
        validators=[Length(max=20_000)],
    )


class NewTopicTextForm(TopicTextForm):
    language = SelectField("Language", default="en")


class TopicCreateForm(NewTopicTextForm):
    slug = StringField(
        "Slug (in the address /topics/…; cannot change later)",
        filters=[line_filter],
        validators=[DataRequired("A slug is needed."), Length(max=80)],
    )
    position = IntegerField("Position in the list", default=0, validators=_POSITION)


class TopicSettingsForm(FlaskForm):
    position = IntegerField("Position in the list", validators=_POSITION)
    keywords = TextAreaField(
        "Keywords that suggest this topic (one per line, any language)",
        filters=[text_filter],
        validators=[Length(max=20_000)],
    )


class DiagnosisNameForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[line_filter],
        validators=[DataRequired("A name is needed."), Length(max=200)],
    )
    description = TextAreaField(
        "Short description for readers (plain text, shown at the top of the diagnosis page)",
        filters=[text_filter],
        validators=[Length(max=DESCRIPTION_LENGTH)],
    )


class NewDiagnosisNameForm(DiagnosisNameForm):
    language = SelectField("Language", default="en")


class DiagnosisSettingsForm(FlaskForm):
    parent = SelectField("Kind of (parent)", default="")
    position = IntegerField("Position among its siblings", validators=_POSITION)


class DiagnosisCreateForm(NewDiagnosisNameForm):
    slug = StringField(
        "Slug (in the address /diagnoses/…; cannot change later)",
        filters=[line_filter],
        validators=[DataRequired("A slug is needed."), Length(max=80)],
    )
    parent = SelectField("Kind of (parent)", default="")
    position = IntegerField("Position among its siblings", default=0, validators=_POSITION)


class ReasonForm(FlaskForm):
    label = StringField(
        "Label (what moderators pick)",
        filters=[line_filter],
        validators=[DataRequired("A short label is needed."), Length(max=80)],
    )
    text = TextAreaField(
        "Message to the author",
        filters=[text_filter],
        validators=[DataRequired("The message is what the author reads."), Length(max=5000)],
    )
    position = IntegerField("Position", default=0, validators=_POSITION)


class HelplineForm(FlaskForm):
    country = SelectField("Country", default="")
    name = StringField(
        "Name of the service",
        filters=[line_filter],
        validators=[DataRequired("The name of the service is needed."), Length(max=120)],
    )
    phone = StringField(
        "Phone number (as people dial it)", filters=[line_filter], validators=[Length(max=40)]
    )
    url = StringField("Web address", filters=[line_filter], validators=[Length(max=300)])
    notes = StringField(
        "Notes (hours, cost, languages; in the country's language)",
        filters=[line_filter],
        validators=[Length(max=300)],
    )
    position = IntegerField("Position within the country", default=0, validators=_POSITION)
