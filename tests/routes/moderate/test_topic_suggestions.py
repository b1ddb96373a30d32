"""Workbench 8: topics suggested from keywords in the story, for the moderator to confirm."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, Topic
from storyhub.services.errors import FieldError
from storyhub.services.taxonomy import fold, parse_keywords
from storyhub.services.workbench.review import suggest_topics
from tests.plugins.workbench import post_review, story_id_by_title


def _suggested(app, story_id) -> dict[str, list[str]]:
    with app.app_context():
        story = db.session.get(Story, story_id)
        return {s.topic.slug: s.terms for s in suggest_topics(story)}


def test_calcium_deposits_suggest_the_calcinosis_topic(app, client, demo, moderator, auth, submit):
    submit(
        title="Hard lumps",
        body="The lumps on my elbows turned out to be calcium deposits. The X-ray showed them.",
    )
    story_id = story_id_by_title(app, "Hard lumps")
    assert _suggested(app, story_id) == {"calcinosis": ["calcium"]}
    auth.login()
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert "Suggested topics" in html
    assert re.search(
        r"Calcinosis: calcium deposits under the skin</strong>: the story mentions “calcium”", html
    )
    # Offered, not chosen: the moderator confirms by ticking it.
    assert re.search(
        r'<input id="topics-0" name="topics" type="checkbox" value="calcinosis">', html
    )
    assert "Calcinosis: calcium deposits under the skin (suggested)" in html
    post_review(client, story_id, "save", topics=["calcinosis"])
    assert _suggested(app, story_id) == {}  # chosen topics are not suggested again


def test_other_languages_and_accents(app, demo, submit):
    submit(
        title="Le mie dita",
        language="it",
        body="Ho la CALCINOSI da anni, e il Raynaud d'inverno. La diagnosi arrivò tardi.",
    )
    story_id = story_id_by_title(app, "Le mie dita")
    suggested = _suggested(app, story_id)
    assert suggested["calcinosis"] == ["CALCINOSI"]  # as the author wrote it
    assert suggested["raynauds"] == ["Raynaud"]
    assert suggested["diagnosis-journey"] == ["diagnosi"]


def test_accents_are_ignored_and_kept(app, demo, submit):
    submit(title="Mi camino", language="es", body="El diagnóstico tardó dos años en llegar.")
    assert _suggested(app, story_id_by_title(app, "Mi camino")) == {
        "diagnosis-journey": ["diagnóstico"]
    }


def test_words_must_start_with_the_keyword(app, default_diagnosis, submit):
    submit(title="Plain", body="My cousin loves the Calcutta food market and the local music.")
    assert _suggested(app, story_id_by_title(app, "Plain")) == {}


def test_admin_keywords_change_the_suggestions(app, demo, submit):
    submit(title="Creams", body="A thick moisturising cream helps my tight skin every morning.")
    story_id = story_id_by_title(app, "Creams")
    assert _suggested(app, story_id) == {}
    with app.app_context():
        topic = db.session.scalar(sa.select(Topic).filter_by(slug="diagnosis-journey"))
        topic.keywords = "moisturis\ntight skin"
        db.session.commit()
    assert _suggested(app, story_id) == {"diagnosis-journey": ["moisturising", "tight skin"]}


def test_demo_load_adds_keywords_once_and_keeps_admin_edits(app, runner):
    runner.invoke(args=["demo", "load"])
    with app.app_context():
        topic = db.session.scalar(sa.select(Topic).filter_by(slug="calcinosis"))
        assert {"calcinosis", "calcinosi", "calcium"} <= set(topic.keywords.split("\n"))
        topic.keywords = "only mine"
        db.session.commit()
    runner.invoke(args=["demo", "load"])
    with app.app_context():
        assert (
            db.session.scalar(sa.select(Topic.keywords).filter_by(slug="calcinosis")) == "only mine"
        )


def test_keyword_parsing_and_folding():
    assert fold("Calcinósi") == "calcinosi"
    assert parse_keywords(" calcium, Calcium ;calcio\n\n deposits  of calcium ") == [
        "calcium",
        "calcio",
        "deposits of calcium",
    ]
    with pytest.raises(FieldError):
        parse_keywords("x" * 81)
