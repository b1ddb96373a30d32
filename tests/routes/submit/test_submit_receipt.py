"""The thank-you page after POST /submit is made once per variant and reused with each
private link in place: every submitter still sees their own link, and the page is the one the
template makes for them."""

from __future__ import annotations

from flask import Flask, render_template
from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services.submissions import SubmissionReceipt
from tests.plugins.forms import csrf_token, hidden_value, manage_token, story_form_data


def test_each_receipt_carries_its_own_link_and_equals_the_template(
    app: Flask, client: FlaskClient, demo: None, submit
) -> None:
    first = submit(title="First of two").get_data(as_text=True)
    second = submit(title="Second of two").get_data(as_text=True)
    third = submit(title="Third, no e-mail", email="").get_data(as_text=True)
    tokens = [manage_token(page) for page in (first, second, third)]
    assert len(set(tokens)) == 3
    for page, token in zip((first, second, third), tokens, strict=True):
        assert page.count(f"/my/{token}") == 2  # the field and the link
        assert "RECEIPTxLINKxSTANDxIN" not in page
        opened = client.get(f"/my/{token}")
        assert opened.status_code == 200
    assert "We are also sending it to your e-mail address." in second
    assert "We are also sending it to your e-mail address." not in third
    # The same page the template makes for this submission, made afresh.
    with app.test_request_context("/submit", method="POST"):
        story = db.session.query(Story).filter_by(title="Second of two").one()
        fresh = render_template(
            "submit/received.html",
            receipt=SubmissionReceipt(story, tokens[1]),
            draft_key="submit",
            helplines=None,
        )
    assert fresh == second


def test_receipts_follow_the_interface_language(client: FlaskClient, demo: None) -> None:
    def post(language: str, title: str) -> str:
        headers = {"Accept-Language": language}
        page = client.get("/submit", headers=headers).get_data(as_text=True)
        data = story_form_data(title=title)
        data["csrf_token"] = csrf_token(page)
        data["submission_key"] = hidden_value(page, "submission_key")
        return client.post("/submit", data=data, headers=headers).get_data(as_text=True)

    english, italian, english_again = post("en", "One"), post("it", "Due"), post("en", "Three")
    assert '<html lang="en">' in english and '<html lang="en">' in english_again
    assert '<html lang="it">' in italian
    assert len({manage_token(page) for page in (english, italian, english_again)}) == 3
