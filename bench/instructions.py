"""Instructions per uncached request, counted by valgrind (callgrind): a measure of the CPU a
page costs that other processes on a shared machine do not disturb (bench/RESULTS.md).

    .venv/bin/python bench/run.py --stories 1000 --keep /tmp/bench-1k --targets healthz
    .venv/bin/python bench/instructions.py --keep /tmp/bench-1k topic diagnosis story healthz

Builds the app as gunicorn runs it (production settings, PUBLIC_URL, the page cache and
ProxyFix in front), calls it as a WSGI server would with a new query string per request (a
page cache miss, as bench/run.py's uncached targets), warms up, then counts the instructions
of N requests only (a tiny helper compiled with valgrind's callgrind.h switches counting on
and off). Needs valgrind and a C compiler (Debian: valgrind, gcc).
"""

from __future__ import annotations

import argparse
import ctypes
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "topic": "/topics/calcinosis",
    "diagnosis": "/diagnoses/systemic-sclerosis",
    "healthz": "/healthz",
    "story": None,  # the newest story's canonical URL, as bench/run.py picks it
}
HELPER = """#include <valgrind/callgrind.h>
void start(void) {
  CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; CALLGRIND_TOGGLE_COLLECT;
}
void stop(void) { CALLGRIND_TOGGLE_COLLECT; CALLGRIND_STOP_INSTRUMENTATION; }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="+", choices=sorted(PAGES))
    parser.add_argument("--keep", required=True, help="bench/run.py --keep DIR (its database)")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--inside", help=argparse.SUPPRESS)  # the run under valgrind
    args = parser.parse_args()
    if args.inside:
        measure(args, Path(args.inside))
        return
    work = Path(tempfile.mkdtemp(prefix="storyhub-instructions-"))
    helper = work / "callgrind_toggle.so"
    source = work / "callgrind_toggle.c"
    source.write_text(HELPER)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", helper, source], check=True)
    for page in args.pages:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
             f"--callgrind-out-file={work}/callgrind.%p", sys.executable, __file__, page,
             "--keep", args.keep, "--requests", str(args.requests), "--inside", str(helper)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        collected = re.search(r"Collected : ([\d,]+)", done.stderr)
        if not collected:
            sys.exit(f"valgrind printed no count:\n{done.stderr[-2000:]}")
        count = int(collected.group(1).replace(",", ""))
        path = done.stdout.strip().splitlines()[-1]
        print(f"{page} {path}: {count / args.requests / 1e6:.2f} M instructions per request "
              f"({args.requests} requests)", flush=True)  # fmt: skip


def measure(args: argparse.Namespace, helper: Path) -> None:
    database = Path(args.keep) / "bench.sqlite3"
    os.environ.update({
        "STORYHUB_CONFIG": "production", "PUBLIC_URL": "http://127.0.0.1:8000",
        "SECRET_KEY": "instructions" * 4, "DATABASE_URL": f"sqlite:///{database}",
        "STORYHUB_INSTANCE": args.keep,
    })  # fmt: skip
    sys.path.insert(0, str(ROOT))
    from storyhub import create_app

    app = create_app()
    (page,) = args.pages
    path = PAGES[page] or story_path(app, database)
    counter = ctypes.CDLL(str(helper))

    def call(n: int) -> None:
        answer: list[str] = []
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": f"v={n}",
            "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False, "wsgi.version": (1, 0),
        }  # fmt: skip
        b"".join(app(environ, lambda status, _headers, _exc=None: answer.append(status)))
        assert answer[0].startswith("200"), answer

    for n in range(30):
        call(n)
    counter.start()
    for n in range(args.requests):
        call(1000 + n)
    counter.stop()
    print(path)


def story_path(app: object, database: Path) -> str:
    import sqlalchemy as sa
    from werkzeug.test import Client

    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        story_id = connection.scalar(
            sa.text("SELECT id FROM stories WHERE status = 'published' ORDER BY id DESC LIMIT 1")
        )
    engine.dispose()
    answer = Client(app).get(f"/stories/{story_id}", base_url="http://127.0.0.1:8000")  # type: ignore[arg-type]
    return answer.headers["Location"].removeprefix("http://127.0.0.1:8000")


if __name__ == "__main__":
    main()
