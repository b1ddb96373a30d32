"""Fixtures and helpers for every test live in tests/plugins/, registered here.

- tests/plugins/app.py        the app on its own database (`app`, `client`, `runner`, `demo`,
                              `live_server`, the `app_config` marker)
- tests/plugins/forms.py      acting as a browser (`csrf_token`, `story_form_data`, `moderator`,
                              `auth`, `submit`)
- tests/plugins/factories.py  `make_story`, `make_topic`, `make_diagnosis`, `make_moderator`
- tests/plugins/log_audit.py  keeps a log of the whole session and fails the run if a private
                              value reached it
"""

from __future__ import annotations

import pytest

# Asserts inside the helpers report like asserts in tests (they are imported below, before
# pytest loads them as plugins).
pytest.register_assert_rewrite("tests.plugins")

pytest_plugins = [
    "tests.plugins.log_audit",
    "tests.plugins.app",
    "tests.plugins.forms",
    "tests.plugins.factories",
    "tests.plugins.mail",
]
