"""The staff inbox for the tests: accounts made with its CLI, and a signed-in HTTP client."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import requests

from runtime.inbox.web import LOGIN_COOKIE
from runtime.settings import ROOT

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a long test passphrase"


def add_user(handoff_url: str, username: str, role: str = "staff", name: str = "", password: str = PASSWORD):
    """`python -m tools.inbox add-user`, the password on stdin as a script would give it."""
    env = {**os.environ, "HANDOFF_DB_URL": handoff_url}
    return subprocess.run(
        [sys.executable, "-m", "tools.inbox", "add-user", username, "--role", role, "--name", name],
        cwd=ROOT, env=env, input=password + "\n", capture_output=True, text=True,
    )  # fmt: skip


def csrf_token(html: str) -> str:
    return CSRF_FIELD.search(html).group(1)


def sign_in(url: str, username: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    """A client that went through the sign-in form, and the form's answer."""
    client = requests.Session()
    form = client.get(f"{url}/login", timeout=10)
    answer = client.post(
        f"{url}/login",
        data={"csrf_token": csrf_token(form.text), "username": username, "password": password},
        # Given explicitly: behind INBOX_HTTPS the cookie is Secure, and the tests speak plain HTTP.
        cookies={LOGIN_COOKIE: form.cookies[LOGIN_COOKIE]},
        allow_redirects=False,
        timeout=30,
    )
    return client, answer


def page_token(client: requests.Session, url: str) -> str:
    """The session's CSRF token, as the pages' forms carry it."""
    return csrf_token(client.get(f"{url}/", timeout=10).text)
