"""The demo-page server: the page, the widget bundle without third-party fonts, the settings
as a script that cannot be broken out of, and nothing but its fixed list of files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from support.http import free_port

from tools import servers, web, web_accessibility

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
    for path in (
        "static/widget.js",
        "static/widget.css",
        "static/accessibility.js",
        "webchat.js",
        "config.js",
    ):
        assert requests.get(page + path, timeout=10).status_code == 200, path


def test_a_favicon_is_served_where_browsers_look_for_it(page):
    for path in ("favicon.ico", "static/favicon.svg"):
        icon = requests.get(page + path, timeout=10)
        assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/svg+xml", path
        assert icon.content.startswith(b"<svg")


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
    env = {"RASA_HOST": "127.0.0.1", "RASA_PORT": "5005", "CLINIC_NAME": "c", "CLINIC_COLOR": "#000000"}
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


@pytest.mark.parametrize("colour", ["#ffcc00", "#7fd6ff", "#ffffff", "#9e9e9e"])
def test_a_clinic_colour_too_light_for_white_text_is_darkened_and_said(colour, capsys):
    env = servers.server_environment(WEB_HOST="127.0.0.1", WEB_PORT=str(free_port()), CLINIC_COLOR=colour)
    used = web.widget_config(env)["clinicColor"]
    assert web_accessibility.contrast_with_white(used) >= 4.5 > web_accessibility.contrast_with_white(colour)
    with web.demo_page(env):
        pass
    assert f"CLINIC_COLOR {colour} has" in capsys.readouterr().out


def test_a_readable_clinic_colour_is_kept_and_nonsense_falls_back():
    assert web_accessibility.readable_colour("#0b5f73") == ("#0b5f73", None)
    colour, why = web_accessibility.readable_colour("red; background:url(x)")
    assert colour == web_accessibility.DEFAULT_COLOUR and "not a #rrggbb colour" in why
