"""Where things are, for tests at any depth of tests/ (no `Path(__file__).parents[n]` counting)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = REPO_ROOT / "tests" / "data"
ARTIFACTS = REPO_ROOT / "test-artifacts"
