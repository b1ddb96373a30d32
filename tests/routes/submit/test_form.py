"""The story form in full: languages, the declared-language check, accessible errors, limits,
and never losing a word when the server fails."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.i18n import find_language, normalise_language_tag
from storyhub.models import Story
from storyhub.services import language_check
from tests.plugins.submission import decide, post_form, story_id, submitted_token

ENGLISH_BODY = (
    "My fingers stiffened first in winter. Typing became slow and painful, and I started "
    "to dictate my messages instead. Now I use warm gloves and take breaks every hour."
)
ITALIAN_BODY = (
    "Le mie dita si sono irrigidite prima in inverno. Scrivere al computer è diventato lento "
    "e doloroso, così ho cominciato a dettare i messaggi. Ora uso guanti caldi."
)


def _count(app, title="Learning to type again") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Story.id)).filter_by(title=title))


@pytest.mark.parametrize(
    ("typed", "tag"),
    [
        ("pt_br", "pt-BR"),
        ("EN", "en"),
        ("iw", "he"),
        ("gsw", "gsw"),
        ("ase", "ase"),
        ("sr-latn", "sr-Latn"),
        ("xx-notalang", None),
        ("und", None),
        ("qaa", None),
        ("x-private", None),
        ("en--US", None),
        ("é", None),
        ("a" * 40, None),
    ],
)
def test_language_tags_are_validated_and_normalised(typed, tag):
    assert normalise_language_tag(typed) == tag


def test_language_names_are_found_in_english_and_the_ui_language(app):
    with app.test_request_context("/?lang=it"):
        assert find_language("Swiss German") == "gsw"
        assert find_language("tedesco svizzero") == "gsw"
        assert find_language("  brazilian   portuguese ") == "pt-BR"
        assert find_language("Klingonese of the moon") is None


def test_common_languages_come_first_in_their_own_group(client, default_diagnosis):
    html = client.get("/submit").get_data(as_text=True)
    common = html.index('<optgroup label="Common languages">')
    others = html.index('<optgroup label="All languages">')
    assert common < html.index('<option value="it">Italian</option>') < others
    assert others < html.index('<option value="af">Afrikaans</option>')
    assert 'name="language_other"' in html


def test_any_language_can_be_typed_or_posted(app, client, default_diagnosis, submit):
    assert submit(language="", language_other="Swiss German").status_code == 200
    with app.app_context():
        languages = set(db.session.scalars(sa.select(Story.language)))
    assert "gsw" in languages
    assert submit(language="ase", title="Signed", body=ENGLISH_BODY).status_code == 200
    assert story_by_language(app, "Signed") == "ase"
    html = submit(language="", language_other="Elvish of the woods").get_data(as_text=True)
    assert "We do not know this language." in html
    assert "Elvish of the woods" in html and "My fingers stiffened" in html
    html = submit(language="").get_data(as_text=True)
    assert "Please choose the language you wrote in." in html


def story_by_language(app, title: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Story.language).filter_by(title=title))


def test_text_in_another_language_asks_once_then_is_flagged(
    app, client, default_diagnosis, moderator, auth, submit
):
    response = submit(language="it", body=ENGLISH_BODY)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your text reads like English, but the language chosen is Italian." in html
    assert 'name="confirm_language"' in html
    assert 'href="#language-question"' in html  # the summary at the top points to it
    assert ENGLISH_BODY in html
    assert _count(app) == 0  # nothing stored until the person answers

    response = submit(language="it", body=ENGLISH_BODY, confirm_language="y")
    assert response.status_code == 200 and "your story has arrived" in response.get_data(
        as_text=True
    )
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title="Learning to type again"))
        assert (story.language, story.detected_language) == ("it", "en")
    auth.login()
    queue = client.get("/moderate/").get_data(as_text=True)
    assert "Language? Chosen Italian, reads like English" in queue


def test_language_check_stays_quiet_when_unsure(app, client, default_diagnosis, submit):
    assert "reads like" not in submit(language="it", body="Short and English, this.").get_data(
        as_text=True
    )
    # The detector knows nothing about Swiss German: it has no opinion to offer.
    assert "reads like" not in submit(language="gsw", body=ENGLISH_BODY).get_data(as_text=True)
    assert "reads like" not in submit(language="it", body=ITALIAN_BODY).get_data(as_text=True)
    with app.app_context():
        flags = set(db.session.scalars(sa.select(Story.detected_language)))
    assert flags <= {None}


def test_language_check_thresholds(app):
    with app.app_context():
        assert language_check.mismatch("it", ENGLISH_BODY) == "en"
        assert language_check.mismatch("en-GB", ENGLISH_BODY) is None
        assert language_check.mismatch("it", ITALIAN_BODY) is None
        croatian = "Ovo je moja priča o bolesti i kako živim s njom svaki dan, s hladnim rukama."
        assert language_check.mismatch("sr-Latn", croatian) is None  # close languages: no question
        app.config["LANGUAGE_CHECK_MIN_LETTERS"] = 10_000
        assert language_check.mismatch("it", ENGLISH_BODY) is None


def test_translation_and_edit_ask_about_the_language_too(app, client, demo, moderator, submit):
    sid = story_id(app, "Learning to live with winter")
    html = post_form(
        client,
        f"/stories/{sid}/translate",
        language="es",
        title="Aprender",
        body=ITALIAN_BODY,
        author_name="Sarah",
        consent_publish="y",
    ).get_data(as_text=True)
    assert "Your text reads like Italian, but the language chosen is Spanish." in html

    token = submitted_token(submit)
    html = post_form(
        client,
        f"/my/{token}/edit",
        author_name="R.B.",
        relation="self",
        country="IT",
        language="en",
        diagnoses=["limited-cutaneous-ssc"],
        title="Learning to type again",
        body=ITALIAN_BODY,
    ).get_data(as_text=True)
    assert "Your text reads like Italian, but the language chosen is English." in html
    assert ITALIAN_BODY in html


def test_errors_are_summarised_at_the_top_with_links_to_fields(client, default_diagnosis, submit):
    html = submit(title="", diagnoses=[], consent_publish="").get_data(as_text=True)
    start = html.index('class="summary problems"')
    summary = html[start : html.index("<form", start)]
    assert 'role="alert"' in summary
    assert 'href="#title"' in summary and "Please give your story a title." in summary
    assert 'href="#diagnoses-0"' in summary  # the first checkbox of the group
    assert 'href="#consent_publish"' in summary
    assert re.search(r'<input aria-describedby="title-hint title-error" aria-invalid="true"', html)


def test_limits_are_explained_but_never_enforced_by_cutting_text(client, default_diagnosis):
    html = client.get("/submit").get_data(as_text=True)
    title = re.search(r'<input[^>]*id="title"[^>]*>', html).group(0)
    body = re.search(r'<textarea[^>]*id="body"[^>]*>', html).group(0)
    # A maxlength would make the browser drop pasted words silently; the counter explains.
    assert "maxlength" not in title and "maxlength" not in body
    assert 'data-max-chars="200"' in title and 'data-max-chars="50000"' in body
    assert 'src="/static/js/forms.js?v=' in html and "defer" in html
    assert 'data-draft-key="submit"' in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither


def test_story_survives_a_server_error(app, client, default_diagnosis, submit):
    with app.app_context():  # a real failure: the outbox table is gone
        db.session.execute(sa.text("DROP TABLE outbox_messages"))
        db.session.commit()
    response = submit(body="Every word of this hour-long story, kept when the server fails.")
    html = response.get_data(as_text=True)
    assert response.status_code in (500, 503)
    assert "Nothing is lost" in html
    assert "Every word of this hour-long story, kept when the server fails." in html
    assert 'value="R.B."' in html
    assert _count(app) == 0


def test_received_page_clears_the_browser_draft(client, default_diagnosis, submit):
    html = submit().get_data(as_text=True)
    assert 'data-clear-draft="submit"' in html


def test_published_update_and_language_flag_for_updates(
    app, client, default_diagnosis, moderator, submit
):
    token = submitted_token(submit)
    sid = story_id(app, "Learning to type again")
    decide(app, sid, "approve")
    post_form(client, f"/my/{token}/update", title="Dopo sei mesi", body=ITALIAN_BODY)
    with app.app_context():
        update = db.session.scalar(sa.select(Story).filter_by(update_of_id=sid))
        # An update keeps its story's language; a moderator sees the mismatch.
        assert (update.language, update.detected_language) == ("en", "it")
