"""No token, private path or e-mail address reaches any log line: redacted at the root (record
factory, root logger and every handler, gunicorn's access and error logs), whatever the path's
spelling. A whole scenario against a real gunicorn, access log on and every logger at DEBUG."""

from __future__ import annotations

import http.cookiejar
import io
import logging
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import UserRole
from storyhub.privacy import redact
from storyhub.services import accounts
from storyhub.services.tools.demo import load_demo
from tests.plugins.forms import MODERATOR_EMAIL, MODERATOR_PASSWORD, manage_token
from tests.plugins.paths import REPO_ROOT
from tests.plugins.processes import BIN, free_port, gunicorn
from tests.plugins.workbench import form_fields, story_id_by_title

ROOT = REPO_ROOT
TOKEN = "0f3c9a7be1d24c6f8a5b3e9d7c1f2a4b6d8e0f1a3c5e7b9d2f4a6c8e0b1d3f5a"
URLSAFE = "Xq3_Lm9-PdW2vK8sRt5YhN1bCj4gFz7eUa6oIy0wQxE"

PATH_SHAPES = [
    "/my/{t}",
    "/my/{t}/edit",
    "/my/{t}/withdraw?lang=it",
    "/my%2F{t}",
    "/my%2f{t}/edit",
    "/my%252F{t}",
    "/%6Dy/{t}",
    "/%6d%79%2f{t}",
    "//my//{t}",
    "/./my/./{t}",
    "/my\\{t}",
    "/login?next=/my/{t}",
    "/login?next=%2Fmy%2F{t}",
    "/login?next=%252Fmy%252F{t}",
    "https://stories.example.org/my/{t}?utm=x",
    "<Request 'http://localhost/my/{t}' [GET]>",
]
EMAILS = ["secret.person@example.net", "secret.person%40example.net", "s.p%2540example.net"]


