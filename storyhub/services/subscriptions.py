"""Follow a diagnosis or a topic by e-mail: double opt-in, a weekly digest, one-click leave.

`subscribe` answers alike for every address (the page says "look in your inbox" whatever
happens): it queues a confirmation e-mail and nothing else until its link is opened. Links
carry a signed token (itsdangerous, keyed by SECRET_KEY) naming the subscription: the
confirmation one expires after `FOLLOW_CONFIRM_MAX_AGE_SECONDS`; the unsubscribe one never
does, so every mail ever sent can still end the subscription. `send_digests` (run by
`flask subscriptions send-digests` from cron or a timer) queues at most one digest per
subscription per `DIGEST_INTERVAL`, listing only stories published since the last one whose
authors allowed syndication, in the subscriber's language, through the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from storyhub.extensions import db
from storyhub.models import Diagnosis, OutboxMessage, Story, Subscription, Topic
from storyhub.models._types import utcnow
from storyhub.proxy import external_url
from storyhub.services import catalog, outbox

DIGEST_INTERVAL = timedelta(days=7)
DIGEST_STORIES = 20  # at most this many in one digest; the mail links to the full listing
CONFIRM_SALT, UNSUBSCRIBE_SALT = "follow-confirm", "follow-unsubscribe"


def normalise(email: str) -> str:
    return email.strip().lower()


def address_hash(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"follow:" + normalise(email).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Target:
    """What is followed: a diagnosis or a topic, by slug, with its name in a language."""

    kind: str  # "diagnosis" or "topic"
    row: Diagnosis | Topic

    def name(self, locale: str) -> str:
        return self.row.name(locale) if isinstance(self.row, Diagnosis) else self.row.title(locale)

    @property
    def slug(self) -> str:
        return self.row.slug

    def page_url(self) -> str:
        endpoint = "reader.diagnosis" if self.kind == "diagnosis" else "reader.topic"
        return external_url(endpoint, slug=self.slug)


def find_target(kind: str, slug: str) -> Target | None:
    model: type[Diagnosis] | type[Topic] | None = {"diagnosis": Diagnosis, "topic": Topic}.get(kind)
    if model is None or not slug:
        return None
    row = db.session.scalar(sa.select(model).where(model.slug == slug))
    return Target(kind, row) if row is not None else None


def target_of(subscription: Subscription) -> Target | None:
    if subscription.diagnosis is not None:
        return Target("diagnosis", subscription.diagnosis)
    if subscription.topic is not None:
        return Target("topic", subscription.topic)
    return None


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def _token_payload(subscription: Subscription) -> list[Any]:
    # The id and the creation time: a token for a deleted row never matches a new row that
    # happens to reuse its id.
    return [subscription.id, int(subscription.created_at.timestamp())]


def unsubscribe_url(subscription: Subscription) -> str:
    token = _unsubscribe_serializer().dumps(_token_payload(subscription))
    return external_url("submit.follow_unsubscribe", token=token)


def _header_url(url: str) -> str | None:
    """List-Unsubscribe needs an absolute URL: without PUBLIC_URL, outside a request (the
    digest command), links are paths only and the header is left out (the body still has
    the link). Production sets PUBLIC_URL."""
    return url if url.startswith(("https://", "http://")) else None


def confirm_url(subscription: Subscription) -> str:
    token = _confirm_serializer().dumps(_token_payload(subscription))
    return external_url("submit.follow_confirm", token=token)


def _subscription_for(payload: Any) -> Subscription | None:
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    subscription_id, created = payload
    if not isinstance(subscription_id, int):
        return None
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or int(subscription.created_at.timestamp()) != created:
        return None
    return subscription


def _mail_locale(locale: str) -> str:
    if locale in current_app.config["STORYHUB_UI_LOCALES"]:
        return locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def subscribe(email: str, target: Target, locale: str) -> None:
    """Record an unconfirmed subscription and queue its confirmation e-mail.

    An address that already follows this target (confirmed or not) gets no new row and no
    mail, so nobody can flood an address; the page answers alike either way."""
    email = normalise(email)
    column = Subscription.diagnosis_id if target.kind == "diagnosis" else Subscription.topic_id
    existing = db.session.scalar(
        sa.select(Subscription).where(
            Subscription.address_hash == address_hash(email), column == target.row.id
        )
    )
    if existing is not None:
        return
    subscription = Subscription(
        email=email,
        address_hash=address_hash(email),
        locale=_mail_locale(locale),
        diagnosis=target.row if target.kind == "diagnosis" else None,
        topic=target.row if target.kind == "topic" else None,
        created_at=utcnow(),
    )
    db.session.add(subscription)
    db.session.flush()
    with force_locale(subscription.locale):
        name = target.name(subscription.locale)
        body = render_template(
            "mail/follow_confirm.txt",
            name=name,
            confirm_link=confirm_url(subscription),
            unsubscribe_link=unsubscribe_url(subscription),
            max_days=current_app.config["FOLLOW_CONFIRM_MAX_AGE_SECONDS"] // 86400,
        )
        subject = _("Please confirm: new stories about %(name)s", name=name)
    outbox.enqueue(
        "follow_confirm",
        email,
        subject,
        body,
        unsubscribe_url=_header_url(unsubscribe_url(subscription)),
    )
    db.session.commit()


class Confirmation(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY = "already"  # a replayed link: the subscription was confirmed before
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # tampered, or the subscription is gone (unsubscribed, topic removed)


def peek_confirmation(token: str) -> tuple[Confirmation, Subscription | None]:
    """What opening this confirmation link would do, without doing it."""
    serializer = _confirm_serializer()
    try:
        payload = serializer.loads(
            token, max_age=current_app.config["FOLLOW_CONFIRM_MAX_AGE_SECONDS"]
        )
    except SignatureExpired:
        return Confirmation.EXPIRED, None
    except BadSignature:
        return Confirmation.UNKNOWN, None
    subscription = _subscription_for(payload)
    if subscription is None:
        return Confirmation.UNKNOWN, None
    if subscription.confirmed_at is not None:
        return Confirmation.ALREADY, subscription
    return Confirmation.CONFIRMED, subscription


def confirm(token: str) -> tuple[Confirmation, Subscription | None]:
    outcome, subscription = peek_confirmation(token)
    if outcome is Confirmation.CONFIRMED and subscription is not None:
        now = utcnow()
        # Conditional: two clicks at once confirm once.
        db.session.execute(
            sa.update(Subscription)
            .where(Subscription.id == subscription.id, Subscription.confirmed_at.is_(None))
            .values(confirmed_at=now, last_digest_at=now)
        )
        db.session.commit()
        db.session.refresh(subscription)
    return outcome, subscription


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    try:
        payload = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    return _subscription_for(payload)


def unsubscribe(token: str) -> bool:
    """Delete the subscription the token names; False if it was already gone."""
    subscription = subscription_for_unsubscribe(token)
    if subscription is None:
        return False
    db.session.delete(subscription)
    db.session.commit()
    return True


def move(kind: str, from_id: int, to_id: int) -> None:
    """A diagnosis or topic folded into another: its followers now follow the other one
    (an address that already follows both keeps one subscription). In the caller's
    transaction."""
    column = Subscription.diagnosis_id if kind == "diagnosis" else Subscription.topic_id
    already = sa.select(Subscription.address_hash).where(column == to_id).scalar_subquery()
    db.session.execute(
        sa.delete(Subscription)
        .where(column == from_id, Subscription.address_hash.in_(already))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Subscription)
        .where(column == from_id)
        .values({column.key: to_id})
        .execution_options(synchronize_session=False)
    )


def _new_stories(target: Target, since: datetime) -> list[Story]:
    filters = (
        catalog.StoryFilters(diagnosis=target.slug)
        if target.kind == "diagnosis"
        else catalog.StoryFilters(topic=target.slug)
    )
    query = (
        catalog.filtered(filters, syndicated=True)
        .where(Story.published_at > since)
        .order_by(Story.published_at.desc(), Story.id.desc())
        .limit(DIGEST_STORIES)
    )
    return list(db.session.scalars(query))


def _queue_digest(subscription: Subscription, target: Target, stories: list[Story]) -> None:
    with force_locale(_mail_locale(subscription.locale)):
        name = target.name(subscription.locale)
        body = render_template(
            "mail/follow_digest.txt",
            name=name,
            stories=[(story, external_url("reader.story", story_id=story.id)) for story in stories],
            page_link=target.page_url(),
            unsubscribe_link=unsubscribe_url(subscription),
        )
        subject = _("New stories about %(name)s", name=name)
    outbox.enqueue(
        "follow_digest",
        subscription.email,
        subject,
        body,
        unsubscribe_url=_header_url(unsubscribe_url(subscription)),
    )


def send_digests(now: datetime | None = None) -> int:
    """Queue the digests that are due; return how many were queued.

    A subscription is due when its last digest (or its confirmation) is at least
    DIGEST_INTERVAL old; with no new story nothing is sent and it stays due."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            sa.select(Subscription)
            .where(
                Subscription.confirmed_at.is_not(None),
                Subscription.last_digest_at <= now - DIGEST_INTERVAL,
            )
            .order_by(Subscription.id)
        )
    )
    queued = 0
    for subscription in due:
        target = target_of(subscription)
        if target is None:  # cannot happen with the foreign keys; dropped rather than fail
            db.session.delete(subscription)
            continue
        assert subscription.last_digest_at is not None
        stories = _new_stories(target, subscription.last_digest_at)
        if not stories:
            continue
        _queue_digest(subscription, target, stories)
        subscription.last_digest_at = now
        queued += 1
        db.session.commit()  # one at a time: a crash never queues a digest twice
    db.session.commit()
    return queued


def export_for(email: str) -> list[dict[str, Any]]:
    """The subscriptions of an address, for `flask stories export --email`."""
    rows = db.session.scalars(
        sa.select(Subscription)
        .where(Subscription.address_hash == address_hash(email))
        .order_by(Subscription.id)
    )
    exported = []
    for subscription in rows:
        target = target_of(subscription)
        exported.append(
            {
                "email": subscription.email,
                "follows": f"{target.kind}:{target.slug}" if target else None,
                "language": subscription.locale,
                "created_at": subscription.created_at.isoformat(),
                "confirmed_at": subscription.confirmed_at.isoformat()
                if subscription.confirmed_at
                else None,
                "last_digest_at": subscription.last_digest_at.isoformat()
                if subscription.last_digest_at
                else None,
            }
        )
    return exported


def erase_for(email: str) -> int:
    """Delete every subscription of an address and its queued mail; return how many."""
    removed = db.session.execute(
        sa.delete(Subscription).where(Subscription.address_hash == address_hash(email))
    ).rowcount
    db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.kind.in_(("follow_confirm", "follow_digest")),
            sa.func.lower(OutboxMessage.to_address) == normalise(email),
            OutboxMessage.sent_at.is_(None),
        )
    )
    db.session.commit()
    return removed
