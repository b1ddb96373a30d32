"""Teasers and story bodies are rendered once per story version and interface language and
reused by every page: an edit shows at once (the key holds the version), nothing is shared
across languages, the store stays within its bound, and escaping survives the reuse."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus


def _first_public(app) -> tuple[int, str]:
    with app.app_context():
        story = db.session.scalar(
            sa.select(Story)
            .where(Story.status == StoryStatus.PUBLISHED, Story.translation_of_id.is_(None))
            .where(Story.update_of_id.is_(None))
            .order_by(Story.published_at.desc(), Story.id.desc())
        )
        return story.id, story.title


def _rename(app, story_id: int, title: str, body_html: str | None = None) -> None:
    with app.app_context():
        story = db.session.get(Story, story_id)
        story.title = title
        if body_html is not None:
            story.body_html = body_html
        db.session.commit()


def test_a_teaser_is_rendered_once_and_reused_by_other_listings(app, client, demo):
    client.get("/stories/")
    store = app.extensions["storyhub-fragments"]
    rendered = dict(store.local.items)
    assert rendered
    client.get("/stories/?x=1")  # another URL, the same teasers: nothing new rendered
    assert dict(store.local.items) == rendered


def test_an_edit_shows_at_once_on_every_page(app, client, demo):
    story_id, _title = _first_public(app)
    assert client.get("/stories/").status_code == 200
    _rename(app, story_id, "A title changed after the teaser was kept", "<p>New words.</p>")
    listing = client.get("/stories/?after-edit=1").get_data(as_text=True)
    assert "A title changed after the teaser was kept" in listing
    page = client.get(f"/stories/{story_id}", follow_redirects=True).get_data(as_text=True)
    assert "<p>New words.</p>" in page


def test_each_interface_language_has_its_own_fragment(app, client, demo):
    english = client.get("/stories/").get_data(as_text=True)
    italian = client.get("/stories/?lang=it").get_data(as_text=True)
    # Dates are written in the interface language, and links keep an explicit choice.
    assert re.search(r'<time datetime="[^"]+" lang="en">', english)
    assert re.search(r'<time datetime="[^"]+" lang="it">', italian)
    assert not re.search(r'<time datetime="[^"]+" lang="it">', english)
    assert "?lang=it" in italian
    assert "?lang=it" not in english.split("<main", 1)[1].split("</main>", 1)[0]


def test_escaping_survives_reuse(app, client, demo):
    story_id, _title = _first_public(app)
    _rename(app, story_id, "<script>alert(1)</script> & more")
    for url in ("/stories/", "/stories/?again=1"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


@pytest.mark.app_config(FRAGMENT_CACHE_SIZE=3)
def test_the_store_is_bounded(app, client, demo):
    client.get("/stories/")
    client.get("/stories/?lang=it")
    assert len(app.extensions["storyhub-fragments"].local.items) == 3


def _switcher(page: str) -> list[str]:
    """The language switcher's links (wide screens' list) of a page."""
    menu = page.split('<ul class="wide-only">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)"', menu)


def test_the_layout_is_shared_but_each_page_switches_language_to_itself(app, client, demo):
    client.get("/topics/?lang=es")
    spanish = client.get("/stories/?lang=es").get_data(as_text=True)
    # The shared header, menu, search form and footer: in Spanish, links keeping the choice.
    assert 'href="/submit?lang=es"' in spanish
    assert '<input type="hidden" name="lang" value="es">' in spanish
    assert "Saltar al contenido" in spanish
    # The switcher names this page, not the first one that made the shared parts.
    assert _switcher(spanish) == ["/stories/?lang=en", "/stories/?lang=it", "/stories/?lang=es"]
    english = client.get("/diagnoses/").get_data(as_text=True)
    assert "Skip to content" in english and 'href="/submit"' in english
    assert '<input type="hidden" name="lang"' not in english
    assert _switcher(english) == [
        "/diagnoses/?lang=en",
        "/diagnoses/?lang=it",
        "/diagnoses/?lang=es",
    ]


def test_a_logged_in_menu_is_never_shared(app, client, demo, moderator, auth):
    reader = app.test_client()
    assert "Log out" not in reader.get("/topics/").get_data(as_text=True)
    auth.login()
    assert "Log out" in client.get("/topics/?as=moderator").get_data(as_text=True)
    assert "Log out" not in reader.get("/topics/?as=reader").get_data(as_text=True)


def test_a_diagnosis_heading_follows_what_is_published(client, make_story, make_topic):
    make_topic("calcinosis", "Calcinosis")
    make_story(title="First", topics=["calcinosis"])
    before = client.get("/diagnoses/limited-cutaneous-ssc").get_data(as_text=True)
    assert ">Calcinosis</a> (1)" in before
    make_story(title="Second", topics=["calcinosis"])
    after = client.get("/diagnoses/limited-cutaneous-ssc?again=1").get_data(as_text=True)
    assert ">Calcinosis</a> (2)" in after
