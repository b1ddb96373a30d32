"""Faults a real deployment meets: a worker killed mid-request, the database restarting.

These start real processes (gunicorn) or stop the machine's PostgreSQL, so they run on their
own, one at a time, after the main suites: `make test-faults` (part of `make test`).
"""

from __future__ import annotations

import hashlib
import html
import http.cookiejar
import os
import re
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.plugins.app import postgres_schema
from tests.plugins.processes import flask_command, free_port, gunicorn, http_status, wait_until

# They stop the machine's PostgreSQL under everyone's feet: only when asked for explicitly.
pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(
        os.environ.get("STORYHUB_FAULT_TESTS") != "1",
        reason="fault tests run only with STORYHUB_FAULT_TESTS=1 (make test-faults)",
    ),
]

PG_URL = os.environ.get("STORYHUB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def _database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'faults.sqlite3'}"
    else:
        with postgres_schema(PG_URL) as url:
            yield url


def _submit_once(base: str, number: int) -> str | None:
    """Fill and send the story form like a browser; return the manage token on success."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        page = opener.open(f"{base}/submit", timeout=10).read().decode()
        fields = dict(
            re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"', page)
        )
        data = urllib.parse.urlencode(
            {
                **fields,
                "author_name": f"K{number}",
                "relation": "self",
                "country": "IT",
                "language": "en",
                "diagnoses": "morphea",
                "title": f"Fault run story {number}",
                "body": f"Story number {number}, sent while a worker may be killed at any moment.",
                "consent_publish": "y",
                # Seen the re-identification warning (a small database) and sending anyway.
                "confirm_identifiable": "y",
            }
        ).encode()
        response = opener.open(f"{base}/submit", data=data, timeout=10)
        match = re.search(r"/my/([A-Za-z0-9_-]+)", html.unescape(response.read().decode()))
        return match.group(1) if response.status == 200 and match else None
    except (OSError, urllib.error.HTTPError):
        return None  # no success page: the person would see an error and still have the form


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_killing_a_worker_loses_no_acknowledged_submission(kind, tmp_path):
    with _database(kind, tmp_path) as url:
        env = {
            "PATH": os.environ["PATH"],
            "DATABASE_URL": url,
            "STORYHUB_INSTANCE": str(tmp_path / "instance"),
            "SUBMIT_RATE_LIMIT": "100000 per minute",
        }
        flask_command(["db", "upgrade"], env)
        flask_command(["demo", "load"], env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with (
            gunicorn(env, port, ["--workers", "2"], production_conf=False) as master,
            ThreadPoolExecutor(max_workers=4) as pool,
        ):
            first = list(pool.map(lambda n: _submit_once(base, n), range(40)))
            workers = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True,
                                     text=True).stdout.split()  # fmt: skip
            assert workers, "gunicorn has no workers"
            later = pool.map(lambda n: _submit_once(base, n), range(40, 120))
            os.kill(int(workers[0]), signal.SIGKILL)
            tokens = [t for t in [*first, *later] if t]
        assert len(tokens) >= 60, "too few submissions succeeded to say anything"
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            stored = set(connection.scalars(sa.text("SELECT manage_token_hash FROM submitters")))
            query = "SELECT title FROM stories WHERE title LIKE 'Fault run story %'"
            titles = list(connection.scalars(sa.text(query)))
        engine.dispose()
        missing = [t for t in tokens if hashlib.sha256(t.encode()).hexdigest() not in stored]
        assert missing == []
        assert len(titles) == len(set(titles)), "a submission was stored twice"


def _postgres(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.skipif(not Path("/etc/postgresql").exists(), reason="needs a local PostgreSQL cluster")
def test_database_restart_answers_503_then_recovers(tmp_path):
    import threading

    from werkzeug.serving import make_server

    from storyhub import create_app
    from storyhub.extensions import db
    from storyhub.services.tools.demo import load_demo

    with postgres_schema(PG_URL) as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": url,
                          "RATELIMIT_ENABLED": False, "INSTANCE_PATH": str(tmp_path)})  # fmt: skip
        with app.app_context():
            db.create_all()
            load_demo()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            assert http_status(f"{base}/readyz") == 200
            _postgres("stop")
            try:
                assert http_status(f"{base}/healthz") == 200
                assert http_status(f"{base}/readyz") == 503
                with pytest.raises(urllib.error.HTTPError) as page:
                    urllib.request.urlopen(f"{base}/topics/calcinosis", timeout=10)
                assert page.value.code == 503
                assert "having trouble" in page.value.read().decode()
            finally:
                _postgres("start")
            assert wait_until(lambda: http_status(f"{base}/readyz") == 200, 60)
            assert http_status(f"{base}/topics/calcinosis") == 200
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()
