"""The demo-page server: the page, the widget bundle without third-party fonts, the settings
as a script that cannot be broken out of, and nothing but its fixed list of files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from support.http import free_port

from tools import servers, web

HOSTILE_NAME = 'Clinic </script><script>alert("x")</script>'


@pytest.fixture(scope="module")
def page() -> Iterator[str]:
    env = servers.server_environment(
        WEB_HOST="127.0.0.1", WEB_PORT=str(free_port()), CLINIC_NAME=HOSTILE_NAME
    )
    with web.demo_page(env) as url:
        yield url


def test_the_page_and_its_files_are_served(page):
    html = requests.get(page, timeout=10)
    assert html.status_code == 200
    assert html.headers["Content-Type"].startswith("text/html")
    assert html.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("static/widget.js", "static/widget.css", "webchat.js", "config.js"):
        assert requests.get(page + path, timeout=10).status_code == 200, path


def test_the_widget_bundle_is_served_without_the_google_fonts_import(page):
    bundle = requests.get(page + "webchat.js", timeout=10).content
    assert b"fonts.googleapis.com" in web.WEBCHAT_BUNDLE.read_bytes()
    assert b"fonts.googleapis.com" not in bundle
    assert len(bundle) > 500_000  # the whole widget, not an error page


def test_settings_reach_the_page_as_data_that_cannot_close_the_script(page):
    script = requests.get(page + "config.js", timeout=10).text
    assert "</script>" not in script
    assert "<\\/script>" in script
    assert script.startswith("window.SPINE_ASSISTANT = {")


@pytest.mark.parametrize(
    "path", ["/../Makefile", "/web/index.html", "/node_modules/rasa-webchat/package.json", "/.env"]
)
def test_nothing_outside_the_fixed_list_is_served(page, path):
    response = requests.get(page.rstrip("/") + path, timeout=10)
    assert response.status_code == 404


def test_head_requests_send_no_body(page):
    response = requests.head(page, timeout=10)
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["Content-Length"]) > 0


def test_the_socket_url_defaults_to_the_rasa_server():
    env = {"RASA_HOST": "127.0.0.1", "RASA_PORT": "5005", "CLINIC_NAME": "c", "CLINIC_COLOR": "#000"}
    assert web.widget_config(env)["socketUrl"] == "http://127.0.0.1:5005"
    assert (
        web.widget_config({**env, "WEB_SOCKET_URL": "https://a.example"})["socketUrl"] == "https://a.example"
    )


def test_a_busy_port_is_one_clear_line(page):
    busy_port = page.rsplit(":", 1)[1].strip("/")
    env = servers.server_environment(WEB_HOST="127.0.0.1", WEB_PORT=busy_port)
    with (
        pytest.raises(SystemExit, match=f"Cannot serve the demo page on 127.0.0.1:{busy_port}.*set WEB_PORT"),
        web.demo_page(env),
    ):
        pass
