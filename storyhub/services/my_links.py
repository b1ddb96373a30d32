"""Send a submitter's private links again (/my/), without telling anyone whether an address
sent stories.

The page only records the request (`request_links`): the same row, the same commit, whatever
the address, so neither the answer nor its timing says anything. `handle_requests` (run by
`flask outbox send`) looks the address up later; if stories were sent with it, it queues one
e-mail listing each with a new private link.

Manage tokens are stored only as hashes, so the old link cannot be sent again: each story gets
a new one. The old link keeps working until the new one is first opened, then stops. So a
stranger who types someone's address cannot cut them off (their link still works), and a person
who lost a link they fear someone else has ends that link by opening the new one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from storyhub.extensions import db
from storyhub.models import LinkRequest, Story, StoryStatus, Submitter
from storyhub.models._types import utcnow
from storyhub.services import notify
from storyhub.services.manage_links import hash_token

# Handled requests are kept (without the address) this long, for the per-address limit.
KEEP_HANDLED = timedelta(days=2)
BATCH = 200


def normalise(email: str) -> str:
    return email.strip().lower()


def address_hash(email: str) -> str:
    """A keyed hash of the address: the limit counts per address without keeping it."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"my-links:" + normalise(email).encode(), hashlib.sha256).hexdigest()


def request_links(email: str, locale: str) -> None:
    """Record that someone asked for the links of `email`'s stories (answered later)."""
    db.session.add(
        LinkRequest(email=normalise(email), address_hash=address_hash(email), locale=locale)
    )
    db.session.commit()


def _stories_sent_with(email: str) -> list[tuple[Submitter, Story]]:
    """Each submitter row with this address, with the story its manage link opens."""
    sent = so.aliased(Story)
    first_story = (
        sa.select(sa.func.min(sent.id))
        .where(sent.submitter_id == Submitter.id, sent.update_of_id.is_(None))
        .where(sent.status != StoryStatus.ERASED)
        .correlate(Submitter)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Submitter, Story)
        .join(Story, Story.id == first_story)
        .where(sa.func.lower(Submitter.email) == email)
        .order_by(Story.id)
    ).all()
    return [(submitter, story) for submitter, story in rows]


def _mails_today(request: LinkRequest, now: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LinkRequest.id)).where(
            LinkRequest.address_hash == request.address_hash,
            LinkRequest.mailed.is_(True),
            LinkRequest.handled_at >= now - timedelta(days=1),
        )
    )


def _answer(request: LinkRequest, now: datetime) -> bool:
    """Queue the e-mail with new links, if the address sent stories and its limit allows."""
    if not request.email:
        return False
    found = _stories_sent_with(request.email)
    if not found:
        return False
    if _mails_today(request, now) >= current_app.config["MY_LINKS_PER_ADDRESS_PER_DAY"]:
        return False
    links: list[tuple[Story, str]] = []
    for submitter, story in found:
        token = secrets.token_urlsafe(32)
        submitter.next_token_hash = hash_token(token)
        links.append((story, token))
    notify.links_again(request.email, request.locale, links)
    return True


def handle_requests(now: datetime | None = None) -> int:
    """Answer waiting link requests; forget their addresses; return how many were handled."""
    now = now or utcnow()
    requests = list(
        db.session.scalars(
            sa.select(LinkRequest)
            .where(LinkRequest.handled_at.is_(None))
            .order_by(LinkRequest.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for request in requests:
        request.mailed = _answer(request, now)
        request.email, request.handled_at = None, now
        db.session.flush()  # the next request for the same address counts this one
    db.session.execute(sa.delete(LinkRequest).where(LinkRequest.handled_at < now - KEEP_HANDLED))
    db.session.commit()
    return len(requests)
