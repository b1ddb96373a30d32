"""The taxonomy snapshot is the one diagnosis tree: its walk, subtrees, select choices and
nested nodes agree with the diagnoses table, and every reader of the tree sees the same."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Diagnosis
from storyhub.services import catalog, taxonomy


def _by_parent() -> dict[int | None, list[Diagnosis]]:
    children: dict[int | None, list[Diagnosis]] = {}
    for d in db.session.scalars(sa.select(Diagnosis).order_by(Diagnosis.position, Diagnosis.slug)):
        children.setdefault(d.parent_id, []).append(d)
    return children


def test_walk_is_parents_before_children_in_the_taxonomy_order(app, demo):
    with app.test_request_context("/"):
        children = _by_parent()
        expected: list[tuple[int, int]] = []

        def visit(parent: int | None, depth: int) -> None:
            for d in children.get(parent, []):
                expected.append((d.id, depth))
                visit(d.id, depth + 1)

        visit(None, 0)
        known = catalog.taxonomy()
        assert list(known.walk()) == expected
        assert any(depth > 0 for _id, depth in expected)  # the demo has sub-diagnoses


def test_choices_subtree_and_tree_come_from_the_same_walk(app, demo):
    with app.test_request_context("/"):
        known = catalog.taxonomy()
        walk = list(known.walk())
        choices = known.choices("en")
        assert [slug for slug, _label in choices] == [known.diagnosis_slugs[d] for d, _ in walk]
        for (_slug, label), (diagnosis_id, depth) in zip(choices, walk, strict=True):
            assert label == "— " * depth + known.diagnosis_name(diagnosis_id, "en")

        def flatten(nodes: list[catalog.DiagnosisNode]) -> list[catalog.DiagnosisNode]:
            return [n for node in nodes for n in (node, *flatten(list(node.children)))]

        nodes = flatten(catalog.diagnosis_tree("en"))
        assert [(n.id, n.depth) for n in nodes] == walk
        counts = catalog.diagnosis_story_counts()
        assert all(n.count == counts.get(n.id, 0) for n in nodes)
        parent = next(n for n in nodes if n.children)
        below = {parent.id, *(n.id for n in flatten(list(parent.children)))}
        assert set(known.subtree(parent.slug)) == below
        assert taxonomy.diagnosis_ids_with_descendants(parent.slug) == list(
            known.subtree(parent.slug)
        )
        assert known.subtree("no-such-diagnosis") == ()


def test_a_new_sub_diagnosis_reaches_every_reader_of_the_tree(app, client, demo):
    with app.app_context():
        parent = db.session.scalar(sa.select(Diagnosis).filter_by(slug="systemic-sclerosis"))
        taxonomy.create_diagnosis("brand-new-kind", parent.slug, 99, "en", "Brand new kind")
    assert "Brand new kind" in client.get("/diagnoses/").get_data(as_text=True)
    api = client.get("/api/v1/diagnoses").get_json()["diagnoses"]
    assert {"slug": "brand-new-kind", "parent": "systemic-sclerosis"}.items() <= next(
        d for d in api if d["slug"] == "brand-new-kind"
    ).items()
    form = client.get("/submit").get_data(as_text=True)
    assert 'value="brand-new-kind"' in form
    with app.test_request_context("/"):
        assert ("brand-new-kind", "— Brand new kind") in catalog.diagnosis_choices("en")
