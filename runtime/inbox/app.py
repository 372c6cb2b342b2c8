"""The staff inbox as a Sanic app: server-rendered pages, a JSON endpoint per page that its
script polls every second, and forms for every change.

Every route but the sign-in page and its static files needs a session (`guard`); every POST
carries the session's CSRF token (the sign-in form a token of its own cookie); admin pages need
the admin role. Each view, claim, reply, note and close is written to the audit log.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from typing import Any
from urllib.parse import quote

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, html, json, redirect

from runtime.handoff import agent, transcript
from runtime.handoff.conversation import conversation_of
from runtime.handoff.relay import RelayError
from runtime.handoff.store import HandoffStore, Ticket, normalize_reference
from runtime.handoff.times import local_time, staff_zone
from runtime.inbox import accounts, pages, records, sessions
from runtime.inbox.accounts import AccountError
from runtime.inbox.settings import InboxSettings, load_settings

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


def create_app(store: HandoffStore | None = None, config: InboxSettings | None = None) -> Sanic:
    app = Sanic("spine_staff_inbox")
    app.ctx.store = store or HandoffStore.from_environment()
    app.ctx.config = config or load_settings()
    app.static(STATIC_PREFIX.rstrip("/"), str(pages.STATIC), name="static")
    app.register_middleware(guard, "request")
    app.register_middleware(secure_headers, "response")
    for path, handler, methods in ROUTES:
        app.add_route(handler, path, methods=methods, name=handler.__name__)
    return app


# --- sessions, CSRF and roles ------------------------------------------------------------------


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


# --- signing in and out ------------------------------------------------------------------------


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


# --- tickets -----------------------------------------------------------------------------------


def ticket_list(request: Request) -> list[dict[str, Any]]:
    tz = staff_zone()
    return [pages.ticket_summary(t, tz) for t in request.app.ctx.store.list_tickets()]


async def tickets_page(request: Request) -> HTTPResponse:
    audit(request, "listed")
    found = ticket_list(request)
    return page(request, "tickets.html", tickets=found, title=pages.list_title(len(found)))


async def tickets_json(request: Request) -> HTTPResponse:
    found = ticket_list(request)
    return json({"title": pages.list_title(len(found)), "tickets": found})


def find_ticket(request: Request, reference: str) -> Ticket | None:
    try:
        return request.app.ctx.store.get(normalize_reference(reference))
    except KeyError:
        return None


async def ticket_view(request: Request, reference: str) -> dict[str, Any] | None:
    """A ticket with its live conversation and notes, as the page and its JSON show it."""
    ticket = find_ticket(request, reference)
    if ticket is None:
        return None
    tz = staff_zone()
    conversation = await asyncio.to_thread(conversation_of, ticket)
    notes = records.notes_for(request.app.ctx.store.engine, ticket.reference)
    return {
        **pages.ticket_summary(ticket, tz),
        "open": ticket.status != "closed",
        "claimable": ticket.status == "open",
        "contact": ticket.contact,
        "live": conversation.live,
        "lines": [line.as_json(tz) for line in conversation.lines],
        "notes": [{"author": n.author, "text": n.text, "time": local_time(n.at, tz)} for n in notes],
    }


async def ticket_page(request: Request, reference: str) -> HTTPResponse:
    view = await ticket_view(request, reference)
    if view is None:
        return error_page(404, "not_found")
    audit(request, "viewed", view["reference"])
    return page(
        request,
        "ticket.html",
        ticket=view,
        canned=pages.canned_replies(),
        zone=str(staff_zone()),
        stored_only=transcript.words()["stored_only"],
        flash=flash(request, view["reference"]),
    )


async def ticket_json(request: Request, reference: str) -> HTTPResponse:
    view = await ticket_view(request, reference)
    return json(view) if view is not None else json({"found": False}, status=404)


def flash(request: Request, reference: str) -> str | None:
    """The outcome of the last action, by its key in the wording (never text from the URL)."""
    key = request.args.get("done", "")
    template = pages.words()["flash"].get(key)
    return template.format(reference=reference) if template else None


def back_to(reference: str, done: str) -> HTTPResponse:
    return redirect(f"/tickets/{quote(reference)}?done={done}", status=303)


def form_text(request: Request) -> str:
    return (request.form.get("text") or "").strip()


async def claim(request: Request, reference: str) -> HTTPResponse:
    ticket = find_ticket(request, reference)
    if ticket is None:
        return error_page(404, "not_found")
    user = request.ctx.session.user
    try:
        await asyncio.to_thread(agent.claim, request.app.ctx.store, ticket.reference, user.display_name)
        done = "claimed"
    except RelayError:
        done = "claimed_not_told"
    except ValueError:  # closed meanwhile
        return back_to(ticket.reference, "closed")
    audit(request, "claimed", ticket.reference)
    return back_to(ticket.reference, done)


async def reply(request: Request, reference: str) -> HTTPResponse:
    """Claims an open ticket first; the reply is stored even when it cannot be delivered."""
    ticket, text = find_ticket(request, reference), form_text(request)
    if ticket is None:
        return error_page(404, "not_found")
    if not text:
        return back_to(ticket.reference, "empty")
    claim_as = request.ctx.session.user.display_name if ticket.status == "open" else None
    try:
        await asyncio.to_thread(agent.reply, request.app.ctx.store, ticket.reference, text, claim_as)
        done = "sent"
    except RelayError:
        done = "stored_not_sent"
    except ValueError:
        return back_to(ticket.reference, "closed")
    audit(request, "replied", ticket.reference)
    return back_to(ticket.reference, done)


async def close(request: Request, reference: str) -> HTTPResponse:
    ticket = find_ticket(request, reference)
    if ticket is None:
        return error_page(404, "not_found")
    try:
        await asyncio.to_thread(agent.close, request.app.ctx.store, ticket.reference)
    except RelayError:
        return back_to(ticket.reference, "close_failed")
    audit(request, "closed", ticket.reference)
    return back_to(ticket.reference, "closed")


async def add_note(request: Request, reference: str) -> HTTPResponse:
    ticket, text = find_ticket(request, reference), form_text(request)
    if ticket is None:
        return error_page(404, "not_found")
    if not text:
        return back_to(ticket.reference, "empty")
    records.add_note(
        request.app.ctx.store.engine, ticket.reference, request.ctx.session.user.display_name, text
    )
    audit(request, "noted", ticket.reference)
    return back_to(ticket.reference, "noted")


# --- admin -------------------------------------------------------------------------------------


async def audit_page(request: Request) -> HTTPResponse:
    audit(request, "read_audit_log")
    tz = staff_zone()
    entries = [
        {"time": local_time(e.at, tz, seconds=True), "who": e.username, "action": e.action,
         "subject": e.subject or ""}
        for e in records.audit_entries(request.app.ctx.store.engine)
    ]  # fmt: skip
    return page(request, "audit.html", entries=entries)


async def users_page(request: Request) -> HTTPResponse:
    audit(request, "listed_accounts")
    return users_form(request, None)


def users_form(request: Request, message: str | None, status: int = 200) -> HTTPResponse:
    engine, config = request.app.ctx.store.engine, request.app.ctx.config
    response = page(
        request,
        "users.html",
        users=accounts.all_users(engine),
        message=message,
        min_length=config.min_password_length,
    )
    response.status = status
    return response


async def create_user(request: Request) -> HTTPResponse:
    form, words = request.form, pages.words()["flash"]
    try:
        user = await asyncio.to_thread(
            accounts.add_user,
            request.app.ctx.store.engine,
            form.get("username", ""),
            form.get("display_name", ""),
            form.get("role", ""),
            form.get("password", ""),
            request.app.ctx.config.min_password_length,
        )
    except AccountError as error:
        return users_form(request, words["user_invalid"].format(problem=error), status=400)
    audit(request, "created_account", user.username)
    return users_form(request, words["user_created"].format(username=user.username))


async def deactivate_user(request: Request, username: str) -> HTTPResponse:
    user = accounts.deactivate(request.app.ctx.store.engine, username)
    if user is None:
        return error_page(404, "not_found")
    audit(request, "deactivated_account", user.username)
    return users_form(request, pages.words()["flash"]["user_deactivated"].format(username=user.username))


ROUTES = [
    ("/login", login_page, ["GET"]),
    ("/login", login, ["POST"]),
    ("/logout", logout, ["POST"]),
    ("/", tickets_page, ["GET"]),
    ("/api/tickets", tickets_json, ["GET"]),
    ("/tickets/<reference>", ticket_page, ["GET"]),
    ("/api/tickets/<reference>", ticket_json, ["GET"]),
    ("/tickets/<reference>/claim", claim, ["POST"]),
    ("/tickets/<reference>/reply", reply, ["POST"]),
    ("/tickets/<reference>/close", close, ["POST"]),
    ("/tickets/<reference>/notes", add_note, ["POST"]),
    ("/admin/audit", audit_page, ["GET"]),
    ("/admin/users", users_page, ["GET"]),
    ("/admin/users", create_user, ["POST"]),
    ("/admin/users/<username>/deactivate", deactivate_user, ["POST"]),
]
