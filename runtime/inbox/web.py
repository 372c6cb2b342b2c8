"""What every route of the staff inbox shares: the guard in front of them (a session for every
route but the sign-in page and its static files, the CSRF token on every POST, the admin role
for /admin/), the security headers, the cookies, rendering a page and writing the audit log."""

from __future__ import annotations

import hmac
from typing import Any

from sanic.request import Request
from sanic.response import HTTPResponse, html, json, redirect

from runtime.inbox import pages, records, sessions

SESSION_COOKIE = "inbox_session"
LOGIN_COOKIE = "inbox_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PUBLIC_PATHS = ("/login",)
LOGIN_MESSAGES = ("failed", "locked", "throttled", "timed_out", "logged_out")
STATIC_PREFIX = "/static/"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


async def guard(request: Request) -> HTTPResponse | None:
    """No session, no page; a POST without the session's CSRF token, nothing changes."""
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(STATIC_PREFIX):
        return None
    app = request.app
    api = path.startswith("/api/")
    token = request.cookies.get(SESSION_COOKIE, "")
    # The pages' background polling is not activity: an open page still times out.
    found = sessions.look_up(app.ctx.store.engine, token, app.ctx.config.idle_minutes, touch=not api)
    if found.session is None:
        if request.method == "GET" and not api:
            return redirect("/login?m=timed_out" if found.expired else "/login")
        return json({"signed_in": False}, status=401)
    request.ctx.session = found.session
    if request.method == "POST" and not token_matches(request, found.session.csrf_token):
        return error_page(403, "csrf")
    if path.startswith("/admin/") and not found.session.user.is_admin:
        return error_page(403, "forbidden")
    return None


def token_matches(request: Request, expected: str) -> bool:
    given = request.form.get(CSRF_FIELD) if request.form else None
    given = given or request.headers.get(CSRF_HEADER, "")
    return bool(given) and hmac.compare_digest(given, expected)


async def secure_headers(request: Request, response: HTTPResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if request.app.ctx.config.https:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"


def set_cookie(request: Request, response: HTTPResponse, name: str, value: str) -> None:
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if request.app.ctx.config.https:
        cookie["secure"] = True


def clear_cookie(request: Request, response: HTTPResponse, name: str) -> None:
    set_cookie(request, response, name, "")
    response.cookies[name]["max-age"] = 0


def error_page(status: int, key: str) -> HTTPResponse:
    return html(pages.render("error.html", message=pages.words()["errors"][key], session=None), status=status)


def page(request: Request, template: str, **values: Any) -> HTTPResponse:
    session = request.ctx.session
    return html(pages.render(template, session=session, csrf_token=session.csrf_token, **values))


def audit(request: Request, action: str, subject: str | None = None) -> None:
    records.audit(request.app.ctx.store.engine, request.ctx.session.user.username, action, subject)
