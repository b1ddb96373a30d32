"""Workbench 1: the queue — tabs with counts, filters, oldest first with age, flags, keyset
pages, and bad query strings answered with 400."""

from __future__ import annotations

import re

from storyhub.models import Story
from storyhub.services.workbench.flags import story_flags
from tests.plugins.workbench import post_review, story_id_by_title

LONG_ENOUGH = (
    "My hands went white every winter morning at the tram stop and nobody around me noticed. "
    "It took years, three doctors and one patient nurse before anybody gave it a name. "
    "Now I keep hand warmers in every coat pocket and I plan my days around the weather. "
    "The hardest part was explaining to colleagues why I wore gloves in the office in May."
)


def _count(html: str, label: str) -> int:
    match = re.search(rf">{label} <span class=\"count\">(\d+)</span>", html)
    assert match, f"no tab {label}"
    return int(match.group(1))


def test_tabs_show_counts_per_state(app, client, make_story, moderator, auth, submit):
    make_story(title="A patch on my side", status="pending")
    for number in range(2):
        make_story(title=f"Published {number}")
    submit(title="To be rejected", body=LONG_ENOUGH)
    submit(title="To ask changes", body=LONG_ENOUGH)
    auth.login()
    post_review(client, story_id_by_title(app, "To be rejected"), "reject", reason="Off topic.")
    post_review(
        client, story_id_by_title(app, "To ask changes"), "request_changes", reason="Shorter?"
    )
    html = client.get("/moderate/").get_data(as_text=True)
    assert _count(html, "Pending") == 1  # the one made pending
    assert _count(html, "Changes requested") == 1
    assert _count(html, "Rejected") == 1
    assert _count(html, "Published") == 2
    assert _count(html, "Withdrawn") == 0
    rejected = client.get("/moderate/?state=rejected").get_data(as_text=True)
    assert "To be rejected" in rejected and "A patch on my side" not in rejected


def test_filters_by_language_diagnosis_country_and_kind(app, client, demo, moderator, auth):
    auth.login()
    italian = client.get("/moderate/?state=published&language=it").get_data(as_text=True)
    assert "I sassolini sotto la pelle" in italian
    assert "Learning to live with winter" not in italian
    assert _count(italian, "Published") == 3

    swiss = client.get("/moderate/?state=published&country=CH").get_data(as_text=True)
    assert "Diciotto mesi" in swiss and "I sassolini" not in swiss

    # A parent diagnosis finds its sub-types too.
    ssc = client.get("/moderate/?state=published&diagnosis=systemic-sclerosis").get_data(
        as_text=True
    )
    assert "Mia madre e i guanti di lana" in ssc  # systemic sclerosis itself
    assert "Diciotto mesi" in ssc  # diffuse cutaneous, a sub-type
    assert "Mis codos" not in ssc  # overlap syndrome

    translations = client.get("/moderate/?state=published&kind=translation").get_data(as_text=True)
    assert "The little stones under my skin" in translations
    assert "I sassolini sotto la pelle" not in translations
    assert _count(translations, "Published") == 1
    updates = client.get("/moderate/?state=published&kind=update").get_data(as_text=True)
    assert "Six months on" in updates and "Learning to live with winter" not in updates
    stories = client.get("/moderate/?state=published&kind=story").get_data(as_text=True)
    assert _count(stories, "Published") == 6


def test_oldest_first_with_age(app, client, make_story, moderator, auth, submit):
    make_story(title="A patch on my side", status="pending", days_ago=3)
    make_story(title="I sassolini sotto la pelle", days_ago=100)
    make_story(title="Mis codos, mis dedos y mi paciencia", days_ago=5)
    submit(title="Newest pending story", body=LONG_ENOUGH)
    auth.login()
    html = client.get("/moderate/").get_data(as_text=True)
    assert html.index("A patch on my side") < html.index("Newest pending story")
    assert re.search(r"<time datetime=\"[^\"]+\">\d+ days</time>", html)  # the older one's age
    archive = client.get("/moderate/?state=published").get_data(as_text=True)
    assert archive.index("Mis codos") < archive.index("I sassolini")  # archive: newest first


def test_flags_for_links_contact_details_and_length(app, client, demo, moderator, auth, submit):
    submit(
        title="Call me",
        body=LONG_ENOUGH + "\n\nWrite to anna.rossi@example.com or call +39 333 123 4567.",
    )
    submit(title="See my blog", body=LONG_ENOUGH + " More at https://blog.example.net/raynaud")
    submit(title="Very short one", body="My fingers hurt in the cold. That is all.")
    submit(title="Very long one", body=(LONG_ENOUGH + "\n\n") * 45)
    auth.login()
    html = client.get("/moderate/").get_data(as_text=True)
    rows = {title: row for row in html.split("<tr>") for title in re.findall(r">([^<]+)</a>", row)}
    assert "possible contact details" in rows["Call me"]
    assert "contains links" in rows["See my blog"]
    assert "possible contact details" not in rows["See my blog"]
    assert "very short" in rows["Very short one"]
    assert "very long" in rows["Very long one"]
    assert "flag" not in rows["A patch on my side that turned out to have a name"]


def test_contact_flag_ignores_years_and_dates():
    story = Story(title="t", body_html="<p>From 1998-2005, then on 12.03.2021 at 10:30.</p>")
    assert "contact" not in [f.code for f in story_flags(story)]
    story.body_html = "<p>Ring 0044 20 7946 0958 any evening.</p>"
    assert "contact" in [f.code for f in story_flags(story)]


def test_keyset_pages_cover_every_story_once(app, client, make_story, moderator, auth, submit):
    make_story(
        title="A patch on my side that turned out to have a name", status="pending", days_ago=30
    )
    for number in range(5):
        submit(title=f"Paged story {number}", body=LONG_ENOUGH)
    app.config["QUEUE_PAGE_SIZE"] = 2
    auth.login()
    seen: list[str] = []
    url = "/moderate/"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'<a href="/moderate/stories/\d+">([^<]+)</a>', html)
        link = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = link.group(1).replace("&amp;", "&") if link else ""
    assert seen == [
        "A patch on my side that turned out to have a name",
        *(f"Paged story {n}" for n in range(5)),
    ]


def test_bad_filters_answer_400_not_500(client, moderator, auth):
    auth.login()
    for query in (
        "state=bogus",
        "after=abc",
        "after=99999999999999",
        "language=%3Cscript%3E",
        "country=ZZZ",
        "diagnosis=no-such-thing",
        "kind=poem",
    ):
        response = client.get(f"/moderate/?{query}")
        assert response.status_code == 400, query
        assert "<script>" not in response.get_data(as_text=True)


def test_unknown_cursor_and_empty_tab(client, moderator, auth):
    auth.login()
    html = client.get("/moderate/?state=withdrawn&after=424242").get_data(as_text=True)
    assert "Nothing here." in html
