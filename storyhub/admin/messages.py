"""What the staff's pages (admin, the account page) and the `flask users` commands say when
services/accounts.py, helplines.py or taxonomy.py refuse. They are in English, like the rest of
the admin pages."""

from __future__ import annotations

from storyhub import wording
from storyhub.services.errors import ServiceError

MESSAGES: wording.Messages = {
    # accounts
    "not_an_email": "%(email)r is not an e-mail address.",
    "password_too_short": "The password must have at least %(min)d characters.",
    "account_exists": "An account for %(email)s already exists.",
    "deactivate_self": "You cannot deactivate your own account: ask another admin.",
    "wrong_password": "The current password is not correct.",
    # helplines
    "country_unknown": "Choose a country from the list.",
    "phone_invalid": "Digits, spaces and + ( ) . - only, e.g. “+44 116 123”.",
    "url_invalid": "A web address starting with https://.",
    "phone_or_url_missing": "Give a phone number, a web address, or both.",
    "helpline_gone": "That entry no longer exists.",
    # taxonomy
    "keyword_too_long": "“%(keyword)s…” is longer than %(max)d characters: "
    "keywords are single words or short phrases.",
    "too_many_keywords": "At most %(max)d keywords per topic, please.",
    "language_unknown": "%(tag)r is not a language tag we know (for example en, it, pt-BR).",
    "slug_invalid": "A slug is lowercase letters, digits and single hyphens, e.g. skin-care.",
    "slug_taken": "The slug %(slug)r is taken.",
    "parent_unknown": "That parent diagnosis does not exist.",
    "parent_is_descendant": "A diagnosis cannot be placed under itself or one of its own kinds.",
}


def say(error: ServiceError) -> str:
    return wording.say(error, MESSAGES)
