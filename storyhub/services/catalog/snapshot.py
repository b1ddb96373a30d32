"""The taxonomy as plain data, built once per publish generation: the one diagnosis tree
(`subtree()`, `walk()`, `choices()`, `tree()`) that pages, forms, the API and the admin read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from storyhub import cache_versions
from storyhub.extensions import db
from storyhub.models import (
    Diagnosis,
    DiagnosisName,
    Topic,
    TopicText,
)
from storyhub.services.catalog.visibility import (
    is_slug,
)


def public_topics() -> list[Topic]:
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.slug)))


def public_diagnoses() -> list[Diagnosis]:
    return list(
        db.session.scalars(sa.select(Diagnosis).order_by(Diagnosis.position, Diagnosis.slug))
    )


def topic_by_slug(slug: str) -> Topic | None:
    if not is_slug(slug):  # nothing else can match, so the database is not asked
        return None
    return db.session.scalar(sa.select(Topic).filter_by(slug=slug))


def diagnosis_by_slug(slug: str) -> Diagnosis | None:
    if not is_slug(slug):
        return None
    return db.session.scalar(sa.select(Diagnosis).filter_by(slug=slug))


@dataclass(frozen=True)
class DiagnosisNode:
    """One diagnosis of the tree, named in one language: plain data for templates and JSON."""

    id: int
    slug: str
    name: str
    depth: int  # 0 for a top-level diagnosis
    parent_slug: str | None
    description: str = ""  # the reviewed reader-facing note, in the same language when it has one
    count: int = 0  # public stories filed under it or its sub-diagnoses (when asked for)
    children: tuple[DiagnosisNode, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """Diagnoses and topics as plain data, kept by each worker until public content changes
    (cache_versions.per_generation): listings resolve slugs and name diagnoses without a query."""

    diagnosis_parents: dict[int, int | None]
    diagnosis_children: dict[int | None, tuple[int, ...]]  # parent (None: top) → by position
    diagnosis_slugs: dict[int, str]
    diagnosis_names: dict[int, dict[str, str]]  # id → language → name
    diagnosis_descriptions: dict[int, dict[str, str]]  # id → language → reviewed description
    diagnosis_subtrees: dict[str, tuple[int, ...]]  # slug → its id and its descendants'
    topic_ids: dict[str, int]  # slug → id
    topic_texts: dict[str, dict[str, tuple[str, str]]]  # slug → language → (title, description)
    topic_order: tuple[str, ...] = ()  # slugs by position, then slug

    def subtree(self, slug: str) -> tuple[int, ...]:
        """The ids of the diagnosis with this slug and of everything under it (() if unknown)."""
        return self.diagnosis_subtrees.get(slug, ())

    def walk(self, root: int | None = None) -> Iterator[tuple[int, int]]:
        """(diagnosis id, depth) of every diagnosis under `root` (None: the whole taxonomy),
        each parent followed by its children, in the taxonomy's order."""
        seen: set[int] = set()  # a parent loop typed in by an administrator cannot recurse

        def visit(parent: int | None, depth: int) -> Iterator[tuple[int, int]]:
            for diagnosis_id in self.diagnosis_children.get(parent, ()):
                if diagnosis_id in seen:
                    continue
                seen.add(diagnosis_id)
                yield diagnosis_id, depth
                yield from visit(diagnosis_id, depth + 1)

        return visit(root, 0)

    def choices(self, locale: str) -> list[tuple[str, str]]:
        """(slug, name) for a <select>, each parent followed by its sub-diagnoses, which are
        marked with "— " per level (a select cannot nest deeper than one group)."""
        return [
            (self.diagnosis_slugs[d], "— " * depth + self.diagnosis_name(d, locale))
            for d, depth in self.walk()
        ]

    def tree(self, locale: str, counts: dict[int, int] | None = None) -> list[DiagnosisNode]:
        """The taxonomy as nested nodes named in `locale`, with story counts if given."""
        counts = counts or {}
        nodes: dict[int | None, list[DiagnosisNode]] = {}
        # Built bottom-up from the walk: children are complete before their parent is made.
        for diagnosis_id, depth in reversed(list(self.walk())):
            parent = self.diagnosis_parents.get(diagnosis_id)
            node = DiagnosisNode(
                id=diagnosis_id,
                slug=self.diagnosis_slugs[diagnosis_id],
                name=self.diagnosis_name(diagnosis_id, locale),
                depth=depth,
                parent_slug=self.diagnosis_slugs.get(parent) if parent is not None else None,
                description=self.diagnosis_description(diagnosis_id, locale)[0],
                count=counts.get(diagnosis_id, 0),
                children=tuple(reversed(nodes.pop(diagnosis_id, []))),
            )
            nodes.setdefault(parent, []).append(node)
        return list(reversed(nodes.get(None, [])))

    def topic_title(self, slug: str, locale: str) -> str:
        """As Topic.title: in `locale`, else English, else the first text, else the slug."""
        texts = self.topic_texts.get(slug, {})
        language = next((lang for lang in (locale, "en", *texts) if lang in texts), None)
        return texts[language][0] if language else slug

    def diagnosis_name(self, diagnosis_id: int, locale: str) -> str:
        """The name in `locale`, falling back to English, then the slug (as Diagnosis.name)."""
        names = self.diagnosis_names.get(diagnosis_id, {})
        return names.get(locale) or names.get("en") or self.diagnosis_slugs.get(diagnosis_id, "")

    def diagnosis_description(self, diagnosis_id: int, locale: str) -> tuple[str, str]:
        """(description, its language): in `locale`, else English, else ("", locale)."""
        texts = self.diagnosis_descriptions.get(diagnosis_id, {})
        for language in (locale, "en"):
            if texts.get(language):
                return texts[language], language
        return "", locale


