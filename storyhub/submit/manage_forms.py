"""The forms of the author's private page (/my/<token>): withdraw, erase, accept or answer a
moderator's edits, switch the language, consents, links sent again, confirm, appeal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
)

from storyhub.forms import line_filter, text_filter
from storyhub.submit.forms import version_field


class WithdrawForm(FlaskForm):
    version = version_field()


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: everything is erased for good and cannot be brought back."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class AcceptEditsForm(FlaskForm):
    """ "Publish this version": the author accepts a moderator's edits."""

    story_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    version = version_field()


class ReplyForm(FlaskForm):
    """The author answers the moderator instead of accepting the edits."""

    story_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    version = version_field()
    message = TextAreaField(
        _l("Your message to the moderator"),
        filters=[text_filter],
        render_kw={"data-max-chars": 5000, "maxlength": False},
        validators=[
            DataRequired(_l("Please write your message to the moderator.")),
            Length(max=5000, message=_l("Please keep your message under %(max)d characters.")),
        ],
    )


class LanguageSwitchForm(FlaskForm):
    """The author's one click: "my story is in the language it reads as"."""

    version = version_field()


class ConsentForm(FlaskForm):
    """Withdraw, or give again, consent to translations or to feeds and the API."""

    purpose = SelectField(choices=[("translate", "translate"), ("syndicate", "syndicate")])
    give = SelectField(choices=[("0", "0"), ("1", "1")])
    version = version_field()


class LinkRequestForm(FlaskForm):
    """/my/: the address the stories were sent with."""

    email = EmailField(
        _l("Your e-mail address"),
        filters=[line_filter],
        validators=[
            DataRequired(_l("Please write the e-mail address you gave with your story.")),
            Length(max=254, message=_l("This e-mail address is too long.")),
            Email(_l("This does not look like an e-mail address."), check_deliverability=False),
        ],
    )


class AuthorConfirmForm(FlaskForm):
    """A story entered on the author's behalf: the author confirms it (services/assisted.py).
    The wording is recorded by id (consents.ASSISTED_WORDING): change it there too."""

    confirm = BooleanField(
        _l(
            "I have read this text, which was entered for me, and I agree that it may be "
            "published on this site with the name above."
        ),
        validators=[DataRequired(_l("Please tick the box to confirm your story."))],
    )


class AppealForm(FlaskForm):
    """ "Ask for another look" at a rejected story (services/appeals.py)."""

    message = TextAreaField(
        _l("Why should the moderators look again?"),
        filters=[text_filter],
        validators=[
            DataRequired(_l("Please tell the moderators why they should look again.")),
            Length(max=2000, message=_l("Please keep your message under 2,000 characters.")),
        ],
    )
