"""The staff inbox as a Sanic app: server-rendered pages, a JSON endpoint per page that its
script polls every second, and forms for every change.

Every route but the sign-in page and its static files needs a session (web.guard); every POST
carries the session's CSRF token (the sign-in form a token of its own cookie); admin pages need
the admin role. Each view, claim, reply, note and close is written to the audit log.
"""

from __future__ import annotations

from sanic import Sanic

from runtime.handoff.store import HandoffStore
from runtime.inbox import pages
from runtime.inbox.admin_views import audit_page, create_user, deactivate_user, users_page
from runtime.inbox.settings import InboxSettings, load_settings
from runtime.inbox.sign_in import login, login_page, logout
from runtime.inbox.ticket_views import (
    add_note,
    claim,
    close,
    reply,
    ticket_json,
    ticket_page,
    tickets_json,
    tickets_page,
)
from runtime.inbox.web import STATIC_PREFIX, guard, secure_headers


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
