"""Issue 17.3: after the first press, when the story or the name could let someone recognise
its author, the form comes back filled in with the passages highlighted and suggestions; the
author changes them or sends it as it is. Never refused."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from tests.plugins.forms import manage_token

TITLE = "Learning to type again"
BODY = (
    "My husband John drove me to St Mary's Hospital in Leeds on 3 March 2021.\n\n"
    "Now I use dictation and warm gloves."
)


@pytest.fixture(autouse=True)
def identifier_check(app, demo):
    app.config["IDENTIFIER_CHECK"] = True


def manage_link(html: str) -> re.Match[str] | None:
    """The receipt's private link (the footer's "Lost your private link?" /my/ is not one)."""
    return re.search(r"/my/[A-Za-z0-9_-]{20,}", html)


def stored(app) -> Story | None:
    with app.app_context():
        return db.session.scalar(sa.select(Story).filter_by(title=TITLE))


def test_findings_come_back_highlighted_with_suggestions(app, submit):
    response = submit(body=BODY, country="GB", author_name="R.B.")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert manage_link(html) is None and stored(app) is None
    text = unescape(html)
    assert "Could someone recognise you?" in text
    assert 'href="#identify-question"' in html
    # Each passage is a <mark> that says its kind, reachable from the list of findings.
    marks = re.findall(
        r'<mark id="(finding-\d+)"[^>]*><span class="visually-hidden">([^<]+)</span>([^<]+)</mark>',
        html,
    )
    assert [(label, passage) for _id, label, passage in marks] == [
        ("Name of a person: ", "John"),
        ("Hospital or organisation: ", "St Mary&#39;s Hospital"),
        ("Place: ", "Leeds"),
        ("Exact date: ", "3 March 2021"),
    ]
    for anchor, _label, _passage in marks:
        assert f'href="#{anchor}"' in html
    assert "“J.”" in text  # initials instead of the name
    assert "in spring 2021" in text
    assert "a city in the north" in text
    # The form is filled in as it was sent.
    assert "My husband John drove me" in text and 'value="R.B."' in html
    assert 'name="confirm_identifiable"' in html


def test_send_it_as_it_is(app, submit):
    response = submit(body=BODY, country="GB", confirm_identifiable="y")
    manage_token(response.get_data(as_text=True))
    assert stored(app).body_text == BODY


def test_changing_the_details_sends_it_without_asking_again(app, submit):
    first = submit(body=BODY, country="GB")
    assert "Could someone recognise you?" in unescape(first.get_data(as_text=True))
    calmer = "My husband drove me to a hospital in the north in spring 2021.\n\nNow I rest."
    response = submit(body=calmer, country="GB")
    manage_token(response.get_data(as_text=True))
    assert stored(app).body_text == calmer


def test_a_story_with_nothing_identifying_is_sent_at_once(app, submit):
    body = "My fingers stiffened first in winter. Typing became slow.\n\nNow I use dictation."
    response = submit(body=body)
    manage_token(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("author_name", "message"),
    [
        ("Rosa Bianchi", "looks like a full name"),
        ("Rosa1984", "may be a birth year"),
        ("Patient Rb", "looks like a full name"),
        ("Bianchirosa", "matches part of your e-mail address"),
    ],
)
def test_the_display_name_is_checked(app, submit, author_name, message):
    body = "My fingers stiffened first in winter. Typing became slow.\n\nNow I use dictation."
    response = submit(body=body, author_name=author_name, email="bianchirosa@example.net")
    html = unescape(response.get_data(as_text=True))
    assert "Could someone recognise you?" in html and message in html
    assert stored(app) is None
    sent = submit(body=body, author_name=author_name, confirm_identifiable="y")
    manage_token(sent.get_data(as_text=True))


def test_asked_together_with_the_language_question(app, submit):
    body = (
        "Le mie dita si sono irrigidite per prime in inverno e scrivere al computer è diventato "
        "lento e doloroso. Il 3 marzo 2021 mio marito Giorgio mi ha portata all'Ospedale San "
        "Raffaele di Milano, e adesso uso la dettatura vocale e dei guanti caldi tutto il giorno."
    )
    html = unescape(submit(body=body, language="en").get_data(as_text=True))
    assert "Is the language right?" in html and "Could someone recognise you?" in html
    assert "Giorgio" in html
    sent = submit(body=body, language="en", confirm_language="y", confirm_identifiable="y")
    manage_token(sent.get_data(as_text=True))


def test_hostile_text_still_gets_an_answer(app, submit):
    body = "\u202e" + "Dr " * 3000 + "😀" * 500 + "a@" * 2000
    response = submit(body=body)
    assert response.status_code in (200, 400)
    assert stored(app) is None or response.status_code == 200
