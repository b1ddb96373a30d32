"""Issue G.2: consent per use — the site (required), translations, feeds and the API — each
recorded with the text version and the wording shown; withdrawn from the private page at any
time, taking effect at once on pages, feeds, the API and the page cache, and recorded."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Consent, ConsentPurpose, Story, StoryStatus
from storyhub.services import consents
from tests.plugins.forms import csrf_token, manage_token
from tests.plugins.submission import decide
from tests.plugins.workbench import events_of, form_fields, story_id_by_title

TITLE = "Learning to type again"
P = ConsentPurpose


def _records(app, story_id: int) -> list[Consent]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Consent).filter_by(story_id=story_id).order_by(Consent.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _published(app, submit, moderator, **choices) -> tuple[str, int]:
    token = manage_token(submit(**choices).get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    decide(app, story_id, "approve")
    return token, story_id


def _change(client, token: str, purpose: str, give: bool, version: int | None = None):
    page = client.get(f"/my/{token}").get_data(as_text=True)
    form = re.search(
        rf'<input type="hidden" name="purpose" value="{purpose}">\s*'
        r'<input type="hidden" name="version" value="(\d+)">',
        page,
    )
    assert form, f"no {purpose} form on the manage page"
    data = {
        "csrf_token": csrf_token(page),
        "purpose": purpose,
        "give": "1" if give else "0",
        "version": str(version if version is not None else form.group(1)),
    }
    return client.post(f"/my/{token}/consent", data=data)


def test_each_consent_is_recorded_with_text_version_wording_and_language(
    app, client, default_diagnosis, submit
):
    # Nothing optional ticked: only the consent to publish on the site.
    submit()
    story_id = story_id_by_title(app, TITLE)
    with app.app_context():
        story = db.session.get(Story, story_id)
        assert (story.allow_translation, story.allow_syndication) == (False, False)
        fingerprint = consents.text_version(story)
    (publish,) = _records(app, story_id)
    assert (publish.purpose, publish.wording_version, publish.locale) == (
        P.PUBLISH, "publish-2026-11", "en"
    )  # fmt: skip
    assert publish.text_version == fingerprint and publish.withdrawn_at is None

    # Both ticked, on the Italian form.
    page = client.get("/submit?lang=it").get_data(as_text=True)
    from tests.plugins.forms import hidden_value, story_form_data

    data = story_form_data(
        title="Second story",
        consent_translate="y",
        consent_syndicate="y",
        csrf_token=csrf_token(page),
        submission_key=hidden_value(page, "submission_key"),
    )
    assert client.post("/submit?lang=it", data=data).status_code == 200
    second = story_id_by_title(app, "Second story")
    rows = _records(app, second)
    assert [(r.purpose, r.wording_version, r.locale) for r in rows] == [
        (P.PUBLISH, "publish-2026-11", "it"),
        (P.TRANSLATE, "translate-2026-12", "it"),
        (P.SYNDICATE, "syndicate-2026-12", "it"),
    ]


def test_the_form_shows_exactly_the_recorded_wordings(client, default_diagnosis):
    page = unescape(client.get("/submit").get_data(as_text=True))
    for name, wording in (
        ("consent_publish", consents.PUBLISH_WORDING),
        ("consent_translate", consents.TRANSLATE_WORDING),
        ("consent_syndicate", consents.SYNDICATE_WORDING),
    ):
        label = re.search(rf'<label for="{name}">(.*?)</label>', page, re.S)
        assert label, name
        assert label.group(1) == consents.WORDINGS[wording], name


def _in_feed(client, title: str) -> bool:
    return title in client.get("/feeds/stories.atom").get_data(as_text=True)


def _in_api_list(client, story_id: int) -> bool:
    return story_id in {
        s["id"] for s in client.get("/api/v1/stories?limit=100").get_json()["stories"]
    }


def test_withdrawing_syndication_takes_it_out_of_feeds_and_api_at_once(
    app, client, demo, moderator, submit
):
    token, story_id = _published(app, submit, moderator, consent_syndicate="y")
    stranger = app.test_client()  # anonymous: served from the page cache when it can be
    assert _in_feed(stranger, TITLE) and _in_api_list(stranger, story_id)
    assert stranger.get(f"/api/v1/stories/{story_id}").status_code == 200
    assert TITLE in stranger.get("/feeds/diagnoses/limited-cutaneous-ssc.atom").get_data(
        as_text=True
    )
    cached = stranger.get("/feeds/stories.atom")
    assert cached.headers.get("X-Cache") == "hit"

    response = _change(client, token, "syndicate", give=False)
    assert response.status_code == 302
    assert "out of the feeds and the API" in client.get(f"/my/{token}").get_data(as_text=True)

    # Gone from feeds and the API at once (the cached feed is stale) …
    assert not _in_feed(stranger, TITLE) and not _in_api_list(stranger, story_id)
    assert stranger.get(f"/api/v1/stories/{story_id}").status_code == 404
    assert TITLE not in stranger.get("/feeds/diagnoses/limited-cutaneous-ssc.atom").get_data(
        as_text=True
    )
    # … and still on the site.
    page = stranger.get(f"/stories/{story_id}", follow_redirects=True)
    assert page.status_code == 200 and TITLE in page.get_data(as_text=True)
    assert f"/stories/{story_id}-" in stranger.get("/stories/").get_data(as_text=True)
    # API answers say so to caches downstream too: revalidate every time.
    assert "max-age=0" in stranger.get("/api/v1/stories").headers["Cache-Control"]

    # Recorded: an event, and the consent's withdrawal.
    assert events_of(app, story_id)[-1][:3] == ("stop_syndication", "published", "published")
    syndicate = [r for r in _records(app, story_id) if r.purpose is P.SYNDICATE]
    assert len(syndicate) == 1 and syndicate[0].withdrawn_at is not None

    # A second click changes nothing; giving it again brings it back, recorded.
    assert _change(client, token, "syndicate", give=False).status_code == 302
    assert [e[0] for e in events_of(app, story_id)].count("stop_syndication") == 1
    assert _change(client, token, "syndicate", give=True).status_code == 302
    assert _in_feed(stranger, TITLE) and _in_api_list(stranger, story_id)
    latest = [r for r in _records(app, story_id) if r.purpose is P.SYNDICATE][-1]
    assert latest.wording_version == "manage-2026-12" and latest.withdrawn_at is None
    assert events_of(app, story_id)[-1][0] == "allow_syndication"


def test_without_syndication_consent_a_story_never_reaches_feeds_or_api(
    app, client, default_diagnosis, moderator, submit
):
    _token, story_id = _published(app, submit, moderator)
    assert client.get(f"/stories/{story_id}", follow_redirects=True).status_code == 200
    assert not _in_feed(client, TITLE) and not _in_api_list(client, story_id)
    assert client.get(f"/api/v1/stories/{story_id}").status_code == 404


def test_withdrawal_always_goes_through_but_giving_again_checks_the_version(
    app, client, default_diagnosis, moderator, submit
):
    token, story_id = _published(app, submit, moderator, consent_syndicate="y")
    with app.app_context():
        version = db.session.get(Story, story_id).version
    # A stale page: the withdrawal still counts (it is the author's right) …
    assert _change(client, token, "syndicate", give=False, version=version - 1).status_code == 302
    with app.app_context():
        assert db.session.get(Story, story_id).allow_syndication is False
    # … but consent is tied to the text the author saw: a stale page is refused.
    response = _change(client, token, "syndicate", give=True, version=version - 1)
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Story, story_id).allow_syndication is False
    # Bad values: 400, never 500.
    page = client.get(f"/my/{token}").get_data(as_text=True)
    bad = {"csrf_token": csrf_token(page), "purpose": "publish", "give": "1", "version": "x"}
    assert client.post(f"/my/{token}/consent", data=bad).status_code == 400


def _translation_of(app, story_id: int, language: str = "it") -> int:
    """A published translation of the story (made the way a volunteer's is approved)."""
    with app.app_context():
        original = db.session.get(Story, story_id)
        translation = Story(
            status=StoryStatus.PUBLISHED,
            title="Imparare di nuovo a scrivere",
            body_text="Le mie dita si sono irrigidite per prime in inverno.",
            body_html="<p>Le mie dita si sono irrigidite per prime in inverno.</p>",
            excerpt="Le mie dita si sono irrigidite per prime in inverno.",
            author_name=original.author_name,
            country=original.country,
            language=language,
            translation_of=original,
            diagnoses=list(original.diagnoses),
            published_at=original.published_at,
        )
        db.session.add(translation)
        db.session.commit()
        return translation.id


def test_withdrawing_translation_consent_refuses_kindly_and_hides_translations(
    app, client, default_diagnosis, moderator, submit
):
    token, story_id = _published(app, submit, moderator, consent_translate="y")
    translation_id = _translation_of(app, story_id)
    stranger = app.test_client()
    story_page = stranger.get(f"/stories/{story_id}", follow_redirects=True).get_data(as_text=True)
    assert f"/stories/{story_id}/translate" in story_page  # the link to translate
    assert "Imparare di nuovo a scrivere" in story_page or "Italiano" in story_page
    assert stranger.get(f"/stories/{translation_id}", follow_redirects=True).status_code == 200
    form = stranger.get(f"/stories/{story_id}/translate")
    assert form.status_code == 200
    typed = {
        "csrf_token": csrf_token(form.get_data(as_text=True)),
        "language": "fr",
        "title": "Réapprendre à taper",
        "body": "Mes doigts se sont raidis d'abord en hiver. Taper est devenu lent.",
        "author_name": "R.B.",
        "consent_publish": "y",
    }

    assert _change(client, token, "translate", give=False).status_code == 302
    refused = stranger.get(f"/stories/{story_id}/translate")
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "not open for translation" in text and "Thank you for wanting to help" in text
    # A translator who was typing gets their words back, and nothing is stored.
    posted = stranger.post(f"/stories/{story_id}/translate", data=typed)
    assert posted.status_code == 403
    assert "Mes doigts se sont raidis" in unescape(posted.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(Story).filter_by(language="fr")) is None
    # No link any more, and the translation already made is off the site too.
    story_page = stranger.get(f"/stories/{story_id}", follow_redirects=True).get_data(as_text=True)
    assert f"/stories/{story_id}/translate" not in story_page
    assert stranger.get(f"/stories/{translation_id}").status_code == 404
    api = stranger.get(f"/api/v1/stories/{story_id}").get_json()
    assert api is None or all(v["id"] != translation_id for v in api.get("translations", []))
    assert events_of(app, story_id)[-1][0] == "stop_translations"

    # Allowed again: back, link and translation.
    assert _change(client, token, "translate", give=True).status_code == 302
    assert stranger.get(f"/stories/{story_id}/translate").status_code == 200
    assert stranger.get(f"/stories/{translation_id}", follow_redirects=True).status_code == 200


def test_author_edits_tie_the_consents_to_the_new_text(app, client, demo, submit):
    token = manage_token(submit(consent_syndicate="y").get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    page = client.get(f"/my/{token}/edit").get_data(as_text=True)
    assert "apply to the changed text" in page
    fields = form_fields(page, f"/my/{token}/edit")
    fields["body"] = "My fingers stiffened first in winter. Typing became slow, then painful."
    assert client.post(f"/my/{token}/edit", data=fields).status_code == 302
    rows = _records(app, story_id)
    with app.app_context():
        now = consents.text_version(db.session.get(Story, story_id))
    retied = [r for r in rows if r.wording_version == "edit-2026-12"]
    assert {r.purpose for r in retied} == {P.PUBLISH, P.SYNDICATE}
    assert {r.text_version for r in retied} == {now}
    assert rows[0].text_version != now  # the first records keep the text they were given for


def test_erasure_ends_every_consent_but_keeps_the_records(app, client, default_diagnosis, submit):
    token = manage_token(submit(consent_translate="y").get_data(as_text=True))
    story_id = story_id_by_title(app, TITLE)
    page = client.get(f"/my/{token}/erase").get_data(as_text=True)
    client.post(f"/my/{token}/erase", data={"csrf_token": csrf_token(page), "confirm": "y"})
    rows = _records(app, story_id)
    assert len(rows) == 2 and all(r.withdrawn_at is not None for r in rows)


def test_manage_page_lists_the_choices(app, client, default_diagnosis, moderator, submit):
    token, _story_id = _published(app, submit, moderator, consent_translate="y")
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Your choices" in page
    assert "Volunteers may translate it" in page and "Stop translations" in page
    assert "Include it in feeds and the API" in page  # not given at submission
    assert "use “Withdraw” above" in page
