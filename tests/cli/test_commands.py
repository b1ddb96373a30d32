"""Commands, configuration and migrations, as an operator meets them."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.models import Story, User, UserRole
from tests.plugins.paths import REPO_ROOT

ROOT = REPO_ROOT


def test_users_create_reads_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["users", "create", "Admin@Example.org", "--role", "admin", "--password-stdin"],
        input="correct horse battery\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(email="admin@example.org"))
        assert user.role is UserRole.ADMIN
        assert user.check_password("correct horse battery")
        assert "correct horse" not in user.password_hash
    again = runner.invoke(
        args=["users", "create", "admin@example.org", "--password-stdin"],
        input="another long password\n",
    )
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(
        args=["users", "create", "x@example.org", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output


def test_demo_load_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Demo moderator: moderator@example.org" in first.output
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Story.id)))
        languages = set(db.session.scalars(sa.select(Story.language)))
    assert count >= 6 and {"en", "it"} <= languages
    second = runner.invoke(args=["demo", "load"])
    assert "0 new stories" in second.output
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]  # same login
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Story.id))) == count


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "STORYHUB_CONFIG": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
    }
    result = _run("from storyhub import create_app; create_app()", env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_generates_and_keeps_a_secret(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "STORYHUB_INSTANCE": str(tmp_path)}
    code = "from storyhub import create_app; print(create_app().config['SECRET_KEY'])"
    first, second = _run(code, env), _run(code, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 32
    assert (tmp_path / "secret_key").exists()


def test_migrations_upgrade_and_match_models(database_url, tmp_path):
    """`flask db upgrade` builds the schema from nothing; `flask db check` finds no drift."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url,
        "STORYHUB_INSTANCE": str(tmp_path),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]
    upgrade = subprocess.run(
        [*flask, "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert upgrade.returncode == 0, upgrade.stderr
    check = subprocess.run(
        [*flask, "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stderr + check.stdout
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_stories_export_all_and_for_one_person(runner, demo):
    import json

    everything = json.loads(runner.invoke(args=["stories", "export"]).output)
    assert everything["format"] == "storyhub-export/1"
    assert len(everything["stories"]) >= 9
    assert any(e["action"] == "approve" for e in everything["events"])
    mine = json.loads(
        runner.invoke(args=["stories", "export", "--email", "GIULIA.demo@example.org"]).output
    )
    assert {s["title"] for s in mine["stories"]} == {"I sassolini sotto la pelle"}
    assert mine["stories"][0]["submitter"]["email"] == "giulia.demo@example.org"
    assert mine["stories"][0]["body_submitted"].startswith("Per anni")
    nobody = json.loads(runner.invoke(args=["stories", "export", "--email", "x@y.z"]).output)
    assert nobody["stories"] == [] and nobody["events"] == []
