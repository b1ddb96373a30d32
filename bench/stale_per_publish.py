"""How many cached pages one publish makes stale: in one process, no server, so the figure
does not depend on the machine's load (bench/run.py's `hit-ratio` target measures the same
under gunicorn, with a mixed workload).

    .venv/bin/python bench/stale_per_publish.py --stories 1000 --publishes 5

Builds a SQLite database with the demo and N synthetic stories, caches a crawl-like set of
public URLs (every story page, topic, diagnosis and language page with its feed, filtered
and unfiltered listings with cursors, searches, sitemaps, the API), then publishes stories
(copies of random public ones: same language, country, diagnoses, topics) one at a time and,
after each, asks for every cached URL again and counts the misses.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import Diagnosis, Story, StoryStatus, Topic


def urls(client, rng: random.Random, stories: list[int]) -> list[str]:
    with client.application.app_context():
        diagnoses = list(db.session.scalars(sa.select(Diagnosis.slug)))
        topics = list(db.session.scalars(sa.select(Topic.slug)))
        languages = sorted(set(db.session.scalars(sa.select(Story.language))))
        countries = sorted(set(db.session.scalars(sa.select(Story.country))))[:20]
    found = ["/", "/stories/", "/topics/", "/diagnoses/", "/feeds/stories.atom", "/sitemap.xml",
             "/sitemaps/pages.xml", "/sitemaps/stories-0.xml", "/api/v1/stories",
             "/api/v1/diagnoses", "/api/v1/topics"]  # fmt: skip
    for slug in diagnoses:
        found += [f"/diagnoses/{slug}", f"/feeds/diagnoses/{slug}.atom",
                  f"/stories/?diagnosis={slug}"]  # fmt: skip
    for slug in topics:
        found += [f"/topics/{slug}", f"/feeds/topics/{slug}.atom", f"/stories/?topic={slug}"]
    for tag in languages:
        found += [f"/languages/{tag}", f"/stories/?language={tag}"]
    found += [f"/stories/?country={code}" for code in countries]
    for story_id in stories:
        response = client.get(f"/stories/{story_id}")
        if response.status_code == 301:
            found.append(re.sub(r"^https?://[^/]+", "", response.headers["Location"]))
            found.append(f"/api/v1/stories/{story_id}")
    # Older pages of listings, as a crawler follows them.
    for start in ["/stories/", *[f"/stories/?language={t}" for t in languages[:5]]]:
        page = client.get(start).get_data(as_text=True)
        older = re.search(r'<a rel="next" href="([^"]+)"', page)
        if older:
            found.append(older.group(1).replace("&amp;", "&"))
    for word in ["gloves", "winter", "hands", "doctor", "skin"]:
        found.append(f"/search?q={word}")
    return sorted(set(found))


def publish(app, rng: random.Random, ids: list[int]) -> str:
    with app.app_context():
        source = db.session.get(Story, rng.choice(ids))
        copy = Story(
            title=f"{source.title} (again)", body_text=source.body_text,
            body_html=source.body_html, excerpt=source.excerpt, author_name=source.author_name,
            country=source.country, language=source.language,
            diagnoses=list(source.diagnoses), topics=list(source.topics),
            status=StoryStatus.PUBLISHED, published_at=datetime.now(UTC),
        )  # fmt: skip
        db.session.add(copy)
        db.session.commit()
        return f"{copy.language}/{copy.country}, {len(copy.diagnoses)} diagnoses"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument("--story-pages", type=int, default=600)
    parser.add_argument("--verbose", action="store_true", help="list the stale URLs")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="storyhub-stale-"))
    app = create_app({"SECRET_KEY": "s" * 40, "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{workdir / 'stale.sqlite3'}", "INSTANCE_PATH": str(workdir),
                      "RATELIMIT_ENABLED": False, "PAGE_CACHE_MAX_PAGES": 100_000,
                      "PAGE_CACHE_MAX_QUERY_PAGES": 100_000})  # fmt: skip
    with app.app_context():
        db.create_all()
        from storyhub.services.tools.demo import load_demo
        from storyhub.services.tools.synthetic import generate_stories

        load_demo()
        generate_stories(args.stories)
        ids = list(db.session.scalars(sa.select(Story.id).where(
            Story.status == StoryStatus.PUBLISHED, Story.translation_of_id.is_(None),
            Story.update_of_id.is_(None))))  # fmt: skip
    rng = random.Random(11)
    client = app.test_client()
    paths = urls(client, rng, rng.sample(ids, min(args.story_pages, len(ids))))
    for path in paths:
        client.get(path)
    cached = [p for p in paths if client.get(p).headers.get("X-Cache") == "hit"]
    print(f"{len(paths)} URLs, {len(cached)} cached")
    stale_counts = []
    for _ in range(args.publishes):
        what = publish(app, rng, ids)
        started = time.perf_counter()
        misses = [p for p in cached if client.get(p).headers.get("X-Cache") != "hit"]
        kinds: dict[str, int] = {}
        for path in misses:
            kind = re.sub(r"[/?].*", "", path.lstrip("/")) or "home"
            kind = "story pages" if re.match(r"/stories/\d", path) else kind
            kinds[kind] = kinds.get(kind, 0) + 1
        stale_counts.append(len(misses))
        if args.verbose:
            print("\n".join(f"  {path}" for path in misses))
        print(f"publish ({what}): {len(misses)} of {len(cached)} stale "
              f"({len(misses) / len(cached):.1%}) {kinds} "
              f"[{time.perf_counter() - started:.1f} s]", flush=True)  # fmt: skip
    mean = sum(stale_counts) / len(stale_counts)
    print(
        f"mean: {mean:.1f} of {len(cached)} cached pages stale per publish "
        f"({mean / len(cached):.1%}); the one-generation cache made all of them stale"
    )


if __name__ == "__main__":
    main()
