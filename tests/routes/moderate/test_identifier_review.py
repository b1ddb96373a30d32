"""Issue 17.4: identifying details are a flag with counts per kind in the queue; the review page
highlights each, with a one-click redaction to a neutral phrase the moderator can edit. A
redaction is a moderator edit: the author approves it before it is published."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.sanitize import html_to_text
from tests.plugins.forms import manage_token
from tests.plugins.workbench import post_review, story_id_by_title

TITLE = "Learning to type again"
BODY = (
    "My husband John drove me to St Mary's Hospital in Leeds on 3 March 2021.\n\n"
    "Now I use dictation and warm gloves."
)


@pytest.fixture
def story_id(app, default_diagnosis, submit, auth, moderator) -> int:
    app.config["IDENTIFIER_CHECK"] = True
    manage_token(submit(body=BODY, country="GB", confirm_identifiable="y").get_data(as_text=True))
    auth.login()
    return story_id_by_title(app, TITLE)


def redact_forms(html: str) -> list[dict[str, str]]:
    forms = re.findall(
        r'<form method="post" action="[^"]*/redact" class="redact-form">(.*?)</form>', html, re.S
    )
    return [
        {
            name: unescape(value)
            for name, value in re.findall(r'name="(\w+)"[^>]*?value="([^"]*)"', f)
        }
        | {
            name: unescape(value)
            for value, name in re.findall(r'value="([^"]*)"[^>]*?name="(\w+)"', f)
        }
        for f in forms
    ]


def body_text(app, story_id: int) -> str:
    with app.app_context():
        return html_to_text(db.session.get(Story, story_id).body_html)


def test_queue_flag_counts_each_kind(client, story_id):
    queue = unescape(client.get("/moderate/").get_data(as_text=True))
    assert "Identifying details: 1 date, 1 place, 1 name, 1 organisation" in queue


def test_review_page_highlights_each_passage_with_a_redact_form(client, story_id):
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    section = html[html.index('id="identifiers"') :]
    marks = re.findall(
        r'<mark id="(idf-\d+)"[^>]*><span class="visually-hidden">([^<]+)</span>([^<]+)</mark>',
        section,
    )
    assert [unescape(passage) for _id, _label, passage in marks] == [
        "John",
        "St Mary's Hospital",
        "Leeds",
        "3 March 2021",
    ]
    for anchor, _label, _passage in marks:
        assert f'href="#{anchor}"' in section
    forms = redact_forms(html)
    assert [f["passage"] for f in forms] == ["John", "St Mary's Hospital", "Leeds", "3 March 2021"]
    assert [f["replacement"] for f in forms] == ["[name]", "[a hospital]", "[a town]", "that day"]


def test_one_click_redaction_with_an_edited_phrase(app, client, story_id):
    forms = redact_forms(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    response = client.post(
        f"/moderate/stories/{story_id}/redact",
        data=forms[2] | {"replacement": "a city in the north"},
    )
    assert response.status_code == 302 and response.location.endswith("#identifiers")
    assert "in a city in the north on 3 March 2021" in body_text(app, story_id)
    # The next redaction works on the new text (the page shows the new version and offsets).
    forms = redact_forms(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    client.post(f"/moderate/stories/{story_id}/redact", data=forms[0])
    text = body_text(app, story_id)
    assert text.startswith("My husband [name] drove me to St Mary's Hospital in a city")
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert story.body_text == BODY  # the author's own words are kept apart
        assert story.status is StoryStatus.PENDING


def test_redaction_is_an_edit_the_author_approves(app, client, story_id):
    forms = redact_forms(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    client.post(f"/moderate/stories/{story_id}/redact", data=forms[0])
    post_review(client, story_id, "approve")
    with app.app_context():
        assert db.session.get(Story, story_id).status is StoryStatus.AWAITING_AUTHOR


def test_a_stale_form_changes_nothing(app, client, story_id):
    forms = redact_forms(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))
    client.post(f"/moderate/stories/{story_id}/redact", data=forms[0])
    again = client.post(f"/moderate/stories/{story_id}/redact", data=forms[1])
    assert again.status_code == 409
    assert "St Mary's Hospital" in body_text(app, story_id)


def test_a_passage_that_moved_is_refused_kindly(app, client, story_id):
    form = redact_forms(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))[0]
    response = client.post(f"/moderate/stories/{story_id}/redact", data=form | {"start": "3"})
    assert response.status_code == 400
    assert "no longer where it was" in unescape(response.get_data(as_text=True))
    bad = client.post(f"/moderate/stories/{story_id}/redact", data=form | {"field": "email"})
    assert bad.status_code == 400
    assert body_text(app, story_id).startswith("My husband John")


def test_redaction_needs_a_moderator(app, client, story_id):
    form = redact_forms(client.get(f"/moderate/stories/{story_id}").get_data(as_text=True))[0]
    client.post("/logout", data={"csrf_token": form["csrf_token"]})
    response = client.post(f"/moderate/stories/{story_id}/redact", data=form)
    assert response.status_code in (302, 401, 403)
    assert body_text(app, story_id).startswith("My husband John")


def test_no_section_when_nothing_is_found(app, default_diagnosis, submit, auth, moderator, client):
    app.config["IDENTIFIER_CHECK"] = True
    manage_token(submit(body="Typing became slow.\n\nNow I use dictation.").get_data(as_text=True))
    auth.login()
    story_id = story_id_by_title(app, TITLE)
    html = client.get(f"/moderate/stories/{story_id}").get_data(as_text=True)
    assert 'id="identifiers"' not in html
    with app.app_context():
        assert db.session.scalar(sa.select(Story.id).filter_by(id=story_id)) == story_id
