"""Every decision e-mail carries what it refers to: the private link (which opens the page), the
moderator's words and what to do next, in the story's language; the receipt offers the link in
a field to copy. Delivered to a real SMTP server."""

from __future__ import annotations

import re

from tests.plugins.forms import manage_token
from tests.plugins.mail import ask_again, delivered, message_body, private_link, send_mail
from tests.plugins.submission import decide, story_id

TITLE = "Learning to type again"


def test_changes_requested_mail_says_what_to_do_and_its_link_opens_the_page(
    app,
    client,
    default_diagnosis,
    moderator,
    submit,
    smtp_server,
):
    submit()
    decide(app, story_id(app, TITLE), "request_changes", reason="Which gloves help most?")
    _receipt, mail = delivered(app, smtp_server)
    text = message_body(mail)
    assert "Which gloves help most?" in text
    assert "press “Change the text”" in text and "press “Save changes”" in text
    page = client.get(private_link(text))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert TITLE in html and "Which gloves help most?" in html
    # The signed link works for the forms behind it too (here: the edit page).
    assert client.get(private_link(text) + "/edit").status_code == 200


def test_each_decision_mail_has_a_private_link_and_a_next_step(
    app,
    client,
    default_diagnosis,
    moderator,
    submit,
    smtp_server,
):
    for title, action, reason in [
        ("One approved", "approve", ""),
        ("One rejected", "reject", "It repeats a story word for word."),
    ]:
        submit(title=title, email=f"{action}@example.net")
        decide(app, story_id(app, title), action, reason=reason)
    mails = [m for m in delivered(app, smtp_server) if "arrived" not in m["Subject"]]
    approved, rejected = mails
    for mail in mails:
        text = message_body(mail)
        assert "What to do next:" in text
        assert client.get(private_link(text)).status_code == 200
    assert "add an update later" in message_body(approved)
    assert "word for word" in message_body(rejected) and "send a new story" in message_body(
        rejected
    )


def test_mail_is_in_the_storys_language(app, default_diagnosis, moderator, submit, smtp_server):
    submit(
        language="it",
        title="Le mie mani in inverno",
        body="Le dita si sono irrigidite prima in inverno. Scrivere è diventato lento.\n\n"
        "Ora uso la dettatura e guanti caldi.",
        confirm_language="y",
    )
    decide(app, story_id(app, "Le mie mani in inverno"), "request_changes", reason="Quali guanti?")
    _receipt, mail = delivered(app, smtp_server)
    text = message_body(mail)
    assert "Quali guanti?" in text
    assert "Cosa fare adesso:" in text
    assert "Il tuo link privato:" in text


def test_a_mailed_link_ends_when_the_author_opens_a_link_sent_again(
    app,
    client,
    runner,
    default_diagnosis,
    moderator,
    submit,
    smtp_server,
):
    submit()
    decide(app, story_id(app, TITLE), "request_changes", reason="Which gloves?")
    mailed = private_link(message_body(delivered(app, smtp_server)[-1]))
    assert client.get(mailed).status_code == 200
    ask_again(client, "rb.patient@example.net")
    new_link = private_link(message_body(send_mail(app, runner, smtp_server)[-1]))
    assert client.get(new_link).status_code == 200
    assert client.get(mailed).status_code == 404


def test_a_tampered_mailed_link_is_not_found(
    app, client, default_diagnosis, moderator, submit, smtp_server
):
    submit()
    decide(app, story_id(app, TITLE), "approve")
    mailed = private_link(message_body(delivered(app, smtp_server)[-1]))
    payload, _, signature = mailed.rpartition(".")
    assert client.get(f"{payload}.{signature[::-1]}").status_code == 404
    assert client.get("/my/abc.def").status_code == 404
    assert client.get("/my/" + "x." * 60).status_code == 404


def test_the_receipt_offers_the_link_in_a_field_to_copy(client, default_diagnosis, submit):
    html = submit().get_data(as_text=True)
    token = manage_token(html)
    field = re.search(r'<input id="manage-link-field"[^>]*>', html)
    assert field and "readonly" in field.group(0) and f"/my/{token}" in field.group(0)
    # The button appears only with JavaScript (forms.js unhides it).
    assert re.search(r"<button[^>]*data-copy-from=\"manage-link-field\"[^>]*hidden>", html)
