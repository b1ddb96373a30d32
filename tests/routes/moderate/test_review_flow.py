"""Throughput on the review page: "& next" lands on the next story of the same filtered tab,
Skip releases the claim, the shortcuts are listed on the page, and the queue's light poll
says who else has a story open and which were decided meanwhile."""

from __future__ import annotations

from storyhub.extensions import db
from storyhub.models import ReviewMarker
from tests.plugins.forms import MODERATOR_EMAIL
from tests.plugins.workbench import (
    SECOND_EMAIL,
    login_as,
    make_user,
    post_review,
    story_id_by_title,
)

BODY = (
    "My fingers stiffened first in winter. Typing became slow and painful, and I started to "
    "dictate my messages instead. Now I use warm gloves and take breaks every hour, and the "
    "nurse at the clinic showed me exercises that keep my hands moving in the morning."
)


def _three(submit, **overrides) -> None:
    for number in range(3):
        submit(title=f"Queue story {number}", body=BODY, **overrides)


def test_approve_and_next_stays_in_the_filtered_tab(
    app, client, default_diagnosis, moderator, auth, submit
):
    _three(submit, language="en")
    submit(title="An Italian one", language="it", body=BODY, confirm_language="y")
    first, second = (story_id_by_title(app, f"Queue story {n}") for n in (0, 1))
    auth.login()
    page = client.get(f"/moderate/stories/{first}?language=en").get_data(as_text=True)
    assert f'action="/moderate/stories/{first}?language=en"' in page
    assert "Approve &amp; next" in page and "Reject &amp; next" in page and "Skip" in page
    for key in ("j", "k", "a", "r", "x", "?"):
        assert f"<kbd>{key}</kbd>" in page  # listed on the page, not only in a script
    assert 'aria-keyshortcuts="a"' in page
    assert "<script>" not in page  # the CSP forbids inline script: it is a static file
    assert "/static/js/workbench.js" in page

    fields = {"language": "en"}
    response = client.post(
        f"/moderate/stories/{first}?language=en",
        data={**_form(client, first, "?language=en"), "action": "approve"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/moderate/stories/{second}?language=en"
    landed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Story {first} is now published." in landed
    assert fields  # the filter travelled with the decision


def _form(client, story_id, query=""):
    from tests.plugins.workbench import form_fields

    html = client.get(f"/moderate/stories/{story_id}{query}").get_data(as_text=True)
    return form_fields(html, f"/moderate/stories/{story_id}{query}")


def test_after_the_last_story_the_tab_says_so(
    app, client, default_diagnosis, moderator, auth, submit
):
    submit(title="Only story", body=BODY, language="es", confirm_language="y")
    only = story_id_by_title(app, "Only story")
    auth.login()
    response = client.post(
        f"/moderate/stories/{only}?language=es",
        data={**_form(client, only, "?language=es"), "action": "approve"},
    )
    assert response.headers["Location"] == "/moderate/?state=pending&language=es"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing else is waiting in this tab." in page


def test_skip_releases_the_claim_and_opens_the_next(app, client, demo, moderator, auth, submit):
    _three(submit)
    first, second = (story_id_by_title(app, f"Queue story {n}") for n in (0, 1))
    make_user(app, SECOND_EMAIL)
    auth.login()
    review = client.get(f"/moderate/stories/{first}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ReviewMarker, (first, 2)) is not None  # the claim
    from tests.plugins.workbench import form_fields

    skip = form_fields(review, f"/moderate/stories/{first}/skip")
    response = client.post(f"/moderate/stories/{first}/skip", data=skip)
    assert response.status_code == 302
    assert f"/moderate/stories/{first}" not in response.headers["Location"]
    with app.app_context():
        assert db.session.query(ReviewMarker).filter_by(story_id=first).count() == 0
    other = app.test_client()
    login_as(other, SECOND_EMAIL)
    assert "Another moderator has this open" not in other.get(
        f"/moderate/stories/{first}"
    ).get_data(as_text=True)
    assert second


def test_the_queue_poll_reports_presence_and_decisions(
    app, client, default_diagnosis, moderator, auth, submit
):
    _three(submit)
    first, second = (story_id_by_title(app, f"Queue story {n}") for n in (0, 1))
    make_user(app, SECOND_EMAIL)
    auth.login()
    client.get(f"/moderate/stories/{first}")  # the first moderator opens it
    queue = client.get("/moderate/").get_data(as_text=True)
    assert "data-poll=" in queue
    other = app.test_client()
    login_as(other, SECOND_EMAIL)
    answer = other.get(f"/moderate/presence.json?state=pending&ids={first},{second},x")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    data = answer.get_json()
    by_id = {row["id"]: row for row in data["stories"]}
    assert by_id[first]["open_by"] == [MODERATOR_EMAIL] and not by_id[first]["decided"]
    post_review(client, first, "approve")
    data = other.get(f"/moderate/presence.json?state=pending&ids={first}").get_json()
    assert data["stories"][0]["decided"] and data["stories"][0]["status"] == "published"
    assert other.get("/moderate/presence.json?state=nonsense&ids=1").status_code == 400
    anonymous = app.test_client()
    assert anonymous.get("/moderate/presence.json?ids=1").status_code == 302  # login first


def test_queue_rows_read_at_a_glance(app, client, demo, moderator, auth, submit):
    long_body = BODY + " " + BODY
    submit(title="Long one", body=long_body)
    auth.login()
    html = client.get("/moderate/").get_data(as_text=True)
    row = html.split(">Long one</a>")[1].split("</tr>")[0]
    excerpt = row.split('class="excerpt"')[1].split("</span>")[0]
    assert "My fingers stiffened first in winter." in excerpt
    assert "…" in excerpt and len(excerpt) < 260
    assert "waiting" not in row or "<time" in row
    assert "<time datetime=" in row
    assert "resubmitted" not in row
