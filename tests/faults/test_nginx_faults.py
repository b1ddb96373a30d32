"""Faults under nginx (deploy/run-local): gunicorn workers killed while people submit.

Whoever's request dies with its worker gets nginx's retry page (503, Retry-After, "try again"),
never a bare 502; every submission whose receipt was shown is stored, once.
Run alone with the other fault tests: `make test-faults`.
"""

from __future__ import annotations

import hashlib
import http.client
import itertools
import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.plugins.processes import flask_command, free_port, wait_until

pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(
        os.environ.get("STORYHUB_FAULT_TESTS") != "1",
        reason="fault tests run only with STORYHUB_FAULT_TESTS=1 (make test-faults)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
RETRY_TEXT = "Please try again in a moment"


def _submit(base: str, number: int) -> tuple[str, str | None]:
    """Send the story form once; ("receipt", token), ("retry", None) or ("other", status)."""
    cookies: dict[str, str] = {}

    def call(path: str, data: bytes | None = None) -> tuple[int, str, dict[str, str]]:
        request = urllib.request.Request(f"{base}{path}", data=data)
        if cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        for header in headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return status, body.decode("utf-8", "replace"), dict(headers)

    try:
        return _send(call, number)
    except http.client.IncompleteRead:
        # The worker died after nginx had begun passing its answer on: the status line is
        # gone, so the connection is cut (the browser shows an error, the form is still
        # there one page back). Known limit; nothing acknowledged is lost.
        return "cut", None


def _send(call, number: int) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    status, page, headers = call("/submit")
    if status != 200:
        return ("retry", None) if status == 503 and RETRY_TEXT in page else ("other", str(status))
    fields = dict(
        re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"', page)
    )
    form = {
        **fields,
        "author_name": f"N{number}",
        "relation": "self",
        "country": "IT",
        "language": "en",
        "diagnoses": "morphea",
        "title": f"Nginx fault story {number}",
        "body": f"Story number {number}, sent through nginx while workers are killed.",
        "consent_publish": "y",
        "confirm_identifiable": "y",
    }
    status, page, headers = call("/submit", urllib.parse.urlencode(form).encode())
    match = re.search(r"/my/([A-Za-z0-9_-]+)", page)
    if status == 200 and match:
        return "receipt", match.group(1)
    if status == 503 and RETRY_TEXT in page and headers.get("Retry-After"):
        return "retry", None
    return "other", str(status)


def test_killed_worker_under_nginx_gives_the_retry_page_and_loses_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'faults.sqlite3'}"
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "RUN_LOCAL_DIR": str(tmp_path / "state"),
        "STORYHUB_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": url,
        "SECRET_KEY": "nginx-fault-test-secret",
        "SUBMIT_RATE_LIMIT": "100000 per minute",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("BIND", None)
    log = tmp_path / "run-local.log"
    with log.open("wb") as sink:
        stack = subprocess.Popen(
            [str(ROOT / "deploy" / "run-local")], env=env, cwd=ROOT, stdout=sink,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        assert wait_until(lambda: "run-local: storyhub on" in log.read_text(), 120), log.read_text()
        flask_command(["demo", "load"], env)
        master = re.search(r"\[(\d+)\] \[INFO\] Starting gunicorn", log.read_text())
        assert master
        base = f"http://127.0.0.1:{port}"
        stop = threading.Event()
        results: list[tuple[str, str | None]] = []
        numbers = itertools.count()

        def answered_at_least(count: int) -> bool:
            while len(results) < count:
                if stop.wait(0.05):
                    return False
            return True

        def killer() -> None:
            # Kill a busy worker three times while submissions keep coming: each time after a
            # few more have been answered (not after a fixed time: how fast submissions go
            # must not decide whether a request is in flight), then let a few more finish.
            for _ in range(3):
                if not answered_at_least(len(results) + 10):
                    return
                workers = subprocess.run(["pgrep", "-P", master.group(1)], capture_output=True,
                                         text=True).stdout.split()  # fmt: skip
                if workers:
                    os.kill(int(workers[0]), signal.SIGKILL)
            answered_at_least(len(results) + 10)
            stop.set()

        def submitter() -> None:
            while not stop.is_set():
                number = next(numbers)
                if number >= 3000:  # a bound, should the killer never finish
                    return
                results.append(_submit(base, number))

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        with ThreadPoolExecutor(max_workers=6) as pool:
            for future in [pool.submit(submitter) for _ in range(6)]:
                future.result()
        stop.set()
        thread.join()
    finally:
        stack.send_signal(signal.SIGTERM)
        stack.wait(timeout=60)
    kinds = [kind for kind, _ in results]
    assert "other" not in kinds, [r for r in results if r[0] == "other"]
    assert kinds.count("retry") >= 1, "no request was caught by a killed worker"
    tokens = [token for kind, token in results if kind == "receipt"]
    assert len(tokens) >= 30
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = set(connection.scalars(sa.text("SELECT manage_token_hash FROM submitters")))
        query = "SELECT title FROM stories WHERE title LIKE 'Nginx fault story %'"
        titles = list(connection.scalars(sa.text(query)))
    engine.dispose()
    assert [t for t in tokens if hashlib.sha256(t.encode()).hexdigest() not in stored] == []
    assert len(titles) == len(set(titles)), "a submission was stored twice"
