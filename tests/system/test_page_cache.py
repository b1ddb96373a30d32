"""The page cache serves anonymous readers fast and is never stale after a change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storyhub import cache_versions, create_app
from storyhub.extensions import db
from storyhub.models import Diagnosis, DiagnosisName, Story, StoryStatus
from tests.routes.moderate.test_moderate import _decide, _pending_id


@pytest.fixture
def topic_page(make_topic, make_story) -> str:
    """One topic with one published story: the page these tests cache."""
    make_topic("calcinosis", "Calcinosis")
    make_story(title="I sassolini sotto la pelle", language="it", topics=["calcinosis"])
    return "/topics/calcinosis"


def test_second_anonymous_view_is_a_cache_hit(client, topic_page):
    first = client.get("/topics/calcinosis")
    assert first.headers["X-Cache"] == "miss"
    second = client.get("/topics/calcinosis")
    assert second.headers["X-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "Set-Cookie" not in second.headers
    revalidated = client.get("/topics/calcinosis", headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304


def test_languages_are_cached_apart(client, topic_page):
    client.get("/topics/calcinosis", headers={"Accept-Language": "en"})
    italian = client.get("/topics/calcinosis", headers={"Accept-Language": "it"})
    assert italian.headers["X-Cache"] == "miss"
    assert '<html lang="it">' in italian.get_data(as_text=True)


def test_approval_shows_at_once_on_a_cached_topic_page(app, topic_page, moderator, submit):
    reader = app.test_client()
    reader.get("/topics/calcinosis")
    assert reader.get("/topics/calcinosis").headers["X-Cache"] == "hit"
    submit(title="Fresh from the queue")
    story_id = _pending_id(app, "Fresh from the queue")
    moderator_client = app.test_client()
    from tests.plugins.forms import Auth

    Auth(moderator_client).login()
    assert _decide(moderator_client, story_id, "approve", topics=["calcinosis"]).status_code == 302
    page = reader.get("/topics/calcinosis")
    assert page.headers["X-Cache"] == "miss"
    assert "My fingers stiffened first in winter" in page.get_data(as_text=True)


def test_pending_submissions_do_not_empty_the_cache(app, topic_page, submit):
    reader = app.test_client()
    reader.get("/topics/calcinosis")
    submit(title="Still pending")
    assert reader.get("/topics/calcinosis").headers["X-Cache"] == "hit"


def test_logged_in_moderators_bypass_the_cache(client, topic_page, moderator, auth):
    client.get("/topics/calcinosis")
    auth.login()
    response = client.get("/topics/calcinosis")
    assert "X-Cache" not in response.headers
    assert "Log out" in response.get_data(as_text=True)


def test_change_through_another_worker_is_seen(app, topic_page, database_url, tmp_path):
    """Two app instances sharing an instance folder stand for two gunicorn workers."""
    reader = app.test_client()
    assert "sassolini" in reader.get("/topics/calcinosis").get_data(as_text=True)
    other_worker = create_app({"TESTING": True, "SECRET_KEY": "s" * 32,
                               "SQLALCHEMY_DATABASE_URI": database_url,
                               "INSTANCE_PATH": app.instance_path})  # fmt: skip
    with other_worker.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title="I sassolini sotto la pelle"))
        story.status = StoryStatus.UNPUBLISHED
        db.session.commit()
        db.engine.dispose()
    assert "sassolini" not in reader.get("/topics/calcinosis").get_data(as_text=True)


def test_head_and_revalidation_are_answered_from_the_cache(client, topic_page):
    first = client.get("/topics/calcinosis")
    head = client.head("/topics/calcinosis")
    assert head.headers["X-Cache"] == "hit"
    assert head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(first.get_data()))
    unchanged = client.get("/topics/calcinosis", headers={"If-None-Match": first.headers["ETag"]})
    assert (unchanged.status_code, unchanged.headers["X-Cache"]) == (304, "hit")
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]


def test_each_host_has_its_own_pages(client, topic_page):
    """Some pages carry absolute links (sitemap, feeds): one host's copy never serves another."""
    assert client.get("/sitemaps/pages.xml").headers["X-Cache"] == "miss"
    other = client.get("/sitemaps/pages.xml", base_url="https://stories.example.org")
    assert other.headers["X-Cache"] == "miss"
    assert "https://stories.example.org/topics/calcinosis" in other.get_data(as_text=True)
    assert "http://localhost/" not in other.get_data(as_text=True)


def test_two_quick_publications_are_two_generations(app):
    """A file's time can be as coarse as a clock tick: two changes within one tick must still
    leave a page cached between them stale."""
    with app.app_context():
        generation = app.extensions["storyhub-page-generation"]
        seen = {generation.read()}
        for _ in range(20):
            cache_versions.invalidate()
            seen.add(generation.read())
    assert len(seen) == 21


def test_a_new_diagnosis_is_offered_at_once(app, client, default_diagnosis):
    """The form's choices are kept per worker until public content changes, no longer."""
    assert "Eosinophilic fasciitis" not in client.get("/submit").get_data(as_text=True)
    with app.app_context():
        diagnosis = Diagnosis(slug="eosinophilic-fasciitis", position=99)
        diagnosis.names = [DiagnosisName(language="en", name="Eosinophilic fasciitis")]
        db.session.add(diagnosis)
        db.session.commit()
    assert "Eosinophilic fasciitis" in client.get("/submit").get_data(as_text=True)
