"""Public pages show published content only, in the teaser format readers expect."""

from __future__ import annotations

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, StoryStatus


def _story(app, title):
    with app.app_context():
        return db.session.scalar(sa.select(Story).filter_by(title=title))


def test_topic_page_shows_description_and_teasers_with_translations(client, demo):
    response = client.get("/topics/calcinosis")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Calcinosis means small deposits of calcium" in html
    original = html.index("Giulia:</span>")
    assert (
        "Sclerosi sistemica cutanea limitata, Fenomeno di Raynaud, Calcinosi cutanea (Italia)"
        in html
    )
    assert (
        "Per anni ho pensato che quei piccoli noduli bianchi sulle dita fossero solo calli" in html
    )
    translation = html.index("(English)</span>")
    assert original < translation
    assert (
        "Limited cutaneous systemic sclerosis, Raynaud&#39;s phenomenon, Calcinosis cutis (Italy)"
        in html
    )


def test_unknown_pages_are_404(client):
    for url in (
        "/topics/nope",
        "/diagnoses/nope",
        "/stories/99999",
        "/stories/99999999999",
        "/languages/xx-nope",
    ):
        assert client.get(url).status_code == 404, url


def test_story_canonical_url_updates_and_translations(app, client, demo):
    sarah = _story(app, "Learning to live with winter")
    response = client.get(f"/stories/{sarah.id}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/stories/{sarah.id}-learning-to-live-with-winter"
    assert client.get(f"/stories/{sarah.id}-wrong-slug").status_code == 301
    html = client.get(f"/stories/{sarah.id}-learning-to-live-with-winter").get_data(as_text=True)
    assert "(Update) Six months on, and a kinder winter" in html
    assert "example.org/support-group" in html and 'rel="nofollow ugc noopener"' in html

    giulia = _story(app, "I sassolini sotto la pelle")
    html = client.get(f"/stories/{giulia.id}", follow_redirects=True).get_data(as_text=True)
    assert ">English</a>" in html
    assert 'hreflang="en"' in html


def test_unpublished_original_hides_its_translation(app, client, make_story):
    original = make_story(title="I sassolini sotto la pelle", language="it", topics=["calcinosis"])
    translation = make_story(title="The little stones under my skin", translation_of=original)
    assert client.get(f"/stories/{translation}", follow_redirects=True).status_code == 200
    assert "The little stones" in client.get("/topics/calcinosis").get_data(as_text=True)
    with app.app_context():
        story = db.session.get(Story, original)
        story.status = StoryStatus.UNPUBLISHED
        db.session.commit()
    assert client.get(f"/stories/{translation}").status_code == 404
    assert "The little stones" not in client.get("/topics/calcinosis").get_data(as_text=True)
    assert "The little stones" not in client.get("/languages/en").get_data(as_text=True)


def test_diagnosis_page_includes_sub_diagnoses(client, make_diagnosis, make_story):
    make_diagnosis("systemic-sclerosis", "Systemic sclerosis")
    for slug in ("limited-cutaneous-ssc", "diffuse-cutaneous-ssc"):
        make_diagnosis(slug, parent="systemic-sclerosis")
    make_story(author_name="Giulia", diagnoses=["limited-cutaneous-ssc"])
    make_story(author_name="Marco", diagnoses=["diffuse-cutaneous-ssc"])
    make_story(title="A patch on my side", status="pending", diagnoses=["limited-cutaneous-ssc"])
    html = client.get("/diagnoses/systemic-sclerosis").get_data(as_text=True)
    assert "Giulia:" in html  # limited cutaneous SSc is under systemic sclerosis
    assert "Marco:" in html  # diffuse cutaneous SSc
    assert "A patch on my side" not in html  # pending


def test_story_list_filters_and_bad_parameters(client, make_story):
    make_story(author_name="Giulia", language="it", country="IT")
    make_story(author_name="Marco", language="it", country="CH")
    make_story(author_name="Lucía", language="es", country="ES")
    html = client.get("/stories/?language=es").get_data(as_text=True)
    assert "Lucía:" in html and "Giulia:" not in html
    html = client.get("/stories/?country=CH").get_data(as_text=True)
    assert "Marco:" in html and "Lucía:" not in html
    assert client.get("/stories/?page=-1").status_code == 400
    assert client.get("/stories/?page=abc").status_code == 400
    assert client.get("/stories/?country=ZZZ").status_code == 400
    assert client.get("/stories/?diagnosis=unknown").status_code == 404


def test_public_pages_are_cacheable_and_set_no_cookie(client, make_story):
    make_story(topics=["calcinosis"])
    response = client.get("/topics/calcinosis")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")
    etag = response.headers["ETag"]
    again = client.get("/topics/calcinosis", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_interface_language_follows_browser(client, demo):
    html = client.get("/topics/calcinosis", headers={"Accept-Language": "it"}).get_data(
        as_text=True
    )
    assert "Calcinosi" in html
    assert '<html lang="it">' in html


def test_health_and_readiness(client):
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"
    assert client.get("/readyz").status_code == 200


def test_readiness_reports_unreachable_database(tmp_path):
    from storyhub import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
        }
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    page = client.get("/topics/x")
    assert page.status_code == 503
    assert "trouble" in page.get_data(as_text=True)
