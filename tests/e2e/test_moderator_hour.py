"""The moderator's hour in Chromium: 50 mixed stories (approve, request changes, reject,
correct a language, review a translation) with the keyboard, counting actions and page loads
(the same walk as bench/moderator_hour.py). Goal: a straightforward approval takes at most
2 page loads and 3 actions; axe finds nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "moderator_hour.py"
_spec = importlib.util.spec_from_file_location("moderator_hour", _BENCH)
assert _spec and _spec.loader
hour = importlib.util.module_from_spec(_spec)
sys.modules["moderator_hour"] = hour  # dataclasses look their module up there
_spec.loader.exec_module(hour)


def test_fifty_stories_from_the_keyboard(browser: Browser, live_server: str, app: Flask) -> None:
    plan = hour.seed(app, 50)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        result = hour.walk(context.new_page(), live_server, plan, "keyboard", Axe())
    finally:
        context.close()
    assert result["stories"] == 50
    corrections = sum(kind == "language" for kind in plan.decisions.values())
    assert result["clicks"] == corrections  # only the language flag's one-click button
    approve = result["per_kind"]["approve"]
    assert approve["page_loads_per_story"] <= 2 and approve["actions_per_story"] <= 3
    assert result["per_kind"]["translation"]["actions_per_story"] <= 3
    assert result["axe_violations"] == []
    with app.app_context():
        from storyhub.extensions import db
        from storyhub.models import Story, StoryStatus

        left = db.session.query(Story).filter(Story.status == StoryStatus.PENDING).count()
    assert left == 0  # every story decided, none skipped by the "& next" walk
