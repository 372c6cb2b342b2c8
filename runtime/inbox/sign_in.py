"""Signing in and out of the staff inbox: the form with its own CSRF token, the password check
(throttled per address, locked per account) off the event loop, the session cookie."""

from __future__ import annotations

import asyncio
import secrets

from sanic.request import Request
from sanic.response import HTTPResponse, html, redirect

from runtime.inbox import accounts, pages, records, sessions
from runtime.inbox.web import (
    LOGIN_COOKIE,
    LOGIN_MESSAGES,
    SESSION_COOKIE,
    audit,
    clear_cookie,
    error_page,
    set_cookie,
    token_matches,
)


async def login_page(request: Request) -> HTTPResponse:
    return login_form(request, request.args.get("m"))


def login_form(request: Request, message_key: str | None, status: int = 200) -> HTTPResponse:
    """The sign-in form with a fresh CSRF token of its own, also in a cookie (double submit)."""
    token = secrets.token_urlsafe(32)
    login = pages.words()["login"]
    config = request.app.ctx.config
    minutes = {"timed_out": config.idle_minutes, "locked": config.lockout_minutes}.get(message_key or "", 0)
    message = login[message_key].format(minutes=f"{minutes:g}") if message_key in LOGIN_MESSAGES else None
    response = html(
        pages.render("login.html", session=None, csrf_token=token, message=message), status=status
    )
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


async def login(request: Request) -> HTTPResponse:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not token_matches(request, expected):
        return error_page(403, "csrf")
    app = request.app
    engine = app.ctx.store.engine
    username = request.form.get("username", "")
    result = await asyncio.to_thread(
        accounts.sign_in, engine, username, request.form.get("password", ""), request.ip, app.ctx.config
    )
    if result.user is None:
        if result.problem != "throttled":
            action = "locked_out" if result.problem == "locked" else "sign_in_failed"
            records.audit(engine, username.strip().lower() or "-", action)
        return login_form(request, result.problem, status=429 if result.problem == "throttled" else 401)
    token, _ = sessions.start(engine, result.user)
    records.audit(engine, result.user.username, "signed_in")
    response = redirect("/", status=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, LOGIN_COOKIE)
    return response


async def logout(request: Request) -> HTTPResponse:
    audit(request, "signed_out")
    sessions.end(request.app.ctx.store.engine, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login?m=logged_out", status=303)
    clear_cookie(request, response, SESSION_COOKIE)
    return response
