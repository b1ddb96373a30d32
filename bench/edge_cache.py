"""nginx's edge cache against a static file of the same size, same nginx, same run.

    .venv/bin/python bench/edge_cache.py [--rounds 3] [--duration 8] [--no-record]
    .venv/bin/python bench/edge_cache.py --database /tmp/storyhub-1m/bench.sqlite3  # at 1M

Starts deploy/run-local on a fresh SQLite database with the demo data (or on `--database`, such
as the one `bench/run.py --keep DIR` left with a million stories), warms the cached topic
page (/topics/calcinosis, the nginx `proxy_cache` HIT), writes two static files next to the
app's (removed afterwards): one with the page's body size, one with its size on the wire
(headers included: the cached page carries the app's security headers, about 0.8 KB more),
and runs wrk on the three in turn, `--rounds` times (every other round in reverse order).
Reports requests/s, the ratios, and the nginx worker's CPU time per request (from /proc: the
work nginx does per answer, which the machine's other load moves much less than requests/s).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crawl
import run

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "storyhub" / "static"
TOPIC = "/topics/calcinosis"


def raw_get(port: int, path: str) -> tuple[bytes, bytes]:
    """The header block and body of a GET, as sent (HTTP/1.1, one request)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Language: en"
                     "\r\nConnection: close\r\n\r\n".encode())  # fmt: skip
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def nginx_worker(state_dir: Path) -> int:
    """The pid of run-local's one nginx worker process (the one that answers)."""
    master = (state_dir / "nginx.pid").read_text().strip()
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        if "worker process" in Path(f"/proc/{child}/cmdline").read_text():
            return int(child)
    raise RuntimeError("no nginx worker process")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(port: int, path: str, seconds: int, worker: int | None = None) -> tuple[float, float]:
    """Requests/s, and the nginx worker's CPU microseconds per request (a figure the other
    engineers' load moves much less than requests/s: it is nginx's own work per answer)."""
    before = cpu_seconds(worker) if worker else 0.0
    output = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-H", "Accept-Language: en", "-s",
         str(run.LUA), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
        env={**os.environ, "RUN_NONCE": secrets.token_hex(4)},
    ).stdout  # fmt: skip
    used = cpu_seconds(worker) - before if worker else 0.0
    match = re.search(r'"rps": ([0-9.]+)', output)
    requests = re.search(r'"requests": ([0-9]+)', output)
    if not match:
        raise RuntimeError(output)
    per_request = used * 1e6 / int(requests.group(1)) if requests and worker else 0.0
    return float(match.group(1)), per_request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--database", type=Path, help="an existing SQLite file with the demo "
                        "loaded (bench/run.py --keep DIR leaves DIR/bench.sqlite3)")  # fmt: skip
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="storyhub-edge-"))
    port = run.free_port()
    env = {"PATH": os.environ["PATH"], "STORYHUB_CONFIG": "production",
           "PUBLIC_URL": f"http://127.0.0.1:{port}",
           "SECRET_KEY": secrets.token_urlsafe(32), "STORYHUB_INSTANCE": str(workdir),
           "DATABASE_URL": f"sqlite:///{args.database or workdir / 'edge.sqlite3'}"}  # fmt: skip
    run.flask(["db", "upgrade"], env)
    if args.database is None:
        run.flask(["demo", "load"], env)
    with sqlite3.connect(args.database or workdir / "edge.sqlite3") as counting:
        stories = counting.execute("SELECT count(*) FROM stories").fetchone()[0]
    token = secrets.token_hex(4)
    same_body = STATIC / f"bench-same-body-{token}.html"
    same_wire = STATIC / f"bench-same-wire-{token}.html"
    try:
        with crawl.run_local(env, port, workdir / "run-local"):
            raw_get(port, TOPIC)
            head, body = raw_get(port, TOPIC)
            if b"X-Edge-Cache: HIT" not in head:
                raise RuntimeError(f"{TOPIC} is not an edge-cache HIT:\n{head.decode()}")
            filler = (b"<!-- " + b"x" * 100 + b" -->\n") * 100_000
            same_body.write_bytes(filler[: len(body)])
            static_head, _ = raw_get(port, f"/static/{same_body.name}")
            wire = len(body) + len(head) - len(static_head)
            same_wire.write_bytes(filler[:wire])
            targets = {
                "cached topic page (nginx proxy_cache HIT)": TOPIC,
                "static file, same body size": f"/static/{same_body.name}",
                "static file, same bytes on the wire": f"/static/{same_wire.name}",
            }
            worker = nginx_worker(workdir / "run-local")
            for path in targets.values():
                wrk(port, path, 2)  # warm up: the files' pages, open_file_cache
            results: dict[str, list[float]] = {label: [] for label in targets}
            cpu: dict[str, list[float]] = {label: [] for label in targets}
            for number in range(args.rounds):
                # Every other round in the reverse order: a target is not always the one
                # measured while the machine's other load rises or falls.
                order = list(targets.items())
                for label, path in order if number % 2 == 0 else order[::-1]:
                    rps, per_request = wrk(port, path, args.duration, worker)
                    results[label].append(rps)
                    cpu[label].append(per_request)
    finally:
        same_body.unlink(missing_ok=True)
        same_wire.unlink(missing_ok=True)
    topic = results[next(iter(targets))]
    lines = [
        f"### nginx edge cache against a static file — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"commit {run.commit()} · {platform.node()} · {os.cpu_count()} cores · "
        f"load average before {' / '.join(f'{n:.1f}' for n in run.LOAD_BEFORE)} · "
        f"`bench/edge_cache.py`: deploy/run-local, wrk -t2 -c32 -d{args.duration}s, "
        f"{args.rounds} rounds, the three targets in turn in each round · SQLite, "
        f"{stories:,} stories · page body "
        f"{len(body):,} bytes, headers {len(head):,} bytes (static: {len(static_head):,})",
        "",
        "| target | " + " | ".join(f"round {n + 1}" for n in range(args.rounds)) + " | median |",
        "| --- |" + " ---: |" * (args.rounds + 1),
    ]
    for label, figures in results.items():
        cells = [f"{r:,.0f} req/s" for r in [*figures, statistics.median(figures)]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for label, figures in list(results.items())[1:]:
        ratios = [t / s for t, s in zip(topic, figures, strict=True)]
        cells = [f"{r:.2f}×" for r in [*ratios, statistics.median(ratios)]]
        lines.append(f"| ratio to {label} | " + " | ".join(cells) + " |")
    for label, figures in cpu.items():
        cells = [f"{c:.1f} µs" for c in [*figures, statistics.median(figures)]]
        lines.append(f"| nginx worker CPU per request, {label} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print("\n" + text)
    if not args.no_record:
        with run.RESULTS.open("a", encoding="utf-8") as results_file:
            results_file.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
