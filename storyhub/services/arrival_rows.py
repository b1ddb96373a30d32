"""A new story's rows written as plain INSERTs in the caller's transaction: its submitter, the
story and its diagnoses, without the unit of work's flush (the submission path's largest cost,
measured with bench/profile_submit.py).

What a flush would add does not apply to a story that arrives pending: it changes no public
page (the page cache's flush hook bumps no tag for it), has no search-index row (only
published stories have one), and nothing else in the session points at it. What does apply is
kept: every string passes `sanitize.storable`, as `guard_stored_text` makes every flush do;
the columns' own defaults fill what the story does not set, as in a flush; and the engine's
error hook (services/conflicts.py) turns a double submission's unique-key race into Conflict.
The story and submitter objects stay out of the session and get their ids, so the receipt
page and the outbox read them as before."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus, Submitter
from storyhub.models.story import story_diagnoses
from storyhub.sanitize import storable

# Built once: the statements' compiled forms are cached per set of columns given.
_INSERT_SUBMITTER = sa.insert(Submitter.__table__)
_INSERT_STORY = sa.insert(Story.__table__)
_INSERT_DIAGNOSES = sa.insert(story_diagnoses)


def _column_values(obj: Story | Submitter) -> dict[str, Any]:
    """The columns the object sets (the rest take their defaults), strings made storable."""
    values = {}
    for attribute in sa.inspect(type(obj)).column_attrs:
        if attribute.key in obj.__dict__:
            value = obj.__dict__[attribute.key]
            values[attribute.columns[0].key] = storable(value) if isinstance(value, str) else value
    return values


def insert_pending_story(story: Story, diagnosis_ids: list[int]) -> None:
    """INSERT a new pending original story (not added to the session), its submitter and its
    links to `diagnosis_ids`; set their ids on the objects."""
    assert story.status is StoryStatus.PENDING and sa.inspect(story).transient
    assert story.translation_of is None and story.update_of is None and not story.diagnoses
    connection = db.session.connection()
    submitter = story.submitter
    if submitter is not None:
        inserted = connection.execute(_INSERT_SUBMITTER, _column_values(submitter))
        submitter.id = inserted.inserted_primary_key[0]
        story.submitter_id = submitter.id
    inserted = connection.execute(_INSERT_STORY, _column_values(story))
    story.id = inserted.inserted_primary_key[0]
    if diagnosis_ids:
        connection.execute(
            _INSERT_DIAGNOSES,
            [{"story_id": story.id, "diagnosis_id": d} for d in diagnosis_ids],
        )
