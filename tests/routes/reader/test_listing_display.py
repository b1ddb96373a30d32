"""Listings that inform: counts, titles that say what is listed, removable filter chips,
dates on teasers whose link is the title, <link rel="prev/next">; every new page shape is
cached and revalidated like the others."""

from __future__ import annotations

import html as html_module
import re

from storyhub.services import catalog


def _text(client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return html_module.unescape(response.get_data(as_text=True)).replace("&amp;", "&")


def test_a_filtered_listing_says_what_it_lists_and_how_many(client, demo):
    text = _text(client, "/stories/?language=it&diagnosis=calcinosis-cutis")
    assert "<title>Stories in Italian about Calcinosis cutis · storyhub</title>" in text
    assert "<h1>Stories in Italian about Calcinosis cutis</h1>" in text
    assert '<p class="listing-count">1 story</p>' in text  # Giulia's (Italian original)
    italian = _text(client, "/stories/?language=it&diagnosis=calcinosis-cutis&lang=it")
    assert "<h1>Storie in italiano su Calcinosi cutanea</h1>" in italian
    everything = _text(client, "/stories/")
    assert '<p class="listing-count">6 stories</p>' in everything


def test_active_filters_are_chips_that_remove_themselves(client):
    text = _text(client, "/stories/?language=it&country=IT")
    chips = text[text.index('<ul class="chips"') :]
    chips = chips[: chips.index("</ul>")]
    assert 'href="/stories/?country=IT"' in chips and "Language: Italian" in chips
    assert 'href="/stories/?language=it"' in chips and "Country: Italy" in chips


def test_teasers_link_their_title_and_show_the_date(client, demo):
    text = _text(client, "/diagnoses/raynauds-phenomenon")
    assert re.search(
        r'<a class="teaser-title" href="/stories/\d+-learning-to-live-with-winter" lang="en">'
        r"Learning to live with winter</a>",
        text,
    )
    dated = r'<time datetime="[0-9-]+T[^"]+" lang="en">[A-Z][a-z]+ \d+, \d{4}</time>'
    assert re.search(dated, text)
    assert "(4 stories)" in text


def test_listings_announce_the_next_and_previous_pages(app, client, demo):
    app.config["STORIES_PER_PAGE"] = 2
    first = _text(client, "/stories/")
    found = re.search(r'<link rel="next" href="(/stories/\?after=[^"]+)">', first)
    assert found and '<link rel="prev"' not in first
    second = _text(client, found.group(1))
    assert re.search(r'<link rel="prev" href="/stories/\?before=[^"]+">', second)
    assert re.search(r'<link rel="next" href="/stories/\?after=[^"]+">', second)
    search = _text(client, "/search?q=raynaud")
    assert '<link rel="next" href="/search?q=raynaud&page=2">' in search


def test_counts_stop_at_the_cap(app, demo, monkeypatch):
    monkeypatch.setattr(catalog, "COUNT_CAP", 2)
    with app.test_request_context("/"):
        assert catalog.listing_count(catalog.StoryFilters(language="en")) == (
            catalog.ListingCount(2, True)
        )
        # One diagnosis alone: the exact count the diagnosis index shows.
        assert catalog.listing_count(catalog.StoryFilters(diagnosis="systemic-sclerosis")) == (
            catalog.ListingCount(5, False)
        )


def test_new_page_shapes_are_cached_and_revalidated(client, demo):
    for url in (
        "/stories/?language=it&country=IT",
        "/search?q=raynaud&language=it",
        "/diagnoses/",
    ):
        first = client.get(url)
        assert first.headers["X-Cache"] == "miss", url
        second = client.get(url)
        assert second.headers["X-Cache"] == "hit", url
        assert second.get_data() == first.get_data()
        assert "Set-Cookie" not in second.headers
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
