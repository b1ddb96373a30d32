from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

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
