"""nginx's edge cache against a static file of the same size, same nginx, same run.

    .venv/bin/python bench/edge_cache.py [--rounds 3] [--duration 8] [--no-record]

Starts deploy/run-local on a fresh SQLite database with the demo data, warms the cached topic
page (/topics/calcinosis, the nginx `proxy_cache` HIT), writes two static files next to the
app's (removed afterwards): one with the page's body size, one with its size on the wire
(headers included: the cached page carries the app's security headers, about 0.8 KB more),
and runs wrk on the three in turn, `--rounds` times. Reports requests/s and the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import socket
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


def wrk(port: int, path: str, seconds: int) -> float:
    output = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-H", "Accept-Language: en", "-s",
         str(run.LUA), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
        env={**os.environ, "RUN_NONCE": secrets.token_hex(4)},
    ).stdout  # fmt: skip
    match = re.search(r'"rps": ([0-9.]+)', output)
    if not match:
        raise RuntimeError(output)
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="storyhub-edge-"))
    port = run.free_port()
    env = {"PATH": os.environ["PATH"], "STORYHUB_CONFIG": "production",
           "PUBLIC_URL": f"http://127.0.0.1:{port}",
           "SECRET_KEY": secrets.token_urlsafe(32), "STORYHUB_INSTANCE": str(workdir),
           "DATABASE_URL": f"sqlite:///{workdir / 'edge.sqlite3'}"}  # fmt: skip
    run.flask(["db", "upgrade"], env)
    run.flask(["demo", "load"], env)
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
            wrk(port, TOPIC, 2)  # warm up
            results: dict[str, list[float]] = {label: [] for label in targets}
            for _round in range(args.rounds):
                for label, path in targets.items():
                    results[label].append(wrk(port, path, args.duration))
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
        f"{args.rounds} rounds, the three targets in turn in each round · page body "
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
    text = "\n".join(lines)
    print("\n" + text)
    if not args.no_record:
        with run.RESULTS.open("a", encoding="utf-8") as results_file:
            results_file.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
