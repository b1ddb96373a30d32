"""A listing's cost does not grow with the site, whatever its filters combine.

A rare combination of filters (a country, a diagnosis, a topic and a language together) used
to walk the newest-first index until a page was full: at 100k stories, most of the site. Each
page now looks through at most catalog.SCAN_WINDOW stories, and counts through at most
catalog.COUNT_WINDOW. The work is measured as SQLite counts it (virtual machine instructions,
through its progress handler), not with a timer: with the windows made small, the same URLs
do the same work at ten times the stories. (bench/listing_bounded.py measures it at 100k.)
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services import catalog
from storyhub.services.catalog import listings
from storyhub.services.tools.synthetic import generate_stories
from tests.plugins.app import TEST_DATABASE_URL
from tests.plugins.sqlite_work import STEP, sqlite_work

RARE = "diagnosis=morphea&topic=calcinosis&language=fr&country=IT"
COMMON = "country=IT&diagnosis=morphea"


def _work(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    """Instructions for one request of `url` that the page cache has not seen. Requested once
    before, to fill what is kept per publish generation (the menus' counts over every story;
    the listing's own count is measured apart)."""
    assert client.get(f"{url}&fill=1").status_code in (200, 301, 302), url
    with sqlite_work(app) as ticks:
        response = client.get(url)
    assert response.status_code in (200, 301, 302), url
    return ticks[0] * STEP


def _count_work(app, query: str) -> int:  # type: ignore[no-untyped-def]
    filters = catalog.StoryFilters(**{k: v[0] for k, v in parse_qs(query).items()})
    with sqlite_work(app) as ticks:
        listings._listing_count(filters)
    return ticks[0] * STEP


def _older_link(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert 'rel="next"' in html, (response.status_code, html[html.find("<main") :][:3000])
    start = html.index('rel="next" href="') + len('rel="next" href="')
    return html[start : html.index('"', start)].replace("&amp;", "&")


@pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("sqlite"),
    reason="counts SQLite's virtual machine instructions",
)
def test_rare_filters_look_through_a_bounded_window(app, demo, monkeypatch):
    monkeypatch.setattr(catalog, "SCAN_WINDOW", 40)
    monkeypatch.setattr(catalog, "COUNT_WINDOW", 200)
    client = app.test_client()
    work: dict[str, list[int]] = {}
    for size, seed in ((400, 1), (3600, 2)):
        with app.app_context():
            generate_stories(size, seed=seed)
        deep = _older_link(client, f"/stories/?at={size}")
        after = parse_qs(urlsplit(deep).query)["after"][0]
        urls = {
            "rare": f"/stories/?{RARE}",
            "rare, older": f"/stories/?{RARE}&after={after}",
            "rare, newer": f"/stories/?{RARE}&before={after}",
            "rare, old page link": f"/stories/?{RARE}&page=5",
            "common, older": f"/stories/?{COMMON}&after={after}",
            "rarer": "/stories/?diagnosis=morphea&topic=calcinosis&language=de&country=AR",
        }
        for name, url in urls.items():
            work.setdefault(name, []).append(_work(app, client, f"{url}&size={size}"))
        for query in (RARE, COMMON):
            work.setdefault(f"count {query}", []).append(_count_work(app, query))
    # Ten times the stories, the same work (give or take the pages' own varying content).
    grown = {name: (small, large) for name, (small, large) in work.items() if large > 1.5 * small}
    assert not grown, grown


def test_a_short_page_says_so_and_the_pager_looks_further(app, demo, monkeypatch):
    monkeypatch.setattr(catalog, "SCAN_WINDOW", 40)
    with app.app_context():
        generate_stories(300, seed=3)
        everything = catalog.filtered(catalog.StoryFilters(country="IT", language="fr"))
        expected = list(
            db.session.scalars(
                everything.with_only_columns(Story.id).order_by(
                    Story.published_at.desc(), Story.id.desc()
                )
            )
        )
    client = app.test_client()
    url: str | None = "/stories/?country=IT&language=fr"
    seen: list[int] = []
    short_pages = 0
    while url:
        html = client.get(url).get_data(as_text=True)
        short_pages += "listing-partial" in html
        seen += [int(part.split('"')[0].split("-")[0]) for part in html.split('href="/stories/')[1:]
                 if part[:1].isdigit()]  # fmt: skip
        url = _older_link(client, url) if 'rel="next"' in html else None
    # Walking the pager finds every story the filters match, once each, newest first; the
    # pages cut short by the window said so.
    assert list(dict.fromkeys(seen)) == expected
    assert short_pages > 1
