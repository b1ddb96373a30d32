"""Login throttling that cannot be turned against a moderator: growing delays per address,
per (address, account) and per account from unknown devices; a browser that has logged in
before (device cookie) is held only to its own failures. Memory and Redis storage."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from storyhub.models import UserRole
from storyhub.services import accounts, login_throttle
from tests.plugins.forms import MODERATOR_PASSWORD, csrf_token

# Every test here runs on a rate-limited app, once per limiter storage (`throttled_app`).
pytestmark = pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    LOGIN_THROTTLE={
        "address": {"free": 6},
        "pair": {"free": 3},
        "account": {"free": 5},
        "device": {"free": 3},
    },
)

VICTIM = "victim.mod@example.org"
ATTACKER = "attacker.mod@example.org"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(login_throttle, "clock", fake)
    return fake


@pytest.fixture
def throttled_app(app, rate_limit_storage):
    with app.app_context():
        for email in (VICTIM, ATTACKER):
            accounts.create_user(email, MODERATOR_PASSWORD, UserRole.MODERATOR)
    return app


class Browser:
    """One browser at one client address, keeping its cookies like a real one."""

    def __init__(self, app: Flask, address: str) -> None:
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address

    def login(self, email: str, password: str):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        if response.status_code == 302:  # leave again, keeping only the device cookie
            page = self.client.get("/moderate/").get_data(as_text=True)
            self.client.post("/logout", data={"csrf_token": csrf_token(page)})
        return response


def test_failures_from_one_address_on_one_account_wait_longer_each_time(throttled_app, clock):
    attacker = Browser(throttled_app, "203.0.113.7")
    for _ in range(4):  # three free failures, the fourth is answered and starts a 2 s wait
        assert attacker.login(VICTIM, "wrong guess").status_code == 400
    refused = attacker.login(VICTIM, MODERATOR_PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    html = refused.get_data(as_text=True)
    assert "Too many failed login attempts. Please wait 2 seconds" in html
    assert f'value="{VICTIM}"' in html  # the form comes back filled in
    clock.now += 2
    assert attacker.login(VICTIM, "wrong again").status_code == 400
    assert attacker.login(VICTIM, "wrong again").headers["Retry-After"] == "4"
    clock.now += 4
    assert attacker.login(VICTIM, "wrong again").status_code == 400
    assert attacker.login(VICTIM, "wrong again").headers["Retry-After"] == "8"
    for _ in range(14):  # the delays double up to their ceilings: the pair's 900 s, then
        clock.now += 3600  # the address's (it tried too often, whatever the account) 3600 s
        attacker.login(VICTIM, "wrong again")
    assert attacker.login(VICTIM, "wrong").headers["Retry-After"] == "3600"
    assert "Please wait 60 minutes" in attacker.login(VICTIM, "x").get_data(as_text=True)


def test_a_stranger_cannot_lock_a_moderator_out_of_a_known_browser(throttled_app, clock):
    laptop = Browser(throttled_app, "198.51.100.20")
    assert laptop.login(VICTIM, MODERATOR_PASSWORD).status_code == 302  # now a known device
    # Strangers hammer the account from many addresses, one on the moderator's own network.
    for n in range(30):
        Browser(throttled_app, f"192.0.2.{n}").login(VICTIM, "guess")
        Browser(throttled_app, "198.51.100.20").login(VICTIM, "guess")
    assert Browser(throttled_app, "192.0.2.200").login(VICTIM, "guess").status_code == 429
    assert laptop.login(VICTIM, MODERATOR_PASSWORD).status_code == 302


def test_many_addresses_against_one_account_are_slowed_too(throttled_app, clock):
    for n in range(6):  # the account's five free failures from unknown devices, then a wait
        response = Browser(throttled_app, f"192.0.2.{n}").login(VICTIM, f"guess {n}")
        assert response.status_code == 400
    fresh = Browser(throttled_app, "192.0.2.99").login(VICTIM, MODERATOR_PASSWORD)
    assert fresh.status_code == 429 and fresh.headers["Retry-After"] == "2"
    # Other accounts are not affected, from those addresses either.
    assert (
        Browser(throttled_app, "192.0.2.1").login(ATTACKER, MODERATOR_PASSWORD).status_code == 302
    )
    clock.now += 2
    assert Browser(throttled_app, "192.0.2.99").login(VICTIM, MODERATOR_PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_slowed(throttled_app, clock):
    for n in range(7):
        Browser(throttled_app, "203.0.113.50").login(f"nobody{n}@example.org", "guess")
    assert Browser(throttled_app, "203.0.113.50").login(ATTACKER, "x").status_code == 429
    assert (
        Browser(throttled_app, "203.0.113.51").login(ATTACKER, MODERATOR_PASSWORD).status_code
        == 302
    )


def test_an_ipv6_client_is_one_address_for_its_whole_64(throttled_app, clock):
    for n in range(7):
        Browser(throttled_app, f"2001:db8:1:2::{n + 1:x}").login(f"x{n}@example.org", "guess")
    assert Browser(throttled_app, "2001:db8:1:2::ffff").login(ATTACKER, "x").status_code == 429
    assert Browser(throttled_app, "2001:db8:1:3::1").login(ATTACKER, "x").status_code == 400


def test_own_logins_between_guesses_do_not_reset_the_address(throttled_app, clock):
    attacker = Browser(throttled_app, "203.0.113.9")
    statuses = []
    for n in range(8):
        statuses.append(attacker.login(f"someone{n}@example.org", "guess").status_code)
        attacker.login(ATTACKER, MODERATOR_PASSWORD)
    assert 429 in statuses


def test_successful_logins_use_up_nothing(throttled_app, clock):
    browser = Browser(throttled_app, "198.51.100.30")
    for _ in range(12):
        assert browser.login(VICTIM, MODERATOR_PASSWORD).status_code == 302
    for n in range(12):
        assert (
            Browser(throttled_app, f"198.51.100.{40 + n}")
            .login(ATTACKER, MODERATOR_PASSWORD)
            .status_code
            == 302
        )


def test_a_known_device_is_throttled_on_its_own_failures(throttled_app, clock):
    laptop = Browser(throttled_app, "198.51.100.20")
    assert laptop.login(VICTIM, MODERATOR_PASSWORD).status_code == 302
    for _ in range(4):
        assert laptop.login(VICTIM, "typo").status_code == 400
    assert laptop.login(VICTIM, MODERATOR_PASSWORD).status_code == 429
    clock.now += 2
    assert laptop.login(VICTIM, MODERATOR_PASSWORD).status_code == 302


def test_a_device_cookie_counts_only_for_its_own_account_and_cannot_be_forged(throttled_app, clock):
    browser = Browser(throttled_app, "203.0.113.77")
    assert browser.login(ATTACKER, MODERATOR_PASSWORD).status_code == 302  # own account
    cookie = browser.client.get_cookie(login_throttle.DEVICE_COOKIE, path="/login")
    assert cookie is not None and cookie.http_only and cookie.path == "/login"
    for _ in range(4):
        browser.login(VICTIM, "guess")
    assert browser.login(VICTIM, "guess").status_code == 429
    forged = Browser(throttled_app, "203.0.113.78")
    value = re.sub(r"\.[^.]+$", ".AAAAAAAAAAAAAAAAAAAAAAAAAAA", cookie.value)
    forged.client.set_cookie(login_throttle.DEVICE_COOKIE, value, path="/login")
    for _ in range(4):
        forged.login(VICTIM, "guess")
    assert forged.login(VICTIM, "guess").status_code == 429
