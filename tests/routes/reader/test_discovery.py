"""Reading and discovery: listings with keyset paging, the taxonomy tree, story pages, the
interface language, feeds, the sitemap and robots.txt."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from lxml import etree

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.models._types import utcnow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Story.id).filter_by(title=title))


def _authors(html: str) -> list[str]:
    return re.findall(r'<span class="who">([^<]+):</span>', html)


def _top_authors(html: str) -> list[str]:
    """Authors of the listing's own lines (not of translations nested under them)."""
    return re.findall(
        r'<li class="teaser" lang="[^"]+">\s*<a class="teaser-title"[^>]*>[^<]*</a>\s*'
        r'<span class="teaser-meta"><span class="who">([^<]+):',
        html,
    )


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_home_lists_recent_stories_diagnoses_topics_and_languages(client, demo):
    html = client.get("/").get_data(as_text=True)
    assert "Lucía:" in html and "Giulia:" in html
    assert "A patch on my side" not in html  # pending
    # The taxonomy with counts that include sub-diagnoses, and languages with counts.
    assert re.search(r">Systemic sclerosis</a>\s*<span class=\"count\">\(5 stories\)", html)
    assert re.search(r">Morphea</a>\s*<span class=\"count\">\(0 stories\)", html)
    assert 'href="/languages/it"' in html and 'Italian</a> <span lang="it">(Italiano)' in html
    assert 'href="/topics/calcinosis"' in html


def test_diagnoses_page_is_a_tree_with_counts(client, demo):
    html = client.get("/diagnoses/").get_data(as_text=True)
    parent = html.index(">Systemic sclerosis</a>")
    child = html.index(">Limited cutaneous systemic sclerosis</a>")
    nested = html.index('<ul class="tree">', parent)
    assert parent < nested < child  # the sub-diagnosis sits in its parent's nested list
    assert re.search(r"Limited cutaneous systemic sclerosis</a>\s*<span class=\"count\">\(2 ", html)
    italian = client.get("/diagnoses/?lang=it").get_data(as_text=True)
    assert ">Sclerosi sistemica</a>" in italian and "(5 storie)" in italian


def test_filters_combine_and_include_sub_diagnoses(client, demo):
    html = client.get("/stories/?diagnosis=systemic-sclerosis&country=IT").get_data(as_text=True)
    assert sorted(_authors(html)) == ["E.R.", "Giulia", "Giulia"]  # Giulia's translation nests
    html = client.get("/stories/?diagnosis=systemic-sclerosis&language=en").get_data(as_text=True)
    # A language lists translations into it too: Giulia's English version, on its own line.
    assert sorted(_authors(html)) == ["Giulia", "James", "Sarah"]
    assert "The little stones" not in html or "For years I thought" in html
    html = client.get("/stories/?topic=calcinosis&language=es").get_data(as_text=True)
    assert _authors(html) == ["Lucía"]
    assert client.get("/stories/?topic=nope").status_code == 404
    assert client.get("/stories/?language=%%%").status_code == 400
    # The chosen filters stay selected in the form.
    html = client.get("/stories/?country=AR").get_data(as_text=True)
    assert '<option value="AR" selected>Argentina</option>' in html


def test_keyset_paging_walks_every_story_once_both_ways(app, client, make_story):
    for days_ago, author in enumerate(["Lucía", "E.R.", "James", "Marco", "Giulia", "Sarah"]):
        make_story(title=f"A story by {author}", author_name=author, days_ago=days_ago + 1)
    app.config["STORIES_PER_PAGE"] = 2
    seen: list[list[str]] = []
    url: str | None = "/stories/"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen.append(_top_authors(html))
        assert ("page=" not in (url or "")) and (url == "/stories/" or "after=" in url)
        url = _link(html, "next")
    flat = [name for page in seen for name in page]
    assert flat == ["Lucía", "E.R.", "James", "Marco", "Giulia", "Sarah"]  # newest first, once
    # Walk back with the "Newer" links from the last page.
    back: list[list[str]] = [seen[-1]]
    html = client.get(_last_page_url(client)).get_data(as_text=True)
    while (newer := _link(html, "prev")) is not None:
        html = client.get(newer).get_data(as_text=True)
        back.append(_top_authors(html))
    assert list(reversed(back)) == seen


def _last_page_url(client) -> str:
    url = "/stories/"
    while True:
        following = _link(client.get(url).get_data(as_text=True), "next")
        if following is None:
            return url
        url = following


def test_a_story_published_while_paging_does_not_shift_the_next_page(app, client, demo):
    app.config["STORIES_PER_PAGE"] = 3
    first = client.get("/stories/").get_data(as_text=True)
    older = _link(first, "next")
    with app.app_context():
        story = db.session.get(Story, _id(app, "A patch on my side that turned out to have a name"))
        story.status = StoryStatus.PUBLISHED
        story.published_at = utcnow()
        db.session.commit()
    second = client.get(older).get_data(as_text=True)
    assert _authors(second)[:3] == ["Marco", "Giulia", "Giulia"]
    assert "H.:" in client.get("/stories/").get_data(as_text=True)


