"""/my/: a submitter who lost the private link gets it again by e-mail (a real SMTP server),
and the page answers alike for every address."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import LinkRequest
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.mail import ask_again, message_body, send_mail

SUBMITTER = "rb.patient@example.net"


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)


def links_in(text: str) -> list[str]:
    return re.findall(r"/my/([A-Za-z0-9_-]{20,})", text)


def test_the_page_is_linked_from_every_footer_and_from_the_receipt(
    client, default_diagnosis, submit
):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/my/"' in home
    receipt = submit().get_data(as_text=True)
    assert receipt.count('href="/my/"') == 2  # the receipt's own sentence, and the footer
    page = client.get("/my/").get_data(as_text=True)
    assert "Get my private link again" in page
    assert "No e-mail address?" in page  # what to do without one


def test_the_stories_of_an_address_come_back_in_one_email_with_new_links(
    app,
    client,
    runner,
    demo,
    submit,
    smtp_server,
):
    first = manage_token(submit().get_data(as_text=True))
    second = manage_token(
        submit(title="Winter hands", email="RB.Patient@Example.net").get_data(as_text=True)
    )
    submit(title="Somebody else's story", email="other.person@example.net")
    smtp_server.sink.messages.clear()
    send_mail(app, runner, smtp_server)  # the receipts
    smtp_server.sink.messages.clear()

    page = ask_again(client, "  rb.PATIENT@example.net ")
    assert page.status_code == 200
    assert "an e-mail with their private links is on its way" in page.get_data(as_text=True)
    (mail,) = send_mail(app, runner, smtp_server)
    assert mail["To"] == SUBMITTER
    text = message_body(mail)
    assert "Learning to type again" in text and "Winter hands" in text
    assert "Somebody else" not in text
    new_first, new_second = links_in(text)
    assert {new_first, new_second}.isdisjoint({first, second})

    # The old link keeps working until the new one is opened; then only the new one works.
    assert client.get(f"/my/{first}").status_code == 200
    opened = client.get(f"/my/{new_first}")
    assert opened.status_code == 200 and "Learning to type again" in opened.get_data(as_text=True)
    assert client.get(f"/my/{first}").status_code == 404
    assert client.get(f"/my/{new_first}").status_code == 200
    assert client.get(f"/my/{second}").status_code == 200  # the other story: not opened yet


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    app,
    client,
    runner,
    default_diagnosis,
    submit,
    smtp_server,
):
    submit()
    send_mail(app, runner, smtp_server)
    smtp_server.sink.messages.clear()
    known = ask_again(client, SUBMITTER)
    unknown = ask_again(client, "nobody.here@example.net")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.get_data(as_text=True)) == without_csrf(
        unknown.get_data(as_text=True)
    )  # the CSRF token is signed with the time, so it may differ by a second
    with app.app_context():  # both requests did the same work: one row each
        assert db.session.scalar(sa.select(sa.func.count(LinkRequest.id))) == 2
    mails = send_mail(app, runner, smtp_server)
    assert [m["To"] for m in mails] == [SUBMITTER]
    with app.app_context():  # handled: the addresses are gone from the table
        assert db.session.scalars(sa.select(LinkRequest.email)).all() == [None, None]


def test_a_malformed_address_is_explained_next_to_the_field_and_kept(client):
    for typed, message in [
        ("not an address", "This does not look like an e-mail address."),
        ("", "Please write the e-mail address you gave with your story."),
    ]:
        token = csrf_token(client.get("/my/").get_data(as_text=True))
        response = client.post("/my/", data={"email": typed, "csrf_token": token})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in html
        if typed:
            assert f'value="{typed}"' in html


def test_an_expired_form_asks_again_and_keeps_the_address(client):
    response = client.post("/my/", data={"email": SUBMITTER})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your session had expired" in html and f'value="{SUBMITTER}"' in html


def test_one_address_gets_at_most_three_emails_a_day_whoever_asks(
    app,
    client,
    runner,
    default_diagnosis,
    submit,
    smtp_server,
):
    submit()
    send_mail(app, runner, smtp_server)
    smtp_server.sink.messages.clear()
    for _ in range(5):
        ask_again(client, SUBMITTER)
    assert len(send_mail(app, runner, smtp_server)) == 3


def test_the_email_is_in_the_language_of_the_page_that_asked(
    app,
    client,
    runner,
    default_diagnosis,
    submit,
    smtp_server,
):
    submit()
    send_mail(app, runner, smtp_server)
    smtp_server.sink.messages.clear()
    ask_again(client, SUBMITTER, lang="it")
    (mail,) = send_mail(app, runner, smtp_server)
    assert "Learning to type again" in message_body(mail)
    assert mail["Subject"] == "I tuoi link privati"


def test_addresses_never_reach_the_logs(
    app, client, runner, default_diagnosis, submit, smtp_server, caplog
):
    caplog.set_level(logging.DEBUG)
    submit()
    ask_again(client, SUBMITTER)
    ask_again(client, "nobody.here@example.net")
    send_mail(app, runner, smtp_server)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert not [line for line in ours if "example.net" in line]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, MY_LINKS_RATE_LIMIT="2 per minute")
def test_requests_are_rate_limited_per_client_and_the_address_stays_in_the_form(client):
    assert ask_again(client, SUBMITTER).status_code == 200
    assert ask_again(client, "second@example.net").status_code == 200
    token = csrf_token(client.get("/my/").get_data(as_text=True))
    response = client.post("/my/", data={"email": "third@example.net", "csrf_token": token})
    assert response.status_code == 429
    assert 'value="third@example.net"' in response.get_data(as_text=True)


def test_erasure_removes_the_links_email_and_any_waiting_request(
    app,
    client,
    runner,
    default_diagnosis,
    submit,
    smtp_server,
):
    token = manage_token(submit().get_data(as_text=True))
    send_mail(app, runner, smtp_server)
    smtp_server.sink.messages.clear()
    ask_again(client, SUBMITTER)
    with app.app_context():  # handled, its e-mail queued but not sent yet
        from storyhub.services import my_links

        my_links.handle_requests()
    ask_again(client, SUBMITTER)  # and one more, not handled yet
    page = client.get(f"/my/{token}/erase").get_data(as_text=True)
    erased = client.post(
        f"/my/{token}/erase", data={"csrf_token": csrf_token(page), "confirm": "y"}
    )
    assert erased.status_code in (200, 302)
    assert send_mail(app, runner, smtp_server) == []
    with app.app_context():
        assert db.session.scalars(sa.select(LinkRequest.email)).all() == [None]


# SERVER_NAME makes the test client ask for the only host the app then answers.
@pytest.mark.app_config(
    PUBLIC_URL="https://stories.example.org/hub", SERVER_NAME="stories.example.org"
)
def test_links_composed_by_the_sender_are_absolute_from_public_url(
    app,
    client,
    runner,
    default_diagnosis,
    submit,
    smtp_server,
):
    submit()
    send_mail(app, runner, smtp_server)
    smtp_server.sink.messages.clear()
    ask_again(client, SUBMITTER)
    (mail,) = send_mail(app, runner, smtp_server)
    (token,) = links_in(message_body(mail))
    assert f"https://stories.example.org/hub/my/{token}" in message_body(mail)
