"""A rate-limited story POST answers 429 with the story still in the form."""

from __future__ import annotations

import pytest

from tests.plugins.forms import csrf_token, hidden_value, story_form_data


@pytest.mark.app_config(RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per minute")
def test_rate_limited_submission_keeps_the_story(client, rate_limit_storage):
    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(csrf_token=csrf_token(page), diagnoses=[], title="First")
    assert client.post("/submit", data=data).status_code == 400  # counted, refused by validation

    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(
        csrf_token=csrf_token(page),
        submission_key=hidden_value(page, "submission_key"),
        body="The second attempt, with every word kept safe in the form.",
    )
    response = client.post("/submit", data=data)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Nothing is lost" in html
    assert "The second attempt, with every word kept safe in the form." in html
    assert 'value="R.B."' in html
