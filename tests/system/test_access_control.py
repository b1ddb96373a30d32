"""Who may open what: every moderation, admin and account URL, for each kind of visitor."""

from __future__ import annotations

import pytest

from storyhub.extensions import db
from storyhub.models import RejectReason, UserRole
from tests.plugins.workbench import ADMIN_EMAIL, login_as, make_user


def _protected_urls(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    urls = []
    for rule in app.url_map.iter_rules():
        area = rule.endpoint.split(".")[0]
        if area not in ("moderate", "admin") and rule.endpoint != "auth.change_password":
            continue
        values = {arg: 1 for arg in rule.arguments}
        values.update({k: "en" for k in rule.arguments if k == "language"})
        values.update({k: "deactivate" for k in rule.arguments if k == "change"})
        url = rule.build(values)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            urls.append((area if area != "auth" else "account", method, url))
    return urls


@pytest.mark.parametrize("visitor", ["anonymous", "moderator", "admin"])
def test_every_protected_url_answers_by_role(app, demo, moderator, visitor):
    with app.app_context():
        db.session.add(RejectReason(label="x", text="y"))
        db.session.commit()
    client = app.test_client()
    if visitor == "moderator":
        login_as(client, moderator.email, moderator.password)
    elif visitor == "admin":
        make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
        login_as(client, ADMIN_EMAIL)
    urls = _protected_urls(app)
    assert {area for area, _m, _u in urls} == {"moderate", "admin", "account"}
    assert len(urls) >= 25
    for area, method, url in urls:
        status = client.open(url, method=method).status_code
        if visitor == "anonymous":
            expected_refusal = True
        elif area == "admin":
            expected_refusal = visitor != "admin"
        else:
            expected_refusal = False
        if expected_refusal:
            assert status in (302, 403), (visitor, method, url, status)
            if visitor == "anonymous":
                assert status == 302
        else:
            # Allowed in: a page, a redirect after a form, or a refused form (no CSRF token
            # here) — never a login redirect or a 403, never a server error.
            assert status not in (401, 403) and status < 500, (visitor, method, url, status)
            if method == "GET":
                assert status in (200, 404), (visitor, url, status)
