"""`bench/run.py --crawl`: wrk over thousands of distinct public URLs, as a crawler sends them.

The URL list is what a crawler finds: the sitemap index and every sitemap, story pages by their
canonical URLs (read from the sitemaps), topic, diagnosis and story listings with language and
country filters and keyset cursors, old `?page=N` links, searches, Atom feeds, the JSON API.
wrk walks the list (bench/crawl.lua), each thread from its own place; every distinct URL is
also fetched once, alone, before the crawl (the app's page cache cold for it) to name the
slowest.
"""

from __future__ import annotations

import base64
import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "crawl.lua"


def _cursor(published_at: datetime | str, story_id: int) -> str:
    """The listing cursor the app makes for this story (catalog.Cursor.encode)."""
    moment = datetime.fromisoformat(str(published_at))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    raw = f"{moment.isoformat()}|{story_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _fetch(port: int, path: str, timeout: float = 120) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Language": "en"})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def _locs(xml: str) -> list[str]:
    return [urllib.parse.urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


def crawl_paths(port: int, database_url: str, count: int, seed: int = 13) -> list[str]:
    """About `count` distinct public paths, in a shuffled order."""
    rng = random.Random(seed)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:

        def rows(query: str) -> list[tuple]:
            return [tuple(row) for row in connection.execute(sa.text(query))]

        diagnoses = [row[0] for row in rows("SELECT slug FROM diagnoses")]
        topics = [row[0] for row in rows("SELECT slug FROM topics")]
        languages = [row[0] for row in rows("SELECT DISTINCT language FROM stories")]
        countries = [row[0] for row in rows(
            "SELECT DISTINCT country FROM stories WHERE country IS NOT NULL")]  # fmt: skip
        public = "status = 'published' AND published_at IS NOT NULL"
        positions = rows(f"SELECT published_at, id FROM stories WHERE {public} "
                         f"ORDER BY random() LIMIT {count}")  # fmt: skip
        titles = [row[0] for row in rows(
            f"SELECT title FROM stories WHERE {public} ORDER BY random() LIMIT 200")]  # fmt: skip
    engine.dispose()
    cursors = [_cursor(moment, story_id) for moment, story_id in positions]
    story_ids = [story_id for _moment, story_id in positions]
    words = sorted({w.lower() for t in titles for w in re.findall(r"[^\W\d_]{5,}", t)})

    status, index = _fetch(port, "/sitemap.xml")
    if status != 200:
        raise RuntimeError(f"/sitemap.xml answered {status}")
    sitemaps = _locs(index)
    story_pages: list[str] = []
    for sitemap in rng.sample(sitemaps, min(4, len(sitemaps))):
        story_pages += [p for p in _locs(_fetch(port, sitemap)[1]) if p.startswith("/stories/")]

    story_pages = story_pages or [f"/stories/{story_id}" for story_id in story_ids]
    paths: set[str] = {"/", "/stories/", "/topics/", "/diagnoses/", "/search", "/robots.txt",
                       "/sitemap.xml", "/feeds/stories.atom", "/api/v1/", "/api/v1/stories",
                       "/api/v1/diagnoses", "/api/v1/topics", "/api/v1/openapi.json",
                       *sitemaps}  # fmt: skip
    for slug in diagnoses:
        paths |= {f"/diagnoses/{slug}", f"/feeds/diagnoses/{slug}.atom"}
    for slug in topics:
        paths |= {f"/topics/{slug}", f"/feeds/topics/{slug}.atom"}
    for tag in languages:
        paths.add(f"/languages/{tag}")

    def query(**args: str) -> str:
        return urllib.parse.urlencode({k: v for k, v in args.items() if v})

    def maybe(choices: list[str], chance: float) -> str:
        return rng.choice(choices) if choices and rng.random() < chance else ""

    makers = [
        # story pages, canonical (from the sitemaps), and the API's copy
        (40, lambda: rng.choice(story_pages)),
        (5, lambda: f"/api/v1/stories/{rng.choice(story_ids)}"),
        # topic and diagnosis pages, filtered and paged by cursor
        (
            10,
            lambda: (
                f"/topics/{rng.choice(topics)}?"
                + query(
                    language=maybe(languages, 0.4),
                    country=maybe(countries, 0.3),
                    after=maybe(cursors, 0.7),
                )
            ),
        ),
        (
            10,
            lambda: (
                f"/diagnoses/{rng.choice(diagnoses)}?"
                + query(
                    language=maybe(languages, 0.4),
                    country=maybe(countries, 0.3),
                    after=maybe(cursors, 0.7),
                )
            ),
        ),
        # the story listing with language, country, diagnosis and topic filters
        (
            15,
            lambda: (
                "/stories/?"
                + query(
                    language=maybe(languages, 0.5),
                    country=maybe(countries, 0.5),
                    diagnosis=maybe(diagnoses, 0.3),
                    topic=maybe(topics, 0.2),
                    after=maybe(cursors, 0.7),
                )
            ),
        ),
        (
            2,
            lambda: (
                "/stories/?" + query(page=str(rng.randint(2, 10)), language=maybe(languages, 0.3))
            ),
        ),
        # searches, some filtered or on their second page
        (
            10,
            lambda: (
                "/search?"
                + query(
                    q=rng.choice(words), language=maybe(languages, 0.2), page=maybe(["2", "3"], 0.2)
                )
            ),
        ),
        (
            3,
            lambda: (
                "/api/v1/stories?"
                + query(
                    diagnosis=maybe(diagnoses, 0.5),
                    language=maybe(languages, 0.3),
                    after=maybe(cursors, 0.5),
                )
            ),
        ),
    ]
    weights = [weight for weight, _make in makers]
    attempts = 0
    while len(paths) < count and attempts < count * 20:
        attempts += 1
        path = rng.choices([make for _w, make in makers], weights)[0]()
        paths.add(path.rstrip("?"))
    ordered = sorted(paths)
    rng.shuffle(ordered)
    return ordered


def time_each(port: int, paths: list[str], budget_seconds: float) -> tuple[list[tuple], int]:
    """Fetch each path once, alone: (milliseconds, status, path), slowest first, and how
    many paths were timed before the budget ran out."""
    timed = []
    deadline = time.monotonic() + budget_seconds
    for path in paths:
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        try:
            status, _body = _fetch(port, path)
        except OSError:
            status = 0
        timed.append(((time.perf_counter() - start) * 1000, status, path))
    return sorted(timed, reverse=True), len(timed)


def wrk_crawl(port: int, list_file: Path, seconds: int, connections: int) -> dict:
    import json

    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", str(LUA), f"http://127.0.0.1:{port}/"]  # fmt: skip
    env = {**os.environ, "CRAWL_URLS": str(list_file), "CRAWL_THREADS": str(threads)}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    match = re.search(r"^RESULT (.*)$", output, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    return json.loads(match.group(1))


@contextmanager
def run_local(env: dict[str, str], port: int, state_dir: Path) -> Iterator[None]:
    """deploy/run-local (nginx → gunicorn, outbox sender) on `port`, until the block ends."""
    stack_env = {**env, "PORT": str(port), "RUN_LOCAL_DIR": str(state_dir),
                 "PUBLIC_URL": f"http://127.0.0.1:{port}", "OUTBOX_INTERVAL": "3600",
                 "BIND": f"127.0.0.1:{_free_port()}"}  # fmt: skip
    log = (state_dir.parent / "run-local.log").open("w")
    process = subprocess.Popen([str(ROOT / "deploy" / "run-local")], cwd=ROOT, env=stack_env,
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        # Ready once it says so (nginx, gunicorn and the outbox sender all started).
        while "run-local: storyhub on" not in Path(log.name).read_text():
            if process.poll() is not None:
                raise RuntimeError(f"deploy/run-local stopped: see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"deploy/run-local did not start: see {log.name}")
            time.sleep(0.5)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nonce() -> str:
    return secrets.token_hex(4)
