"""The staff inbox's admin pages: the audit log, and the accounts (create, deactivate)."""

from __future__ import annotations

import asyncio

from sanic.request import Request
from sanic.response import HTTPResponse

from runtime.handoff.times import local_time, staff_zone
from runtime.inbox import accounts, pages, records
from runtime.inbox.accounts import AccountError
from runtime.inbox.web import audit, error_page, page


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
