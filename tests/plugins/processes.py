"""Real processes for the tests that go through them (gunicorn, `flask` commands): one way to
find a port, wait for a server and start gunicorn, instead of one per test file."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tests.plugins.paths import REPO_ROOT

# The environment running the tests has gunicorn and flask beside its Python.
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], bool], seconds: float) -> bool:
    """Poll for an event with a deadline (waiting for something to happen, never for time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def http_status(url: str) -> int:
    """The status a GET of `url` answers; 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def flask_command(args: Sequence[str], env: dict[str, str], timeout: float = 180) -> None:
    """Run `flask --app wsgi …` (say `db upgrade`, `demo load`) as an operator would."""
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=REPO_ROOT, env=env,
                   check=True, capture_output=True, timeout=timeout)  # fmt: skip


@contextmanager
def gunicorn(
    env: dict[str, str],
    port: int,
    args: Sequence[str] = (),
    *,
    production_conf: bool = True,
    output: IO[bytes] | int = subprocess.DEVNULL,
    start_seconds: float = 60,
) -> Iterator[subprocess.Popen[bytes]]:
    """Serve wsgi:app with gunicorn on 127.0.0.1:`port` (with storyhub/gunicorn_conf.py unless
    `production_conf=False`); yield the master once /healthz answers; stop it afterwards."""
    command = [str(BIN / "gunicorn")]
    if production_conf:
        command += ["-c", "python:storyhub.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", *args, "wsgi:app"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=output)
    try:
        started = wait_until(
            lambda: (
                http_status(f"http://127.0.0.1:{port}/healthz") == 200 or process.poll() is not None
            ),
            start_seconds,
        )
        assert started and process.poll() is None, "gunicorn did not start"
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
