"""Index pages with content: each diagnosis and topic shows a short description and its
story count; a diagnosis page leads with the description an admin wrote for that language,
and links the topics its stories are about. Editing it shows at once on the cached page."""

from __future__ import annotations

import html as html_module

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Diagnosis, UserRole
from tests.plugins.workbench import ADMIN_EMAIL, form_fields, login_as, make_user


def _text(client, url: str) -> str:
    return html_module.unescape(client.get(url).get_data(as_text=True))


def test_the_diagnosis_page_leads_with_its_description_and_topics(client, demo):
    page = _text(client, "/diagnoses/raynauds-phenomenon")
    lede = page.index('<p class="lede" lang="en">Fingers and toes turn white')
    assert lede < page.index("<h2>Stories")
    assert (
        'href="/topics/raynauds">Raynaud\'s: cold fingers, colour changes and ulcers</a> (4)'
        in page
    )
    italian = _text(client, "/diagnoses/raynauds-phenomenon?lang=it")
    assert '<p class="lede" lang="it">Con il freddo o lo stress' in italian
    # No description in any language: no empty box.
    assert 'class="lede"' not in _text(client, "/diagnoses/morphea")


def test_indexes_show_descriptions_and_counts(client, demo):
    diagnoses = _text(client, "/diagnoses/")
    assert 'Raynaud\'s phenomenon</a>\n    <span class="count">(4 stories)</span>' in diagnoses
    assert '<p class="entry-note">Fingers and toes turn white' in diagnoses
    topics = _text(client, "/topics/?lang=es")
    assert (
        'Calcinosis: depósitos de calcio bajo la piel</a> <span class="count">2 historias</span>\n'
        '<p class="entry-note">La calcinosis consiste en pequeños depósitos de calcio que se '
        "forman en la piel o debajo de ella.</p>"
    ) in topics


def test_an_admin_writes_the_description_per_language(app, client, demo):
    reader = app.test_client()
    assert 'class="lede"' not in _text(reader, "/diagnoses/morphea?lang=it")  # cached now
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    login_as(client, ADMIN_EMAIL)
    with app.app_context():
        morphea = db.session.scalar(sa.select(Diagnosis).filter_by(slug="morphea"))
        morphea_id = morphea.id
    page = client.get(f"/admin/diagnoses/{morphea_id}").get_data(as_text=True)
    fields = form_fields(page, f"/admin/diagnoses/{morphea_id}/names/it")
    fields["name-it-description"] = "Una forma di sclerodermia localizzata: chiazze di pelle dura."
    response = client.post(f"/admin/diagnoses/{morphea_id}/names/it", data=fields)
    assert response.status_code == 302
    shown = _text(reader, "/diagnoses/morphea?lang=it")
    assert '<p class="lede" lang="it">Una forma di sclerodermia localizzata' in shown
    # English readers are not shown the Italian text.
    assert 'class="lede"' not in _text(reader, "/diagnoses/morphea?lang=en")
    # Too long: a message next to the field, the text kept, 400.
    fields["name-it-description"] = "x" * 801
    refused = client.post(f"/admin/diagnoses/{morphea_id}/names/it", data=fields)
    assert refused.status_code == 400
    assert "x" * 801 in refused.get_data(as_text=True)
