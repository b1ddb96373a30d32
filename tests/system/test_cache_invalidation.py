"""Precise invalidation: after each kind of change, every public URL shape served through the
page cache equals what the app renders without it (never stale), and the pages that do not
show what changed are still cache hits.

The oracle is a second app on the same database with the page cache off: whatever a change
does, a cached answer must be byte for byte the uncached one."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import Diagnosis, Story, StoryStatus, Topic, TopicText
from storyhub.models.consent import ConsentPurpose
from storyhub.services import consents, erasure

# The demo (storyhub/services/tools/demo.py): 1 it/IT (limited SSc, Raynaud's, calcinosis cutis;
# topics calcinosis, raynauds; translated into English as 8), 2 it/CH (diffuse SSc;
# diagnosis-journey), 3 it/IT, 4 en/GB (limited SSc, Raynaud's; raynauds; update 9),
# 5 en/US (diffuse SSc), 6 pending en/AU (localized scleroderma, morphea), 7 es/AR.
STATIC = ["/robots.txt", "/api/v1/", "/api/v1/openapi.json"]


def _story_path(client: FlaskClient, story_id: int) -> str:
    response = client.get(f"/stories/{story_id}")
    assert response.status_code == 301
    return re.sub(r"^https?://[^/]+", "", response.headers["Location"])


def _older_link(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'<a rel="next" href="([^"]+)"', page)
    assert found, f"no older-stories link on {path}"
    return html.unescape(found.group(1))


def public_urls(client: FlaskClient) -> list[str]:
    """One URL of every public shape (and a few of each where precision matters)."""
    stories = {n: _story_path(client, n) for n in (1, 2, 3, 4, 5, 7, 8)}
    return [
        "/",
        "/stories/",
        _older_link(client, "/stories/"),
        "/stories/?diagnosis=raynauds-phenomenon",
        "/stories/?diagnosis=diffuse-cutaneous-ssc",
        "/stories/?language=en",
        "/stories/?country=AR",
        "/stories/?topic=calcinosis&language=it",
        # Filters combined: the page carries the tag of one of them (the most selective).
        "/stories/?country=IT&diagnosis=limited-cutaneous-ssc",
        "/stories/?language=en&topic=raynauds",
        "/stories/?language=it&diagnosis=raynauds-phenomenon&country=IT",
        "/api/v1/stories?diagnosis=systemic-sclerosis&language=en",
        _older_link(client, "/topics/raynauds"),
        *stories.values(),
        "/stories/1/like",
        "/stories/2/like",
        "/topics/",
        "/topics/calcinosis",
        "/topics/raynauds",
        "/topics/diagnosis-journey",
        "/diagnoses/",
        "/diagnoses/systemic-sclerosis",
        "/diagnoses/limited-cutaneous-ssc",
        "/diagnoses/diffuse-cutaneous-ssc",
        "/diagnoses/raynauds-phenomenon",
        "/diagnoses/calcinosis-cutis",
        "/diagnoses/localized-scleroderma",
        "/diagnoses/morphea",
        "/languages/en",
        "/languages/it",
        "/languages/es",
        "/search?q=winter",
        "/feeds/stories.atom",
        "/feeds/diagnoses/raynauds-phenomenon.atom",
        "/feeds/diagnoses/diffuse-cutaneous-ssc.atom",
        "/feeds/topics/calcinosis.atom",
        "/feeds/topics/diagnosis-journey.atom",
        "/sitemap.xml",
        "/sitemaps/pages.xml",
        "/sitemaps/stories-0.xml",
        "/api/v1/stories",
        "/api/v1/stories?diagnosis=raynauds-phenomenon",
        "/api/v1/stories/1",
        "/api/v1/stories/2",
        "/api/v1/stories/8",
        "/api/v1/diagnoses",
        "/api/v1/topics",
        *STATIC,
    ]


@pytest.fixture
def uncached(uncached: FlaskClient, app: Flask) -> FlaskClient:
    """The uncached twin (tests/plugins/app.py), both sites with two stories per page."""
    uncached.application.config["STORIES_PER_PAGE"] = app.config["STORIES_PER_PAGE"] = 2
    return uncached


def _story(number: int) -> Story:
    return db.session.get(Story, number)


def _publish(story: Story) -> None:
    story.status = StoryStatus.PUBLISHED
    story.published_at = datetime.now(UTC)


def publish() -> None:
    _publish(_story(6))


def publish_in_known_language_and_country() -> None:
    story = _story(6)
    story.country = "GB"  # while pending: nothing public changes
    db.session.commit()
    _publish(story)


def publish_old_story_into_a_shared_diagnosis() -> None:
    """Story 6 waited since before 7 was sent: published now, its lower id puts it among the
    stories 7's related list is chosen from."""
    story = _story(6)
    story.diagnoses = [
        db.session.scalar(sa.select(Diagnosis).filter_by(slug="raynauds-phenomenon"))
    ]
    db.session.commit()  # while pending: nothing public changes
    _publish(story)


