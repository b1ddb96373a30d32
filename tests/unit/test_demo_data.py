"""The demo content is data (storyhub/data/demo_*.json): it reads without an app, and every
reference in it resolves, so `flask demo load` cannot fail half-way on a typo."""

from __future__ import annotations

from storyhub.services.tools.demo import demo_diagnoses, demo_stories, demo_topics

LANGUAGES = {"en", "it", "es"}


def test_diagnoses_come_before_their_children_and_are_named_in_every_language() -> None:
    seen: set[str] = set()
    for item in demo_diagnoses():
        assert item["slug"] not in seen
        assert item["parent"] is None or item["parent"] in seen
        assert set(item["names"]) == LANGUAGES
        seen.add(item["slug"])


def test_topics_have_a_title_and_a_description_in_every_language() -> None:
    for topic in demo_topics():
        assert set(topic["title"]) == set(topic["description"]) == LANGUAGES
        for text in topic["description"].values():
            assert "\n\n" in text and "\n\n\n" not in text  # paragraphs joined by a blank line


def test_stories_name_only_diagnoses_and_topics_that_exist() -> None:
    diagnoses = {item["slug"] for item in demo_diagnoses()}
    topics = {item["slug"] for item in demo_topics()}
    keys = [story["key"] for story in demo_stories()]
    assert len(keys) == len(set(keys))
    for story in demo_stories():
        assert set(story["diagnoses"]) <= diagnoses and set(story["topics"]) <= topics
        assert story["status"] in {"published", "pending"}
        for text in [story, *story.get("translations", []), *story.get("updates", [])]:
            assert isinstance(text["body"], str) and text["body"].strip()
