""" "Stories like mine": from any story, one click to the stories sharing its diagnoses, those
readable in the reader's language first, then the others with their translations."""

from __future__ import annotations

import html as html_module

from tests.plugins.submission import story_id


def _page(client, app, title: str, lang: str) -> str:
    story = story_id(app, title)
    response = client.get(f"/stories/{story}/like", query_string={"lang": lang})
    assert response.status_code == 200
    return html_module.unescape(response.get_data(as_text=True))


def _between(text: str, start: str, end: str | None) -> str:
    tail = text[text.index(start) + len(start) :]
    return tail[: tail.index(end)] if end and end in tail else tail


def test_the_story_page_links_to_stories_like_it(client, app, demo):
    sarah = story_id(app, "Learning to live with winter")
    page = client.get(f"/stories/{sarah}", follow_redirects=True).get_data(as_text=True)
    assert f'href="/stories/{sarah}/like"' in page


def test_an_italian_reader_sees_italian_stories_first(client, app, demo):
    text = _page(client, app, "Learning to live with winter", "it")
    first = _between(text, "<h2>In italiano</h2>", "<h2>")
    # Giulia (limited cutaneous SSc and Raynaud's, both Sarah's) wrote in Italian; E.R. shares
    # Raynaud's. Lucía (Spanish) shares Raynaud's too: she comes under other languages.
    assert "I sassolini sotto la pelle" in first and "Mia madre e i guanti di lana" in first
    assert first.index("I sassolini sotto la pelle") < first.index("Mia madre e i guanti")
    assert "Mis codos" not in first
    others = _between(text, "<h2>In altre lingue</h2>", None)
    assert "Mis codos, mis dedos y mi paciencia" in others
    assert "Learning to live with winter</a>" not in text.split("<h1>")[1].split("</h1>")[1]


def test_an_english_reader_gets_translations_first(client, app, demo):
    text = _page(client, app, "Mis codos, mis dedos y mi paciencia", "en")
    first = _between(text, "<h2>In English</h2>", "<h2>")
    # Giulia's story is readable in English through its translation.
    assert "The little stones under my skin" in first
    assert "Learning to live with winter" in first
    others = _between(text, "<h2>In other languages</h2>", None)
    assert "I sassolini sotto la pelle" not in others  # already offered in English
    assert "Mia madre e i guanti di lana" in others


def test_unknown_or_unpublished_stories_have_no_such_page(client, app, demo):
    assert client.get("/stories/999999/like").status_code == 404
    pending = story_id(app, "A patch on my side that turned out to have a name")
    assert client.get(f"/stories/{pending}/like").status_code == 404


def test_the_page_is_cached_and_revalidated(client, app, demo):
    url = f"/stories/{story_id(app, 'Learning to live with winter')}/like"
    first = client.get(url)
    assert first.headers["X-Cache"] == "miss"
    second = client.get(url)
    assert second.headers["X-Cache"] == "hit" and "Set-Cookie" not in second.headers
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
