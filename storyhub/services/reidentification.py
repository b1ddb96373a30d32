"""Could a story identify its author? A rare diagnosis from a country with few stories narrows
the people it can be about to a handful. Counted from published data; the thresholds are in
the configuration (REIDENTIFICATION_COUNTRY_STORIES, REIDENTIFICATION_DIAGNOSIS_STORIES).

Counts alone are what every story shows (country, diagnosis), and fired on most submissions;
so, with the identifier check on (IDENTIFIER_CHECK, the default), the warning needs the text
too: the counts say the group is small, and a name, town, hospital, date or contact in the
story (or a full name as signature) says which one of them. The submitter is asked before
sending (never stopped) about what the text contains, and moderators see a flag
(services/workbench/flags.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app

from storyhub.extensions import db
from storyhub.models import Diagnosis, Story, StoryStatus
from storyhub.sanitize import html_to_text
from storyhub.services import catalog, identifier_check
from storyhub.services.identifier_check import IdentifyingDetails


@dataclass(frozen=True)
class Risk:
    country: str
    country_stories: int  # published stories from the country, this one aside
    diagnoses: tuple[tuple[Diagnosis, int], ...]  # the rare ones, with their story counts

    def diagnosis_names(self, locale: str) -> list[str]:
        return [diagnosis.name(locale) for diagnosis, _count in self.diagnoses]


def assess(country: str, diagnoses: list[Diagnosis], counted_in: bool = False) -> Risk | None:
    """The risk for a story from `country` about `diagnoses`, or None. `counted_in`: the story
    is itself published, so the counts include it once."""
    if not country or not diagnoses:
        return None
    few = current_app.config["REIDENTIFICATION_COUNTRY_STORIES"]
    rare = current_app.config["REIDENTIFICATION_DIAGNOSIS_STORIES"]
    if few <= 0 or rare <= 0:
        return None
    counts = catalog.identification_counts()
    own = 1 if counted_in else 0
    in_country = counts.by_country.get(country, 0) - own
    if in_country >= few:
        return None
    rare_ones = tuple(
        (d, counts.by_diagnosis.get(d.id, 0) - own)
        for d in diagnoses
        if counts.by_diagnosis.get(d.id, 0) - own < rare
    )
    if not rare_ones:
        return None
    return Risk(country, in_country, rare_ones)


def story_risk(story: Story) -> Risk | None:
    """The risk for a story in the queue: an original's own details (a translation or an
    update shares its original's country and diagnoses, and is judged there)."""
    if story.kind != "story":
        return None
    return assess(story.country, list(story.diagnoses), story.status is StoryStatus.PUBLISHED)


def submission_risk(country: str, diagnosis_slugs: list[str]) -> Risk | None:
    """The risk for a story about to be sent, from the form's choices."""
    if not diagnosis_slugs:
        return None
    diagnoses = list(
        db.session.scalars(sa.select(Diagnosis).where(Diagnosis.slug.in_(diagnosis_slugs)))
    )
    return assess(country, diagnoses)


@dataclass(frozen=True)
class Question:
    """What the submitter is asked before sending: the counts' risk (shown only with something
    in the text that narrows it down) and what the text and name give away."""

    risk: Risk | None
    details: IdentifyingDetails | None


def calibrated(risk: Risk | None, details: IdentifyingDetails | None) -> Risk | None:
    """The counts' risk where it is real: with the identifier check on, only when the text or
    the name adds something that points at a person."""
    if risk is None or not identifier_check.enabled():
        return risk
    return risk if details else None


def submission_question(
    country: str,
    diagnosis_slugs: list[str],
    title: str,
    body: str,
    language: str,
    author_name: str,
    email: str,
) -> Question | None:
    """Ask, or None: any finding asks; counts alone no longer do (unless the check is off).
    The text is read first: the counts (and the chosen diagnoses, loaded from the database)
    matter only when it finds something, which most stories do not."""
    if not identifier_check.enabled():
        risk = submission_risk(country, diagnosis_slugs)
        return Question(risk, None) if risk else None
    details = identifier_check.check(title, body, language, country, author_name, email)
    if not details:
        return None
    return Question(calibrated(submission_risk(country, diagnosis_slugs), details), details)


def story_details(story: Story) -> IdentifyingDetails:
    """What a stored story's current text and name give away (the moderators' view)."""
    return _details(
        story.title or "",
        story.body_html or "",
        story.language or "",
        story.country or "",
        story.author_name or "",
    )


@lru_cache(maxsize=512)
def _details(
    title: str, body_html: str, language: str, country: str, author_name: str
) -> IdentifyingDetails:
    # Two flags and the review page ask about the same text in one request: read it once.
    return identifier_check.check(title, html_to_text(body_html), language, country, author_name)


def flagged_risk(story: Story) -> Risk | None:
    """The queue's "could identify its author": counts and text together."""
    risk = story_risk(story)
    if risk is None or not identifier_check.enabled():
        return risk
    return calibrated(risk, story_details(story))
