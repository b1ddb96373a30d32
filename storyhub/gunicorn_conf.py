"""gunicorn's production settings: `gunicorn -c python:storyhub.gunicorn_conf wsgi:app`.

The worker model was chosen from measurements (bench/RESULTS.md, README "Speed"): see
WORKER_CLASS and WORKERS below. Each can be set from the environment; command-line flags
override both.
"""

from __future__ import annotations

import os
from typing import Any

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


def post_worker_init(worker: Any) -> None:
    """Load the language detector as each worker starts (about a second): otherwise the first
    submission a worker takes waits for it."""
    from storyhub.services import language_check

    language_check.load_model()
