"""Private links put into e-mails about a story, long after its manage token was shown.

The manage token is stored only as a hash, so a decision e-mail cannot repeat it. It carries a
signed link instead: the submitter's id and the first characters of their current token hash,
signed with SECRET_KEY. It opens the same private page for as long as that token is the
submitter's (a link sent again through /my/ and opened replaces it, and ends these too).
"""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from storyhub.extensions import db
from storyhub.models import Story, Submitter

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


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _first_story(submitter_id: int) -> Story | None:
    return db.session.scalar(
        sa.select(Story)
        .where(Story.submitter_id == submitter_id, Story.update_of_id.is_(None))
        .order_by(Story.id)
        .limit(1)
    )


def _story_for_mail_token(token: str) -> Story | None:
    """A private link from a decision e-mail (services/py)."""
    carried = submitter_id_for(token)
    if carried is None:
        return None
    submitter = db.session.get(Submitter, carried[0])
    if submitter is None or not still_valid(submitter, carried[1]):
        return None
    return _first_story(submitter.id)


def story_for_manage_token(token: str) -> Story | None:
    """Return the story a manage link belongs to: the first story or translation it sent."""
    if not token or len(token) > 128:
        return None
    # The lookup is by a SHA-256 of the token: an index lookup leaks nothing useful about the
    # token through timing, because the attacker does not control the hash prefix.
    if is_mail_token(token):
        return _story_for_mail_token(token)
    token_hash = hash_token(token)
    story = db.session.scalar(
        sa.select(Story)
        .join(Submitter, Story.submitter_id == Submitter.id)
        .where(
            sa.or_(
                Submitter.manage_token_hash == token_hash, Submitter.next_token_hash == token_hash
            )
        )
        .where(Story.update_of_id.is_(None))  # updates share their story's submitter
        .order_by(Story.id)
        .limit(1)
    )
    submitter = story.submitter if story is not None else None
    if submitter is not None and submitter.next_token_hash == token_hash:
        # A link sent again through /my/, opened for the first time: it replaces the old one
        # (services/my_links.py says why).
        submitter.manage_token_hash, submitter.next_token_hash = token_hash, None
        db.session.commit()
    return story