def test_old_page_links_and_bad_cursors(app, client, demo):
    app.config["STORIES_PER_PAGE"] = 2
    assert client.get("/stories/?page=1&country=IT").headers["Location"] == "/stories/?country=IT"
    moved = client.get("/stories/?page=2")
    assert moved.status_code == 302
    page_two = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert _authors(page_two)[:2] == ["James", "Marco"]
    assert client.get("/stories/?after=not-a-cursor").status_code == 400
    assert client.get("/stories/?before=" + "A" * 200).status_code == 400
    beyond = client.get("/stories/?page=10").headers["Location"]
    assert beyond == "/stories/"
    # Deeper numbered pages would need a longer and longer scan: only cursors go there.
    assert client.get("/stories/?page=11").status_code == 404


def test_story_page_has_byline_relation_date_updates_languages_and_related(app, client, demo):
    sarah = _id(app, "Learning to live with winter")
    html = client.get(f"/stories/{sarah}-learning-to-live-with-winter").get_data(as_text=True)
    assert (
        "<strong>Sarah:</strong> Limited cutaneous systemic sclerosis, Raynaud&#39;s phenomenon "
        "(United Kingdom)" in html
    )
    assert "Written by the patient" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">\w+ \d+, \d{4}</time>', html)
    assert '<ol class="timeline">' in html and "Six months on" in html
    assert '<section class="related"' in html and "Giulia:" in html  # shares a diagnosis
    assert 'href="/diagnoses/raynauds-phenomenon"' in html
    assert '<meta name="description" content="I have spent most of my adult life' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="http://localhost/stories/{sarah}-learning' in html

    elena = _id(app, "Mia madre e i guanti di lana")
    html = client.get(f"/stories/{elena}", follow_redirects=True).get_data(as_text=True)
    assert 'Written by a family member — <span lang="it">daughter of a patient</span>' in html

    giulia = _id(app, "I sassolini sotto la pelle")
    html = client.get(f"/stories/{giulia}", follow_redirects=True).get_data(as_text=True)
    assert re.search(r'aria-current="page" hreflang="it" lang="it">Italiano</a>', html)
    assert re.search(r'hreflang="en" lang="en">English</a>', html)
    assert html.count('<link rel="alternate" hreflang=') == 2


def test_update_urls_redirect_to_their_place_on_the_original(app, client, demo):
    update = _id(app, "(Update) Six months on, and a kinder winter")
    sarah = _id(app, "Learning to live with winter")
    response = client.get(f"/stories/{update}")
    assert response.status_code == 301
    expected = f"/stories/{sarah}-learning-to-live-with-winter#update-{update}"
    assert response.headers["Location"].endswith(expected)


