"""Benchmark storyhub under gunicorn with wrk; print requests/s, latency and ratios.

    .venv/bin/python bench/run.py --db sqlite --stories 1000
    .venv/bin/python bench/run.py --db postgresql --stories 100000 --duration 15
    .venv/bin/python bench/run.py --stories 1000000 --keep /tmp/storyhub-1m   # kept for reruns
    .venv/bin/python bench/run.py --crawl --stories 100000 --keep /tmp/storyhub-100k

Each run builds a fresh database (SQLite file, or a PostgreSQL schema), loads the demo and
N synthetic stories, starts gunicorn with the production config, measures every target with
wrk, and appends a table to bench/RESULTS.md. The baseline is a bare Flask hello-world
(bench/hello.py) under the same gunicorn settings, measured in the same run: every figure is
shown as a ratio to it (and to /healthz, storyhub's own cheapest route), so results compare
across machines. The `hit-ratio` target warms the page cache with a crawl-like URL list, then
replays a mixed workload (a crawler walking the list, readers favouring popular pages) while a
story is published every 5 seconds, and reports the share of answers served from the cache.
With --crawl, wrk walks a few thousand distinct public URLs instead (bench/crawl.py), directly
against gunicorn and through nginx (deploy/run-local), and the slowest URLs are named.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "report.lua"
RESULTS = ROOT / "bench" / "RESULTS.md"
DIAGNOSIS = "/diagnoses/systemic-sclerosis"
TARGETS = ("hello", "healthz", "topic", "topic-cached", "diagnosis", "diagnosis-cached",
           "story-uncached", "story", "search", "topic-1", "diagnosis-1", "submit",
           "hit-ratio")  # fmt: skip
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
def gunicorn(
    env: dict[str, str], port: int, args: argparse.Namespace, app: str = "wsgi:app",
    ready: str = "/healthz",
):  # fmt: skip
    """gunicorn with the production settings (storyhub/gunicorn_conf.py); flags override."""
    overrides = []
    for flag, value in (("--workers", args.workers), ("--threads", args.threads),
                        ("--worker-class", args.worker_class)):  # fmt: skip
        if value:
            overrides += [flag, str(value)]
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:storyhub.gunicorn_conf", *overrides,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--pythonpath", "bench", app],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if get(port, ready)[0] == 200:
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
    return submission_form(page, headers.get("Set-Cookie", ""))


def submission_form(page: str, set_cookie: str) -> tuple[str, str]:
    """The story form to POST (with KEYPLACEHOLDER where each request puts its submission
    key) and the session cookie, from the form page and its Set-Cookie header."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    cookie = set_cookie.split(";", 1)[0]
    form = urllib.parse.urlencode({
        "csrf_token": token, "submission_key": "benchmarkKEYPLACEHOLDER", "author_name": "B.M.",
        "relation": "self", "country": "IT", "language": "en", "diagnoses": "morphea",
        "title": "Benchmark story", "consent_publish": "y",
        "body": "A benchmark story, long enough to pass every rule of the form.",
    })  # fmt: skip
    return form, cookie


