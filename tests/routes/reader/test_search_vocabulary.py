"""Search knows the site's words: diagnosis and topic names in every interface language and
their common spellings, each story's diagnoses, topics and author; a query naming a diagnosis
or topic offers it first and ranks its stories first. One table of queries and expected hits,
run as it is on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import html as html_module
import re

import pytest

from storyhub.services import search
from tests.plugins.submission import decide, story_id
from tests.search_queries import ER, GIULIA_EN, GIULIA_IT, JAMES, LUCIA, MARCO, SARAH, SARAH_UPDATE

RAYNAUD = {GIULIA_IT, GIULIA_EN, ER, SARAH, SARAH_UPDATE, LUCIA}
SSC = {GIULIA_IT, GIULIA_EN, MARCO, ER, SARAH, SARAH_UPDATE, JAMES}
CALCINOSIS = {GIULIA_IT, GIULIA_EN, LUCIA}
LIMITED = {GIULIA_IT, GIULIA_EN, SARAH, SARAH_UPDATE}

# query → (every story found, the diagnoses/topics offered first, by slug). Shared by both
# databases: a difference between FTS5 and tsvector fails here.
QUERIES: list[tuple[str, set[str], list[str]]] = [
    ("Raynaud's phenomenon", RAYNAUD, ["raynauds-phenomenon"]),
    ("Raynaud’s phenomenon", RAYNAUD, ["raynauds-phenomenon"]),  # curly apostrophe
    ("raynauds phenomenon", RAYNAUD, ["raynauds-phenomenon"]),
    ("Raynaud's", RAYNAUD, ["raynauds-phenomenon", "raynauds"]),
    ("raynaud", RAYNAUD, ["raynauds-phenomenon", "raynauds"]),
    ("fenomeno di Raynaud", RAYNAUD, ["raynauds-phenomenon"]),
    ("fenómeno de Raynaud", RAYNAUD, ["raynauds-phenomenon"]),
    ("FENOMENO DE RAYNAUD", RAYNAUD, ["raynauds-phenomenon"]),
    ("SSc", SSC, ["systemic-sclerosis"]),
    ("systemic sclerosis", SSC, ["systemic-sclerosis"]),
    ("sclerosi sistemica", SSC, ["systemic-sclerosis"]),
    ("esclerosis sistémica", SSC, ["systemic-sclerosis"]),
    ("scleroderma", SSC, ["systemic-sclerosis"]),
    ("limited cutaneous SSc", LIMITED, ["limited-cutaneous-ssc"]),
    ("calcinosis", CALCINOSIS, ["calcinosis"]),
    ("calcinosi", CALCINOSIS, ["calcinosis"]),
    ("sindrome da overlap", {LUCIA}, ["overlap-syndrome"]),
    ("síndrome de superposición", {LUCIA}, ["overlap-syndrome"]),
    ("Giulia", {GIULIA_IT, GIULIA_EN}, []),  # the author line
    ("Lucía", {LUCIA}, []),
    ("lucia", {LUCIA}, []),
    ("raynaud lucia", {LUCIA}, ["raynauds-phenomenon", "raynauds"]),
    ('(raynaud) AND "lucia', {LUCIA}, ["raynauds-phenomenon", "raynauds"]),  # no syntax
    ("waiting room", {JAMES}, []),
    ("zebra raynaud", set(), ["raynauds-phenomenon", "raynauds"]),
]


def _found(query: str) -> tuple[set[str], list[str]]:
    results = search.search_stories(query, 1, 50)
    return {h.teaser.story.title for h in results.hits}, [o.slug for o in results.offers]


@pytest.mark.parametrize(("query", "expected", "offered"), QUERIES)
def test_the_shared_table_of_queries(app, demo, query, expected, offered):
    with app.test_request_context("/"):
        found, offers = _found(query)
    assert found == expected
    assert offers == offered


def test_punctuation_and_accents_never_fail(client, demo):
    for query in ["'", "’s", '"', "((", "-", "*", "é", "l’ulcera", "a'b\"c", "NEAR(", "^~"]:
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200, query


def test_the_search_page_offers_the_named_diagnosis_with_its_count(client, demo):
    page = client.get("/search", query_string={"q": "Raynaud’s phenomenon"})
    text = html_module.unescape(page.get_data(as_text=True))
    offer = text.index("Stories about Raynaud's phenomenon")
    assert re.search(r"Stories about Raynaud's phenomenon</a>\s*<span class=\"count\">\(4\)", text)
    assert offer < text.index('<ol class="results">')
    assert "6 stories found" in text
    it = html_module.unescape(
        client.get("/search", query_string={"q": "raynaud", "lang": "it"}).get_data(as_text=True)
    )
    assert "Storie su Fenomeno di Raynaud" in it


def test_stories_filed_under_the_named_diagnosis_rank_first(app, client, demo, moderator, submit):
    # A story that says "Raynaud" in its title (weighs most) but is filed elsewhere.
    submit(
        title="Raynaud was not my diagnosis",
        body="Raynaud, Raynaud, Raynaud: everybody asked about it. Mine is morphea.",
        diagnoses=["morphea"],
    )
    decide(app, story_id(app, "Raynaud was not my diagnosis"), "approve")
    with app.test_request_context("/"):
        titles = [h.teaser.story.title for h in search.search_stories("raynaud").hits]
    assert titles[-1] == "Raynaud was not my diagnosis"
    assert set(titles[:-1]) == RAYNAUD


def test_an_empty_result_suggests_names_and_a_broader_query(client, demo):
    text = html_module.unescape(
        client.get("/search", query_string={"q": "raynud"}).get_data(as_text=True)
    )
    assert "Stories about Raynaud's phenomenon" in text  # a typing slip: nearest name
    text = html_module.unescape(
        client.get("/search", query_string={"q": "winter zebra"}).get_data(as_text=True)
    )
    assert 'href="/search?q=winter"' in text  # fewer words


def test_search_filters_show_as_removable_chips(client, demo):
    page = client.get(
        "/search", query_string={"q": "raynaud", "language": "it", "country": "IT"}
    ).get_data(as_text=True)
    text = html_module.unescape(page)
    assert "Mia madre e i guanti di lana" in text and "Learning to live with winter" not in text
    assert 'href="/search?q=raynaud&country=IT"' in text.replace("&amp;", "&")  # drop language
    assert 'href="/search?q=raynaud&language=it"' in text.replace("&amp;", "&")  # drop country
    assert client.get("/search?q=raynaud&diagnosis=no-such").status_code == 404
    assert client.get("/search?q=raynaud&country=XX1").status_code == 400


def test_a_diagnosis_assigned_later_makes_its_translations_findable(app, demo, moderator):
    from storyhub.extensions import db
    from storyhub.models import Diagnosis, Story

    with app.test_request_context("/"):
        found, _ = _found("morphea")
        assert GIULIA_EN not in found
        giulia = db.session.scalar(db.select(Story).filter_by(title=GIULIA_IT))
        giulia.diagnoses.append(db.session.scalar(db.select(Diagnosis).filter_by(slug="morphea")))
        db.session.commit()
        found, _ = _found("morphea")
    assert {GIULIA_IT, GIULIA_EN} <= found
