"""Counts over public content, kept in the same transaction as each change.

The menus and headings show how many public stories each language, country, topic and
diagnosis has; the identifier check asks how many published originals share a country or a
diagnosis. Counting a million stories per publish would stall every worker after every
approval, so the counts live in one small table, `public_counts` (kind, key, n), moved by the
flush that changes a story: before the flush the contributions of the stories it touches are
read from the database, after it again, and the difference is added (`n = n + d`) inside the
same transaction. A rollback takes the counts back with the change; a reader never sees a
change without its counts.

What one public story contributes (`KINDS`):

- every public story that is not an update (originals and translations): one to its
  ``language`` and one to its ``country`` (the filter menus);
- a public original, besides: one to its ``original-country`` (the identifier check), one to
  each of its ``topic`` ids, one to each ``diagnosis`` it is filed under or below (each
  ancestor once, however many of its diagnoses share it) and one to each
  ``diagnosis-topic`` pair of those (a diagnosis page's most common topics).

A translation is public only while its original is published and allows translations: a
change to an original therefore moves its translations' contributions too. Moving a
diagnosis in the tree changes the counts of its old and new ancestors: that flush counts those
again (`recount_diagnoses`: their stories are read, seconds for a top-level diagnosis at a
million stories; taxonomy edits are rare).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from storyhub.extensions import db
from storyhub.models.story import Story, story_diagnoses, story_topics
from storyhub.models.taxonomy import Diagnosis, Topic

KINDS = ("language", "country", "original-country", "topic", "diagnosis", "diagnosis-topic")
DIAGNOSIS_KINDS = ("diagnosis", "diagnosis-topic")
# What a story's contribution depends on: a flush changing none of these moves no count.
_COUNTED = (
    "status",
    "language",
    "country",
    "translation_of_id",
    "translation_of",
    "update_of_id",
    "update_of",
    "allow_translation",
    "topics",
    "diagnoses",
)

Key = tuple[str, str]


class PublicCount(db.Model):
    __tablename__ = "public_counts"

    kind: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    n: so.Mapped[int] = so.mapped_column(default=0)


COUNTS = PublicCount.__table__


# --- reading -------------------------------------------------------------------------------


def read(connection: sa.Connection, kinds: Iterable[str] = KINDS) -> dict[str, dict[str, int]]:
    """{kind: {key: n}} for the kinds asked, zero counts left out."""
    found: dict[str, dict[str, int]] = {kind: {} for kind in kinds}
    rows = connection.execute(
        sa.select(COUNTS.c.kind, COUNTS.c.key, COUNTS.c.n).where(
            COUNTS.c.kind.in_(list(found)), COUNTS.c.n > 0
        )
    )
    for kind, key, n in rows:
        found[kind][key] = n
    return found


# --- what stories contribute ---------------------------------------------------------------


def _ancestors(connection: sa.Connection) -> dict[int, tuple[int, ...]]:
    """Each diagnosis id with itself and its ancestors (the tree is small)."""
    parents = dict(connection.execute(sa.select(Diagnosis.id, Diagnosis.parent_id)).all())
    chains = {}
    for diagnosis_id in parents:
        chain, node = [], diagnosis_id
        while node is not None and node not in chain and len(chain) < 50:
            chain.append(node)
            node = parents.get(node)
        chains[diagnosis_id] = tuple(chain)
    return chains


def contributions(connection: sa.Connection, story_ids: Iterable[int]) -> Counter[Key]:
    """What these stories add to the counts in the database's current state."""
    from storyhub.services.catalog.visibility import STORIES, is_public

    ids = sorted(set(story_ids))
    total: Counter[Key] = Counter()
    if not ids:
        return total
    rows = connection.execute(
        sa.select(
            STORIES.c.id, STORIES.c.language, STORIES.c.country, STORIES.c.translation_of_id
        ).where(STORIES.c.id.in_(ids), is_public(by_key=True), STORIES.c.update_of_id.is_(None))
    ).all()
    originals = []
    for story_id, language, country, translation_of_id in rows:
        total[("language", language)] += 1
        total[("country", country)] += 1
        if translation_of_id is None:
            total[("original-country", country)] += 1
            originals.append(story_id)
    if not originals:
        return total
    topics: dict[int, set[int]] = {}
    for story_id, topic_id in connection.execute(
        sa.select(story_topics.c.story_id, story_topics.c.topic_id).where(
            story_topics.c.story_id.in_(originals)
        )
    ):
        topics.setdefault(story_id, set()).add(topic_id)
    filed: dict[int, set[int]] = {}
    for story_id, diagnosis_id in connection.execute(
        sa.select(story_diagnoses.c.story_id, story_diagnoses.c.diagnosis_id).where(
            story_diagnoses.c.story_id.in_(originals)
        )
    ):
        filed.setdefault(story_id, set()).add(diagnosis_id)
    chains = _ancestors(connection) if filed else {}
    for story_id in originals:
        its_topics = topics.get(story_id, set())
        under = {a for d in filed.get(story_id, ()) for a in chains.get(d, (d,))}
        for topic_id in its_topics:
            total[("topic", str(topic_id))] += 1
        for diagnosis_id in under:
            total[("diagnosis", str(diagnosis_id))] += 1
            for topic_id in its_topics:
                total[("diagnosis-topic", f"{diagnosis_id}:{topic_id}")] += 1
    return total


