"""Sessions end when they should: logout, a new password, deactivation or a role change ends
every session of that user, in other browsers too (users.session_generation)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storyhub.extensions import db
from storyhub.models import User, UserRole
from tests.plugins.forms import csrf_token
from tests.plugins.workbench import ADMIN_EMAIL, PASSWORD, SECOND_EMAIL, login_as, make_user


def _logged_in(client: FlaskClient) -> bool:
    response = client.get("/moderate/")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def _post(client: FlaskClient, url: str, **data: str):  # type: ignore[no-untyped-def]
    page = client.get("/moderate/").get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


@pytest.fixture
def two_browsers(app: Flask) -> tuple[FlaskClient, FlaskClient, FlaskClient]:
    """The same moderator logged in on a laptop and a phone, another moderator elsewhere."""
    make_user(app, SECOND_EMAIL)
    make_user(app, "other.mod@example.org")
    laptop, phone, other = app.test_client(), app.test_client(), app.test_client()
    login_as(laptop, SECOND_EMAIL)
    login_as(phone, SECOND_EMAIL)
    login_as(other, "other.mod@example.org")
    assert _logged_in(laptop) and _logged_in(phone) and _logged_in(other)
    return laptop, phone, other


def test_logout_ends_the_sessions_of_every_browser(two_browsers):
    laptop, phone, other = two_browsers
    assert _post(phone, "/logout").status_code == 302
    assert not _logged_in(phone)
    assert not _logged_in(laptop)
    assert _logged_in(other)  # another person's session is untouched
    login_as(laptop, SECOND_EMAIL)  # logging in again works
    assert _logged_in(laptop)


def test_password_change_keeps_this_browser_and_ends_the_others(two_browsers):
    laptop, phone, other = two_browsers
    response = _post(
        laptop,
        "/account/password",
        current=PASSWORD,
        new="a fresh long password",
        confirm="a fresh long password",
    )
    assert response.status_code == 302
    assert "Any other browser logged in as you is now logged out." in laptop.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert _logged_in(laptop)
    assert not _logged_in(phone)
    assert _logged_in(other)


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(app, two_browsers):
    laptop, phone, _other = two_browsers
    admin = app.test_client()
    make_user(app, ADMIN_EMAIL, UserRole.ADMIN)
    login_as(admin, ADMIN_EMAIL)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email=SECOND_EMAIL))
    page = admin.get("/admin/users").get_data(as_text=True)
    token = csrf_token(page)
    assert (
        admin.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token}).status_code
        == 302
    )
    assert not _logged_in(laptop) and not _logged_in(phone)
    assert (
        admin.post(f"/admin/users/{user_id}/activate", data={"csrf_token": token}).status_code
        == 302
    )
    assert not _logged_in(laptop) and not _logged_in(phone)  # old cookies stay dead
    login_as(phone, SECOND_EMAIL)
    assert _logged_in(phone)


def test_role_change_by_any_code_path_ends_sessions(app, two_browsers):
    laptop, phone, other = two_browsers
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=SECOND_EMAIL))
        user.role = UserRole.ADMIN
        db.session.commit()
    assert not _logged_in(laptop) and not _logged_in(phone)
    assert _logged_in(other)
    login_as(laptop, SECOND_EMAIL)
    assert laptop.get("/admin/").status_code == 200  # the new role, in a new session


def test_a_session_cookie_from_before_the_change_is_refused(app, two_browsers):
    """A copy of the cookie taken before logout (e.g. from a stolen laptop) is useless."""
    laptop, _phone, _other = two_browsers
    stolen = laptop.get_cookie("session").value
    _post(laptop, "/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not _logged_in(thief)


def test_saving_the_same_values_keeps_sessions(app, two_browsers):
    laptop, _phone, _other = two_browsers
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=SECOND_EMAIL))
        user.role = UserRole.MODERATOR
        user.active = True
        db.session.commit()
    assert _logged_in(laptop)