def publish_new_story_at_once() -> None:
    """A story that arrives published (as a bulk import would make it), in a language and a
    country the filter menus list already."""
    story = Story(
        title="Warm water in the morning",
        body_text="Warm water helps.",
        body_html="<p>Warm water helps.</p>",
        excerpt="Warm water helps.",
        author_name="P.",
        country="GB",
        language="en",
        diagnoses=[db.session.scalar(sa.select(Diagnosis).filter_by(slug="morphea"))],
    )
    db.session.add(story)
    _publish(story)


def withdraw_a_related_story() -> None:
    _story(3).status = StoryStatus.WITHDRAWN  # shown in 4's related stories


def edit() -> None:
    _story(4).title = "Learning to live with a long winter"


def unpublish() -> None:
    _story(1).status = StoryStatus.UNPUBLISHED


def withdraw() -> None:
    _story(5).status = StoryStatus.WITHDRAWN


def erase() -> None:
    erasure.erase_story(_story(3), actor_id=None)


def withdraw_consent_to_translations() -> None:
    story = _story(1)
    consents.withdraw(story, ConsentPurpose.TRANSLATE)
    story.allow_translation = False


def withdraw_consent_to_feeds() -> None:
    story = _story(4)
    consents.withdraw(story, ConsentPurpose.SYNDICATE)
    story.allow_syndication = False


def content_note() -> None:
    _story(7).content_note = "describes a hospital stay"


def publish_translation() -> None:
    original = _story(4)
    translation = Story(
        title="Imparare a vivere con l'inverno",
        body_text="Una traduzione.",
        body_html="<p>Una traduzione.</p>",
        excerpt="Una traduzione.",
        author_name=original.author_name,
        translator_name="G.",
        country=original.country,
        language="it",
        translation_of=original,
        diagnoses=list(original.diagnoses),
    )
    db.session.add(translation)
    _publish(translation)


def link_topic() -> None:
    story = _story(4)
    story.topics = [db.session.scalar(sa.select(Topic).filter_by(slug="calcinosis"))]


def change_diagnosis() -> None:
    story = _story(2)
    story.diagnoses = [db.session.scalar(sa.select(Diagnosis).filter_by(slug="morphea"))]


def rename_topic() -> None:
    text = db.session.scalar(
        sa.select(TopicText).join(Topic).where(Topic.slug == "raynauds", TopicText.language == "en")
    )
    text.title = "Cold fingers"


