"""The moderator's hour: a moderator works through 50 mixed stories in Chromium.

Mixed like a real queue: straightforward approvals, requests for changes, rejections, stories
whose language the author chose by mistake (corrected, then approved) and translations to
review. Counts clicks, keystrokes (shortcut keys apart from typed words), page loads and
seconds per story, and runs axe-core on the queue and review pages.

    .venv/bin/python bench/moderator_hour.py [--mode keyboard|mouse] [--stories 50]

`mouse` is how the workbench was used before issue 15 (open from the queue, press a button,
back to the queue); it runs on any version. `keyboard` uses the shortcuts and "& next".
tests/e2e/test_moderator_hour.py runs the same walk as a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMAIL, PASSWORD = "hour@example.org", "an hour of moderation"
ENGLISH = (
    "My fingers went white at the bus stop the first winter after the diagnosis, and I thought "
    "I would never leave the house again. Now I carry hand warmers everywhere and wait for the "
    "bus inside the bakery, where the owner knows me by name.\n\n"
    "The nurse at the clinic showed me how to warm my hands slowly. It took a year to learn "
    "what helps, and I am writing this so that someone else learns it sooner than I did."
)
SPANISH = (
    "Mis dedos se pusieron blancos en la parada del autobús el primer invierno después del "
    "diagnóstico, y pensé que nunca volvería a salir de casa. Ahora llevo calentadores de manos "
    "a todas partes y espero el autobús dentro de la panadería, donde la dueña me conoce.\n\n"
    "La enfermera de la clínica me enseñó a calentar las manos despacio. Tardé un año en "
    "aprender lo que ayuda, y escribo esto para que otra persona lo aprenda antes que yo."
)
ITALIAN = (
    "Le mie dita diventavano bianche alla fermata dell'autobus il primo inverno dopo la "
    "diagnosi, e pensavo che non sarei più uscita di casa. Ora porto sempre gli scaldamani e "
    "aspetto l'autobus dentro il panificio, dove la proprietaria mi conosce per nome.\n\n"
    "L'infermiera della clinica mi ha insegnato a scaldare le mani piano. Ci ho messo un anno "
    "a capire cosa aiuta, e scrivo questo perché qualcun altro lo capisca prima di me."
)


@dataclasses.dataclass
class Plan:
    """What the moderator does with each story, by title."""

    decisions: dict[str, str]  # title → approve | request_changes | reject | language | translation


def seed(app: Flask, count: int = 50) -> Plan:
    """Demo data, a moderator, and `count` mixed pending stories (oldest = first in queue)."""
    from storyhub.extensions import db
    from storyhub.models import Relation, Story, StoryStatus, UserRole
    from storyhub.services import accounts, submissions
    from storyhub.services.tools.demo import load_demo

    with app.app_context():
        db.create_all()
        load_demo()
        accounts.create_user(EMAIL, PASSWORD, UserRole.MODERATOR)
        # The demo's own pending stories go first, so the queue holds only ours.
        for story in db.session.scalars(sa_select(Story, StoryStatus.PENDING)):
            story.status = StoryStatus.REJECTED
        db.session.commit()
        originals = list(db.session.scalars(sa_select(Story, StoryStatus.PUBLISHED)))
        english = next(s for s in originals if s.language == "en" and s.translation_of_id is None)
        pattern = (
            ["approve"] * 7 + ["request_changes", "reject", "language", "translation"]
        )  # fmt: skip
        decisions: dict[str, str] = {}
        for number in range(count):
            kind = pattern[number % len(pattern)]
            title = f"Story {number + 1:02d}: {kind.replace('_', ' ')}"
            key = uuid.uuid4().hex
            if kind == "translation":
                fields = {f.name for f in dataclasses.fields(submissions.TranslationSubmission)}
                values: dict[str, Any] = {
                    "language": "it",
                    "title": title,
                    "body": ITALIAN,
                    "consent_publish": True,
                    "idempotency_key": key,
                    "author_name": english.author_name,
                    "translator_name": "",
                }
                submissions.submit_translation(
                    english,
                    submissions.TranslationSubmission(
                        **{k: v for k, v in values.items() if k in fields}
                    ),
                )
            else:
                submissions.submit_story(
                    submissions.StorySubmission(
                        author_name="A.B.",
                        relation=Relation.SELF,
                        country="GB",
                        language="en",
                        title=title,
                        body=SPANISH if kind == "language" else ENGLISH,
                        consent_publish=True,
                        diagnoses=["raynauds-phenomenon"],
                        idempotency_key=key,
                        confirm_language=True,
                        confirm_identifiable=True,
                    )
                )
            decisions[title] = kind
        return Plan(decisions)


def sa_select(model: Any, status: Any) -> Any:
    import sqlalchemy as sa

    return sa.select(model).where(model.status == status).order_by(model.id)


@dataclasses.dataclass
class Tally:
    clicks: int = 0
    keys: int = 0  # shortcut keys and Enter/Tab
    typed: int = 0  # characters of the moderator's own words (messages to authors)
    loads: int = 0
    per_kind: Counter = dataclasses.field(default_factory=Counter)
    kind_actions: Counter = dataclasses.field(default_factory=Counter)
    kind_loads: Counter = dataclasses.field(default_factory=Counter)


MESSAGE = "Please leave out the clinic's name."


def _title(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def walk(page: Any, base: str, plan: Plan, mode: str, axe: Any = None) -> dict[str, Any]:
    """Work through every story of the plan; return the measurements."""
    from playwright.sync_api import expect

    tally = Tally()
    page.on("load", lambda _page: setattr(tally, "loads", tally.loads + 1))
    page.goto(f"{base}/login")
    page.get_by_label("E-mail", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    violations: list[str] = []
    if axe is not None:
        violations += [v["id"] for v in axe.run(page).response["violations"]]
    start, tally.loads = time.monotonic(), 0
    # The first story: from the queue.
    with page.expect_navigation():
        if mode == "keyboard":
            page.keyboard.press("j")
            page.keyboard.press("Enter")
            tally.keys += 2
        else:
            page.locator("table.queue a[href*='/moderate/stories/']").first.click()
            tally.clicks += 1
    done = 0
    while done < len(plan.decisions):
        page.wait_for_load_state()
        heading = _title(page)
        if heading == "Moderation queue":  # the old flow comes back here after each decision
            with page.expect_navigation():
                page.locator("table.queue a[href*='/moderate/stories/']").first.click()
            tally.clicks += 1
            tally.kind_actions["(back in the queue)"] += 1
            continue
        kind = plan.decisions[heading]
        before = (tally.clicks, tally.keys, tally.loads)
        if axe is not None and done in (0, 3):
            violations += [v["id"] for v in axe.run(page).response["violations"]]
        if kind == "language":
            button = page.get_by_role("button", name="Correct the language to")
            if button.count():
                with page.expect_navigation():
                    button.click()
                tally.clicks += 1
            kind_done = "approve"
        elif kind == "translation":
            kind_done = "approve"  # read side by side, then approve
        else:
            kind_done = kind
        if kind_done == "approve":
            with page.expect_navigation():
                if mode == "keyboard":
                    page.keyboard.press("a")
                    tally.keys += 1
                else:
                    page.get_by_role("button", name="Approve").first.click()
                    tally.clicks += 1
        else:
            if mode == "keyboard":
                page.keyboard.press("r" if kind_done == "request_changes" else "x")
                tally.keys += 1
                if kind_done == "reject" and page.locator("#preset").count():
                    page.keyboard.press("Tab")  # from the preset menu to the message
                    tally.keys += 1
                page.keyboard.type(MESSAGE)
                with page.expect_navigation():
                    page.keyboard.press("Control+Enter")
                tally.keys += 1
            else:
                page.get_by_label("Reason / message to the author").fill(MESSAGE)
                tally.clicks += 1  # into the field
                name = "Request changes" if kind_done == "request_changes" else "Reject"
                with page.expect_navigation():
                    page.get_by_role("button", name=name).first.click()
                tally.clicks += 1
            tally.typed += len(MESSAGE)
        done += 1
        tally.per_kind[kind] += 1
        after = (tally.clicks, tally.keys, tally.loads)
        tally.kind_actions[kind] += (after[0] - before[0]) + (after[1] - before[1])
        tally.kind_loads[kind] += after[2] - before[2]
    seconds = time.monotonic() - start
    return {
        "mode": mode,
        "stories": done,
        "clicks": tally.clicks,
        "keys": tally.keys,
        "typed_characters": tally.typed,
        "page_loads": tally.loads,
        "seconds_per_story": round(seconds / max(done, 1), 2),
        "per_kind": {
            kind: {
                "stories": n,
                "actions_per_story": round(tally.kind_actions[kind] / n, 2),
                "page_loads_per_story": round(tally.kind_loads[kind] / n, 2),
            }
            for kind, n in sorted(tally.per_kind.items())
        },
        "axe_violations": violations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("keyboard", "mouse"), default="keyboard")
    parser.add_argument("--stories", type=int, default=50)
    args = parser.parse_args()

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from storyhub import create_app

    workdir = Path(tempfile.mkdtemp(prefix="moderator-hour-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'hour.sqlite3'}",
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "INSTANCE_PATH": str(workdir / "instance"),
            "REIDENTIFICATION_COUNTRY_STORIES": 0,
        }
    )
    plan = seed(app, args.stories)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            executable = shutil.which("chromium")
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            result = walk(page, f"http://127.0.0.1:{server.server_port}", plan, args.mode, Axe())
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    import json

    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
