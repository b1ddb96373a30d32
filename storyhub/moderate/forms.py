from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from storyhub.forms import CheckboxListField, line_filter, text_filter
from storyhub.services.moderation import TRANSITIONS


class DecisionForm(FlaskForm):
    """One form for every decision; the pressed button names the action."""

    action = HiddenField()  # overwritten by the pressed button's name=action value
    reason = TextAreaField(
        "Reason / message to the author", filters=[text_filter], validators=[Length(max=5000)]
    )
    title = StringField(
        "Title",
        filters=[line_filter],
        validators=[DataRequired("A title is needed."), Length(max=200)],
    )
    body = TextAreaField(
        "Text (HTML allowed: p, br, a, strong, em, lists, blockquote)",
        validators=[DataRequired("The text cannot be empty."), Length(max=200_000)],
    )
    excerpt = StringField("Teaser sentence", filters=[line_filter], validators=[Length(max=400)])
    diagnoses = CheckboxListField("Diagnoses", validate_choice=False)
    topics = CheckboxListField("Topic pages", validate_choice=False)
    version = IntegerField(
        "version",
        validators=[
            InputRequired("The form is incomplete: reload the page."),
            NumberRange(min=1, max=2**31 - 1),
        ],
    )

    def validate_action(self, field: HiddenField) -> None:
        if field.data not in TRANSITIONS:
            from wtforms.validators import ValidationError

            raise ValidationError("Choose one of the decision buttons.")