def add(connection: sa.Connection, delta: Counter[Key] | dict[Key, int]) -> None:
    """n = n + d for each key, in key order (two transactions never wait on each other's rows
    in opposite orders); a key seen for the first time is inserted."""
    changes = sorted((key, d) for key, d in delta.items() if d)
    if not changes:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(COUNTS)
    statement = statement.on_conflict_do_update(
        index_elements=[COUNTS.c.kind, COUNTS.c.key], set_={"n": COUNTS.c.n + statement.excluded.n}
    )
    connection.execute(
        statement, [{"kind": kind, "key": key, "n": d} for (kind, key), d in changes]
    )


# --- counting from scratch -----------------------------------------------------------------


def full_counts(connection: sa.Connection, kinds: Iterable[str] = KINDS) -> Counter[Key]:
    """Every count, by grouped queries over all public stories (what `add` keeps up to date;
    the migration's backfill, bulk loads, tree moves and the tests' reference)."""
    from storyhub.services.catalog.visibility import STORIES, is_original, is_public

    kinds = set(kinds)
    total: Counter[Key] = Counter()
    shown = sa.and_(is_public(), STORIES.c.update_of_id.is_(None))
    original = sa.and_(is_public(), is_original())
    by_column = (
        ("language", STORIES.c.language, shown),
        ("country", STORIES.c.country, shown),
        ("original-country", STORIES.c.country, original),
    )
    for kind, column, where in by_column:
        if kind in kinds:
            for key, n in connection.execute(
                sa.select(column, sa.func.count()).where(where).group_by(column)
            ):
                total[(kind, str(key))] = n
    if "topic" in kinds:
        for topic_id, n in connection.execute(
            sa.select(story_topics.c.topic_id, sa.func.count())
            .join(STORIES, STORIES.c.id == story_topics.c.story_id)
            .where(original)
            .group_by(story_topics.c.topic_id)
        ):
            total[("topic", str(topic_id))] = n
    if kinds & set(DIAGNOSIS_KINDS):
        total.update(_diagnosis_counts(connection, kinds, original))
    return total


def _diagnosis_counts(
    connection: sa.Connection,
    kinds: set[str],
    original: sa.ColumnElement[bool],
    only: Iterable[int] | None = None,
) -> Counter[Key]:
    """The diagnosis kinds, for every diagnosis or `only` these."""
    from storyhub.services.catalog.visibility import STORIES

    roots = sa.select(Diagnosis.id.label("ancestor"), Diagnosis.id.label("descendant"))
    if only is not None:
        roots = roots.where(Diagnosis.id.in_(sorted(only)))
    closure = roots.cte("closure", recursive=True)
    child = so.aliased(Diagnosis)
    closure = closure.union_all(
        sa.select(closure.c.ancestor, child.id).where(child.parent_id == closure.c.descendant)
    )
    # Each public original under each ancestor once, however many of its diagnoses are there.
    under = (
        sa.select(closure.c.ancestor, story_diagnoses.c.story_id)
        .join(story_diagnoses, story_diagnoses.c.diagnosis_id == closure.c.descendant)
        .join(STORIES, STORIES.c.id == story_diagnoses.c.story_id)
        .where(original)
        .distinct()
        .subquery()
    )
    total: Counter[Key] = Counter()
    if "diagnosis" in kinds:
        for ancestor, n in connection.execute(
            sa.select(under.c.ancestor, sa.func.count()).group_by(under.c.ancestor)
        ):
            total[("diagnosis", str(ancestor))] = n
    if "diagnosis-topic" in kinds:
        for ancestor, topic_id, n in connection.execute(
            sa.select(under.c.ancestor, story_topics.c.topic_id, sa.func.count())
            .join(story_topics, story_topics.c.story_id == under.c.story_id)
            .group_by(under.c.ancestor, story_topics.c.topic_id)
        ):
            total[("diagnosis-topic", f"{ancestor}:{topic_id}")] = n
    return total


