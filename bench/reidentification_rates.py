"""How often the re-identification warning fires: counts alone (the old rule) against counts
and text together (the rule now), over the stories of a database and over the labelled set.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 .venv/bin/python bench/reidentification_rates.py

Run it after `flask demo load` (the demo stories) or `flask demo generate --stories N`
(synthetic ones). Each story is judged as if it were being sent now, against the published
counts without it; "text question" is the identifier question on the submit form."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from storyhub import create_app
from storyhub.extensions import db
from storyhub.models import Story
from storyhub.services import identifier_check, reidentification
from storyhub.text import evaluation

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "identifiers_labelled.jsonl"
SAMPLE = 2000  # stories at most, evenly spread, so a 100k-story database answers in seconds


def database_rates() -> None:
    originals = (Story.translation_of_id.is_(None), Story.update_of_id.is_(None))
    total = db.session.scalar(sa.select(sa.func.count(Story.id)).where(*originals))
    step = max(1, (total or 0) // SAMPLE)
    ids = db.session.scalars(sa.select(Story.id).where(*originals).order_by(Story.id)).all()
    ids = ids[::step]
    counts_only = calibrated = question = 0
    for story_id in ids:
        story = db.session.get(Story, story_id)
        risk = reidentification.assess(story.country, list(story.diagnoses))
        details = reidentification.story_details(story)
        counts_only += risk is not None
        calibrated += reidentification.calibrated(risk, details) is not None
        question += bool(details)
        db.session.expunge(story)
    n = len(ids)
    print(f"{n} stories judged (of {total})")
    for label, fired in (
        ("counts only (old warning)", counts_only),
        ("counts and text (warning now)", calibrated),
        ("text question on the form", question),
    ):
        print(f"  {label:32} {fired:6}  {fired / n:6.1%}" if n else f"  {label}: -")


def labelled_rates() -> None:
    stories = evaluation.load(LABELLED)
    with_findings = sum(
        bool(identifier_check.check("", s.text, s.language, s.country, s.author, ""))
        for s in stories
    )
    marked = sum(bool(s.spans) for s in stories)
    print(f"labelled set: {len(stories)} stories, {marked} with marked identifiers")
    share = with_findings / len(stories)
    print(f"  text question / warning with rare counts: {with_findings} ({share:.0%})")


def main() -> None:
    app = create_app()
    with app.app_context():
        app.config["IDENTIFIER_CHECK"] = True
        database_rates()
        labelled_rates()


if __name__ == "__main__":
    main()
