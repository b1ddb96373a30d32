"""Issue G.3: a rare diagnosis from a country with few published stories can identify its
author: the submitter is warned in plain words before sending (never stopped), with
suggestions, and moderators see a flag."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Diagnosis, Story
from storyhub.services import catalog, reidentification
from tests.plugins.forms import manage_token
from tests.plugins.workbench import story_id_by_title

TITLE = "Learning to type again"


@pytest.fixture
def thresholds(app, demo):
    """Warn below: Italy's published stories (so Italy is not "few") and morphea's + 1."""
    with app.app_context():
        counts = catalog.identification_counts()
        morphea = db.session.scalar(sa.select(Diagnosis).filter_by(slug="morphea"))
        italy, rare = counts.by_country.get("IT", 0), counts.by_diagnosis.get(morphea.id, 0) + 1
    assert italy > 0
    app.config.update(
        REIDENTIFICATION_COUNTRY_STORIES=italy, REIDENTIFICATION_DIAGNOSIS_STORIES=rare
    )
    return italy, rare


def test_the_rule_counts_published_stories(app, thresholds):
    with app.app_context():
        morphea = db.session.scalar(sa.select(Diagnosis).filter_by(slug="morphea"))
        common = db.session.scalar(sa.select(Diagnosis).filter_by(slug="systemic-sclerosis"))
        risk = reidentification.assess("MT", [morphea])
        assert risk is not None and risk.country == "MT" and risk.country_stories == 0
        assert [d.slug for d, _count in risk.diagnoses] == ["morphea"]
        assert reidentification.assess("IT", [morphea]) is None  # enough stories from Italy
        assert reidentification.assess("MT", [common]) is None  # a common diagnosis
        assert reidentification.assess("MT", []) is None
        app.config["REIDENTIFICATION_COUNTRY_STORIES"] = 0  # switched off
        assert reidentification.assess("MT", [morphea]) is None


def test_the_submitter_is_warned_then_sends_anyway(
    app, client, submit, thresholds, moderator, auth
):
    response = submit(country="MT", diagnoses=["morphea"], author_name="Maria Camilleri")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    # Not sent: the form comes back, filled in, with the warning and suggestions.
    assert not re.search(r"/my/[A-Za-z0-9_-]{20,}", html)  # no manage link yet
    with app.app_context():
        assert db.session.scalar(sa.select(Story).filter_by(title=TITLE)) is None
    assert "Could someone recognise you?" in html
    assert "Malta" in html and "Morphea" in html
    assert "use initials instead of your name" in html
    assert "instead of your town" in html
    assert 'href="#identify-question"' in html  # the summary at the top links to it
    assert 'value="Maria Camilleri"' in html and "Typing became slow." in html
    assert 'name="confirm_identifiable"' in html

    # Ticking the box sends it as it is.
    response = submit(
        country="MT", diagnoses=["morphea"], author_name="M.C.", confirm_identifiable="y"
    )
    assert response.status_code == 200
    manage_token(response.get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)

    # Moderators see the flag, in the queue and on the review page.
    auth.login()
    queue = unescape(client.get("/moderate/").get_data(as_text=True))
    assert "Could identify its author: Morphea" in queue and "from Malta" in queue
    review = unescape(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    assert "Could identify its author" in review


def test_no_warning_for_a_country_with_enough_stories(app, submit, thresholds):
    response = submit(country="IT", diagnoses=["morphea"])
    assert "Could someone recognise you?" not in response.get_data(as_text=True)
    manage_token(response.get_data(as_text=True))


def test_both_questions_are_asked_at_once(app, submit, thresholds):
    # Italian text declared as English, from Malta about morphea: one page asks both.
    body = (
        "Le mie dita si sono irrigidite per prime in inverno e scrivere al computer è diventato "
        "lento e doloroso. Adesso uso la dettatura vocale e dei guanti caldi tutto il giorno."
    )
    html = unescape(submit(country="MT", diagnoses=["morphea"], body=body).get_data(as_text=True))
    assert "Is the language right?" in html and "Could someone recognise you?" in html
    sent = submit(
        country="MT",
        diagnoses=["morphea"],
        body=body,
        confirm_language="y",
        confirm_identifiable="y",
    )
    manage_token(sent.get_data(as_text=True))