def recount(connection: sa.Connection, kinds: Iterable[str] = KINDS) -> None:
    """Replace the counts of these kinds with a full count."""
    kinds = list(kinds)
    connection.execute(sa.delete(COUNTS).where(COUNTS.c.kind.in_(kinds)))
    add(connection, full_counts(connection, kinds))


def recount_diagnoses(connection: sa.Connection, diagnosis_ids: set[int]) -> None:
    """Count these diagnoses' subtrees again (a diagnosis moved: its old and new ancestors
    gained or lost its stories; its own subtree, and every other, is unchanged)."""
    from storyhub.services.catalog.visibility import is_original, is_public

    if not diagnosis_ids:
        return
    keys = [str(d) for d in sorted(diagnosis_ids)]
    connection.execute(
        sa.delete(COUNTS).where(
            sa.or_(
                sa.and_(COUNTS.c.kind == "diagnosis", COUNTS.c.key.in_(keys)),
                sa.and_(
                    COUNTS.c.kind == "diagnosis-topic",
                    sa.or_(*(COUNTS.c.key.startswith(f"{key}:") for key in keys)),
                ),
            )
        )
    )
    original = sa.and_(is_public(), is_original())
    add(
        connection,
        _diagnosis_counts(connection, set(DIAGNOSIS_KINDS), original, only=diagnosis_ids),
    )


# --- the flush hooks -----------------------------------------------------------------------


def _counted_change(session: so.Session, obj: Story) -> bool:
    from storyhub.services import cache_tags

    if obj in session.new or obj in session.deleted:
        return cache_tags.is_public_change(obj)
    attrs = sa.inspect(obj).attrs
    if not any(attrs[name].history.has_changes() for name in _COUNTED):
        return False
    return cache_tags.is_public_change(obj)


def _with_translations(connection: sa.Connection, ids: set[int]) -> set[int]:
    """The ids and those of their translations (whose visibility follows the original's)."""
    if not ids:
        return ids
    translations = connection.scalars(
        sa.select(Story.id).where(Story.translation_of_id.in_(sorted(ids)))
    )
    return ids | set(translations)


_PENDING = "public-counts"


def _kinds_to_recount(session: so.Session, obj: Any) -> tuple[str, ...]:
    """A diagnosis or topic removed (its links go with it by ON DELETE CASCADE, unseen by the
    ORM): the kinds to count again from scratch."""
    if isinstance(obj, Diagnosis) and obj in session.deleted:
        return DIAGNOSIS_KINDS
    if isinstance(obj, Topic) and obj in session.deleted:
        return ("topic", "diagnosis-topic")
    return ()


def _moved(session: so.Session, obj: Any) -> bool:
    """A diagnosis given another parent (the relationship, or the key: synced at the flush)."""
    if not isinstance(obj, Diagnosis) or obj in session.new or obj in session.deleted:
        return False
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in ("parent", "parent_id"))


def _ancestors_of(connection: sa.Connection, moved: list[Diagnosis]) -> set[int]:
    """The ancestors (not the diagnoses themselves) of the moved diagnoses, as stored now."""
    chains = _ancestors(connection)
    return {a for d in moved for a in chains.get(d.id, (d.id,))[1:]}


@sa.event.listens_for(so.Session, "before_flush")
def _before_flush(session: so.Session, _context: Any, _instances: Any) -> None:
    stories, moved = [], []
    kinds: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Story):
            if _counted_change(session, obj):
                stories.append(obj)
        elif _moved(session, obj):
            moved.append(obj)
        else:
            kinds.update(_kinds_to_recount(session, obj))
    if not stories and not kinds and not moved:
        return
    connection = session.connection()
    ids = _with_translations(connection, {s.id for s in stories if s.id is not None})
    session.info.setdefault(_PENDING, []).append(
        (
            stories,
            ids,
            contributions(connection, ids),
            kinds,
            moved,
            _ancestors_of(connection, moved),
        )
    )


@sa.event.listens_for(so.Session, "after_flush")
def _after_flush(session: so.Session, _context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    for stories, ids_before, before, kinds, moved, old_ancestors in pending:
        ids = ids_before | _with_translations(connection, {s.id for s in stories})
        delta = contributions(connection, ids)
        delta.subtract(before)
        add(connection, delta)
        if kinds:
            recount(connection, sorted(kinds))
        if moved and not set(DIAGNOSIS_KINDS) <= kinds:
            recount_diagnoses(connection, old_ancestors | _ancestors_of(connection, moved))


@sa.event.listens_for(so.Session, "after_rollback")
def _after_rollback(session: so.Session) -> None:
    session.info.pop(_PENDING, None)
