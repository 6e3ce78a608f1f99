"""The Flask application: one engine, the pages' blueprints, sign-in and errors."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from chitieu.normalize.text import clean

from . import security

auth = Blueprint("auth", __name__)


def engine() -> Engine:
    """The store the application was created over."""
    return current_app.extensions["chitieu.engine"]


def create_app(store: Engine, *, password: str | None = None, secret_key: str | None = None) -> Flask:
    """The web application over `store`; with `password`, everyone signs in with it."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_hex(32),
        PASSWORD=password,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.extensions["chitieu.engine"] = store
    app.extensions["chitieu.skipped"] = {}
    security.install(app)
    from .analyst import bp as analyst
    from .clerk import bp as clerk
    from .documents import bp as documents
    from .review import bp as review

    for bp in (auth, clerk, review, documents, analyst):
        app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def _error(e: HTTPException):
        if request.headers.get("HX-Request"):
            return render_template("_notice.html", message=e.description, error=True), e.code
        return render_template("error.html", error=e), e.code

    @app.get("/")
    def home():
        return redirect(url_for("clerk.queue"))

    return app


@auth.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with your name (and the shared password when one is set)."""
    wanted = current_app.config["PASSWORD"]
    target = request.values.get("next") or url_for("clerk.queue")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("clerk.queue")
    if request.method == "POST":
        name = clean(request.form.get("name"))
        if not name:
            flash("Type your name: every decision is recorded with it.", "error")
        elif not security.password_ok(request.form.get("password", ""), wanted):
            flash("Wrong password.", "error")
        else:
            session.update(clerk=name, signed_in=True)
            return redirect(target)
    return render_template("login.html", need_password=bool(wanted), target=target)


@auth.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
