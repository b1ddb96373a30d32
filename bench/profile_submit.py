"""CPU per POST /submit in one process, and where it goes (cProfile).

    .venv/bin/python bench/profile_submit.py --database /tmp/bench-1k/bench.sqlite3
    .venv/bin/python bench/profile_submit.py --database DB --profile 200 --top 40

The app is made as bench/run.py's gunicorn makes it (STORYHUB_CONFIG=production, CSRF, the
rate limiter in memory with a limit no run reaches, the page cache on): the same form, CSRF
token and session cookie are POSTed again and again, each with its own submission key, like
bench/run.py's wrk workload. The database is a copy of the one given (a `bench/run.py --keep`
database, or any migrated one with the demo loaded), so runs do not grow it. Each round
times `--posts` submissions back to back with `time.process_time()` (CPU of this process,
the database engine's included: SQLite runs in-process); the best and the median round are
printed. `--profile N` then profiles N more and prints the functions with the most
cumulative time. Every answer must be the receipt with its private link, and afterwards the
rows stored are counted against the receipts.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import run  # noqa: E402  (bench/run.py: the same form the gunicorn benchmark posts)

PUBLIC_URL = "http://127.0.0.1:8000"


def make_app(database: Path, instance: Path):  # type: ignore[no-untyped-def]
    os.environ.update({
        "STORYHUB_CONFIG": "production", "PUBLIC_URL": PUBLIC_URL,
        "SECRET_KEY": secrets.token_urlsafe(32), "DATABASE_URL": f"sqlite:///{database}",
        "STORYHUB_INSTANCE": str(instance), "SUBMIT_RATE_LIMIT": "100000000 per second",
    })  # fmt: skip
    from storyhub import create_app

    return create_app()


def template(client) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The form body (with KEYPLACEHOLDER for the submission key) and the session cookie, as
    bench/run.py's submission_template gets them."""
    response = client.get("/submit", base_url=PUBLIC_URL)
    return run.submission_form(response.get_data(as_text=True), response.headers["Set-Cookie"])


def benchmark_stories(database: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        query = "SELECT count(*) FROM stories WHERE title = 'Benchmark story'"
        count = connection.scalar(sa.text(query))
    engine.dispose()
    return int(count or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="copied, never changed")
    parser.add_argument("--posts", type=int, default=200, help="submissions per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--dump", type=Path, help="write the profile's stats to this file")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="storyhub-profile-submit-"))
    database = folder / "bench.sqlite3"
    shutil.copy(args.database, database)
    before = benchmark_stories(database)
    app = make_app(database, folder)
    client = app.test_client(use_cookies=False)
    form, cookie = template(app.test_client())
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    counter = iter(range(10**9))
    receipts = 0

    def post() -> None:
        nonlocal receipts
        body = form.replace("KEYPLACEHOLDER", f"{os.getpid()}x{next(counter)}")
        response = client.post("/submit", data=body, headers=headers, base_url=PUBLIC_URL)
        if response.status_code != 200 or b'class="manage-link"' not in response.data:
            sys.exit(f"not a receipt: {response.status_code}\n{response.get_data(True)[:2000]}")
        receipts += 1

    for _ in range(20):  # warm up: imports, the per-variant receipt page, caches
        post()
    figures = []
    for _ in range(args.rounds):
        started = time.process_time()
        for _ in range(args.posts):
            post()
        figures.append((time.process_time() - started) / args.posts * 1000)
    figures.sort()
    print(f"CPU per POST /submit, one process: best {figures[0]:.2f} ms, median "
          f"{figures[len(figures) // 2]:.2f} ms ({args.rounds} rounds of {args.posts}; "
          f"rounds: {' / '.join(f'{f:.2f}' for f in figures)}); load average "
          f"{' / '.join(f'{n:.1f}' for n in os.getloadavg())}")  # fmt: skip
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.profile):
            post()
        profile.disable()
        if args.dump:
            profile.dump_stats(args.dump)
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
    stored = benchmark_stories(database) - before
    print(f"{receipts} receipts, {stored} stories stored")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
