"""Benchmark storyhub under gunicorn with wrk; print requests/s, latency and ratios.

    .venv/bin/python bench/run.py --db sqlite --stories 1000
    .venv/bin/python bench/run.py --db postgresql --stories 100000 --duration 15
    .venv/bin/python bench/run.py --stories 1000000 --keep /tmp/storyhub-1m   # kept for reruns
    .venv/bin/python bench/run.py --crawl --stories 100000 --keep /tmp/storyhub-100k

Each run builds a fresh database (SQLite file, or a PostgreSQL schema), loads the demo and
N synthetic stories, starts gunicorn with the production config, measures every target with
wrk, and appends a table to bench/RESULTS.md. The baseline is /healthz (no database, no
template): every other figure is shown as a ratio to it, so results compare across machines.
With --crawl, wrk walks a few thousand distinct public URLs instead (bench/crawl.py), directly
against gunicorn and through nginx (deploy/run-local), and the slowest URLs are named.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "report.lua"
RESULTS = ROOT / "bench" / "RESULTS.md"
DIAGNOSIS = "/diagnoses/systemic-sclerosis"
TARGETS = ("healthz", "topic", "topic-cached", "diagnosis", "diagnosis-cached", "story",
           "story-uncached", "search", "topic-1", "diagnosis-1", "submit")  # fmt: skip
LOAD_BEFORE = os.getloadavg()  # 1, 5, 15 minutes: the machine is shared
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database(kind: str, workdir: Path):
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    schema = f"bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def flask(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


@contextmanager
def gunicorn(env: dict[str, str], port: int, args: argparse.Namespace):
    """gunicorn with the production settings (storyhub/gunicorn_conf.py); flags override."""
    overrides = []
    for flag, value in (("--workers", args.workers), ("--threads", args.threads),
                        ("--worker-class", args.worker_class)):  # fmt: skip
        if value:
            overrides += [flag, str(value)]
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:storyhub.gunicorn_conf", *overrides,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if get(port, "/healthz")[0] == 200:
                break
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    except OSError:
        return 0, {}, ""


def wrk(
    port: int, path: str, seconds: int, connections: int, extra_env: dict | None = None
) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
               "-s", str(LUA), f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    nonce = {"RUN_NONCE": secrets.token_hex(6)}
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            env={**os.environ, **nonce, **(extra_env or {})}).stdout  # fmt: skip
    match = re.search(r"^RESULT (.*)$", output, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    return json.loads(match.group(1))


def submission_template(port: int) -> tuple[str, str]:
    """A valid story form (CSRF token + its session cookie) for wrk to POST again and again."""
    _status, headers, page = get(port, "/submit")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    form = urllib.parse.urlencode({
        "csrf_token": token, "submission_key": "benchmarkKEYPLACEHOLDER", "author_name": "B.M.",
        "relation": "self", "country": "IT", "language": "en", "diagnoses": "morphea",
        "title": "Benchmark story", "consent_publish": "y",
        "body": "A benchmark story, long enough to pass every rule of the form.",
    })  # fmt: skip
    return form, cookie


def count_benchmark_stories(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            sa.text("SELECT count(*) FROM stories WHERE title = 'Benchmark story'")
        )
    engine.dispose()
    return int(count or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per target (median kept)")
    parser.add_argument("--workers", type=int, help="default: the production config's")
    parser.add_argument("--threads", type=int, help="default: the production config's")
    parser.add_argument("--worker-class", help="sync or gthread; default: the production config's")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated, of: "
                        + ", ".join(TARGETS))  # fmt: skip
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument(
        "--keep", metavar="DIR", help="SQLite: keep the database in DIR and use it again in later "
        "runs with the same --stories (a million stories take minutes to generate)",
    )  # fmt: skip
    parser.add_argument(
        "--crawl",
        action="store_true",
        help="wrk over --crawl-urls distinct "
        "public URLs, direct to gunicorn and through deploy/run-local (nginx)",
    )
    parser.add_argument("--crawl-urls", type=int, default=3000)
    parser.add_argument(
        "--crawl-timing-budget",
        type=int,
        default=240,
        help="seconds for fetching each distinct URL once, alone",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    if args.keep and args.db != "sqlite":
        sys.exit("--keep is for SQLite (a PostgreSQL schema is made for each run)")
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="storyhub-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    with database(args.db, workdir) as url:
        port = free_port()
        env = {
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "PATH": os.environ["PATH"], "STORYHUB_CONFIG": "production",
            "SECRET_KEY": secrets.token_urlsafe(32), "DATABASE_URL": url,
            "STORYHUB_INSTANCE": str(workdir), "SUBMIT_RATE_LIMIT": "100000000 per second",
        }  # fmt: skip
        if args.redis:
            env["REDIS_URL"] = args.redis
        flask(["db", "upgrade"], env)
        loaded = workdir / f"holds-{args.stories}-stories"
        if not loaded.exists():
            flask(["demo", "load"], env)
            print(flask(["demo", "generate", "--stories", str(args.stories)], env), flush=True)
            if args.keep:
                loaded.touch()
        if args.crawl:
            run_crawl(args, env, url, port, workdir)
            return
        rows = []
        with gunicorn(env, port, args):
            story_path = canonical_story_path(port, url)
            targets = {
                "healthz": ("baseline /healthz", "/healthz", {}),
                # A new query string per request defeats any URL-keyed cache: the uncached cost.
                "topic": ("topic page, uncached", "/topics/calcinosis", {"VARY_QUERY": "1"}),
                "topic-cached": ("topic page, cached", "/topics/calcinosis", {}),
                "diagnosis": ("diagnosis page, uncached", DIAGNOSIS, {"VARY_QUERY": "1"}),
                "diagnosis-cached": ("diagnosis page, cached", DIAGNOSIS, {}),
                "story": ("story page, cached", story_path, {}),
                "story-uncached": ("story page, uncached", story_path, {"VARY_QUERY": "1"}),
                "search": ("search, uncached", "/search?q=gloves", {"VARY_QUERY": "1"}),
                # One connection: the latency of one uncached page, not the queue in front of it
                # (the figures compared across 1k, 100k and 1M stories).
                "topic-1": (
                    "topic page, uncached, 1 connection",
                    "/topics/calcinosis",
                    {"VARY_QUERY": "1", "CONNECTIONS": 1},
                ),
                "diagnosis-1": (
                    "diagnosis page, uncached, 1 connection",
                    DIAGNOSIS,
                    {"VARY_QUERY": "1", "CONNECTIONS": 1},
                ),
            }
            chosen = args.targets.split(",")
            # Warm up: imports, first connections, SQLite's page cache.
            wrk(port, "/healthz", 2, args.connections)
            for name, (label, path, extra) in targets.items():
                if name in chosen:
                    rows.append((label, measure(args, port, path, extra)))
            accepted = stored = 0
            if "submit" in chosen:
                before = count_benchmark_stories(url)
                form, cookie = submission_template(port)
                post = measure(args, port, "/submit",
                               {"POST_BODY_TEMPLATE": form, "BENCH_COOKIE": cookie})  # fmt: skip
                stored = count_benchmark_stories(url) - before
                accepted = post["accepted"]
                rows.append(("POST /submit", post))
    report(args, rows, accepted, stored)


def run_crawl(
    args: argparse.Namespace, env: dict[str, str], url: str, port: int, workdir: Path
) -> None:
    """wrk over the crawl list, direct to gunicorn, then through nginx (deploy/run-local)."""
    import crawl

    rows: list[tuple[str, dict]] = []
    list_file = workdir / "crawl-urls.txt"
    with gunicorn(env, port, args):
        paths = crawl.crawl_paths(port, url, args.crawl_urls)
        list_file.write_text("\n".join(paths) + "\n")
        print(f"crawl: {len(paths)} distinct URLs in {list_file}", flush=True)
        # Each URL once, alone, before any crawl warmed the app's cache for it.
        slowest, timed = crawl.time_each(port, paths, args.crawl_timing_budget)
        runs = [crawl.wrk_crawl(port, list_file, args.duration, args.connections)
                for _ in range(args.rounds)]  # fmt: skip
        rows.append(("crawl, direct to gunicorn", _median(runs)))
    nginx_port = free_port()
    with crawl.run_local(env, nginx_port, workdir / f"run-local-{crawl.nonce()}"):
        runs = [crawl.wrk_crawl(nginx_port, list_file, args.duration, args.connections)
                for _ in range(args.rounds)]  # fmt: skip
        rows.append(("crawl, through nginx (deploy/run-local)", _median(runs)))
    statuses: dict[int, int] = {}
    for _ms, status, _path in slowest:
        statuses[status] = statuses.get(status, 0) + 1
    extra = [
        "",
        f"{len(paths):,} distinct URLs; each fetched once, alone, before the crawl "
        f"({timed:,} in the {args.crawl_timing_budget} s budget; statuses "
        + ", ".join(f"{code}: {n:,}" for code, n in sorted(statuses.items()))
        + f"; median {sorted(ms for ms, _s, _p in slowest)[len(slowest) // 2]:.0f} ms). "
        "The slowest:",
        "",
        "| ms | status | URL |",
        "| ---: | ---: | --- |",
        *(f"| {ms:,.0f} | {status} | `{path}` |" for ms, status, path in slowest[:10]),
    ]
    report(args, rows, 0, 0, extra)


def _median(runs: list[dict]) -> dict:
    median = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    median["rounds"] = [round(run["rps"]) for run in runs]
    return median


def measure(args: argparse.Namespace, port: int, path: str, extra: dict) -> dict:
    """Run wrk `--rounds` times and keep the median round by requests/s. A round's figure can
    swing when the kernel hands most of wrk's kept-alive connections to one worker; the median
    of several rounds is steadier than one long run."""
    connections = extra.pop("CONNECTIONS", args.connections)
    runs = [wrk(port, path, args.duration, connections, extra) for _ in range(args.rounds)]
    median = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    median["accepted"] = sum(run["receipts"] for run in runs)
    median["rounds"] = [round(run["rps"]) for run in runs]
    return median


def canonical_story_path(port: int, url: str) -> str:
    """The newest story's canonical URL (/stories/<id>-<slug>), not the 301 that leads there."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        query = "SELECT id FROM stories WHERE status = 'published' ORDER BY id DESC LIMIT 1"
        story_id = connection.scalar(sa.text(query))
    engine.dispose()
    status, headers, _ = get(port, f"/stories/{story_id}")
    return (
        urllib.parse.urlsplit(headers["Location"]).path if status == 301 else f"/stories/{story_id}"
    )


