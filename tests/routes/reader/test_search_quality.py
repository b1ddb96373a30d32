"""The README's measure, kept true: twenty reader queries in English, Italian and Spanish find
their expected stories in the first five results, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from tests.search_queries import measure, share


def test_twenty_reader_queries_find_their_stories_in_the_top_five(app, demo):
    with app.test_request_context("/"):
        rows = measure()
    assert len(rows) == 20
    assert share(rows) >= 0.95, [(r.query, r.found, r.wanted) for r in rows]
    # Every query naming a diagnosis or topic finds all it can in the top five.
    named = {"Raynaud's phenomenon", "SSc", "fenomeno di Raynaud", "fenómeno de Raynaud"}
    assert all(row.found == row.wanted for row in rows if row.query in named)
    # Nothing unpublished: the only morphea story is pending.
    assert next(row.top for row in rows if row.query == "morphea") == []
