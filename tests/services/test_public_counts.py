"""The counts behind the menus and headings (public_counts) move with each change, in its
transaction: exactly by what the change adds or takes away, and always equal to a full count."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyhub.extensions import db
from storyhub.models import Diagnosis, Story, StoryStatus, Topic, public_counts
from storyhub.services import author_changes
from tests.plugins.submission import decide


def _kept() -> Counter:
    rows = db.session.execute(sa.select(public_counts.COUNTS)).all()
    return Counter({(kind, key): n for kind, key, n in rows if n})


def _full() -> Counter:
    return +public_counts.full_counts(db.session.connection())


def _difference(after: Counter, before: Counter) -> dict:
    keys = set(after) | set(before)
    return {k: after[k] - before[k] for k in keys if after[k] != before[k]}


def test_approving_and_withdrawing_move_the_counts_exactly(
    app, moderator, make_diagnosis, make_topic, make_story
):
    parent = make_diagnosis("systemic-sclerosis", "Systemic sclerosis")
    child = make_diagnosis("diffuse-ssc", "Diffuse", parent="systemic-sclerosis")
    topic = make_topic("calcinosis")
    make_story(title="Already there", language="en", country="IT", diagnoses=["diffuse-ssc"])
    story_id = make_story(
        title="Mine",
        status="pending",
        language="fr",
        country="NL",
        diagnoses=["diffuse-ssc"],
        topics=["calcinosis"],
    )
    with app.app_context():
        before = _kept()
    decide(app, story_id, "approve")
    with app.app_context():
        published = _kept()
        assert _difference(published, before) == {
            ("language", "fr"): 1,
            ("country", "NL"): 1,
            ("original-country", "NL"): 1,
            ("topic", str(topic)): 1,
            ("diagnosis", str(child)): 1,
            ("diagnosis", str(parent)): 1,
            ("diagnosis-topic", f"{child}:{topic}"): 1,
            ("diagnosis-topic", f"{parent}:{topic}"): 1,
        }
        story = db.session.get(Story, story_id)
        author_changes.withdraw_story(story, story.version)
        assert _kept() == before


def test_an_original_takes_its_translations_with_it(app, make_story):
    original = make_story(title="Original", language="en", country="IT")
    make_story(title="Traduzione", language="it", country="IT", translation_of=original)
    with app.app_context():
        assert _kept()[("language", "it")] == 1
        story = db.session.get(Story, original)
        story.allow_translation = False
        db.session.commit()
        assert _kept()[("language", "it")] == 0
        assert _kept()[("language", "en")] == 1
        assert _kept() == _full()


def test_moving_a_diagnosis_in_the_tree_moves_its_ancestors_counts(app, make_diagnosis, make_story):
    first = make_diagnosis("first-parent", "First")
    second = make_diagnosis("second-parent", "Second")
    make_diagnosis("leaf", "Leaf", parent="first-parent")
    make_story(diagnoses=["leaf"])
    with app.app_context():
        assert _kept()[("diagnosis", str(first))] == 1
        leaf = db.session.scalar(sa.select(Diagnosis).filter_by(slug="leaf"))
        leaf.parent_id = second
        db.session.commit()
        assert _kept()[("diagnosis", str(first))] == 0
        assert _kept()[("diagnosis", str(second))] == 1
        assert _kept() == _full()


LANGUAGES = ["en", "it", "es"]
COUNTRIES = ["IT", "GB", "AR"]
STATUSES = [StoryStatus.PUBLISHED, StoryStatus.PENDING, StoryStatus.WITHDRAWN]
step = st.one_of(
    st.tuples(st.just("status"), st.integers(0, 11), st.sampled_from(STATUSES)),
    st.tuples(st.just("language"), st.integers(0, 11), st.sampled_from(LANGUAGES)),
    st.tuples(st.just("country"), st.integers(0, 11), st.sampled_from(COUNTRIES)),
    st.tuples(st.just("diagnoses"), st.integers(0, 11), st.sets(st.integers(0, 3), max_size=3)),
    st.tuples(st.just("topics"), st.integers(0, 11), st.sets(st.integers(0, 2), max_size=2)),
    st.tuples(st.just("allow_translation"), st.integers(0, 11), st.booleans()),
    st.tuples(st.just("translate"), st.integers(0, 11), st.sampled_from(STATUSES)),
    st.tuples(st.just("reparent"), st.integers(0, 3), st.integers(-1, 3)),
    st.tuples(st.just("rollback"), st.integers(0, 11), st.sampled_from(STATUSES)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.lists(step, min_size=1, max_size=3), min_size=1, max_size=8))
def test_kept_counts_equal_a_full_count_after_any_changes(
    app, make_diagnosis, make_topic, make_story, steps
):
    """Each inner list is one transaction (several changes, sometimes flushed in between);
    after each commit or rollback the kept counts equal a count from scratch."""
    for slug, parent in (("d0", None), ("d1", "d0"), ("d2", "d1"), ("d3", None)):
        make_diagnosis(slug, slug.upper(), parent=parent)
    for slug in ("t0", "t1", "t2"):
        make_topic(slug)
    with app.app_context():
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Story))
    for number in range(have, 8):
        make_story(title=f"Story {number}", diagnoses=["d2"], topics=["t0"])
    with app.app_context():
        diagnoses = list(db.session.scalars(sa.select(Diagnosis).order_by(Diagnosis.slug)))
        topics = list(db.session.scalars(sa.select(Topic).order_by(Topic.slug)))
        for transaction in steps:
            stories = list(db.session.scalars(sa.select(Story).order_by(Story.id)))
            for action, which, value in transaction:
                story = stories[which % len(stories)]
                _apply(action, story, value, diagnoses, topics, which % len(diagnoses))
                if which % 2:
                    db.session.flush()  # two flushes in one transaction
            if any(action == "rollback" for action, _w, _v in transaction):
                db.session.rollback()
            else:
                db.session.commit()
            assert _kept() == _full(), transaction


def _apply(action, story, value, diagnoses, topics, which) -> None:  # type: ignore[no-untyped-def]
    if action in ("status", "rollback"):
        story.status = value
        if value is StoryStatus.PUBLISHED and story.published_at is None:
            story.published_at = story.submitted_at
    elif action in ("language", "country", "allow_translation"):
        setattr(story, action, value)
    elif action == "diagnoses":
        story.diagnoses = [diagnoses[i] for i in sorted(value)]
    elif action == "topics":
        story.topics = [topics[i] for i in sorted(value)]
    elif action == "reparent":
        node = diagnoses[which]
        parent = diagnoses[value] if value >= 0 else None
        if parent is not None and _descends(parent, node):
            return  # no loops
        node.parent = parent
    elif action == "translate" and story.translation_of_id is None:
        db.session.add(
            Story(
                status=value,
                title=f"Translation of {story.id}",
                body_text="Tradotto.",
                body_html="<p>Tradotto.</p>",
                author_name=story.author_name,
                country=story.country,
                language="it",
                translation_of=story,
                published_at=story.submitted_at,
            )
        )


def _descends(node: Diagnosis, ancestor: Diagnosis) -> bool:
    seen = 0
    while node is not None and seen < 10:
        if node is ancestor:
            return True
        node, seen = node.parent, seen + 1
    return False