# change → (URLs whose content must change, URLs that must still be cache hits after it).
# With 2 stories a page, which stories a listing's first page shows depends on the demo's
# dates: the first list names pages sure to show the change (stories, feeds, small lists).
# fmt: off
CHANGES: dict[str, tuple[Callable[[], None], list[str], list[str]]] = {
    "publish": (
        publish,
        ["/", "/diagnoses/morphea", "/diagnoses/localized-scleroderma", "/feeds/stories.atom"],
        ["/topics/calcinosis", "/diagnoses/raynauds-phenomenon", "/languages/it", "story:2",
         "/feeds/topics/calcinosis.atom", "/api/v1/stories/2", *STATIC],
    ),
    # The filter menus list the languages and countries in use: English and the UK are
    # there already, so the filtered listings it is not on stay cached.
    "publish, known language and country": (
        publish_in_known_language_and_country,
        ["/", "/diagnoses/morphea", "/stories/?language=en"],
        ["/topics/calcinosis", "/stories/?diagnosis=raynauds-phenomenon",
         "/stories/?country=AR", "/stories/?topic=calcinosis&language=it", "story:2", *STATIC],
    ),
    "an old story published into a shared diagnosis": (
        publish_old_story_into_a_shared_diagnosis,
        ["story:7", "/diagnoses/raynauds-phenomenon"],
        ["story:2", "/diagnoses/diffuse-cutaneous-ssc", "/topics/diagnosis-journey", *STATIC],
    ),
    "a story arriving published": (
        publish_new_story_at_once,
        ["/", "/diagnoses/morphea", "/stories/?language=en"],
        ["/stories/?country=AR", "/stories/?topic=calcinosis&language=it", "story:2", "story:7",
         *STATIC],
    ),
    "a story shown in related lists withdrawn": (
        withdraw_a_related_story,
        ["story:4", "/diagnoses/raynauds-phenomenon"],
        ["story:2", "/diagnoses/diffuse-cutaneous-ssc", "/languages/es", *STATIC],
    ),
    "edit": (
        edit,
        ["story:4", "/feeds/stories.atom"],
        ["/topics/calcinosis", "/topics/diagnosis-journey", "/diagnoses/diffuse-cutaneous-ssc",
         "/stories/?diagnosis=diffuse-cutaneous-ssc", "/stories/?country=AR", "/languages/es",
         "story:2", "/api/v1/stories/2", *STATIC],
    ),
    "unpublish": (
        unpublish,
        ["/topics/calcinosis", "/api/v1/stories/8", "/feeds/stories.atom"],
        ["/diagnoses/diffuse-cutaneous-ssc", "/topics/diagnosis-journey", "story:2", *STATIC],
    ),
    "withdraw": (
        withdraw,
        ["/diagnoses/diffuse-cutaneous-ssc", "/feeds/stories.atom"],
        ["/topics/calcinosis", "/diagnoses/raynauds-phenomenon", "/languages/es", "story:4",
         *STATIC],
    ),
    "erase": (
        erase,
        ["/feeds/stories.atom", "/sitemaps/stories-0.xml"],
        ["/topics/calcinosis", "/diagnoses/diffuse-cutaneous-ssc", "/languages/es", "story:2",
         *STATIC],
    ),
    "consent to translations withdrawn": (
        withdraw_consent_to_translations,
        ["story:1", "/api/v1/stories/8"],
        ["/topics/diagnosis-journey", "/diagnoses/diffuse-cutaneous-ssc", "/languages/es",
         "story:2", *STATIC],
    ),
    "consent to feeds withdrawn": (
        withdraw_consent_to_feeds,
        ["/feeds/stories.atom"],
        ["/topics/calcinosis", "/diagnoses/diffuse-cutaneous-ssc", "/languages/it", "story:2",
         *STATIC],
    ),
    "content note": (
        content_note,
        ["story:7", "/feeds/topics/calcinosis.atom"],
        ["/topics/diagnosis-journey", "/diagnoses/diffuse-cutaneous-ssc", "/languages/en",
         "/stories/?diagnosis=diffuse-cutaneous-ssc", "story:2", *STATIC],
    ),
    "translation published": (
        publish_translation,
        ["story:4", "/languages/it"],
        ["/topics/calcinosis", "/diagnoses/diffuse-cutaneous-ssc", "/languages/es", "story:2",
         *STATIC],
    ),
    "topic linked and unlinked": (
        link_topic,
        ["story:4", "/feeds/topics/calcinosis.atom"],
        ["/topics/diagnosis-journey", "/diagnoses/diffuse-cutaneous-ssc", "/languages/es",
         "/stories/?diagnosis=diffuse-cutaneous-ssc", "story:2", *STATIC],
    ),
    "diagnosis changed": (
        change_diagnosis,
        ["/diagnoses/diffuse-cutaneous-ssc", "/diagnoses/morphea",
         "/diagnoses/localized-scleroderma", "story:2"],
        ["/topics/calcinosis", "/diagnoses/raynauds-phenomenon", "/languages/en", "story:4",
         *STATIC],
    ),
    "topic renamed": (rename_topic, ["/topics/raynauds", "/"], []),
}
# fmt: on


def _get(client: FlaskClient, url: str) -> tuple[int, bytes, str | None]:
    response = client.get(url, headers={"Accept-Language": "en"})
    return response.status_code, response.get_data(), response.headers.get("X-Cache")


@pytest.mark.parametrize("name", list(CHANGES))
def test_no_public_page_is_stale_after_a_change(
    name: str, app: Flask, demo: None, uncached: FlaskClient
) -> None:
    change, changed, unrelated = CHANGES[name]
    reader = app.test_client()
    urls = public_urls(uncached)
    stories = {f"story:{n}": _story_path(uncached, n) for n in (1, 2, 4, 7)}
    before = {}
    for url in urls:
        before[url] = _get(reader, url)
        status, _body, cache = _get(reader, url)
        assert status != 200 or cache == "hit", url  # every public page is cached
    with app.app_context():
        change()
        db.session.commit()
    stale, served_from = [], {}
    for url in urls:
        served, truth = _get(reader, url), _get(uncached, url)
        served_from[url] = served[2]
        if served[:2] != truth[:2]:
            stale.append(url)
    assert stale == [], f"stale after {name}"
    for url in (stories.get(u, u) for u in changed):
        assert _get(uncached, url)[:2] != before[url][:2], f"{url} should show the change"
    for url in (stories.get(u, u) for u in unrelated):
        assert served_from[url] == "hit", f"{url} was made stale by {name}"
