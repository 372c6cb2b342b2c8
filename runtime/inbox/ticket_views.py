"""The staff inbox's ticket pages: the list, a ticket with its live conversation and notes, their
JSON for the pages' polling, and claim, reply, close and notes (runtime/handoff/agent.py)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from sanic.request import Request
from sanic.response import HTTPResponse, json, redirect

from runtime.handoff import agent, transcript
from runtime.handoff.conversation import conversation_of
from runtime.handoff.relay import RelayError
from runtime.handoff.store import Ticket, normalize_reference
from runtime.handoff.times import local_time, staff_zone
from runtime.inbox import pages, records
from runtime.inbox.web import audit, error_page, page


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
