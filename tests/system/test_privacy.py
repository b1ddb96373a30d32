"""Private values stay private: no e-mail or manage token in pages or logs."""

from __future__ import annotations

import logging
import urllib.request

from tests.plugins.forms import manage_token


def test_manage_token_is_not_logged_by_the_server(live_server, default_diagnosis, submit, caplog):
    token = manage_token(submit().get_data(as_text=True))
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        with urllib.request.urlopen(f"{live_server}/my/{token}") as response:
            assert response.status == 200
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/my/[redacted]" in logged
    assert token not in logged


def test_submitter_email_is_on_no_public_page(client, demo, moderator, auth, submit):
    submit(email="secret.person@example.net")
    for url in (
        "/",
        "/stories/",
        "/topics/calcinosis",
        "/diagnoses/systemic-sclerosis",
        "/languages/en",
        "/topics/",
        "/diagnoses/",
    ):
        assert "secret.person@example.net" not in client.get(url).get_data(as_text=True)


def test_security_headers_on_pages(client, demo):
    for url in ("/", "/submit", "/topics/calcinosis", "/nope"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_no_email_or_token_in_any_log_record(
    app, client, default_diagnosis, moderator, auth, submit, caplog
):
    """Submit, fail validation, moderate and hit errors with every logger at DEBUG."""
    email = "private.patient@example.net"
    with caplog.at_level(logging.DEBUG):
        token = manage_token(submit(email=email).get_data(as_text=True))
        submit(email=email, title="")  # a refused form
        client.get(f"/my/{token}")
        client.get(f"/my/{token}x")  # unknown link
        auth.login()
        client.get("/moderate/")
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert email not in logged
    assert token not in logged
