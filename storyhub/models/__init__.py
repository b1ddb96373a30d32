"""Typed SQLAlchemy models, one module per aggregate."""

from storyhub.models.audit import ModerationEvent
from storyhub.models.moderation import RejectReason, ReviewMarker, StoryRevision
from storyhub.models.people import Submitter, User, UserRole
from storyhub.models.story import (
    Relation,
    Story,
    StoryStatus,
    story_diagnoses,
    story_topics,
)
from storyhub.models.taxonomy import Diagnosis, DiagnosisName, Topic, TopicText

__all__ = [
    "Diagnosis",
    "DiagnosisName",
    "ModerationEvent",
    "RejectReason",
    "Relation",
    "ReviewMarker",
    "Story",
    "StoryRevision",
    "StoryStatus",
    "Submitter",
    "Topic",
    "TopicText",
    "User",
    "UserRole",
    "story_diagnoses",
    "story_topics",
]
