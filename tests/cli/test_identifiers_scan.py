"""`flask identifiers scan`: text on standard input, one JSON object per finding out."""

from __future__ import annotations

import json


def scan(runner, text: str | bytes, *options: str) -> list[dict]:
    result = runner.invoke(args=["identifiers", "scan", *options], input=text)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_prints_one_json_object_per_finding_with_character_offsets(runner):
    text = "Ünï 😀 Dr Rossi mi ha chiamato al 347 123 4567 il 3 marzo 2021 da Bergamo.\n"
    found = scan(runner, text, "--language", "it", "--country", "IT")
    assert [f["kind"] for f in found] == ["person", "phone", "date", "place"]
    for finding in found:
        assert set(finding) == {"kind", "start", "end", "text"}
        assert text[finding["start"] : finding["end"]] == finding["text"]


def test_country_is_the_region_for_phone_numbers(runner):
    text = "Llamad al 612 345 678."
    assert [f["text"] for f in scan(runner, text, "--language", "es", "--country", "ES")] == [
        "612 345 678"
    ]


def test_nothing_found_prints_nothing(runner):
    assert scan(runner, "A quiet story about a long year.", "--language", "en") == []


def test_invalid_utf8_and_unknown_language_do_not_fail(runner):
    found = scan(runner, b"\xff\xfe mail me: a@b.example.org \xc3", "--language", "xx-Latn")
    assert [f["kind"] for f in found] == ["email"]


def test_language_is_required(runner):
    result = runner.invoke(args=["identifiers", "scan"], input="text")
    assert result.exit_code == 2
    assert "--language" in result.output
