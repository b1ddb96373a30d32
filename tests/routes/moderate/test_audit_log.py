"""Workbench 6: the audit log — every decision with actor, time, from → to and reason;
filterable; viewing writes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.plugins.forms import MODERATOR_EMAIL
from tests.plugins.workbench import (
    SECOND_EMAIL,
    event_count,
    login_as,
    make_user,
    post_review,
    story_id_by_title,
)

BODY = "My fingers went white at the bus stop every winter morning, then blue, then red."


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]
    ]


def _decided(app, client, moderator, auth, submit) -> tuple[int, int]:
    submit(title="First", body=BODY)
    submit(title="Second", body=BODY)
    first, second = story_id_by_title(app, "First"), story_id_by_title(app, "Second")
    auth.login()
    post_review(client, first, "approve")
    post_review(client, second, "reject", reason="Reads as an advert.")
    return first, second


def test_log_lists_decisions_with_actor_states_and_reason(
    app, client, default_diagnosis, moderator, auth, submit
):
    first, second = _decided(app, client, moderator, auth, submit)
    html = client.get("/moderate/log").get_data(as_text=True)
    rows = _rows(html)
    assert re.match(
        rf"\d{{4}}-\d\d-\d\d \d\d:\d\d #{second} Second reject pending → rejected "
        rf"{MODERATOR_EMAIL} Reads as an advert\.$",
        rows[0],
    )
    assert re.match(rf".*#{first} First approve pending → published {MODERATOR_EMAIL}$", rows[1])
    assert any(f"#{first} First submit new → pending submitter / system" in r for r in rows)


def test_viewing_writes_nothing_to_the_log(app, client, default_diagnosis, moderator, auth, submit):
    first, _ = _decided(app, client, moderator, auth, submit)
    before = event_count(app)
    client.get("/moderate/")
    client.get(f"/moderate/stories/{first}")
    client.get("/moderate/log")
    client.get(f"/moderate/log?story={first}")
    assert event_count(app) == before


def test_log_filters(app, client, default_diagnosis, moderator, auth, submit):
    first, second = _decided(app, client, moderator, auth, submit)
    second_mod = make_user(app, SECOND_EMAIL)
    other = app.test_client()
    login_as(other, SECOND_EMAIL)
    post_review(other, first, "unpublish", reason="Checking consent.")

    by_action = _rows(client.get("/moderate/log?action=reject").get_data(as_text=True))
    assert len(by_action) == 1 and "Reads as an advert." in by_action[0]

    by_actor = _rows(client.get(f"/moderate/log?actor={second_mod}").get_data(as_text=True))
    assert len(by_actor) == 1 and "unpublish" in by_actor[0] and SECOND_EMAIL in by_actor[0]

    by_story = _rows(client.get(f"/moderate/log?story={first}").get_data(as_text=True))
    assert [r.split(f"#{first} First ")[1].split(" ")[0] for r in by_story] == [
        "unpublish",
        "approve",
        "submit",
    ]

    no_actor = _rows(client.get(f"/moderate/log?actor=none&story={second}").get_data(as_text=True))
    assert len(no_actor) == 1 and "submit" in no_actor[0]

    today = date.today()
    tomorrow = (today + timedelta(days=2)).isoformat()
    assert _rows(client.get(f"/moderate/log?since={tomorrow}").get_data(as_text=True)) == []
    assert (
        len(
            _rows(
                client.get(f"/moderate/log?until={today.isoformat()}&action=reject").get_data(
                    as_text=True
                )
            )
        )
        == 1
    )


def test_log_pages_newest_first(app, client, default_diagnosis, moderator, auth, submit):
    _decided(app, client, moderator, auth, submit)
    app.config["LOG_PAGE_SIZE"] = 3
    seen: list[str] = []
    url = "/moderate/log"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += _rows(html)
        link = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = link.group(1).replace("&amp;", "&") if link else ""
    assert len(seen) == event_count(app) == len(set(seen))
    assert "reject" in seen[0]


def test_bad_log_filters_are_400(client, moderator, auth):
    auth.login()
    for query in ("story=abc", "since=yesterday", "actor=999", "action=%3Cb%3E", "before=-1"):
        response = client.get(f"/moderate/log?{query}")
        assert response.status_code == 400, query
        assert "<b>" not in response.get_data(as_text=True)


def test_log_needs_login(client):
    assert client.get("/moderate/log").status_code == 302
