"""Counts over published content: read from `public_counts`, which each change moves in its
own transaction (storyhub/models/public_counts.py), once per publish generation. None of
them counts stories: the table has a row per language, country, topic, diagnosis and
diagnosis-topic pair, whatever the number of stories."""

from __future__ import annotations

from dataclasses import dataclass

from storyhub import cache_versions
from storyhub.extensions import db
from storyhub.models import public_counts


def _all_counts() -> dict[str, dict[str, int]]:
    """{kind: {key: n}}: one small query per publish generation and worker."""
    return cache_versions.per_generation(
        ("public-counts",), lambda: public_counts.read(db.session.connection())
    )


def _by_id(kind: str) -> dict[int, int]:
    return {int(key): n for key, n in _all_counts()[kind].items()}


def diagnosis_story_counts() -> dict[int, int]:
    """Public originals per diagnosis id (sub-diagnoses included, each story once)."""
    return cache_versions.per_generation(("diagnosis-counts",), lambda: _by_id("diagnosis"))


def topic_story_counts() -> dict[int, int]:
    """Public originals per topic id."""
    return cache_versions.per_generation(("topic-counts",), lambda: _by_id("topic"))


def diagnosis_topic_counts() -> dict[int, dict[int, int]]:
    """Per diagnosis id (sub-diagnoses included): public originals per topic id."""

    def split() -> dict[int, dict[int, int]]:
        pairs: dict[int, dict[int, int]] = {}
        for key, n in _all_counts()["diagnosis-topic"].items():
            diagnosis_id, topic_id = key.split(":")
            pairs.setdefault(int(diagnosis_id), {})[int(topic_id)] = n
        return pairs

    return cache_versions.per_generation(("diagnosis-topic-counts",), split)


def public_languages() -> list[tuple[str, int]]:
    """(language tag, number of public stories and translations in it), most first."""

    def ordered() -> list[tuple[str, int]]:
        counts = _all_counts()["language"]
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    return cache_versions.per_generation(("public-languages",), ordered)


def public_countries() -> frozenset[str]:
    """Countries with public stories or translations."""
    return cache_versions.per_generation(
        ("public-countries",), lambda: frozenset(_all_counts()["country"])
    )


# --- what published data says about how identifiable a story is ---------------------------


@dataclass(frozen=True)
class IdentificationCounts:
    """Published originals per country, and per diagnosis with its sub-diagnoses."""

    by_country: dict[str, int]
    by_diagnosis: dict[int, int]


def identification_counts() -> IdentificationCounts:
    """Every submission and every queue row asks: read from the kept counts."""
    return cache_versions.per_generation(
        ("identification-counts",),
        lambda: IdentificationCounts(
            by_country=dict(_all_counts()["original-country"]),
            by_diagnosis=diagnosis_story_counts(),
        ),
    )