def commit() -> str:
    """The code measured: the commit, marked when the work tree differs from it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "storyhub", "templates"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()  # fmt: skip
    return f"{head or 'unknown'}{' (modified)' if dirty else ''}"


def server_label(args: argparse.Namespace) -> str:
    sys.path.insert(0, str(ROOT))
    from storyhub import gunicorn_conf as production

    worker_class = args.worker_class or production.worker_class
    workers = args.workers or production.workers
    threads = args.threads or production.threads
    if worker_class == "sync":
        return f"gunicorn {workers} sync workers"
    return f"gunicorn {workers} {worker_class} workers × {threads} threads"


def report(
    args: argparse.Namespace,
    rows: list[tuple[str, dict]],
    accepted: int,
    stored: int,
    extra: list[str] | None = None,
) -> None:
    baseline = rows[0][1]["rps"] if rows and rows[0][0].startswith("baseline") else None
    lines = [
        f"### {args.db}, {args.stories:,} stories — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"commit {commit()} · "
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{server_label(args)} · wrk 2 threads, {args.connections} connections, "
        f"{args.rounds} × {args.duration} s per target (median round shown) · "
        f"load average before {' / '.join(f'{n:.1f}' for n in LOAD_BEFORE)}"
        + (" · Redis" if args.redis else ""),
        "",
        "| target | requests/s | ratio to baseline | p50 ms | p95 ms | p99 ms | non-2xx/3xx "
        "| rounds (requests/s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, result in rows:
        bad = sum(n for code, n in result["statuses"].items() if not code.startswith(("2", "3")))
        ratio = f"{result['rps'] / baseline:.2f}×" if baseline else "–"
        lines.append(
            f"| {label} | {result['rps']:,.0f} | {ratio} | {result['p50_ms']:.1f} | "
            f"{result['p95_ms']:.1f} | {result['p99_ms']:.1f} | {bad + result['errors']} | "
            f"{' / '.join(f'{r:,}' for r in result['rounds'])} |"
        )
    if any(label == "POST /submit" for label, _result in rows):
        lost = "none lost" if stored >= accepted else f"{accepted - stored} LOST"
        lines += ["", f"Submissions (all rounds): {accepted:,} success pages, {stored:,} rows "
                  f"stored ({lost}).", ""]  # fmt: skip
    text = "\n".join(lines + (extra or []))
    print("\n" + text)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
