"""The staff inbox's security over real HTTP, against the real inbox process, its SQLite store
and the session's Rasa server: accounts only from the CLI, Argon2id hashes, cookie flags, a
session for every route, CSRF on every change, sign-in throttling and lockout, inactivity,
roles, and the append-only audit log."""

from __future__ import annotations

import http.client
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from conftest import inbox_environment
from support.inbox import PASSWORD, add_user, csrf_token, page_token, sign_in

from runtime.handoff.store import HandoffStore
from runtime.inbox.app import ROUTES
from runtime.settings import ROOT
from tools import servers

UNREACHABLE_RASA = "http://127.0.0.1:9"


def database_file(handoff_url: str) -> Path:
    return Path(handoff_url.removeprefix("sqlite:///"))


def new_ticket(handoff_url: str, conversation: str) -> str:
    entry = {"who": "user", "text": "can i talk to a person", "time": datetime.now(timezone.utc)}
    ticket, _ = HandoffStore(handoff_url).create_or_update(
        conversation, "rest", "user_request", "normal", [entry]
    )
    return ticket.reference


def audit_rows(handoff_url: str) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(database_file(handoff_url)) as db:
        return db.execute("SELECT username, action, subject FROM inbox_audit_log ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def staff(inbox_url: str, assistant_handoff_url: str) -> str:
    assert add_user(assistant_handoff_url, "sec-staff", "staff", "Sec Staff").returncode == 0
    return "sec-staff"


@pytest.fixture(scope="module")
def admin(inbox_url: str, assistant_handoff_url: str) -> str:
    assert add_user(assistant_handoff_url, "sec-admin", "admin", "Sec Admin").returncode == 0
    return "sec-admin"


@pytest.fixture
def strict_inbox(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """An inbox of its own behind (pretend) HTTPS, allowing 3 sign-ins a minute per address."""
    handoff_url = f"sqlite:///{tmp_path / 'handoff.db'}"
    env = inbox_environment(
        handoff_url,
        UNREACHABLE_RASA,
        "unused-token",
        tmp_path,
        INBOX_HTTPS="true",
        INBOX_LOGINS_PER_MINUTE="3",
    )
    with servers.staff_inbox(env) as url:
        yield url, handoff_url


def test_there_is_no_default_account_and_passwords_never_go_on_the_command_line(strict_inbox):
    url, handoff_url = strict_inbox
    for username, password in [("admin", "admin"), ("admin", "password"), ("staff", "staff")]:
        assert sign_in(url, username, password)[1].status_code == 401
    argv_password = subprocess.run(
        [sys.executable, "-m", "tools.inbox", "add-user", "x1", "--role", "staff", "--password", PASSWORD],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert argv_password.returncode == 2 and "unrecognized arguments" in argv_password.stderr
    short = add_user(handoff_url, "x2", "staff", password="short")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr


def test_passwords_are_stored_as_argon2id_hashes(strict_inbox):
    url, handoff_url = strict_inbox
    assert add_user(handoff_url, "hashed", "staff").returncode == 0
    with sqlite3.connect(database_file(handoff_url)) as db:
        [(stored,)] = db.execute("SELECT password_hash FROM inbox_users WHERE username = 'hashed'").fetchall()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert sign_in(url, "hashed")[1].status_code == 303


def test_the_session_cookie_is_httponly_and_samesite_strict(inbox_url, staff):
    client, answer = sign_in(inbox_url, staff)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    cookie = next(c for c in answer.raw.headers.getlist("Set-Cookie") if c.startswith("inbox_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would never come back
    page = client.get(f"{inbox_url}/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_secure_behind_https(strict_inbox):
    url, handoff_url = strict_inbox
    add_user(handoff_url, "secure", "staff")
    _, answer = sign_in(url, "secure")
    cookie = next(c for c in answer.raw.headers.getlist("Set-Cookie") if c.startswith("inbox_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def concrete(path: str) -> str:
    return path.replace("<reference>", "SP-ABCD").replace("<username>", "someone")


@pytest.mark.parametrize(("path", "method"), [(p, m) for p, _, methods in ROUTES for m in methods])
def test_no_route_answers_without_a_session(inbox_url, path, method):
    response = requests.request(method, f"{inbox_url}{concrete(path)}", allow_redirects=False, timeout=10)
    if path == "/login":  # the sign-in form itself; a POST without its CSRF cookie is refused
        assert response.status_code == (200 if method == "GET" else 403)
    elif method == "GET" and not path.startswith("/api/"):
        assert response.status_code == 302 and response.headers["Location"] == "/login"
    else:
        assert response.status_code == 401 and response.json() == {"signed_in": False}


def test_the_static_files_of_the_sign_in_page_are_public_and_hold_no_data(inbox_url):
    for name, kind in [("inbox.css", "text/css"), ("inbox.js", "javascript"), ("favicon.svg", "image/svg")]:
        response = requests.get(f"{inbox_url}/static/{name}", timeout=10)
        assert response.status_code == 200 and kind in response.headers["Content-Type"]
    host, port = inbox_url.removeprefix("http://").split(":")
    for traversal in ("/static/../../runtime/inbox/app.py", "/static/%2e%2e/%2e%2e/runtime/inbox/app.py"):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", traversal)  # sent as written: no client-side normalising
        answer = connection.getresponse()
        assert answer.status in (302, 404) and b"create_app" not in answer.read(), traversal
        connection.close()


def test_no_route_is_left_out_of_the_session_test():
    covered = {(p, m) for p, _, methods in ROUTES for m in methods}
    assert len(covered) == sum(len(methods) for _, _, methods in ROUTES) == 15


def test_every_change_needs_the_csrf_token(inbox_url, staff, admin, assistant_handoff_url):
    reference = new_ticket(assistant_handoff_url, "inbox-csrf")
    client, _ = sign_in(inbox_url, admin)
    for path, _, methods in ROUTES:
        if "POST" not in methods or path == "/login":
            continue
        target = f"{inbox_url}{path.replace('<reference>', reference).replace('<username>', staff)}"
        data = {"text": "forged", "username": "forged-user", "role": "admin", "password": PASSWORD}
        for token in (None, "wrong-token"):
            forged = client.post(target, data={**data, **({"csrf_token": token} if token else {})})
            assert forged.status_code == 403, path
    ticket = HandoffStore(assistant_handoff_url).get(reference)
    assert ticket.status == "open" and [e["text"] for e in ticket.transcript] == ["can i talk to a person"]
    assert client.get(f"{inbox_url}/").status_code == 200  # logout was refused too
    with sqlite3.connect(database_file(assistant_handoff_url)) as db:
        assert (
            db.execute(
                "SELECT count(*) FROM inbox_notes WHERE ticket_reference = ?", (reference,)
            ).fetchone()[0]
            == 0
        )
        assert (
            db.execute("SELECT count(*) FROM inbox_users WHERE username = 'forged-user'").fetchone()[0] == 0
        )
        assert db.execute("SELECT active FROM inbox_users WHERE username = ?", (staff,)).fetchone()[0] == 1
    form = requests.Session()
    form.get(f"{inbox_url}/login")
    no_token = form.post(
        f"{inbox_url}/login", data={"username": staff, "password": PASSWORD}, allow_redirects=False
    )
    assert no_token.status_code == 403 and "inbox_session" not in no_token.cookies


def test_sign_in_attempts_are_limited_per_address(strict_inbox):
    url, handoff_url = strict_inbox
    add_user(handoff_url, "throttled", "staff")
    for _ in range(3):
        assert sign_in(url, "throttled", "not the password")[1].status_code == 401
    blocked = sign_in(url, "throttled")[1]
    assert blocked.status_code == 429 and "Too many sign-in attempts from here" in blocked.text


def test_an_account_locks_after_repeated_failures(inbox_url, assistant_handoff_url):
    assert add_user(assistant_handoff_url, "lock-me", "staff").returncode == 0
    for _ in range(4):
        assert "password is wrong" in sign_in(inbox_url, "lock-me", "guess")[1].text
    assert "this account is locked" in sign_in(inbox_url, "lock-me", "guess")[1].text  # the fifth
    locked = sign_in(inbox_url, "lock-me")[1]  # the right password, too late
    assert locked.status_code == 401 and "this account is locked for 15 minutes" in locked.text
    assert ("lock-me", "locked_out", None) in audit_rows(assistant_handoff_url)


def test_a_session_ends_after_inactivity_and_polling_is_not_activity(inbox_url, staff, assistant_handoff_url):
    client, _ = sign_in(inbox_url, staff)
    db = sqlite3.connect(database_file(assistant_handoff_url))
    stamps = "SELECT last_active_at FROM inbox_sessions ORDER BY created_at DESC LIMIT 1"
    before = db.execute(stamps).fetchone()[0]
    assert client.get(f"{inbox_url}/api/tickets").status_code == 200
    assert db.execute(stamps).fetchone()[0] == before
    idle = (datetime.now(timezone.utc) - timedelta(minutes=16)).replace(tzinfo=None)
    with db:
        db.execute("UPDATE inbox_sessions SET last_active_at = ? WHERE last_active_at = ?", (idle, before))
    db.close()
    assert client.get(f"{inbox_url}/api/tickets").status_code == 401
    ended = client.get(f"{inbox_url}/", allow_redirects=False)
    assert ended.status_code == 302 and ended.headers["Location"] == "/login"  # the session is gone
    client, _ = sign_in(inbox_url, staff)
    idle_one = sqlite3.connect(database_file(assistant_handoff_url))
    with idle_one:
        idle_one.execute("UPDATE inbox_sessions SET last_active_at = ?", (idle,))
    idle_one.close()
    told = client.get(f"{inbox_url}/")
    assert (
        told.url.endswith("/login?m=timed_out")
        and "signed out after 15 minutes without activity" in told.text
    )


def test_staff_cannot_open_or_use_the_admin_pages(inbox_url, staff):
    client, _ = sign_in(inbox_url, staff)
    token = page_token(client, inbox_url)
    assert "/admin/audit" not in client.get(f"{inbox_url}/").text
    for path in ("/admin/audit", "/admin/users"):
        assert client.get(f"{inbox_url}{path}").status_code == 403
    forged = client.post(
        f"{inbox_url}/admin/users",
        data={"csrf_token": token, "username": "by-staff", "role": "admin", "password": PASSWORD},
    )
    assert forged.status_code == 403


def test_an_admin_creates_and_deactivates_accounts(inbox_url, admin, assistant_handoff_url):
    client, _ = sign_in(inbox_url, admin)
    page = client.get(f"{inbox_url}/admin/users")
    data = {"csrf_token": csrf_token(page.text), "username": "made-by-admin", "display_name": "Nurse Made",
            "role": "staff", "password": PASSWORD}  # fmt: skip
    assert "Account made-by-admin created." in client.post(f"{inbox_url}/admin/users", data=data).text
    weak = client.post(f"{inbox_url}/admin/users", data={**data, "username": "weak", "password": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.text
    made, answer = sign_in(inbox_url, "made-by-admin")
    assert answer.status_code == 303 and made.get(f"{inbox_url}/").status_code == 200
    gone = client.post(
        f"{inbox_url}/admin/users/made-by-admin/deactivate", data={"csrf_token": data["csrf_token"]}
    )
    assert "Account made-by-admin deactivated." in gone.text
    assert made.get(f"{inbox_url}/", allow_redirects=False).status_code == 302  # its session ended
    assert sign_in(inbox_url, "made-by-admin")[1].status_code == 401
    rows = audit_rows(assistant_handoff_url)
    assert (admin, "created_account", "made-by-admin") in rows
    assert (admin, "deactivated_account", "made-by-admin") in rows


def test_the_audit_log_records_who_did_what_and_cannot_be_rewritten(
    inbox_url, staff, admin, assistant_handoff_url
):
    reference = new_ticket(assistant_handoff_url, "inbox-audit")
    client, _ = sign_in(inbox_url, staff)
    token = page_token(client, inbox_url)
    client.get(f"{inbox_url}/tickets/{reference}")
    for action, text in [("claim", ""), ("notes", "called GP"), ("reply", "Hello"), ("close", "")]:
        client.post(f"{inbox_url}/tickets/{reference}/{action}", data={"csrf_token": token, "text": text})
    client.post(f"{inbox_url}/logout", data={"csrf_token": token})
    mine = [row[1] for row in audit_rows(assistant_handoff_url) if row[0] == staff and row[2] == reference]
    assert mine == ["viewed", "claimed", "viewed", "noted", "viewed", "replied", "viewed", "closed", "viewed"]
    assert audit_rows(assistant_handoff_url)[-1] == (staff, "signed_out", None)

    admin_client, _ = sign_in(inbox_url, admin)
    page = admin_client.get(f"{inbox_url}/admin/audit").text
    assert re.search(rf"<td>{staff}</td><td>closed</td><td>{reference}</td>", page)
    with sqlite3.connect(database_file(assistant_handoff_url)) as db:
        for statement in (
            "UPDATE inbox_audit_log SET username = 'someone else'",
            "DELETE FROM inbox_audit_log",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(statement)


def test_signing_out_ends_the_session(inbox_url, staff):
    client, _ = sign_in(inbox_url, staff)
    cookie = client.cookies.get("inbox_session")
    out = client.post(f"{inbox_url}/logout", data={"csrf_token": page_token(client, inbox_url)})
    assert out.url.endswith("/login?m=logged_out") and "You are signed out." in out.text
    replay = requests.get(
        f"{inbox_url}/", cookies={"inbox_session": cookie}, allow_redirects=False, timeout=10
    )
    assert replay.status_code == 302
