"""Through the app: the blueprints' words for service codes are the translated ones (the
msgids did not change when they left the services), labels speak the page's language (the
moderators' English where theirs is), and ids out of range are a 404 on every page that takes
one."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from storyhub import labels
from storyhub.assist import messages as assist_messages
from storyhub.models import StoryStatus, UserRole
from storyhub.moderate import messages as moderate_messages
from storyhub.services import accounts
from storyhub.services.errors import Conflict, ServiceError
from storyhub.services.submissions import SameLanguage
from storyhub.submit import messages as submit_messages
from storyhub.submit.messages import identifier_suggestion, name_concern_words
from storyhub.text.identifiers import Span
from tests.plugins.forms import MODERATOR_PASSWORD
from tests.plugins.submission import post_form, story_id

# Words that stay English for now (no Italian or Spanish yet): see assist/messages.py.
NOT_YET_TRANSLATED = {"consent_note_required"}


@pytest.mark.parametrize("language", ["it", "es"])
def test_every_code_the_submitters_pages_word_is_translated(app, language):
    with app.test_request_context(f"/?lang={language}"):
        for table in (
            submit_messages.MESSAGES,
            submit_messages.SUGGESTIONS,
            submit_messages.NAME_CONCERNS,
            assist_messages.MESSAGES,
        ):
            for code, words in table.items():
                if code in NOT_YET_TRANSLATED:
                    continue
                with force_locale("en"):
                    english = str(words)
                assert str(words) != english, (language, code)


def test_say_speaks_the_pages_language_with_the_data_filled_in(app):
    too_long = ServiceError(code="message_too_long", field="message", max=2000)
    with app.test_request_context("/?lang=it"):
        assert submit_messages.say(too_long) == "Il messaggio deve stare sotto i 2000 caratteri."
        assert submit_messages.say(SameLanguage(field="language")) == (
            "La storia è già in questa lingua: scegli quella della traduzione."
        )
    with app.test_request_context("/"):
        assert submit_messages.say(too_long) == ("Please keep your message under 2000 characters.")


def test_the_identifier_questions_words_come_from_the_submit_blueprint(app):
    person = Span("person", 0, 12, "Giulia Rossi", "a name")
    with app.test_request_context("/"):
        assert identifier_suggestion(person) == (
            "Use initials, “G. R.”, or the role, such as “my husband”."
        )
        assert name_concern_words("year") == "Your name has digits that may be a birth year."
        assert labels.label(labels.IDENTIFIER_KIND, "place") == "Place"


def test_the_moderators_pages_stay_english(app):
    with app.test_request_context("/?lang=it"):
        assert labels.label(labels.ARRIVAL, "letter") == "per lettera"  # the author's e-mail
        assert labels.label(labels.ARRIVAL, "letter", "en") == "by letter"  # the review page
        assert labels.label(labels.STATUS, StoryStatus.PENDING) == (
            "In attesa che un moderatore la legga"
        )
        assert moderate_messages.say(Conflict()).startswith("Someone else changed this")
        stale = ServiceError(code="story_stale", state=StoryStatus.CHANGES_REQUESTED)
        assert "(it is now changes requested)" in moderate_messages.say(stale)


def test_a_translation_in_the_originals_language_is_refused_in_the_readers_words(app, client, demo):
    sid = story_id(app, "Learning to live with winter")  # a published English demo story
    url = f"/stories/{sid}/translate?lang=it"
    data = {"language": "en", "title": "Stessa", "body": "x" * 30, "consent_publish": "y"}
    response = post_form(client, url, website="", **data)
    assert response.status_code == 400
    assert "La storia è già in questa lingua" in response.get_data(as_text=True)


@pytest.fixture
def admin(app):
    with app.app_context():
        accounts.create_user("admin@example.org", MODERATOR_PASSWORD, UserRole.ADMIN)
    return "admin@example.org"


@pytest.mark.parametrize("bad", ["0", "2147483648", "9" * 30])
def test_ids_out_of_range_are_not_found_everywhere(app, client, auth, admin, bad):
    auth.login(admin)
    for path in (
        f"/moderate/stories/{bad}",
        f"/admin/topics/{bad}",
        f"/admin/diagnoses/{bad}",
        f"/assist/entered/{bad}",
        f"/stories/{bad}/translate",
    ):
        assert client.get(path).status_code == 404, path
    for path in (f"/admin/reasons/{bad}", f"/admin/helplines/{bad}", f"/moderate/stories/{bad}"):
        assert client.post(path).status_code in (400, 404), path  # CSRF may answer first


def test_an_id_in_range_with_no_row_is_not_found(app, client, auth, admin):
    auth.login(admin)
    for path in ("/moderate/stories/2147483647", "/admin/topics/1", "/assist/entered/5"):
        assert client.get(path).status_code == 404, path
