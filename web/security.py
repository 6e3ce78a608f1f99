"""Who may do what: a CSRF token on every POST, an optional shared password
(required when the server listens beyond this machine), and the clerk's name
that every decision is recorded under."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, redirect, request, session, url_for

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_OPEN = {"auth.login", "static"}  # endpoints reachable before signing in
# Scripts only from our own files (htmx, clerk.js), never inline: text that
# escaped escaping still could not run. Styles inline (one <style> block).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


class PasswordRequired(Exception):
    """Listening beyond localhost without a password."""


def check_exposure(host: str, password: str | None) -> None:
    if host not in LOCAL_HOSTS and not password:
        raise PasswordRequired(
            f"--host {host} lets other machines in: a password is required "
            "(set CHITIEU_WEB_PASSWORD or give --password-file)"
        )


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def clerk() -> str | None:
    """The signed-in clerk's name."""
    return session.get("clerk")


def password_ok(given: str, password: str | None) -> bool:
    return password is None or hmac.compare_digest(given.encode(), password.encode())


def install(app: Flask) -> None:
    """Refuse POSTs without the session's CSRF token; with a password set,
    send everyone not signed in to the sign-in page."""

    @app.before_request
    def _guard():
        if request.method == "POST":
            sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
            if not hmac.compare_digest(sent, session.get("csrf", "")) or not sent:
                abort(400, "the form is out of date or did not come from this site: reload the page and try again")
        if app.config["PASSWORD"] and not session.get("signed_in") and request.endpoint not in _OPEN:
            return redirect(url_for("auth.login", next=request.full_path))
        return None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.jinja_env.globals.update(csrf_token=csrf_token, clerk=clerk)


def require_clerk() -> str:
    """The clerk's name, or 403: decisions are refused without one."""
    name = clerk()
    if not name:
        abort(403, "sign in with your name first: every decision is recorded with who made it")
    return name
