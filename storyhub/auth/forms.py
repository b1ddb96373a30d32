from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from storyhub.forms import line_filter


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail",
        filters=[line_filter],
        validators=[DataRequired("Please enter your e-mail."), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Please enter your password."), Length(max=1024)],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Please enter your current password."), Length(max=1024)],
    )
    new = PasswordField(
        "New password (at least 12 characters)",
        validators=[
            DataRequired("Please choose a new password."),
            Length(min=12, max=1024, message="At least 12 characters, please."),
        ],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("new", "The two new passwords differ.")],
    )
