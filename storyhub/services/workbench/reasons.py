"""Preset reasons for rejecting a story, kept by admins and offered on the review page."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import RejectReason


def reject_reasons() -> list[RejectReason]:
    return list(
        db.session.scalars(sa.select(RejectReason).order_by(RejectReason.position, RejectReason.id))
    )


def save_reason(reason: RejectReason | None, label: str, text: str, position: int) -> RejectReason:
    """Create a preset (reason None) or change one."""
    if reason is None:
        reason = RejectReason()
        db.session.add(reason)
    reason.label, reason.text, reason.position = label, text, position
    db.session.commit()
    return reason


def delete_reason(reason: RejectReason) -> None:
    """Remove a preset; decisions made with it keep their words in their events."""
    db.session.delete(reason)
    db.session.commit()
