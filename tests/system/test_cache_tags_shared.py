"""Tag versions are shared: a change committed by one worker (another app instance on the same
instance folder, or the same Redis) makes stale exactly the tagged pages in every worker; a
page made while a change commits is not kept."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.services import cache_tags
from storyhub.services.tools.demo import load_demo
from tests.plugins.app import REDIS_URL, redis_available


@pytest.fixture
def workers(more_apps: Any) -> Any:
    """Workers of one machine (one instance folder) unless told otherwise; each test makes
    its own tables and demo set."""
    return lambda **overrides: more_apps(prepare=False, SERVER_NAME=None, **overrides)


def _withdraw_diffuse_story(worker: Flask) -> None:
    """Story 5 (en, US, diffuse cutaneous SSc, topic diagnosis-journey) leaves the site."""
    with worker.app_context():
        story = db.session.get(Story, 5)
        story.status = StoryStatus.WITHDRAWN
        db.session.commit()


def _check_precise_across_workers(make: Any, **config: Any) -> None:
    reader_app, writer_app = make(**config), make(**config)
    with reader_app.app_context():
        db.create_all()
        load_demo()
    reader = reader_app.test_client()
    touched = ["/diagnoses/diffuse-cutaneous-ssc", "/diagnoses/systemic-sclerosis", "/"]
    untouched = ["/topics/calcinosis", "/diagnoses/raynauds-phenomenon", "/languages/it"]
    for path in touched + untouched:
        reader.get(path)
        assert reader.get(path).headers["X-Cache"] == "hit", path
    _withdraw_diffuse_story(writer_app)
    for path in touched:
        assert reader.get(path).headers["X-Cache"] == "miss", path
    assert "What I learned in the waiting" not in reader.get(touched[0]).get_data(as_text=True)
    for path in untouched:
        assert reader.get(path).headers["X-Cache"] == "hit", path


def test_a_change_in_one_worker_is_precise_in_another(workers):
    _check_precise_across_workers(workers)


@pytest.mark.skipif(not redis_available(), reason="no Redis at STORYHUB_TEST_REDIS_URL")
def test_a_change_in_one_worker_is_precise_in_another_through_redis(workers, tmp_path):
    prefix = f"test-h18-{uuid.uuid4().hex}:"
    try:
        # Separate instance folders: only Redis is shared.
        _check_precise_across_workers(
            lambda **config: workers(**config, INSTANCE_PATH=str(tmp_path / uuid.uuid4().hex)),
            REDIS_URL=REDIS_URL,
            PAGE_CACHE_KEY_PREFIX=prefix,
        )
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)


def test_a_page_made_while_a_change_commits_is_not_kept(workers):
    """The view reads the old state; the change commits before the page is stored: storing it
    under the new versions would keep it stale, so it is not stored at all."""
    worker = workers()
    with worker.app_context():
        db.create_all()
        load_demo()
    committed: list[bool] = []

    @worker.after_request
    def commit_meanwhile(response: Any) -> Any:  # runs after the view, before the store
        if not committed:
            committed.append(True)
            story = db.session.scalar(sa.select(Story).filter_by(id=5))
            story.status = StoryStatus.WITHDRAWN
            db.session.commit()
        return response

    reader = worker.test_client()
    first = reader.get("/diagnoses/diffuse-cutaneous-ssc")
    assert "What I learned in the waiting" in first.get_data(as_text=True)  # the old state
    again = reader.get("/diagnoses/diffuse-cutaneous-ssc")
    assert again.headers["X-Cache"] == "miss"
    assert "What I learned in the waiting" not in again.get_data(as_text=True)


def test_every_page_carries_the_tag_taxonomy_edits_bump():
    for endpoint, view_args, args in [
        ("reader.robots", {}, {}),
        ("reader.topic", {"slug": "calcinosis"}, {}),
        ("reader.stories", {}, {"language": "en", "after": "x"}),
        ("reader.home", {}, {}),
        ("something.new", {}, {}),
    ]:
        tags = cache_tags.page_tags(endpoint, view_args, args)
        assert cache_tags.ALL in tags
    # An endpoint the table does not know is tagged coarsely: every story change reaches it.
    assert cache_tags.STORIES in cache_tags.page_tags("something.new", {}, {})