def workers_cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's worker processes (the master's children)."""
    total = 0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a worker that just exited
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


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
    parser.add_argument("--hit-urls", type=int, default=1500, help="hit-ratio: distinct URLs")
    parser.add_argument("--hit-seconds", type=int, default=40, help="hit-ratio: workload time")
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
        chosen = args.targets.split(",")
        if "hello" in chosen:
            hello_port = free_port()
            with gunicorn(env, hello_port, args, app="hello:app", ready="/"):
                wrk(hello_port, "/", 2, args.connections)  # warm up, as below
                rows.append(("baseline: Flask hello-world", measure(args, hello_port, "/", {})))
        hits = None
        with gunicorn(env, port, args) as server:
            story_path = canonical_story_path(port, url)
            targets = {
                "healthz": ("/healthz (no database, no template)", "/healthz", {}),
                # A new query string per request defeats any URL-keyed cache: the uncached cost.
                "topic": ("topic page, uncached", "/topics/calcinosis", {"VARY_QUERY": "1"}),
                "topic-cached": ("topic page, cached", "/topics/calcinosis", {}),
                "diagnosis": ("diagnosis page, uncached", DIAGNOSIS, {"VARY_QUERY": "1"}),
                "diagnosis-cached": ("diagnosis page, cached", DIAGNOSIS, {}),
                "story-uncached": ("story page, uncached", story_path, {"VARY_QUERY": "1"}),
                "story": ("story page, cached", story_path, {}),
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
            # Warm up: imports, first connections, SQLite's page cache.
            wrk(port, "/healthz", 2, args.connections)
            for name, (label, path, extra) in targets.items():
                if name in chosen:
                    rows.append((label, measure(args, port, path, extra)))
            accepted = stored = 0
            if "submit" in chosen:
                form, cookie = submission_template(port)
                # Warm up as for the pages (templates, form catalogues); not counted.
                wrk(port, "/submit", 1, args.connections,
                    {"POST_BODY_TEMPLATE": form, "BENCH_COOKIE": cookie})  # fmt: skip
                before = count_benchmark_stories(url)
                cpu_before = workers_cpu_seconds(server.pid)
                post = measure(args, port, "/submit",
                               {"POST_BODY_TEMPLATE": form, "BENCH_COOKIE": cookie})  # fmt: skip
                cpu = workers_cpu_seconds(server.pid) - cpu_before
                post["cpu_ms"] = cpu / max(post["requests_all"], 1) * 1000
                stored = count_benchmark_stories(url) - before
                accepted = post["accepted"]
                rows.append(("POST /submit", post))
            if "hit-ratio" in chosen:
                hits = hit_ratio(args, env, url, port)
    report(args, rows, accepted, stored, hit_ratio_lines(hits) if hits else None)


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


class Publisher:
    """Publishes stories through the app's own ORM session (so the page cache's flush hook
    sees them, as it sees a moderator's approval): each a copy of a random public story
    (same language, country, diagnoses and topics)."""

    def __init__(self, env: dict[str, str]) -> None:
        sys.path.insert(0, str(ROOT))
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            from storyhub import create_app

            self.app = create_app()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.rng = random.Random(5)
        self.ids: list[int] = []

    def publish(self) -> None:
        from storyhub.extensions import db
        from storyhub.models import Story, StoryStatus

        with self.app.app_context():
            if not self.ids:
                self.ids = list(db.session.scalars(
                    sa.select(Story.id).where(Story.status == StoryStatus.PUBLISHED,
                                              Story.translation_of_id.is_(None),
                                              Story.update_of_id.is_(None))
                ))  # fmt: skip
            source = db.session.get(Story, self.rng.choice(self.ids))
            copy = Story(
                title=f"{source.title} (again)", body_text=source.body_text,
                body_html=source.body_html, excerpt=source.excerpt,
                author_name=source.author_name, country=source.country,
                language=source.language, diagnoses=list(source.diagnoses),
                topics=list(source.topics), status=StoryStatus.PUBLISHED,
                published_at=datetime.now(UTC),
            )  # fmt: skip
            db.session.add(copy)
            db.session.commit()

    def every(self, seconds: float, stop: threading.Event, count: list[int]) -> None:
        while not stop.wait(seconds):
            self.publish()
            count.append(1)


def hit_ratio(args: argparse.Namespace, env: dict[str, str], url: str, port: int) -> dict:
    """Warm the cache with a crawl-like list of distinct public URLs, then replay a mixed
    workload over it for --hit-seconds while a story is published every 5 s: half the requests
    walk the list in order (a crawler), half pick pages by popularity (rank r with weight
    1/r: readers). Counts X-Cache answers; URLs the cache never keeps (a query parameter the
    view ignores, redirects) are counted apart, since no invalidation scheme could hit them."""
    import crawl

    paths = crawl.crawl_paths(port, url, args.hit_urls)
    popular = ["/", "/stories/", "/topics/", "/diagnoses/"] + [p for p in paths if "?" not in p]
    # Without Redis each worker keeps its own pages, and a URL reaches a worker at random:
    # passes over the list until one adds (almost) no hits to the one before.
    cacheable: set[str] = set()
    previous = -1
    for _round in range(8):
        answers = _fetch_all(port, paths, 8)
        cacheable = {p for p, cache in answers if cache == "hit"}
        if len(cacheable) <= previous * 1.01 and _round >= 2:
            break
        previous = len(cacheable)
    publisher = Publisher(env)
    stop = threading.Event()
    moments: list[int] = []
    thread = threading.Thread(target=publisher.every, args=(5, stop, moments), daemon=True)
    thread.start()
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(popular))]
    deadline = time.monotonic() + args.hit_seconds
    walk = iter(paths * 1000)

    def pick() -> str | None:
        if time.monotonic() > deadline:
            return None
        return next(walk) if rng.random() < 0.5 else rng.choices(popular, weights)[0]

    started = time.monotonic()
    answers = _fetch_all(port, pick, 8)
    elapsed = time.monotonic() - started
    stop.set()
    thread.join(timeout=60)
    kept = [(p, cache) for p, cache in answers if p in cacheable]
    # Independent of the machine's speed: how many of the cached pages one publish makes
    # stale. After each publish, every cacheable URL once (with Redis one pass re-fills the
    # shared store; without it a worker may still hold a page the other re-made).
    _fetch_all(port, sorted(cacheable), 8)
    stale = []
    for _publish in range(3):
        publisher.publish()
        answers_after = _fetch_all(port, sorted(cacheable), 8)
        stale.append(sum(cache != "hit" for _p, cache in answers_after))
    return {
        "urls": len(paths),
        "cacheable": len(cacheable),
        "requests": len(answers),
        "hits": sum(cache == "hit" for _p, cache in answers),
        "kept_requests": len(kept),
        "kept_hits": sum(cache == "hit" for _p, cache in kept),
        "publishes": len(moments),
        "seconds": args.hit_seconds,
        "rps": len(answers) / elapsed,
        "stale": stale,
    }


def _fetch_all(port: int, source: list[str] | Any, threads: int) -> list[tuple[str, str]]:
    """GET every path (a list, or a function giving the next one until None) with `threads`
    clients at once: (path, X-Cache or "" for answers that never come from the cache)."""
    lock = threading.Lock()
    queue = iter(source) if isinstance(source, list) else iter(source, None)
    answers: list[tuple[str, str]] = []

    def client() -> None:
        while True:
            with lock:
                path = next(queue, None)
            if path is None:
                return
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                cache = response.getheader("X-Cache") or ""
            except OSError:
                cache = "error"
            with lock:
                answers.append((path, cache))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


def hit_ratio_lines(hits: dict) -> list[str]:
    overall = hits["hits"] / max(hits["requests"], 1)
    kept = hits["kept_hits"] / max(hits["kept_requests"], 1)
    return [
        "",
        f"Page-cache hit ratio, mixed crawl-like workload ({hits['urls']:,} distinct URLs, "
        f"{hits['cacheable']:,} of them kept by the cache; half the requests walk the list, "
        f"half pick by popularity; 8 clients; {hits['seconds']} s; {hits['publishes']} stories "
        f"published, one every 5 s): **{kept:.3f}** of {hits['kept_requests']:,} requests to "
        f"cacheable URLs were hits; {overall:.3f} of all {hits['requests']:,} requests "
        "(the rest are URLs with a parameter the page ignores, or redirects: never stored); "
        f"{hits['rps']:.0f} requests/s. The ratio grows with traffic: a publish makes a fixed "
        f"set of pages stale. Pages one publish made stale, of the {hits['cacheable']:,} "
        f"cached: {', '.join(str(n) for n in hits['stale'])} (three publishes; "
        f"{sum(hits['stale']) / len(hits['stale']) / max(hits['cacheable'], 1):.1%} on "
        "average; the one-generation cache made all of them stale).",
    ]


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
    median["requests_all"] = sum(run["requests"] for run in runs)
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
    healthz = next((r["rps"] for label, r in rows if label.startswith("/healthz")), None)
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
        "| target | requests/s | × hello-world | × /healthz | p50 ms | p95 ms | p99 ms "
        "| non-2xx/3xx | rounds (requests/s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, result in rows:
        bad = sum(n for code, n in result["statuses"].items() if not code.startswith(("2", "3")))
        ratio = f"{result['rps'] / baseline:.3f}×" if baseline else "–"
        to_healthz = f"{result['rps'] / healthz:.3f}×" if healthz else "–"
        lines.append(
            f"| {label} | {result['rps']:,.0f} | {ratio} | {to_healthz} | {result['p50_ms']:.1f} | "
            f"{result['p95_ms']:.1f} | {result['p99_ms']:.1f} | {bad + result['errors']} | "
            f"{' / '.join(f'{r:,}' for r in result['rounds'])} |"
        )
    for label, result in rows:
        if label != "POST /submit":
            continue
        lost = "none lost" if stored >= accepted else f"{accepted - stored} LOST"
        # CPU time is what a shared machine cannot take away: requests/s fall when other work
        # runs on the same cores, the CPU each request costs does not.
        lines += ["", f"Submissions (all rounds): {accepted:,} success pages, {stored:,} rows "
                  f"stored ({lost}); the gunicorn workers used {result['cpu_ms']:.2f} ms of CPU "
                  "per POST (user + system, from /proc).", ""]  # fmt: skip
    text = "\n".join(lines + (extra or []))
    print("\n" + text)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
