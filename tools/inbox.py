"""The staff inbox from the command line.

python -m tools.inbox serve                               # the web app on INBOX_HOST:INBOX_PORT
python -m tools.inbox add-user lee --role staff --name "Nurse Lee"   # asks for the password
echo "$PASSWORD" | python -m tools.inbox add-user admin1 --role admin   # or reads it from stdin

A password is never an argument (it would show in `ps` and the shell's history), and there is no
default account: the first admin is created here, later ones also on the inbox's Accounts page.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from runtime.handoff.store import HandoffStore
from runtime.inbox import accounts, records, server
from runtime.inbox.settings import load_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.inbox", description="The staff inbox.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the staff inbox web app")
    add = commands.add_parser(
        "add-user", help="create a staff or admin account (password from a prompt or stdin)"
    )
    add.add_argument("username")
    add.add_argument("--role", choices=("staff", "admin"), required=True)
    add.add_argument("--name", default="", help="the name shown on claimed tickets (default: the user name)")
    return parser


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise accounts.AccountError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def add_user(args: argparse.Namespace) -> int:
    store = HandoffStore.from_environment()
    try:
        user = accounts.add_user(
            store.engine,
            args.username,
            args.name,
            args.role,
            read_password(),
            load_settings().min_password_length,
        )
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    records.audit(store.engine, "cli", "created_account", user.username)
    print(f"Account {user.username} ({user.role}) created.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        server.main()
        return 0
    return add_user(args)


if __name__ == "__main__":
    raise SystemExit(main())
