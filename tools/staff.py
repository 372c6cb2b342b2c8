"""Staff CLI for handoff tickets.

python -m tools.staff list [--all]
python -m tools.staff show SP-4K7Q
python -m tools.staff claim SP-4K7Q --agent "Dr Smith"
python -m tools.staff send SP-4K7Q "Hello, this is the clinic's nurse." [--agent "Dr Smith"]
python -m tools.staff close SP-4K7Q [--no-relay]
python -m tools.staff purge [--days 90]
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from runtime import settings
from runtime.handoff import agent, transcript
from runtime.handoff.conversation import conversation_of
from runtime.handoff.relay import RelayError
from runtime.handoff.store import HandoffStore, OutboxItem, utcnow
from runtime.handoff.times import age, local_time, staff_zone
from runtime.inbox import records

ALL_STATUSES = ("open", "claimed", "closed")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.staff", description="Handoff tickets for staff.")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="open and claimed tickets, urgent first, then oldest")
    listing.add_argument("--all", action="store_true", help="closed tickets too")
    commands.add_parser("show", help="a ticket with its transcript").add_argument("reference")
    claim = commands.add_parser("claim", help="take a ticket")
    claim.add_argument("reference")
    claim.add_argument("--agent", required=True, help="your name, as the patient may see it")
    send = commands.add_parser("send", help="write to the patient in the live conversation")
    send.add_argument("reference")
    send.add_argument("text")
    send.add_argument("--agent", help="claim the ticket under this name first")
    close = commands.add_parser("close", help="tell the patient the handoff ended, then close")
    close.add_argument("reference")
    close.add_argument("--no-relay", action="store_true", help="close without telling the patient")
    purge = commands.add_parser("purge", help="delete closed tickets past the retention period")
    purge.add_argument("--days", type=float, help="default: RETENTION_DAYS (.env.example)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    store = HandoffStore.from_environment()
    try:
        COMMANDS[args.command](store, args)
    except KeyError as error:
        return fail(error.args[0] if error.args else str(error))
    except (ValueError, RelayError) as error:
        return fail(str(error))
    except SQLAlchemyError as error:
        return fail(f"handoff database error ({type(error).__name__}) at {store.engine.url!r}")
    return 0


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def list_command(store: HandoffStore, args: argparse.Namespace) -> None:
    found = store.list_tickets(ALL_STATUSES if args.all else ("open", "claimed"))
    if not found:
        print("No handoff tickets waiting." if not args.all else "No handoff tickets.")
        return
    now = utcnow()
    rows = [("REFERENCE", "PRIORITY", "STATUS", "REASON", "CHANNEL", "AGE")]
    rows += [(t.reference, t.priority, t.status, t.reason, t.channel, age(now - t.created_at)) for t in found]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def show_command(store: HandoffStore, args: argparse.Namespace) -> None:
    ticket = store.get(args.reference)
    tz = staff_zone()
    status = f"claimed by {ticket.claimed_by}" if ticket.status == "claimed" else ticket.status
    fields = [
        ("Ticket", ticket.reference),
        ("Status", status),
        ("Priority", ticket.priority),
        ("Reason", ticket.reason),
        ("Channel", ticket.channel),
        ("Conversation", ticket.conversation_id),
        ("Created", local_time(ticket.created_at, tz)),
        ("Updated", local_time(ticket.updated_at, tz)),
    ]
    if ticket.contact:  # only when the patient consented and gave it
        fields.append(("Contact", ", ".join(f"{k}: {v}" for k, v in ticket.contact.items())))
    fields.append(("Notified", notification_states(store.outbox_for(ticket.reference))))
    for label, value in fields:
        print(f"{label + ':':<14}{value}")
    conversation = conversation_of(ticket)
    print("\nTranscript:")
    if not conversation.live:
        print(f"  {transcript.words()['stored_only']}")
    for line in transcript.as_text(conversation.lines, tz):
        print(f"  {line}")


def claim_command(store: HandoffStore, args: argparse.Namespace) -> None:
    try:
        ticket = agent.claim(store, args.reference, args.agent)
    except RelayError as error:
        reference = store.get(args.reference).reference
        raise RelayError(f"{reference} claimed, but the conversation was not told: {error}") from None
    print(f"{ticket.reference} claimed by {ticket.claimed_by}.")


def send_command(store: HandoffStore, args: argparse.Namespace) -> None:
    try:
        ticket = agent.reply(store, args.reference, args.text, args.agent)
    except RelayError as error:
        reference = store.get(args.reference).reference
        raise RelayError(f"message stored in {reference} but not delivered: {error}") from None
    print(f"Sent to the patient of {ticket.reference}.")


def close_command(store: HandoffStore, args: argparse.Namespace) -> None:
    ticket = store.get(args.reference)
    if ticket.status == "closed":
        print(f"{ticket.reference} is already closed.")
        return
    try:
        agent.close(store, ticket.reference, tell_patient=not args.no_relay)
    except RelayError as error:
        hint = "use --no-relay to close it without telling the patient"
        raise RelayError(f"{ticket.reference} not closed: {error}; {hint}") from None
    print(f"{ticket.reference} closed.")


def purge_command(store: HandoffStore, args: argparse.Namespace) -> None:
    days = args.days if args.days is not None else float(settings.get("RETENTION_DAYS"))
    count = store.purge_closed_older_than(days)
    records.purge_orphan_notes(store.engine)  # their staff notes go with them
    print(f"Purged {count} closed handoff ticket(s) older than {days:g} days.")


COMMANDS = {
    "list": list_command,
    "show": show_command,
    "claim": claim_command,
    "send": send_command,
    "close": close_command,
    "purge": purge_command,
}


def notification_states(items: list[OutboxItem]) -> str:
    if not items:
        return "nobody (no notifier was configured)"
    states = []
    for item in items:
        state = f"{item.notifier} {item.status}"
        if item.status != "delivered" and item.attempts:
            state += f" after {item.attempts} attempt(s): {item.last_error}"
        states.append(state)
    return "; ".join(states)


if __name__ == "__main__":
    raise SystemExit(main())