@pytest.mark.parametrize("shape", PATH_SHAPES)
@pytest.mark.parametrize("token", [TOKEN, URLSAFE])
def test_every_spelling_of_a_private_path_is_redacted(app, shape, token):
    """Through a handler added after the app started (as a log shipper or test runner would)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        logging.getLogger("some.library").warning('"GET %s HTTP/1.1" 200', shape.format(t=token))
    finally:
        logging.getLogger().removeHandler(handler)
    assert token not in stream.getvalue()
    assert "[redacted]" in stream.getvalue()


@pytest.mark.parametrize("email", EMAILS)
def test_email_addresses_are_redacted(email):
    assert "secret" not in redact(f"sending to {email} now").replace("[email]", "")


def test_ordinary_paths_are_kept():
    line = "GET /stories/12-learning-to-type-again?page=2 HTTP/1.1 /my/ /my/?lang=it"
    assert redact(line) == line


def test_tracebacks_are_redacted(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        try:
            raise ValueError(f"no story for /my/{TOKEN} of secret.person@example.net")
        except ValueError:
            logging.getLogger("storyhub.anything").exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert "ValueError" in text and TOKEN not in text and "secret.person" not in text


def test_the_dev_server_routes_encoded_paths_to_the_private_page_and_logs_none(
    live_server, default_diagnosis, submit, caplog
):
    token = manage_token(submit(email="secret.person@example.net").get_data(as_text=True))
    with caplog.at_level(logging.DEBUG):
        for shape in ("/my/{t}", "/my%2F{t}", "/%6Dy/{t}"):
            with urllib.request.urlopen(live_server + shape.format(t=token)) as response:
                assert response.status == 200  # the shape really reaches the private page
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/my/[redacted]" in logged
    assert token not in logged


# ---- a whole scenario against gunicorn -----------------------------------------------------


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_a_whole_scenario_through_gunicorn_logs_no_secret(database_url, tmp_path):
    email = "very.private.patient@example.net"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(tmp_path / "instance")}
    )
    with app.app_context():
        db.create_all()
        load_demo()
        accounts.create_user(MODERATOR_EMAIL, MODERATOR_PASSWORD, UserRole.MODERATOR)
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "scenario-secret-key-" + "k" * 20,
        "STORYHUB_CONFIG": "development",
        "STORYHUB_INSTANCE": str(tmp_path / "instance"),
        "REIDENTIFICATION_COUNTRY_STORIES": "0",
        "GUNICORN_LOG_LEVEL": "debug",
        "WEB_CONCURRENCY": "1",
        "BIND": f"127.0.0.1:{port}",
    }
    args = [
        "--access-logfile",
        str(logs / "access.log"),
        "--error-logfile",
        str(logs / "error.log"),
        "--capture-output",
    ]
    with open(logs / "stdout.log", "wb") as out, gunicorn(env, port, args, output=out):
        base = f"http://127.0.0.1:{port}"
        author = Browser(base)
        fields = form_fields(author.get("/submit")[1], "/submit")
        fields.update(
            author_name="R.B.",
            relation="self",
            email=email,
            country="IT",
            language="en",
            diagnoses="limited-cutaneous-ssc",
            title="Learning to type again, by dictation",
            body="My fingers stiffened first in winter.\n\nNow I use dictation.",
            consent_publish="y",
        )
        status, receipt = author.post("/submit", fields)
        assert status == 200, receipt
        token = manage_token(receipt)
        stranger = Browser(base)
        for shape in PATH_SHAPES[:11]:
            stranger.get(shape.format(t=token).replace("\\", "%5C"))
        stranger.get(f"/login?next=%2Fmy%2F{token}")
        stranger.get(f"/my/{token}x")  # an unknown link
        moderator = Browser(base)
        login = form_fields(moderator.get("/login")[1], "")
        login.update(email=MODERATOR_EMAIL, password="wrong password")
        assert moderator.post("/login", login)[0] == 400
        login.update(password=MODERATOR_PASSWORD)
        assert moderator.post(f"/login?next=%2Fmoderate%2F&email={email}", login)[0] == 200
        assert moderator.get("/moderate/")[0] == 200
        story_path = str(story_id_by_title(app, "Learning to type again, by dictation"))
        review = moderator.get(f"/moderate/stories/{story_path}")[1]
        decision = form_fields(review, f"/moderate/stories/{story_path}")
        decision["action"] = "approve"
        assert moderator.post(f"/moderate/stories/{story_path}", decision)[0] == 200
        sent = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "outbox", "send"],
            cwd=ROOT,
            env={**env, "FLASK_DEBUG": "0"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sent.returncode == 0, sent.stderr
        (logs / "outbox.log").write_text(sent.stdout + sent.stderr)
        mails = list((tmp_path / "instance" / "mail").glob("*"))
        assert email in "".join(m.read_text() for m in mails)  # the receipt was sent
    logged = "\n".join(path.read_text() for path in sorted(logs.iterdir()))
    assert '"GET /my/[redacted]' in logged  # the access log is on and saw the visits
    assert "DEBUG" in logged  # and the debug log too
    for secret in (token, email, MODERATOR_EMAIL, "very.private.patient", "%40example"):
        assert secret not in logged, secret


def test_the_session_log_audit_finds_leaks_however_encoded(tmp_path):
    """The end-of-run check (tests/plugins/log_audit.py) is not blind: it sees raw and encoded
    leaks."""
    from tests.plugins.log_audit import leaks_in

    log = tmp_path / "session-x.log"
    log.write_text(
        f"GET /my/{URLSAFE} 200\n"
        f"GET /my%2F{URLSAFE} 200\n"
        "sent to a.person%40example.net\n"
        f"key {TOKEN}\n"
        "GET /my/[redacted] 200 [email] /my/ /stories/12-title\n"
    )
    assert [line.split(":")[1] for line in leaks_in(log)] == ["1", "2", "3", "4"]
