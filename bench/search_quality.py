"""How well search finds what readers look for: the twenty queries of tests/search_queries.py
(English, Italian, Spanish) against the demo stories; prints a Markdown table of the share of
expected stories in the first five results.

    .venv/bin/python bench/search_quality.py                      # fresh SQLite (FTS5)
    .venv/bin/python bench/search_quality.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

On PostgreSQL it works in a throw-away schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyhub import create_app  # noqa: E402
from storyhub.extensions import db  # noqa: E402
from storyhub.services.tools.demo import load_demo  # noqa: E402
from tests.search_queries import measure, share  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="storyhub-search-quality-")
    url, schema = args.database_url or f"sqlite:///{folder}/db.sqlite3", ""
    options: dict[str, object] = {}
    if url.startswith("postgresql"):
        schema = f"quality_{uuid.uuid4().hex[:8]}"
        with sa.create_engine(url).begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": "quality" * 6, "INSTANCE_PATH": folder,
                      "PAGE_CACHE_ENABLED": False, "RATELIMIT_ENABLED": False})  # fmt: skip
    try:
        with app.test_request_context("/"):
            db.create_all()
            load_demo()
            rows = measure()
            engine = db.engine.dialect.name
            db.session.remove()
    finally:
        if schema:
            with sa.create_engine(url).begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    print(f"| # | lang | query | expected | in top 5 ({engine}) |")
    print("|---|---|---|---|---|")
    for number, row in enumerate(rows, 1):
        expected = len(row.expected) or "none"
        print(
            f"| {number} | {row.language} | {row.query} | {expected} | {row.found}/{row.wanted} |"
        )
    print(f"\nShare of expected stories in the top 5 ({engine}): {share(rows):.0%}")


if __name__ == "__main__":
    main()
