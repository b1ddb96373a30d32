"""Moved to tests/plugins/workbench.py; this name stays only for test files written before the move
(branches in flight). New tests import tests.plugins.workbench."""

from tests.plugins.workbench import *  # noqa: F403
