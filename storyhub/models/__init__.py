"""Typed SQLAlchemy models, one module per aggregate."""

# Registers the full-text index (per-dialect DDL and the flush hook that maintains it).
from storyhub.models import search_index  # noqa: F401
from storyhub.models.audit import ModerationEvent
from storyhub.models.consent import Consent, ConsentPurpose, Helpline
from storyhub.models.moderation import SENT_BACK, RejectReason, ReviewMarker, StoryRevision
from storyhub.models.outbox import LinkRequest, OutboxMessage
from storyhub.models.people import Submitter, User, UserRole
from storyhub.models.public_counts import PublicCount
from storyhub.models.story import (
    Relation,
    Story,
    StoryStatus,
    story_diagnoses,
    story_topics,
)
from storyhub.models.subscription import Subscription
from storyhub.models.taxonomy import Diagnosis, DiagnosisName, Topic, TopicText

__all__ = [
    "SENT_BACK",
    "Consent",
    "ConsentPurpose",
    "Diagnosis",
    "DiagnosisName",
    "Helpline",
    "LinkRequest",
    "ModerationEvent",
    "OutboxMessage",
    "PublicCount",
    "RejectReason",
    "Relation",
    "ReviewMarker",
    "Story",
    "StoryRevision",
    "StoryStatus",
    "Submitter",
    "Subscription",
    "Topic",
    "TopicText",
    "User",
    "UserRole",
    "story_diagnoses",
    "story_topics",
]
