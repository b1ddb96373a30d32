"""Workbench 7a: admins manage moderators, topics, diagnoses and reject presets; moderators
cannot reach any admin page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Diagnosis, RejectReason, Topic, User, UserRole
from tests.plugins.forms import MODERATOR_EMAIL, csrf_token
from tests.plugins.workbench import ADMIN_EMAIL, form_fields, login_as, make_user


@pytest.fixture
def admin(app, client):
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    login_as(client, ADMIN_EMAIL)
    return client


def _admin_urls(app) -> list[tuple[str, str]]:
    """Every admin URL and method, with sample ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        values = {arg: 1 for arg in rule.arguments}
        values.update({k: "en" for k in rule.arguments if k == "language"})
        values.update({k: "deactivate" for k in rule.arguments if k == "change"})
        url = rule.build(values)[1]
        urls += [(method, url) for method in rule.methods & {"GET", "POST"}]
    return urls


def test_moderators_get_403_on_every_admin_page(app, client, moderator, auth):
    urls = _admin_urls(app)
    assert len(urls) >= 15
    for method, url in urls:
        assert client.open(url, method=method).status_code == 302, url  # anonymous: log in
    auth.login()
    for method, url in urls:
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert "Admin</a>" not in client.get("/moderate/").get_data(as_text=True)


def test_admin_invites_a_moderator_who_logs_in(app, admin):
    page = admin.get("/admin/users").get_data(as_text=True)
    fields = form_fields(page, "/admin/users")
    fields.update(email="New.Mod@Example.org", role="moderator")
    html = admin.post("/admin/users", data=fields).get_data(as_text=True)
    password = re.search(r"<code>([^<]+)</code>", html).group(1)
    assert len(password) >= 16
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(email="new.mod@example.org"))
        assert user.role is UserRole.MODERATOR and user.password_hash.startswith("scrypt:")
    newcomer = app.test_client()
    login_as(newcomer, "new.mod@example.org", password)
    assert newcomer.get("/moderate/").status_code == 200
    assert newcomer.get("/admin/").status_code == 403
    # The same address twice is refused next to the field.
    again = admin.post("/admin/users", data=fields)
    assert again.status_code == 400
    assert "An account for new.mod@example.org already exists." in again.get_data(as_text=True)


