"""Development mail that is visible: /dev/mail lists what the outbox wrote to instance/mail/
(development only), and `make run` checks its port before installing anything."""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from pathlib import Path

from storyhub import create_app
from storyhub.extensions import db
from tests.plugins.forms import manage_token
from tests.plugins.paths import REPO_ROOT
from tests.plugins.submission import free_port

REPO = REPO_ROOT


def dev_app(database_url: str, tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "dev-mail-" + uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "REIDENTIFICATION_COUNTRY_STORIES": 0,
            "IDENTIFIER_CHECK": False,  # the usual test story holds a link
            **overrides,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def test_the_receipt_is_listed_and_readable_with_its_private_link(database_url, tmp_path):
    from storyhub.services.tools.demo import load_demo
    from tests.plugins.forms import csrf_token, hidden_value, story_form_data

    app = dev_app(database_url, tmp_path, DEV_MAIL_PAGE=True)
    with app.app_context():
        load_demo()
    client = app.test_client()
    assert "No e-mail yet" in client.get("/dev/mail/").get_data(as_text=True)
    page = client.get("/submit").get_data(as_text=True)
    data = story_form_data(
        csrf_token=csrf_token(page), submission_key=hidden_value(page, "submission_key")
    )
    token = manage_token(client.post("/submit", data=data).get_data(as_text=True))
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output

    listing = client.get("/dev/mail/")
    assert listing.headers["Cache-Control"] == "no-store"
    html = listing.get_data(as_text=True)
    assert "Your story has arrived: Learning to type again" in html
    assert "rb.patient@example.net" in html
    name = next(p.name for p in (tmp_path / "instance" / "mail").glob("*.eml"))
    shown = client.get(f"/dev/mail/{name}").get_data(as_text=True)
    assert f'href="http://localhost/my/{token}"' in shown, shown[shown.find("devmail-body") :][:800]
    assert client.get("/dev/mail/..%2Fsecret_key").status_code == 404
    assert client.get("/dev/mail/000001-nothing.eml").status_code == 404
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_page_is_absent_in_testing_and_production(app, client, database_url, tmp_path):
    assert client.get("/dev/mail/").status_code == 404  # testing: off unless a test enables it
    production = dev_app(
        database_url, tmp_path, DEV_MAIL_PAGE=True, MAIL_FILE_FALLBACK=False
    )  # production writes no mail files, so the page never exists there
    assert production.test_client().get("/dev/mail/").status_code == 404
    with production.app_context():
        db.engine.dispose()


def _make_run(port: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_run_reports_a_taken_port_before_installing_anything():
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        started = time.monotonic()
        result = _make_run(str(port))
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stdout
    assert "PORT=5001" in result.stdout
    assert "pip" not in result.stdout + result.stderr and "db upgrade" not in result.stdout
    assert time.monotonic() - started < 30


def test_make_run_refuses_a_port_that_is_not_a_number():
    result = _make_run("fifty")
    assert result.returncode != 0 and "not a port number" in result.stdout
