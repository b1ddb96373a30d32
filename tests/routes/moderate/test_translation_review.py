"""A translation's review shows its original side by side, paragraph by paragraph, and when
the original changed since the translation was made, what changed in it."""

from __future__ import annotations

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus
from storyhub.services.author_changes import accept_edits
from tests.plugins.submission import decide, post_form, story_id

ORIGINAL = "Learning to live with winter"
TITLE = "Imparare a vivere con l’inverno"
BODY = "Il primo inverno è stato difficile.\n\nAdesso porto sempre con me gli scaldamani."


def test_translation_review_is_side_by_side_and_says_what_changed(
    app, client, demo, moderator, auth
):
    sid = story_id(app, ORIGINAL)
    response = post_form(
        client,
        f"/stories/{sid}/translate",
        language="it",
        title=TITLE,
        body=BODY,
        consent_publish="y",
        confirm_language="y",
    )
    assert response.status_code == 200
    tid = story_id(app, TITLE)
    auth.login()
    page = client.get(f"/moderate/stories/{tid}").get_data(as_text=True)
    table = page.split('class="side-by-side"')[1].split("</table>")[0]
    first_row = table.split("<tr>")[2]
    assert "Growing up in Leeds" in first_row and "Il primo inverno" in first_row
    assert "Adesso porto sempre" in table.split("<tr>")[3]
    assert "the original changed since" not in page

    # The original is corrected after the translation was made.
    decide(app, sid, "unpublish", reason="A date", body_html="<p>A new first winter.</p>")
    decide(app, sid, "republish")
    with app.app_context():
        original = db.session.get(Story, sid)
        if original.status is StoryStatus.AWAITING_AUTHOR:
            accept_edits(original, original.version)
    page = client.get(f"/moderate/stories/{tid}").get_data(as_text=True)
    assert "May be out of date: the original changed since this translation was made" in page
    changes = page.split('class="original-changes"')[1].split("</details>")[0]
    assert "<ins>A new first winter.</ins>" in changes or "<ins>" in changes
    assert "<del>" in changes and "Leeds" in changes
