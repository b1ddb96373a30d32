"""The deployment the README describes, run for real: `deploy/run-local` (nginx in front of
gunicorn, the outbox sender) on PostgreSQL and Redis, used over HTTP the way people use it.

A submitter sends a story through nginx; a moderator (created with `flask users create
--password-stdin`) approves it; readers get it from nginx's cache; the author withdraws it and
it is gone from every public URL within 10 s; the e-mails reach an SMTP server through the
outbox sender; rate limits and logs see each client's own address, not nginx's.

Clients come from different loopback addresses (127.0.0.2, .3, .4), nginx from 127.0.0.1, so
an address mix-up shows. Runs in the PostgreSQL suite (`make test-postgres`), once.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.plugins.app import TEST_DATABASE_URL, postgres_schema
from tests.plugins.forms import story_form_data
from tests.plugins.paths import REPO_ROOT
from tests.plugins.processes import free_port, wait_until

ROOT = REPO_ROOT
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("STORYHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
EDGE_BOUND_SECONDS = 10
TITLE = "Walking the dog through nginx"
SLUG = "walking-the-dog-through-nginx"  # every public link to the story carries it

pytestmark = [
    pytest.mark.skipif(
        not TEST_DATABASE_URL.startswith("postgresql"),
        reason="runs the production stack on PostgreSQL: part of the PostgreSQL suite",
    ),
    pytest.mark.skipif(
        not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()),
        reason="needs Debian's nginx (`make nginx`)",
    ),
]


# --- an SMTP server that keeps what it receives ---------------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages: list[tuple[list[str], str]] = []


class _SmtpSession(socketserver.StreamRequestHandler):
    server: SmtpSink

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode("utf-8", "replace"))
                self.server.messages.append((recipients, "".join(lines)))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


# --- an HTTP client from a chosen loopback address, keeping its own cookies -----------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Client:
    port: int
    source: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        # Production cookies are Secure: over plain http://127.0.0.1 a browser keeps them for
        # localhost, and so does this client.
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
        )
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        connection.close()
        return Answer(response.status, response.headers, text)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Answer:
        return self.request("POST", path, form)


class FormFields(HTMLParser):
    """The fields of the first POST form whose action ends with `action` (or that posts to
    its own page), as a browser sends them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("method", "").lower() == "post":
            # No action: the form posts back to the page's own URL.
            self.inside = a.get("action", "").endswith(self.action) or "action" not in a
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.fields.setdefault(name, []).append(a.get("value", "on"))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.fields.setdefault(self.select, []).append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            # As browsers do, a newline right after <textarea> is not part of the value.
            value = self.fields[self.textarea][-1]
            self.fields[self.textarea][-1] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action: str) -> dict[str, list[str]]:
    parser = FormFields(action)
    parser.feed(html)
    assert parser.done, f"no form posting to {action}"
    return parser.fields


# --- the stack ------------------------------------------------------------------------------


@dataclass
class Stack:
    port: int
    env: dict[str, str]
    output: Path
    state: Path
    process: subprocess.Popen[bytes]
    smtp: SmtpSink

    def flask(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            input=stdin, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    def story(self, title: str) -> tuple[int, str]:
        """(id, status) of the story with this title, read from the database."""
        engine = sa.create_engine(self.env["DATABASE_URL"])
        try:
            with engine.connect() as connection:
                query = sa.text("SELECT id, status FROM stories WHERE title = :title")
                story_id, status = connection.execute(query, {"title": title}).one()
                return story_id, status
        finally:
            engine.dispose()

    def log(self) -> str:
        return self.output.read_text(errors="replace")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    smtp = SmtpSink()
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    port = free_port()
    output = tmp_path / "run-local.log"
    with postgres_schema(TEST_DATABASE_URL) as database_url:
        env = {
            **os.environ,
            "PORT": str(port),
            "RUN_LOCAL_DIR": str(tmp_path / "state"),
            "STORYHUB_INSTANCE": str(tmp_path / "instance"),
            "STORYHUB_CONFIG": "production",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "deploy-stack-test-secret-key",
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "MAIL_URL": f"smtp://127.0.0.1:{smtp.server_address[1]}",
            "OUTBOX_INTERVAL": "1",
            "WEB_CONCURRENCY": "2",
            "SUBMIT_RATE_LIMIT": "3 per minute",
        }
        env.pop("BIND", None)
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [str(ROOT / "deploy" / "run-local")], env=env, cwd=ROOT, stdout=sink,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        running = Stack(port, env, output, tmp_path / "state", process, smtp)
        try:
            assert wait_until(
                lambda: "run-local: storyhub on" in running.log() or process.poll() is not None,
                120,
            ), running.log()
            assert process.poll() is None, running.log()
            yield running
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=60)
            smtp.shutdown()
            smtp.server_close()
        assert status == 0, running.log()  # Ctrl-C/SIGTERM stops everything cleanly


