"""Synthetic published stories for scale tests and benchmarks (`flask demo generate`).

Rows go in with bulk INSERTs in batches, not one ORM object at a time, so a million stories
load in minutes. Texts are built from short phrase lists: varied enough for search and
teasers, obviously not real people's words.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from datetime import timedelta

import sqlalchemy as sa

from storyhub import cache_versions
from storyhub.extensions import db
from storyhub.models import (
    Diagnosis,
    Story,
    StoryStatus,
    Topic,
    public_counts,
    search_index,
    story_diagnoses,
    story_topics,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import make_excerpt
from storyhub.services.tools.demo import load_demo

LANGUAGES = {
    "en": (
        ["My hands went white in the cold", "I was tired for months before anyone listened",
         "The first rheumatologist I saw took me seriously", "Typing became slow and painful",
         "My family learned to warm the car before we left", "I keep gloves in every pocket"],
        ["and I learned to ask for help.", "and that changed how I plan my days.",
         "so I started writing things down.", "and other patients helped me most."],
    ),
    "it": (
        ["Le mie mani diventavano bianche al freddo", "Ero stanca da mesi prima della diagnosi",
         "Il primo reumatologo mi ha ascoltata", "Scrivere al computer era diventato faticoso"],
        ["e ho imparato a chiedere aiuto.", "e ho cambiato il modo di organizzare le giornate.",
         "così ho cominciato a prendere appunti."],
    ),
    "es": (
        ["Mis manos se volvían blancas con el frío", "Estuve cansada durante meses",
         "La primera reumatóloga me escuchó con calma", "Escribir se volvió lento y doloroso"],
        ["y aprendí a pedir ayuda.", "y eso cambió cómo organizo mis días.",
         "así que empecé a tomar notas."],
    ),
    "fr": (
        ["Mes doigts devenaient blancs au froid", "J'étais fatiguée depuis des mois"],
        ["et j'ai appris à demander de l'aide.", "et cela a changé mes journées."],
    ),
    "de": (
        ["Meine Finger wurden in der Kälte weiß", "Ich war monatelang erschöpft"],
        ["und ich habe gelernt, um Hilfe zu bitten.", "und das hat meinen Alltag verändert."],
    ),
}  # fmt: skip
COUNTRIES = ["IT", "GB", "US", "ES", "AR", "CH", "DE", "FR", "MX", "CA", "AU", "IE", "NL", "BR"]
BATCH = 5_000


def _paragraph(rng: random.Random, language: str) -> str:
    openings, endings = LANGUAGES[language]
    return " ".join(f"{rng.choice(openings)}, {rng.choice(endings)}" for _ in range(3))


def _rows(count: int, seed: int) -> Iterator[dict]:
    rng = random.Random(seed)
    now = utcnow()
    languages = list(LANGUAGES)
    for number in range(count):
        language = rng.choices(languages, weights=[5, 3, 3, 1, 1])[0]
        paragraphs = [_paragraph(rng, language) for _ in range(rng.randint(2, 4))]
        body = "\n\n".join(paragraphs)
        published = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365 * 5))
        yield {
            "status": StoryStatus.PUBLISHED,
            "title": f"{rng.choice(LANGUAGES[language][0])} ({number})",
            "body_text": body,
            # The same markup plain_text_to_html makes for link-free text, built directly:
            # bleach per row would dominate the time for a million rows.
            "body_html": "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs),
            "excerpt": make_excerpt(body),
            "author_name": f"{rng.choice('ABCDEFGHIJKLMNOPRSTV')}.{rng.choice('ABCDEFGHLMNPRST')}.",
            "relation": "self",
            "relation_detail": "",
            "country": rng.choice(COUNTRIES),
            "language": language,
            "moderator_message": "",
            "submitted_at": published - timedelta(days=1),
            "published_at": published,
            "updated_at": published,
            "version": 1,
        }


def generate_stories(count: int, seed: int = 1) -> int:
    """Insert `count` published synthetic stories linked to diagnoses and topics."""
    if db.session.scalar(sa.select(sa.func.count(Diagnosis.id))) == 0:
        load_demo()
    diagnosis_ids = list(db.session.scalars(sa.select(Diagnosis.id)))
    topic_ids = list(db.session.scalars(sa.select(Topic.id)))
    rng = random.Random(seed + 1)
    rows = _rows(count, seed)
    inserted = 0
    while inserted < count:
        batch = [row for _, row in zip(range(min(BATCH, count - inserted)), rows, strict=False)]
        ids = db.session.scalars(sa.insert(Story).returning(Story.id), batch).all()
        db.session.execute(
            sa.insert(story_diagnoses),
            [{"story_id": i, "diagnosis_id": d} for i in ids
             for d in rng.sample(diagnosis_ids, rng.randint(1, 2))],
        )  # fmt: skip
        linked = [i for i in ids if rng.random() < 0.5]
        if linked and topic_ids:
            db.session.execute(
                sa.insert(story_topics),
                [{"story_id": i, "topic_id": rng.choice(topic_ids)} for i in linked],
            )
        # Indexed once linked: the index holds the names of each story's diagnoses and topics.
        search_index.write_many(
            db.session.connection(), [{**row, "id": i} for row, i in zip(batch, ids, strict=True)]
        )
        # Core INSERTs bypass the flush hook that keeps the counts: add this batch's here.
        public_counts.add(
            db.session.connection(), public_counts.contributions(db.session.connection(), ids)
        )
        db.session.commit()
        inserted += len(ids)
    cache_versions.invalidate()  # core INSERTs bypass the ORM hooks (cache, search index)
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, as after any bulk load: the planner otherwise believes the
        # tables are nearly empty until autovacuum gets to them, and picks plans to match.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return inserted