def test_deactivation_ends_sessions_and_logins(app, admin, moderator):
    moderator_client = app.test_client()
    login_as(moderator_client, MODERATOR_EMAIL, moderator.password)
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    response = admin.post(f"/admin/users/{moderator.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert moderator_client.get("/moderate/").status_code == 302  # sent to the login page
    refused = app.test_client()
    token = csrf_token(refused.get("/login").get_data(as_text=True))
    login = refused.post(
        "/login",
        data={"email": MODERATOR_EMAIL, "password": moderator.password, "csrf_token": token},
    )
    assert login.status_code == 400
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    admin.post(f"/admin/users/{moderator.id}/activate", data={"csrf_token": token})
    login_as(app.test_client(), MODERATOR_EMAIL, moderator.password)


def test_admin_cannot_deactivate_themselves(app, admin):
    with app.app_context():
        me = db.session.scalar(sa.select(User.id).filter_by(email=ADMIN_EMAIL))
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    response = admin.post(f"/admin/users/{me}/deactivate", data={"csrf_token": token})
    assert response.status_code == 400
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert admin.get("/admin/").status_code == 200


def test_topics_create_edit_texts_order_and_keywords(app, admin, demo, client):
    page = admin.get("/admin/topics").get_data(as_text=True)
    fields = form_fields(page, "/admin/topics")
    fields.update(
        {
            "new-slug": "skin-care",
            "new-position": "0",
            "new-language": "en",
            "new-title": "Skin care",
            "new-description": '<p onclick="x()">Creams <script>alert(1)</script>'
            '<a href="javascript:y()">that</a> help.</p>',
        }
    )
    response = admin.post("/admin/topics", data=fields)
    assert response.status_code == 302
    with app.app_context():
        topic = db.session.scalar(sa.select(Topic).filter_by(slug="skin-care"))
        description = topic.text("en").description_html
        topic_id = topic.id
    assert "onclick" not in description and "<script" not in description
    assert "javascript:" not in description and "Creams" in description
    # Position 0 puts it first on the public list of topics.
    topics = admin.get("/topics/").get_data(as_text=True)
    assert topics.index("Skin care") < topics.index("Calcinosis")

    # A taken slug comes back next to the field, the rest kept.
    again = admin.post("/admin/topics", data=fields)
    assert again.status_code == 400
    assert "The slug &#39;skin-care&#39; is taken." in again.get_data(as_text=True)

    page = admin.get(f"/admin/topics/{topic_id}").get_data(as_text=True)
    italian = form_fields(page, f"/admin/topics/{topic_id}/texts")
    italian.update(
        {"new-language": "it", "new-title": "Cura della pelle", "new-description": "Creme."}
    )
    assert admin.post(f"/admin/topics/{topic_id}/texts", data=italian).status_code == 302
    page = admin.get(f"/admin/topics/{topic_id}").get_data(as_text=True)
    english = form_fields(page, f"/admin/topics/{topic_id}/texts/en")
    english["text-en-title"] = "Caring for skin"
    assert admin.post(f"/admin/topics/{topic_id}/texts/en", data=english).status_code == 302
    settings = form_fields(page, f"/admin/topics/{topic_id}")
    settings.update(
        {"settings-position": "7", "settings-keywords": "Crema, cream\n\nCREAM\nlotion"}
    )
    assert admin.post(f"/admin/topics/{topic_id}", data=settings).status_code == 302
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        assert topic.title("it") == "Cura della pelle" and topic.title("en") == "Caring for skin"
        assert topic.position == 7
        assert topic.keywords == "Crema\ncream\nlotion"
    settings["settings-position"] = "-1"
    assert admin.post(f"/admin/topics/{topic_id}", data=settings).status_code == 400


def test_diagnoses_tree_names_and_no_cycles(app, admin, demo):
    page = admin.get("/admin/diagnoses").get_data(as_text=True)
    fields = form_fields(page, "/admin/diagnoses")
    fields.update(
        {
            "new-slug": "digital-ulcers",
            "new-parent": "systemic-sclerosis",
            "new-position": "5",
            "new-language": "en",
            "new-name": "Digital ulcers",
        }
    )
    assert admin.post("/admin/diagnoses", data=fields).status_code == 302
    with app.app_context():
        diagnosis = db.session.scalar(sa.select(Diagnosis).filter_by(slug="digital-ulcers"))
        assert diagnosis.parent.slug == "systemic-sclerosis"
        diagnosis_id = diagnosis.id
        root_id = diagnosis.parent.id
    page = admin.get(f"/admin/diagnoses/{diagnosis_id}").get_data(as_text=True)
    name = form_fields(page, f"/admin/diagnoses/{diagnosis_id}/names")
    name.update({"new-language": "it", "new-name": "Ulcere digitali"})
    assert admin.post(f"/admin/diagnoses/{diagnosis_id}/names", data=name).status_code == 302
    with app.app_context():
        assert db.session.get(Diagnosis, diagnosis_id).name("it") == "Ulcere digitali"
    # The public submit form offers it under its parent.
    form = admin.get("/submit").get_data(as_text=True)
    parent_at = form.index('value="systemic-sclerosis"')
    assert parent_at < form.index('value="digital-ulcers"') < form.index('value="morphea"')

    # Systemic sclerosis cannot become a kind of its own child.
    page = admin.get(f"/admin/diagnoses/{root_id}").get_data(as_text=True)
    settings = form_fields(page, f"/admin/diagnoses/{root_id}")
    settings["settings-parent"] = "digital-ulcers"
    response = admin.post(f"/admin/diagnoses/{root_id}", data=settings)
    assert response.status_code == 400
    assert "cannot be placed under itself" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Diagnosis, root_id).parent_id is None


def test_reject_presets_add_edit_remove(app, admin, moderator):
    page = admin.get("/admin/reasons").get_data(as_text=True)
    fields = form_fields(page, "/admin/reasons")
    fields.update(
        {"new-label": "Advert", "new-text": "We do not publish adverts.", "new-position": "1"}
    )
    assert admin.post("/admin/reasons", data=fields).status_code == 302
    with app.app_context():
        reason_id = db.session.scalar(sa.select(RejectReason.id))
    page = admin.get("/admin/reasons").get_data(as_text=True)
    edit = form_fields(page, f"/admin/reasons/{reason_id}")
    edit[f"r{reason_id}-text"] = ""
    assert admin.post(f"/admin/reasons/{reason_id}", data=edit).status_code == 400
    edit[f"r{reason_id}-text"] = "We do not publish advertising."
    assert admin.post(f"/admin/reasons/{reason_id}", data=edit).status_code == 302
    with app.app_context():
        assert db.session.get(RejectReason, reason_id).text == "We do not publish advertising."
    token = csrf_token(page)
    assert (
        admin.post(f"/admin/reasons/{reason_id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(RejectReason, reason_id) is None


def test_admin_pages_render(app, admin, demo):
    with app.app_context():
        topic_id = db.session.scalar(sa.select(Topic.id).filter_by(slug="calcinosis"))
        diagnosis_id = db.session.scalar(sa.select(Diagnosis.id).filter_by(slug="morphea"))
    for url in (
        "/admin/",
        "/admin/users",
        "/admin/topics",
        f"/admin/topics/{topic_id}",
        "/admin/diagnoses",
        f"/admin/diagnoses/{diagnosis_id}",
        "/admin/reasons",
    ):
        assert admin.get(url).status_code == 200, url
    assert admin.get("/admin/topics/424242").status_code == 404
    assert admin.get("/moderate/").status_code == 200  # admins moderate too