def taxonomy() -> Taxonomy:
    return cache_versions.per_generation(("taxonomy",), _load_taxonomy)


def _load_taxonomy() -> Taxonomy:
    diagnoses = db.session.execute(
        sa.select(Diagnosis.id, Diagnosis.slug, Diagnosis.parent_id).order_by(
            Diagnosis.position, Diagnosis.slug
        )
    ).all()
    names: dict[int, dict[str, str]] = {}
    descriptions: dict[int, dict[str, str]] = {}
    for diagnosis_id, language, name, description in db.session.execute(
        sa.select(
            DiagnosisName.diagnosis_id,
            DiagnosisName.language,
            DiagnosisName.name,
            DiagnosisName.description,
        )
    ):
        names.setdefault(diagnosis_id, {})[language] = name
        if description:
            descriptions.setdefault(diagnosis_id, {})[language] = description
    children: dict[int | None, list[int]] = {}
    for diagnosis_id, _slug, parent_id in diagnoses:
        children.setdefault(parent_id, []).append(diagnosis_id)

    def subtree(root: int) -> tuple[int, ...]:
        ids, frontier = [root], [root]
        while frontier:  # `ids` guards against a parent loop typed in by an administrator
            frontier = [c for f in frontier for c in children.get(f, []) if c not in ids]
            ids.extend(frontier)
        return tuple(ids)

    texts: dict[str, dict[str, tuple[str, str]]] = {}
    for slug, language, title, description in db.session.execute(
        sa.select(Topic.slug, TopicText.language, TopicText.title, TopicText.description_html)
        .join(TopicText, TopicText.topic_id == Topic.id)
        .order_by(TopicText.id)
    ):
        texts.setdefault(slug, {})[language] = (title, description)
    return Taxonomy(
        diagnosis_parents={d.id: d.parent_id for d in diagnoses},
        diagnosis_children={parent: tuple(ids) for parent, ids in children.items()},
        diagnosis_slugs={d.id: d.slug for d in diagnoses},
        diagnosis_names=names,
        diagnosis_descriptions=descriptions,
        diagnosis_subtrees={d.slug: subtree(d.id) for d in diagnoses},
        topic_ids=dict(db.session.execute(sa.select(Topic.slug, Topic.id)).all()),
        topic_texts=texts,
        topic_order=tuple(
            db.session.scalars(sa.select(Topic.slug).order_by(Topic.position, Topic.slug))
        ),
    )
