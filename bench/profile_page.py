"""Profile one public page without the page cache: where does an uncached request spend time?

    .venv/bin/python bench/profile_page.py --stories 100000 /topics/calcinosis
    .venv/bin/python bench/profile_page.py --latency 500 --database /tmp/1m/bench.sqlite3 /topics/x
    .venv/bin/python bench/profile_page.py --latency 20 --database /tmp/1m/bench.sqlite3 / /topics/x

With --latency, each path in turn in one process: the first request right after a change to
public content (everything kept per publish generation made again), then N uncached ones.

Builds a SQLite database with the demo and N synthetic stories (kept in /tmp between runs with
the same N), renders the page a few times to warm up, then profiles repeated renders with
cProfile and prints the functions with the most cumulative time, plus the share spent in SQL,
ORM loading and template rendering.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyhub import create_app  # noqa: E402
from storyhub.extensions import db  # noqa: E402
from storyhub.services.tools.demo import load_demo  # noqa: E402
from storyhub.services.tools.synthetic import generate_stories  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "paths", nargs="*", default=["/topics/calcinosis"], metavar="path",
        help="profiled: the first; with --latency: each in turn, in this one process",
    )  # fmt: skip
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--latency", type=int, metavar="N", help="instead of profiling, time N uncached "
        "requests one after another and print p50/p95 (no server, no network, no queue)",
    )  # fmt: skip
    parser.add_argument("--database", type=Path, help="an existing SQLite file to use instead, "
                        "such as bench/run.py --keep's bench.sqlite3")  # fmt: skip
    args = parser.parse_args()

    folder = Path(f"/tmp/storyhub-profile-{args.stories}")
    fresh = not folder.exists() and args.database is None
    folder.mkdir(exist_ok=True)
    database = args.database or folder / "db.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "SECRET_KEY": "profile" * 6, "INSTANCE_PATH": str(folder),
                      "PAGE_CACHE_ENABLED": False, "RATELIMIT_ENABLED": False})  # fmt: skip
    if fresh:
        with app.app_context():
            db.create_all()
            load_demo()
            generate_stories(args.stories)
    client = app.test_client()
    if args.latency:
        for path in args.paths:
            print_latency(client, path, args.latency)
        return
    args.path = args.paths[0]
    for n in range(3):
        assert client.get(_vary(args.path, "warm", n)).status_code == 200
    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for n in range(args.repeat):
        client.get(_vary(args.path, "n", n))
    profile.disable()
    per_request = (time.perf_counter() - started) / args.repeat * 1000
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(25)
    print(out.getvalue())
    totals = {name: 0.0 for name in ("SQL (driver)", "ORM loading", "Jinja rendering")}
    for (filename, _line, func), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        if "sqlite3.Cursor" in func and "execute" in func:
            totals["SQL (driver)"] += cumulative
        elif filename.endswith("orm/loading.py") and func == "instances":
            totals["ORM loading"] += cumulative
        elif filename.endswith("jinja2/environment.py") and func == "render":
            totals["Jinja rendering"] += cumulative
    print(f"{args.path}: {per_request:.1f} ms per request (profiled) over {args.repeat} requests")
    for name, seconds in totals.items():
        print(f"  {name}: {seconds / args.repeat * 1000:.1f} ms per request")


def _vary(path: str, name: str, n: int) -> str:
    """The path with one more query parameter: a URL no cache has seen."""
    return f"{path}{'&' if '?' in path else '?'}{name}={n}"


def print_latency(client: object, path: str, count: int) -> None:
    """The first request right after a change to public content (a new publish generation:
    whatever is kept per generation is made again), then `count` uncached requests."""
    from storyhub import cache_versions

    client.get(_vary(path, "warm", 0))  # type: ignore[attr-defined]  (templates compiled)
    with client.application.app_context():  # type: ignore[attr-defined]
        cache_versions.invalidate()
    started = time.perf_counter()
    status = client.get(_vary(path, "first", 0)).status_code  # type: ignore[attr-defined]
    first = (time.perf_counter() - started) * 1000
    times = []
    for n in range(count):
        started = time.perf_counter()
        client.get(_vary(path, "n", n))  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(
        f"{path}: {status}, first after a change {first:.0f} ms; p50 {p50:.2f} ms, "
        f"p95 {p95:.2f} ms over {count} uncached requests",
        flush=True,
    )


if __name__ == "__main__":
    main()
