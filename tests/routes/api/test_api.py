"""The read-only JSON API: published content only, keyset cursors, and answers that match the
OpenAPI document it serves."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story
from tests.plugins.paths import REPO_ROOT

OPENAPI = json.loads((REPO_ROOT / "storyhub/api/openapi.json").read_text())
# Field names that must never appear in any API answer.
PRIVATE_KEYS = {
    "body_text", "email", "submitter", "submitter_id", "manage_token", "manage_token_hash",
    "moderator_message", "idempotency_key", "status", "version", "password_hash",
}  # fmt: skip


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return OPENAPI["components"]["schemas"][name]
    return schema


def conforms(value: Any, schema: dict[str, Any], path: str = "$") -> None:
    """Check `value` against the subset of JSON Schema the OpenAPI document uses."""
    schema = _resolve(schema)
    types = schema.get("type")
    if types:
        names = types if isinstance(types, list) else [types]
        python = {
            "object": dict, "array": list, "string": str, "integer": int,
            "null": type(None), "boolean": bool,
        }  # fmt: skip
        assert any(isinstance(value, python[n]) for n in names), f"{path}: {value!r} not {names}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        for key, item in value.items():
            if key in properties:
                conforms(item, properties[key], f"{path}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                conforms(item, schema["additionalProperties"], f"{path}.{key}")
            else:
                assert schema.get("additionalProperties", True), f"{path}: undocumented {key}"
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            conforms(item, schema["items"], f"{path}[{index}]")


def _schema(path: str, status: str = "200") -> dict[str, Any]:
    content = OPENAPI["paths"][path]["get"]["responses"][status]["content"]
    return content["application/json"]["schema"]


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _get(client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    assert response.headers["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response.headers
    data = response.get_json()
    assert not (_keys(data) & PRIVATE_KEYS), url
    return data


def test_index_links_every_collection(client):
    data = _get(client, "/api/v1/")
    conforms(data, _schema("/"))
    assert data["openapi"] == "http://localhost/api/v1/openapi.json"


def test_stories_filters_and_cursor_pagination(client, demo):
    seen: list[int] = []
    url = "/api/v1/stories?limit=2"
    while url:
        data = _get(client, url)
        conforms(data, _schema("/stories"))
        seen.extend(s["id"] for s in data["stories"])
        url = data["next"]
    assert len(seen) == len(set(seen)) == 6  # the public originals, each once
    italian = _get(client, "/api/v1/stories?language=it")["stories"]
    assert {s["author_name"] for s in italian} == {"Giulia", "Marco", "E.R."}
    both = _get(client, "/api/v1/stories?diagnosis=systemic-sclerosis&country=IT")["stories"]
    assert {s["author_name"] for s in both} == {"Giulia", "E.R."}
    giulia = next(s for s in both if s["author_name"] == "Giulia")
    assert [t["language"] for t in giulia["translations"]] == ["en"]
    english = _get(client, "/api/v1/stories?language=en&topic=calcinosis")["stories"]
    assert [(s["kind"], s["title"]) for s in english] == [
        ("translation", "The little stones under my skin")
    ]
    assert english[0]["diagnoses"] == giulia["diagnoses"]  # shares its original's


def test_bad_parameters_answer_json_errors(client):
    for url, status in (
        ("/api/v1/stories?cursor=nope", 400),
        ("/api/v1/stories?limit=0", 400),
        ("/api/v1/stories?limit=101", 400),
        ("/api/v1/stories?country=XYZ", 400),
        ("/api/v1/stories?diagnosis=unknown", 404),
        ("/api/v1/stories/999999", 404),
        ("/api/v1/stories/99999999999", 404),
        ("/api/v1/nothing-here", 404),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        conforms(response.get_json(), OPENAPI["components"]["schemas"]["Error"])


def test_one_story_with_its_languages_and_updates(app, client, demo):
    with app.app_context():

        def by_title(title: str) -> int:
            return db.session.scalar(sa.select(Story.id).filter_by(title=title))

        sarah = by_title("Learning to live with winter")
        update = db.session.scalar(sa.select(Story.id).where(Story.update_of_id == sarah))
        giulia = by_title("I sassolini sotto la pelle")
        pending = by_title("A patch on my side that turned out to have a name")
    data = _get(client, f"/api/v1/stories/{sarah}")
    conforms(data, _schema("/stories/{id}"))
    assert data["body_html"].startswith("<p>I have spent most")
    assert [u["id"] for u in data["updates"]] == [update]
    assert data["updates"][0]["url"].endswith(f"#update-{update}")
    data = _get(client, f"/api/v1/stories/{giulia}")
    assert [v["language"] for v in data["languages"]] == ["it", "en"]
    translation = _get(client, data["translations"][0]["api_url"].replace("http://localhost", ""))
    assert translation["translation_of"] == giulia and translation["kind"] == "translation"
    as_update = _get(client, f"/api/v1/stories/{update}")
    conforms(as_update, _schema("/stories/{id}"))
    assert as_update["update_of"] == sarah and as_update["kind"] == "update"
    assert client.get(f"/api/v1/stories/{pending}").status_code == 404


def test_diagnoses_and_topics(client, demo):
    data = _get(client, "/api/v1/diagnoses")
    conforms(data, _schema("/diagnoses"))
    by_slug = {d["slug"]: d for d in data["diagnoses"]}
    assert by_slug["limited-cutaneous-ssc"]["parent"] == "systemic-sclerosis"
    assert by_slug["systemic-sclerosis"]["story_count"] == 5
    assert by_slug["morphea"]["story_count"] == 0  # its only story is pending
    assert by_slug["raynauds-phenomenon"]["names"]["it"] == "Fenomeno di Raynaud"
    data = _get(client, "/api/v1/topics")
    conforms(data, _schema("/topics"))
    calcinosis = next(t for t in data["topics"] if t["slug"] == "calcinosis")
    assert calcinosis["story_count"] == 2 and "es" in calcinosis["titles"]


def test_openapi_document_is_served_and_covers_every_route(app, client):
    served = client.get("/api/v1/openapi.json").get_json()  # a document, not story data
    assert served["openapi"].startswith("3.1")
    assert served["servers"] == [{"url": "http://localhost/api/v1"}]
    documented = set(served["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<id:story_id>", "{id}") or "/"
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown"
    }
    assert routes == documented


def test_answers_are_cacheable_and_readable_from_other_sites(client):
    response = client.get("/api/v1/stories")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"].startswith("public")
    again = client.get("/api/v1/stories", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