def test_interface_language_by_switcher_then_accept_language(client, demo):
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Recent stories" in english
    assert 'href="/?lang=it" lang="it" hreflang="it">Italiano</a>' in english

    italian = client.get("/?lang=it")
    html = italian.get_data(as_text=True)
    assert '<html lang="it">' in html and "Storie recenti" in html
    assert "Set-Cookie" not in italian.headers  # remembered in links, not in a cookie
    # Every internal link keeps the choice, so the next page is Italian too.
    assert 'href="/stories/?lang=it"' in html and 'href="/diagnoses/?lang=it"' in html
    assert '<input type="hidden" name="lang" value="it">' in html  # the GET search form too

    spanish = client.get("/topics/", headers={"Accept-Language": "es-AR,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in spanish.get_data(as_text=True)
    assert "Accept-Language" in spanish.headers["Vary"]
    # An explicit choice wins over the browser's.
    chosen = client.get("/topics/?lang=en", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in chosen.get_data(as_text=True)
    # Unknown choices are ignored, never an error; so are parameters pages do not use.
    assert client.get("/?lang=xx").status_code == 200
    odd = client.get("/stories/?endpoint=x&_external=1&values=2&country=IT&lang=it")
    assert odd.status_code == 200
    assert 'href="/stories/?country=IT&amp;lang=es"' in odd.get_data(as_text=True)


def test_dates_numbers_and_taxonomy_names_follow_the_reader(app, client, demo):
    sarah = _id(app, "Learning to live with winter")
    html = client.get(f"/stories/{sarah}-learning-to-live-with-winter?lang=it").get_data(
        as_text=True
    )
    assert re.search(
        r"\d+ (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre"
        r"|ottobre|novembre|dicembre) \d{4}</time>",
        html,
    )
    assert "Scritta dal paziente" in html
    assert ">Fenomeno di Raynaud</a>" in html  # filed under: the reader's language
    assert "Sarah:</strong> Limited cutaneous" in html  # the byline: the story's language
    topics = client.get("/topics/?lang=es").get_data(as_text=True)
    assert "El camino hacia el diagnóstico" in topics and "3 historias" in topics


def test_public_pages_stay_cookie_free_and_cacheable(client, demo):
    for url in (
        "/",
        "/stories/?lang=it",
        "/diagnoses/",
        "/search?q=winter",
        "/sitemap.xml",
        "/feeds/stories.atom",
        "/robots.txt",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"].startswith("public"), url
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url


def _atom(client, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287: a feed has an id, a title, an updated time and a self link; so does each entry,
    # with an author (given per entry here) and an alternate link.
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.findtext(f"{ATOM}{name}")
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    for entry in feed.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published", "summary"):
            assert entry.findtext(f"{ATOM}{name}"), name
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link.get("href").startswith("http") and link.get("hreflang")
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", entry.findtext(f"{ATOM}updated")
        )
    return feed


def _entry_titles(feed: etree._Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_atom_feeds_for_all_stories_each_diagnosis_and_each_topic(client, demo):
    everything = _entry_titles(_atom(client, "/feeds/stories.atom"))
    assert "Mis codos, mis dedos y mi paciencia" in everything
    assert "(Update) Six months on, and a kinder winter" in everything
    assert "The little stones under my skin" in everything
    assert not any("A patch on my side" in t for t in everything)
    ssc = _entry_titles(_atom(client, "/feeds/diagnoses/systemic-sclerosis.atom"))
    assert "Diciotto mesi per dare un nome alle cose" in ssc  # a sub-diagnosis
    assert "Mis codos, mis dedos y mi paciencia" not in ssc
    assert _entry_titles(_atom(client, "/feeds/diagnoses/morphea.atom")) == []
    topic = _entry_titles(_atom(client, "/feeds/topics/calcinosis.atom"))
    assert sorted(topic)[:1] == ["I sassolini sotto la pelle"] and len(topic) == 3
    assert client.get("/feeds/topics/nope.atom").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in home and 'href="/feeds/stories.atom"' in home


def test_sitemap_lists_every_published_page_with_lastmod(app, client, demo):
    response = client.get("/sitemap.xml")
    assert response.headers["Content-Type"].startswith("application/xml")
    index = etree.fromstring(response.data)
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls = {}
    for sitemap in index.iter(f"{SITEMAP}sitemap"):
        part = client.get(urlsplit(sitemap.findtext(f"{SITEMAP}loc")).path)
        assert part.status_code == 200
        assert part.headers["Content-Type"].startswith("application/xml")
        root = etree.fromstring(part.data)
        urls.update({u.findtext(f"{SITEMAP}loc"): u for u in root.iter(f"{SITEMAP}url")})
    paths = {urlsplit(loc).path for loc in urls}
    with app.app_context():
        public = db.session.execute(
            sa.select(Story.id, Story.title).where(
                Story.status == StoryStatus.PUBLISHED, Story.update_of_id.is_(None)
            )
        ).all()
        hidden = db.session.scalars(
            sa.select(Story.id).where(Story.status != StoryStatus.PUBLISHED)
        ).all()
    for story_id, _title in public:
        assert any(p.startswith(f"/stories/{story_id}-") for p in paths)
    for story_id in hidden:
        assert not any(p.startswith(f"/stories/{story_id}-") for p in paths)
    for path in (
        "/",
        "/stories/",
        "/diagnoses/",
        "/topics/",
        "/diagnoses/morphea",
        "/topics/calcinosis",
        "/languages/es",
    ):
        assert path in paths, path
    giulia = next(u for loc, u in urls.items() if "i-sassolini" in loc)
    assert giulia.findtext(f"{SITEMAP}lastmod")
    alternates = giulia.findall("{http://www.w3.org/1999/xhtml}link")
    assert sorted(a.get("hreflang") for a in alternates) == ["en", "it"]
    # Every listed page answers 200 without a redirect.
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_to_the_sitemap_and_keeps_private_pages_out(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /my/" in text and "Disallow: /moderate/" in text


def test_stale_queries_are_refused_cleanly(client, demo):
    assert client.get("/search?q=" + "x" * 600).status_code == 400
    assert client.get("/search?q=winter&page=0").status_code == 400
    query = parse_qs(urlsplit("/stories/?after=abc").query)
    assert query == {"after": ["abc"]}
    assert client.get("/stories/?after=" + "0" * 40).status_code == 400
    assert client.get("/feeds/diagnoses/..%2Fetc.atom").status_code == 404


def test_listing_after_the_last_page_offers_a_way_back(app, client, demo):
    with app.app_context():
        oldest = db.session.scalar(
            sa.select(Story)
            .where(Story.status == StoryStatus.PUBLISHED)
            .order_by(Story.published_at)
            .limit(1)
        )
        from storyhub.services.catalog import Cursor

        cursor = Cursor(oldest.published_at - timedelta(days=1), 1).encode()
    html = client.get(f"/stories/?after={cursor}").get_data(as_text=True)
    assert "No published stories match." in html and "Back to the newest stories" in html
    assert 'name="robots" content="noindex, follow"' in html
