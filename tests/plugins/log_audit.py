"""A pytest plugin: keep a log file of the whole test session (every logger, DEBUG and up,
one file per xdist worker under test-artifacts/logs/), and fail the run if any line holds
an e-mail address, a private link's token or a 64-character hex secret, however encoded.

Registered from tests/conftest.py; the check runs once, on the controlling process, when the
session ends."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.plugins.paths import ARTIFACTS

LOG_DIR = ARTIFACTS / "logs"
# Deliberately simpler than storyhub/privacy.py: this is the independent second look.
LEAKS = re.compile(
    r"[\w.+-]+@[\w-]+\.[a-z]{2,}"  # an e-mail address
    r"|/my/+(?!\[redacted\])[A-Za-z0-9_-]{8,}"  # a private link's token
    r"|(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])",  # a manage token, key or digest
    re.IGNORECASE,
)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_configure(config: pytest.Config) -> None:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if not hasattr(config, "workerinput"):  # the controller starts a fresh set of files
        for old in LOG_DIR.glob("session-*.log"):
            old.unlink()
    handler = logging.FileHandler(LOG_DIR / f"session-{_worker()}.log", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)


def leaks_in(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        decoded = unquote(unquote(unquote(line))).replace("\\", "/")
        if LEAKS.search(decoded):
            found.append(f"{path.name}:{number + 1}: {line[:300]}")
    return found


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    leaks = [leak for path in sorted(LOG_DIR.glob("session-*.log")) for leak in leaks_in(path)]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        if reporter is not None:
            reporter.write_line("")
            reporter.write_line(
                f"Private values reached the test session's logs ({len(leaks)} lines, {LOG_DIR}):",
                red=True,
            )
            for leak in leaks[:20]:
                reporter.write_line("  " + leak, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter is not None:
        lines = sum(1 for p in LOG_DIR.glob("session-*.log") for _ in p.open(encoding="utf-8"))
        reporter.write_line(f"log audit: {lines} log lines of this session, no private value")
