"""Service errors carry codes and data; a blueprint's table puts them into words; codes
become labels in one place; ids in URLs are bounded by one converter. No app, no database."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule

from storyhub import labels, wording
from storyhub.lookups import MAX_ID, IdConverter, valid_id
from storyhub.models import StoryStatus
from storyhub.services.errors import (
    Conflict,
    FieldError,
    ServiceError,
    StaleStoryError,
    TransitionNotAllowed,
)


def test_an_error_carries_its_code_field_and_data_not_words():
    error = ServiceError(code="message_too_long", field="message", max=2000)
    assert (error.code, error.field, error.data) == ("message_too_long", "message", {"max": 2000})
    assert str(error) == "message_too_long"  # for logs and the CLI, never shown as words
    assert TransitionNotAllowed().code == "not_allowed"  # a class names its default code
    assert Conflict().status == 409 and Conflict().code == "conflict"


def test_an_unconverted_service_still_passes_its_english_words():
    assert str(ServiceError("Tick at least one story.")) == "Tick at least one story."
    error = FieldError("email", "The current password is not correct.")
    assert (error.field, str(error)) == ("email", "The current password is not correct.")


class _Story:
    status = StoryStatus.CHANGES_REQUESTED


def test_a_stale_story_error_keeps_the_story_and_its_state_as_data():
    story = _Story()
    error = StaleStoryError(story)  # type: ignore[arg-type]
    assert error.story is story and error.data == {"state": StoryStatus.CHANGES_REQUESTED}
    assert isinstance(error, Conflict) and error.code == "story_stale"


def test_say_formats_the_words_a_table_has_for_the_code():
    table: wording.Messages = {
        "message_too_long": "Please keep your message under %(max)d characters.",
        "plain": "Nothing to fill in (100% sure).",
        "state": lambda state: f"It is now {labels.words(state)}.",
    }
    too_long = ServiceError(code="message_too_long", max=2000)
    assert wording.say(too_long, table) == "Please keep your message under 2000 characters."
    # Words without data are not %-formatted (as gettext without arguments).
    assert wording.say(ServiceError(code="plain"), table) == "Nothing to fill in (100% sure)."
    stale = ServiceError(code="state", state=StoryStatus.AWAITING_AUTHOR)
    assert wording.say(stale, table) == "It is now awaiting author."


def test_say_falls_back_to_the_services_own_words_then_to_the_code():
    assert wording.say(ServiceError("Unknown field."), {}) == "Unknown field."
    assert wording.say(ServiceError(code="no_words_yet"), {}) == "no_words_yet"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("request_changes", "request changes"),
        (StoryStatus.CHANGES_REQUESTED, "changes requested"),
        ("new", "new"),
        (None, ""),
    ],
)
def test_words_puts_a_code_into_the_moderators_plain_words(code, expected):
    assert labels.words(code) == expected


def test_every_state_has_words_for_its_author():
    assert set(labels.STATUS) == set(StoryStatus)


def _ids() -> Map:
    return Map([Rule("/stories/<id:story_id>", endpoint="story")], converters={"id": IdConverter})


@pytest.mark.parametrize("path", ["/stories/0", f"/stories/{MAX_ID + 1}", "/stories/" + "9" * 40])
def test_an_id_out_of_range_matches_no_route(path):
    with pytest.raises(NotFound):
        _ids().bind("example.org").match(path)


@pytest.mark.parametrize("story_id", [1, 42, MAX_ID])
def test_an_id_in_range_matches_and_builds(story_id):
    urls = _ids().bind("example.org")
    assert urls.match(f"/stories/{story_id}") == ("story", {"story_id": story_id})
    assert urls.build("story", {"story_id": story_id}) == f"/stories/{story_id}"


def test_valid_id_takes_ints_in_range_only():
    assert valid_id(1) and valid_id(MAX_ID)
    assert not any(valid_id(v) for v in (0, -1, MAX_ID + 1, True, "1", None, 1.0))


def test_the_staff_pages_words_keep_the_services_old_sentences():
    from storyhub.admin import messages

    def say(field: str, code: str, **data: object) -> str:
        return messages.say(FieldError(field, code=code, **data))

    assert say("email", "not_an_email", email="nobody") == "'nobody' is not an e-mail address."
    assert say("new", "password_too_short", min=12) == (
        "The password must have at least 12 characters."
    )
    assert say("slug", "slug_taken", slug="skin-care") == "The slug 'skin-care' is taken."
    assert say("keywords", "keyword_too_long", keyword="a" * 30, max=60) == (
        f"“{'a' * 30}…” is longer than 60 characters: keywords are single words or short phrases."
    )
