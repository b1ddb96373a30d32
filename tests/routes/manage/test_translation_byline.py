"""A translation keeps its original's author: the translate form offers no author name, the
byline on every public surface is the original's, and the translator's own name is a separate,
optional "Translated by" credit."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services.author_changes import accept_edits
from tests.plugins.forms import manage_token
from tests.plugins.submission import decide, form_fields, post_form, story_id
from tests.plugins.workbench import post_review

ORIGINAL = "Learning to live with winter"  # Sarah's published English demo story
TITLE = "Imparare a vivere con l’inverno"
BODY = (
    "Il primo inverno dopo la diagnosi ho pensato che non sarei più uscita di casa. "
    "Le dita diventavano bianche alla fermata dell'autobus e poi blu.\n\n"
    "Adesso porto sempre con me gli scaldamani e aspetto l'autobus dentro il panificio."
)


def _translate(client, sid, **overrides):
    data = {
        "language": "it",
        "title": TITLE,
        "body": BODY,
        "translator_name": "Anna Traduttrice",
        "email": "volunteer@example.net",
        "consent_publish": "y",
        "website": "",
    }
    data.update(overrides)
    response = post_form(client, f"/stories/{sid}/translate", **data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def _translation(app) -> Story:
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title=TITLE))
        db.session.expunge(story)
        return story


def test_a_translator_cannot_publish_someone_elses_story_under_their_name(
    app, client, demo, moderator
):
    sid = story_id(app, ORIGINAL)
    form = client.get(f"/stories/{sid}/translate").get_data(as_text=True)
    assert 'name="author_name"' not in form
    assert "published under the original author's name, Sarah" in form
    assert "Translated by" in form  # the credit field says what it is for

    # An old client (or a hand-made POST) still sending a name changes nothing.
    _translate(client, sid, author_name="Impostor")
    translation = _translation(app)
    assert translation.author_name == "Sarah"
    assert translation.translator_name == "Anna Traduttrice"

    decide(app, translation.id, "approve")
    page = client.get(f"/stories/{translation.id}", follow_redirects=True).get_data(as_text=True)
    assert "<strong>Sarah:</strong>" in page
    assert "Translated by Anna Traduttrice." in page
    assert "Impostor" not in page

    api = client.get(f"/api/v1/stories/{translation.id}").get_json()
    assert api["author_name"] == "Sarah"
    assert api["translator_name"] == "Anna Traduttrice"
    original_api = client.get(f"/api/v1/stories/{sid}").get_json()
    assert original_api["translator_name"] == ""

    feed = client.get("/feeds/stories.atom").get_data(as_text=True)
    assert "Impostor" not in feed
    assert "<contributor>" in feed and "Anna Traduttrice" in feed

    found = client.get("/search?q=scaldamani").get_data(as_text=True)
    assert TITLE in found
    assert '<span class="who">Sarah:</span>' in found


def test_the_credit_is_optional(app, client, demo, moderator):
    sid = story_id(app, ORIGINAL)
    _translate(client, sid, translator_name="")
    translation = _translation(app)
    assert (translation.author_name, translation.translator_name) == ("Sarah", "")
    decide(app, translation.id, "approve")
    page = client.get(f"/stories/{translation.id}", follow_redirects=True).get_data(as_text=True)
    assert "Translated by" not in page
    assert "<strong>Sarah:</strong>" in page


def test_the_translator_changes_their_credit_but_never_the_byline(app, client, demo):
    sid = story_id(app, ORIGINAL)
    token = manage_token(_translate(client, sid).get_data(as_text=True))
    page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    assert 'name="author_name"' not in page
    assert 'name="translator_name"' in page and 'value="Anna Traduttrice"' in page
    fields = form_fields(page)
    response = client.post(
        f"/my/{token}/edit",
        data={
            **fields,
            "language": "it",
            "title": TITLE,
            "body": BODY,
            "translator_name": "A. T.",
            "author_name": "Impostor",
        },
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    translation = _translation(app)
    assert (translation.author_name, translation.translator_name) == ("Sarah", "A. T.")


def test_a_name_change_on_the_original_carries_to_its_translations(
    app, client, demo, moderator, auth
):
    sid = story_id(app, ORIGINAL)
    _translate(client, sid)
    translation = _translation(app)
    auth.login()
    # On the translation, the moderator's name field changes nothing ...
    post_review(client, translation.id, "approve", author_name="Someone Else")
    assert _translation(app).author_name == "Sarah"
    # ... on the original it changes the byline everywhere.
    decide(app, sid, "unpublish", reason="Shorten the name", author_name="S.")
    assert _translation(app).author_name == "S."
    decide(app, sid, "republish")
    with app.app_context():
        original = db.session.get(Story, sid)
        if original.status.value == "awaiting_author":  # a name change asks the author first
            accept_edits(original, original.version)
    client.post("/logout")
    page = client.get(f"/stories/{translation.id}", follow_redirects=True).get_data(as_text=True)
    assert "<strong>S.:</strong>" in page