def test_story_goes_through_the_production_stack(stack: Stack) -> None:
    created = stack.flask(
        "users", "create", "mod@example.org", "--role", "moderator", "--password-stdin",
        stdin="a long moderator password\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    loaded = stack.flask("demo", "load")  # the diagnoses the form offers
    assert loaded.returncode == 0, loaded.stderr

    # A patient submits through nginx.
    patient = Client(stack.port, "127.0.0.2")
    form = patient.get("/submit")
    assert form.status == 200 and form.headers["X-Edge-Cache"] != "HIT"
    # "Send it as it is" to the questions the form may ask back (few stories yet from there).
    data = story_form_data(
        title=TITLE,
        email="walker@example.net",
        consent_syndicate="y",  # in the feeds too
        confirm_identifiable="y",
        confirm_language="y",
    )
    fields = form_fields(form.text, "/submit")
    data["csrf_token"] = fields["csrf_token"][0]
    data["submission_key"] = fields["submission_key"][0]
    receipt = patient.post("/submit", data)
    assert receipt.status == 200, receipt.text[:2000]
    manage_link = re.search(r"/my/([A-Za-z0-9_-]+)", receipt.text)
    assert manage_link, receipt.text[:3000]
    token = manage_link.group(1)

    # A moderator logs in through nginx and approves it.
    moderator = Client(stack.port, "127.0.0.5")
    login = form_fields(moderator.get("/login").text, "/login")
    login.update(email=["mod@example.org"], password=["a long moderator password"])
    assert moderator.post("/login", login).status == 302
    queue = moderator.get("/moderate/")
    assert TITLE in queue.text and queue.headers["X-Edge-Cache"] != "HIT"
    review_path = f"/moderate/stories/{stack.story(TITLE)[0]}"
    assert review_path in queue.text
    review = form_fields(moderator.get(review_path).text, review_path)
    review["action"] = ["approve"]
    decided = moderator.post(review_path, review)
    assert decided.status in (302, 303), decided.text[:2000]
    assert stack.story(TITLE)[1].lower() == "published"

    # Readers (no cookie) get it, the second time from nginx's cache.
    reader = Client(stack.port, "127.0.0.4")
    listing = reader.get("/stories/")
    assert SLUG in listing.text
    story_path = re.search(r'href="(/stories/\d+-[a-z0-9-]+)"', listing.text).group(1)  # type: ignore[union-attr]
    public_urls = ["/", "/stories/", story_path, "/feeds/stories.atom"]
    for url in public_urls:
        assert SLUG in reader.get(url).text, url
    assert wait_until(lambda: reader.get(story_path).headers["X-Edge-Cache"] == "HIT", 5)

    # The author withdraws it: within 10 s it is gone from every public URL.
    withdraw_path = f"/my/{token}/withdraw"
    withdraw = form_fields(patient.get(withdraw_path).text, withdraw_path)
    withdraw.setdefault("confirm", ["y"])
    withdrawn_at = time.monotonic()
    assert patient.post(withdraw_path, withdraw).status in (302, 303)

    def gone() -> bool:
        # (The story's own URL answers 404; its language links still name the path.)
        listed = [url for url in public_urls if url != story_path]
        return reader.get(story_path).status == 404 and all(
            SLUG not in reader.get(url).text for url in listed
        )

    def still_showing() -> list[tuple[str, int, str | None, str | None]]:
        answers = [(url, reader.get(url)) for url in public_urls]
        return [
            (url, a.status, a.headers["X-Edge-Cache"], a.headers["X-Cache"])
            for url, a in answers
            if (a.status != 404 if url == story_path else SLUG in a.text)
        ]

    assert wait_until(gone, EDGE_BOUND_SECONDS + 1), still_showing()
    assert time.monotonic() - withdrawn_at <= EDGE_BOUND_SECONDS
    assert reader.get(story_path).status == 404

    # The receipt and the decision left through the outbox sender, with links to PUBLIC_URL.
    def mailed(count: int) -> bool:
        return sum("walker@example.net" in to for to, _ in stack.smtp.messages) >= count

    assert wait_until(lambda: mailed(2), 30), stack.log()[-3000:]
    bodies = "".join(body for to, body in stack.smtp.messages if "walker@example.net" in to)
    assert f"http://127.0.0.1:{stack.port}/my/" in bodies.replace("=\r\n", "").replace("=\n", "")

    # Rate limits count each client's own address: one client hitting the limit leaves the
    # next alone (with nginx's address they would share it), and the logs name the client.
    hasty = Client(stack.port, "127.0.0.3")
    answers = [hasty.post("/submit", {"title": "x"}).status for _ in range(4)]
    assert answers[:3] == [400, 400, 400] and answers[3] == 429, answers
    assert Client(stack.port, "127.0.0.6").post("/submit", {"title": "x"}).status == 400
    app_log = stack.log()
    assert re.search(r'^127\.0\.0\.3 .*"POST" 429', app_log, re.M), app_log[-3000:]
    assert not re.search(r'^127\.0\.0\.1 .*"POST"', app_log, re.M)

    # nginx writes its access log in batches (at least once a second).
    def access_log() -> str:
        return (stack.state / "nginx-access.log").read_text()

    limited = re.compile(r'^127\.0\.0\.3 .*"POST /submit HTTP/1.1" 429', re.M)
    assert wait_until(lambda: limited.search(access_log()), 10), access_log()[-3000:]
    access_log = access_log()
    assert token not in access_log and "/my/[token]/withdraw" in access_log
    assert "walker@example.net" not in app_log + access_log


def test_run_local_says_clearly_when_nginx_cannot_start(tmp_path: Path) -> None:
    """nginx down (its port taken): run-local stops, says why, and leaves nothing running."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "PORT": str(port),
            "RUN_LOCAL_DIR": str(tmp_path / "state"),
            "STORYHUB_INSTANCE": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
        env.pop("BIND", None)
        result = subprocess.run(
            [str(ROOT / "deploy" / "run-local")], env=env, cwd=ROOT, capture_output=True,
            text=True, timeout=180,
        )  # fmt: skip
    assert result.returncode == 1
    assert "run-local: nginx exited" in result.stderr and f"port {port}" in result.stderr
