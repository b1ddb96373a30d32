"""gunicorn's production settings: `gunicorn -c python:storyhub.gunicorn_conf wsgi:app`.

The worker model was chosen from measurements (bench/RESULTS.md, README "Speed"): see
WORKER_CLASS and WORKERS below. Each can be set from the environment; command-line flags
override both.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.glogging import Logger

from storyhub import privacy

# Measured on 2 cores (bench/RESULTS.md, "Choosing gunicorn's workers"): the page work is CPU
# bound (rendering; SQL is under a millisecond), so threads add little under the GIL.
WORKER_CLASS = "sync"
WORKERS_PER_CORE = 1

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", WORKER_CLASS)
workers = int(os.environ.get("WEB_CONCURRENCY", str(WORKERS_PER_CORE * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# gunicorn believes no client header: the app decides which X-Forwarded-* values to trust,
# in one place (storyhub/proxy.py, PROXY_HOPS and PUBLIC_URL). Left at their defaults, a
# request arriving from forwarded_allow_ips (the proxy's address, so every client's request
# relayed by it) could set the URL prefix with a `SCRIPT_NAME` header, the path with
# `PATH_INFO` and the scheme with X-Forwarded-Proto/-Ssl/-Protocol.
forwarder_headers = ""
secure_scheme_headers: dict[str, str] = {}
header_map = "drop"  # headers with "_" (which would alias X-Forwarded-For) never reach the app
# A story may take long to write but not to send: requests are short.
timeout = 30
graceful_timeout = 20
keepalive = 5
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class RedactingLogger(Logger):
    """gunicorn's logs, with every private path, token and e-mail redacted (storyhub/privacy.py).
    The app's own loggers write through gunicorn's error log, at its level."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        root = logging.getLogger()
        for handler in self.error_log.handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(self.error_log.level)
        privacy.install_log_redaction()
        privacy.install_on([self.error_log, self.access_log, root])


logger_class = RedactingLogger


def post_worker_init(worker: Any) -> None:
    """Load the language detector (about a second) and the identifier check's town names
    (one to three) as each worker starts: otherwise the first submission a worker takes waits
    for them, and every request queued behind it (bench/RESULTS.md, issue #18)."""
    from storyhub.services import identifier_check, language_check

    language_check.load_model()
    identifier_check.warm()
