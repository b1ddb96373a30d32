"""Loading the demo content; every step is keyed by slug or key, so it can run again.

The content itself is data, reviewable without reading Python: storyhub/data/demo_diagnoses.json,
demo_topics.json and demo_stories.json, beside helplines.json.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from storyhub.extensions import db
from storyhub.models import (
    Diagnosis,
    DiagnosisName,
    ModerationEvent,
    Relation,
    Story,
    StoryStatus,
    Submitter,
    Topic,
    TopicText,
    User,
    UserRole,
)
from storyhub.models._types import utcnow
from storyhub.sanitize import make_excerpt, plain_text_to_html
from storyhub.services.manage_links import hash_token
from storyhub.services.submissions import CONSENT_TEXT_VERSION

DEMO_MODERATOR_EMAIL = "moderator@example.org"
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def _text(value: str | list[str]) -> str:
    """Long texts are stored as a list of paragraphs; the models keep them blank-line separated."""
    return value if isinstance(value, str) else "\n\n".join(value)


def _read(kind: str) -> list[dict[str, Any]]:
    with (DATA_DIR / f"demo_{kind}.json").open(encoding="utf-8") as file:
        return json.load(file)[kind]


def demo_diagnoses() -> list[dict[str, Any]]:
    """The demo taxonomy, parents before their children (position is the list order)."""
    return _read("diagnoses")


def demo_topics() -> list[dict[str, Any]]:
    topics = _read("topics")
    for topic in topics:
        topic["description"] = {lang: _text(t) for lang, t in topic["description"].items()}
    return topics


def demo_stories() -> list[dict[str, Any]]:
    stories = _read("stories")
    for story in stories:
        for item in [story, *story.get("translations", []), *story.get("updates", [])]:
            item["body"] = _text(item["body"])
    return stories


def _load_diagnoses() -> dict[str, Diagnosis]:
    by_slug = {d.slug: d for d in db.session.scalars(sa.select(Diagnosis))}
    for position, item in enumerate(demo_diagnoses()):
        diagnosis = by_slug.get(item["slug"])
        if diagnosis is None:
            diagnosis = Diagnosis(slug=item["slug"], position=position)
            db.session.add(diagnosis)
            by_slug[item["slug"]] = diagnosis
        diagnosis.parent = by_slug[item["parent"]] if item["parent"] else None
        known = {n.language: n for n in diagnosis.names}
        descriptions = item.get("descriptions", {})
        for language, name in item["names"].items():
            if language not in known:
                known[language] = DiagnosisName(language=language, name=name)
                diagnosis.names.append(known[language])
            if not known[language].description and descriptions.get(language):
                known[language].description = descriptions[language]
    return by_slug


def _load_topics() -> dict[str, Topic]:
    by_slug = {t.slug: t for t in db.session.scalars(sa.select(Topic))}
    for item in demo_topics():
        topic = by_slug.get(item["slug"])
        if topic is None:
            topic = Topic(slug=item["slug"], position=item["position"])
            db.session.add(topic)
            by_slug[item["slug"]] = topic
        if not topic.keywords:  # an admin's own keywords are kept on a second load
            topic.keywords = "\n".join(item.get("keywords", []))
        known = {t.language for t in topic.texts}
        for language, title in item["title"].items():
            if language not in known:
                topic.texts.append(
                    TopicText(
                        language=language,
                        title=title,
                        description_html=plain_text_to_html(item["description"][language]),
                    )
                )
    return by_slug


def _demo_story(key: str, item: dict[str, Any], days_ago: int, **fields: Any) -> Story:
    submitted = utcnow() - timedelta(days=days_ago)
    published = item.get("status", "published") == "published"
    return Story(
        idempotency_key=f"demo-{key}",
        status=StoryStatus.PUBLISHED if published else StoryStatus.PENDING,
        title=item["title"],
        body_text=item["body"],
        body_html=plain_text_to_html(item["body"]),
        excerpt=make_excerpt(item["body"]),
        language=item["language"],
        submitted_at=submitted,
        published_at=submitted + timedelta(days=1) if published else None,
        **fields,
    )


def _record_demo_events(story: Story) -> None:
    db.session.add(ModerationEvent(story_id=story.id, action="submit", to_status="pending"))
    if story.status is StoryStatus.PUBLISHED:
        db.session.add(
            ModerationEvent(
                story_id=story.id,
                action="approve",
                from_status="pending",
                to_status="published",
                reason="demo content",
            )
        )


def _load_stories(diagnoses: dict[str, Diagnosis], topics: dict[str, Topic]) -> int:
    existing = set(
        db.session.scalars(
            sa.select(Story.idempotency_key).where(Story.idempotency_key.like("demo-%"))
        )
    )
    created: list[Story] = []
    for item in demo_stories():
        if f"demo-{item['key']}" in existing:
            continue
        submitter = Submitter(
            email=item["email"],
            manage_token_hash=hash_token(secrets.token_urlsafe(32)),
            consent_publish_at=utcnow(),
            consent_text_version=CONSENT_TEXT_VERSION,
        )
        common = {
            "author_name": item["author_name"],
            "relation": Relation(item["relation"]),
            "relation_detail": item["relation_detail"],
            "country": item["country"],
            "submitter": submitter,
        }
        story = _demo_story(
            item["key"],
            item,
            item["days_ago"],
            diagnoses=[diagnoses[s] for s in item["diagnoses"]],
            topics=[topics[s] for s in item["topics"]],
            **common,
        )
        created.append(story)
        for translation in item.get("translations", []):
            # The byline of a translation is always the original's.
            fields = {**common, "translator_name": translation.get("translator_name", "")}
            created.append(
                _demo_story(
                    f"{item['key']}-{translation['language']}",
                    {**translation, "status": item["status"]},
                    item["days_ago"] - 10,
                    translation_of=story,
                    diagnoses=story.diagnoses,
                    **{k: v for k, v in fields.items() if k != "submitter"},
                )
            )
        for number, update in enumerate(item.get("updates", []), start=1):
            created.append(
                _demo_story(
                    f"{item['key']}-update-{number}",
                    {**update, "language": item["language"], "status": item["status"]},
                    update["days_ago"],
                    update_of=story,
                    diagnoses=story.diagnoses,
                    **common,
                )
            )
    db.session.add_all(created)
    db.session.flush()
    for story in created:
        _record_demo_events(story)
    return len(created)


def _demo_moderator() -> tuple[str, str]:
    """Create the demo moderator once; its random password is kept in instance/."""
    path = Path(current_app.instance_path) / "demo-moderator-password"
    user = db.session.scalar(sa.select(User).filter_by(email=DEMO_MODERATOR_EMAIL))
    if user is not None and path.exists():
        return DEMO_MODERATOR_EMAIL, path.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = User(email=DEMO_MODERATOR_EMAIL, role=UserRole.MODERATOR)
        db.session.add(user)
    user.set_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return DEMO_MODERATOR_EMAIL, password


def load_demo() -> str:
    """Load the demo taxonomy, topics, stories and moderator; return a summary to print."""
    diagnoses = _load_diagnoses()
    topics = _load_topics()
    db.session.flush()
    created = _load_stories(diagnoses, topics)
    email, password = _demo_moderator()
    db.session.commit()
    return (
        f"Demo content: {len(diagnoses)} diagnoses, {len(topics)} topics, "
        f"{created} new stories.\nDemo moderator: {email}  password: {password}"
    )
