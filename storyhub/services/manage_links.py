"""Private links put into e-mails about a story, long after its manage token was shown.

The manage token is stored only as a hash, so a decision e-mail cannot repeat it. It carries a
signed link instead: the submitter's id and the first characters of their current token hash,
signed with SECRET_KEY. It opens the same private page for as long as that token is the
submitter's (a link sent again through /my/ and opened replaces it, and ends these too).
"""

from __future__ import annotations

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from storyhub.models import Submitter

SALT = "storyhub.mail-manage-link"
HASH_PREFIX = 16


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def mail_token(submitter: Submitter) -> str:
    """A token for `submitter`'s private page that can go into any later e-mail."""
    return str(_serializer().dumps([submitter.id, submitter.manage_token_hash[:HASH_PREFIX]]))


def is_mail_token(token: str) -> bool:
    return "." in token  # manage tokens are hex or url-safe base64, never dotted


def submitter_id_for(token: str) -> tuple[int, str] | None:
    """The submitter id and token-hash prefix a mail token carries, if its signature holds."""
    try:
        submitter_id, prefix = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(submitter_id, int) or not isinstance(prefix, str):
        return None
    return submitter_id, prefix


def still_valid(submitter: Submitter, prefix: str) -> bool:
    return hmac.compare_digest(submitter.manage_token_hash[:HASH_PREFIX], prefix)
