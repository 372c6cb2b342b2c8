"""The website widget in a real browser (Debian's Chromium driven by Playwright) against the
real servers: greeting with the disclaimer, a catalog answer with its buttons and source, a
button's follow-up, the emergency reply, the conversation kept across a reload, a phone
screen, and no request leaving this machine. Screenshots go to reports/widget/."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from support.browser import CLINIC_NAME
from support.channel_helpers import user_texts

from runtime.settings import ROOT
from tools import servers

SCREENSHOTS = ROOT / "reports" / "widget"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
ANSWER_TIMEOUT_MS = 30_000


def open_widget(page: Page) -> None:
    """Opens the widget unless it reopened itself (it does when restoring an open conversation)."""
    page.wait_for_selector(".rw-launcher")
    messages = page.locator(".rw-messages-container")
    try:
        messages.wait_for(state="visible", timeout=1500)
    except PlaywrightTimeoutError:
        page.click(".rw-launcher")
    expect(messages).to_be_visible()


def ask(page: Page, text: str) -> None:
    page.fill(".rw-new-message", text)
    page.keyboard.press("Enter")


def bot_says(page: Page, text: str) -> None:
    expect(page.locator(".rw-response", has_text=text).last).to_be_visible(timeout=ANSWER_TIMEOUT_MS)


def session_id(page: Page) -> str:
    return page.evaluate("JSON.parse(localStorage.getItem('chat_session')).session_id")


def test_a_patient_conversation_in_the_widget(
    browser: Browser, page_url: str, assistant: servers.RunningAssistant
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(page_url)

    expect(page.locator(".demo-clinic")).to_have_text(CLINIC_NAME)
    open_widget(page)
    expect(page.locator(".rw-header")).to_contain_text(CLINIC_NAME)
    bot_says(page, "automated assistant, not a person")
    expect(page.locator(".rw-response strong", has_text="In an emergency, call 911.")).to_be_visible()
    bot_says(page, "What would you like to know about disc problems")

    ask(page, "What is a discectomy?")
    bot_says(page, "removes the part of a herniated or damaged disc")
    expect(page.locator(".rw-response strong", has_text="discectomy").first).to_be_visible()  # markdown bold
    bot_says(page, "Sources: Discectomy (procedure overview)")
    recovery_button = page.locator(".rw-reply", has_text="How long is recovery after a discectomy?")
    expect(recovery_button).to_be_visible()
    expect(page.locator(".rw-reply")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "desktop-answer.png"))

    recovery_button.click()
    bot_says(page, "Recovery after a discectomy is different for each person")

    ask(page, "I suddenly can't feel anything between my legs and I can't pee")
    bot_says(page, "This could be an emergency. Call 911 now")
    page.screenshot(path=str(SCREENSHOTS / "desktop-emergency.png"))

    before_reload = session_id(page)
    page.reload()
    open_widget(page)
    history = page.locator(".rw-messages-container")
    expect(history).to_contain_text("What is a discectomy?")
    expect(history).to_contain_text("This could be an emergency")
    assert session_id(page) == before_reload
    ask(page, "thank you")
    bot_says(page, "You're welcome")
    page.screenshot(path=str(SCREENSHOTS / "desktop-after-reload.png"))
    context.close()

    # One conversation on the server, before and after the reload.
    assert user_texts(assistant, before_reload)[-1] == "thank you"
    assert "What is a discectomy?" in user_texts(assistant, before_reload)
    outside = [url for url in requested if not re.match(r"(https?|wss?)://127\.0\.0\.1:\d+/", url)]
    assert outside == [], f"the page requested addresses outside this machine: {outside}"


def test_the_widget_on_a_phone(browser: Browser, page_url: str):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(page_url)
    open_widget(page)
    bot_says(page, "automated assistant, not a person")
    bot_says(page, "What would you like to know about disc problems")

    ask(page, "what's the difference between acute and chronic back pain?")
    bot_says(page, "Back pain is often described by how long it lasts")
    list_item = page.locator(".rw-response li", has_text="back pain lasts from a few days up to a few weeks")
    expect(list_item).to_be_visible()  # a Markdown list, rendered as one
    expect(list_item.locator("strong")).to_have_text("Acute")
    bot_says(page, "Source: Exploring the Benefits of Minimally Invasive Spine Surgery")
    page.screenshot(path=str(SCREENSHOTS / "phone-answer.png"))

    # Markup typed by a user is shown as text, never run.
    typed_markup = '<img src="x" onerror="window.markupRan = true">'
    ask(page, typed_markup)
    expect(page.locator(".rw-client", has_text=typed_markup)).to_be_visible()
    bot_says(page, "I can only help with general questions")
    assert page.evaluate("window.markupRan === undefined")

    box = page.locator(".rw-conversation-container").bounding_box()
    assert box is not None and box["width"] >= PHONE["viewport"]["width"] - 2  # fills the screen
    header_color = page.locator(".rw-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_color == "rgb(122, 46, 142)"  # CLINIC_COLOR
    context.close()


def test_the_socket_accepts_only_configured_origins(assistant: servers.RunningAssistant, web_port: int):
    handshake = f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling"
    allowed = f"http://127.0.0.1:{web_port}"

    accepted = requests.get(handshake, headers={"Origin": allowed}, timeout=10)
    refused = requests.get(handshake, headers={"Origin": "https://elsewhere.example"}, timeout=10)

    assert accepted.status_code == 200
    assert accepted.headers["Access-Control-Allow-Origin"] == allowed
    assert refused.status_code == 400
