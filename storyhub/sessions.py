"""Flask's signed-cookie sessions, minus work for requests that carry no session cookie."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Anonymous readers send no session cookie: their session is empty, as Flask's own would
    be, without building the signing serializer first (a key derivation setup and a JSON
    round trip on every public page)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
