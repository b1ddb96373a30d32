"""Issue G.4: words of distress or self-harm (a curated list in English, Italian and Spanish)
put a submission first in the queue and show the submitter, at once, a kind message with
where to find help (helplines per country, kept by admins). Nothing is ever refused."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Helpline, Story, UserRole
from storyhub.services import helplines
from storyhub.text import distress
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.workbench import (
    ADMIN_EMAIL,
    form_fields,
    login_as,
    make_user,
    story_id_by_title,
)

DISTRESSED = (
    "Some nights I think everyone would be better off without me. My fingers hurt, typing is "
    "slow and I do not see the point any more."
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Last winter I wanted to end my life.", True),
        ("Non ce la faccio più, davvero.", True),  # accents folded
        ("NON CE LA FACCIO PIU", True),
        ("Quiero   morir a veces.", True),  # spaces
        ("I had suicidal thoughts in hospital.", True),  # suicid* matches its endings
        ("Pensé en el suicidio.", True),
        ("I can’t go on like this.", True),  # a typographic apostrophe
        ("Ho pensato di farla finita.", True),
        ("A friend mentioned my lifeline.", False),  # whole words only
        ("An overdose of methotrexate put me in hospital.", False),  # left out on purpose
        ("I cut my hair short so it is easier.", False),
        ("My mother died when I was ten, and I miss her.", False),
    ],
)
def test_the_phrase_list_matches_with_normalisation(text, found):
    assert distress.suggests_distress(text) is found


def test_the_phrase_list_is_a_reviewable_data_file():
    data = json.loads(distress.PHRASES_FILE.read_text(encoding="utf-8"))
    assert set(data["phrases"]) == {"en", "it", "es"}
    assert all(len(phrases) >= 15 for phrases in data["phrases"].values())
    assert data["_about"] and data["version"]
    shipped = json.loads(helplines.SHIPPED_FILE.read_text(encoding="utf-8"))
    for entry in shipped["helplines"]:
        assert entry["country"].isupper() and len(entry["country"]) == 2
        assert entry["phone"] or entry["url"]
        assert not entry["url"] or entry["url"].startswith("https://")


def test_distress_shows_help_at_once_and_reads_first(
    app, client, default_diagnosis, submit, moderator, auth
):
    calm = submit(title="An ordinary story")
    assert "You are not alone" not in calm.get_data(as_text=True)
    response = submit(title="Heavy nights", body=DISTRESSED, country="IT")
    html = unescape(response.get_data(as_text=True))
    # Never refused: it arrived, and the page says where to find help.
    token = manage_token(html)
    assert "You are not alone" in html
    assert "Telefono Amico Italia" in html and 'href="tel:0223272327"' in html
    assert "local emergency number" in html and "your doctor" in html
    # The manage page says it again.
    manage = unescape(client.get(f"/my/{token}").get_data(as_text=True))
    assert "You are not alone" in manage and "Telefono Amico Italia" in manage
    # The story is marked, and read first although it came later.
    heavy = story_id_by_title(app, "Heavy nights")
    with app.app_context():
        assert db.session.get(Story, heavy).priority is True
    auth.login()
    queue = client.get("/moderate/").get_data(as_text=True)
    assert queue.index("Heavy nights") < queue.index("An ordinary story")
    assert "Read first: words of distress" in queue


def test_a_country_without_helplines_gets_general_advice(app, default_diagnosis, submit):
    html = unescape(
        submit(title="Heavy nights", body=DISTRESSED, country="MT").get_data(as_text=True)
    )
    assert "You are not alone" in html and "local emergency number" in html
    assert "you can reach" not in html


def test_updates_and_edits_are_checked_too(app, client, default_diagnosis, submit, moderator):
    token = manage_token(submit().get_data(as_text=True))
    story_id = story_id_by_title(app, "Learning to type again")
    page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    fields = form_fields(page, f"/my/{token}/edit")
    fields["body"] = "Quiero morir algunos días, pero escribir me ayuda un poco."
    fields["confirm_language"] = "y"
    assert client.post(f"/my/{token}/edit", data=fields).status_code == 302
    with app.app_context():
        assert db.session.get(Story, story_id).priority is True
    assert "You are not alone" in client.get(f"/my/{token}").get_data(as_text=True)


def test_queue_pages_walk_priority_stories_first_then_the_others(
    app, client, default_diagnosis, submit, moderator, auth
):
    app.config["QUEUE_PAGE_SIZE"] = 2
    titles = [f"Story number {n}" for n in range(5)]
    for number, title in enumerate(titles):
        submit(title=title, body=DISTRESSED if number in (1, 3) else "A calm story " * 5)
    auth.login()
    seen, url = [], "/moderate/"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [t for t in titles if f">{t}</a>" in html]
        following = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = unescape(following.group(1)) if following else ""
    assert seen[:2] == ["Story number 1", "Story number 3"]
    assert sorted(seen) == sorted(titles) and len(seen) == len(set(seen))


def test_admins_keep_the_helplines(app, client, default_diagnosis, submit, moderator, auth):
    auth.login()
    assert client.get("/admin/helplines").status_code == 403  # moderators cannot
    admin = app.test_client()
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    login_as(admin, ADMIN_EMAIL)
    page = admin.get("/admin/helplines").get_data(as_text=True)
    assert "The shipped list is in use" in page and "Samaritans" in page

    # Adding one starts from the shipped list, so nothing people saw disappears.
    fields = form_fields(page, "/admin/helplines")
    bad = {**fields, "new-country": "MT", "new-name": "Richmond", "new-url": "javascript:x"}
    response = admin.post("/admin/helplines", data=bad)
    assert response.status_code == 400 and "https://" in response.get_data(as_text=True)
    none = {**fields, "new-country": "MT", "new-name": "Richmond"}
    assert admin.post("/admin/helplines", data=none).status_code == 400  # no phone, no web
    good = {**fields, "new-country": "MT", "new-name": "Richmond Foundation", "new-phone": "1770"}
    assert admin.post("/admin/helplines", data=good).status_code == 302
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Helpline.id)))
        assert count == len(helplines.shipped()) + 1
    html = unescape(
        submit(title="Heavy nights", body=DISTRESSED, country="MT").get_data(as_text=True)
    )
    assert "Richmond Foundation" in html and 'href="tel:1770"' in html

    # Edit and remove.
    with app.app_context():
        row_id = db.session.scalar(sa.select(Helpline.id).filter_by(name="Richmond Foundation"))
    page = admin.get("/admin/helplines").get_data(as_text=True)
    fields = form_fields(page, f"/admin/helplines/{row_id}")
    fields[f"h{row_id}-notes"] = "Free, any time."
    assert admin.post(f"/admin/helplines/{row_id}", data=fields).status_code == 302
    with app.app_context():
        assert db.session.get(Helpline, row_id).notes == "Free, any time."
    token = csrf_token(admin.get("/admin/helplines").get_data(as_text=True))
    assert (
        admin.post(f"/admin/helplines/{row_id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Helpline, row_id) is None
        assert helplines.helplines_for("MT") == []
