"""The widget's accessibility (WCAG 2.1 AA, issue #14) in Debian's Chromium: axe-core (pinned
from npm) in every state of a conversation, the keyboard alone (keys pressed, never click()),
and the accessibility tree a screen reader reads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from test_widget_browser import ANSWER_TIMEOUT_MS, DESKTOP, SCREENSHOTS, ask, bot_says, open_widget

from runtime.settings import ROOT

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    # Measured at rest: while the widget fades in, its text is momentarily lighter.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]]} for v in result
    ]


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("critical", "serious")]


def test_axe_finds_nothing_serious_in_any_state(browser: Browser, page_url: str):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(page_url)
    page.wait_for_selector(".rw-launcher")
    found = {"closed": axe_violations(page)}
    open_widget(page)
    bot_says(page, "What would you like to know about disc problems")
    found["open"] = axe_violations(page)
    ask(page, "What is a discectomy?")
    expect(page.locator(".rw-reply").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    found["answer with buttons"] = axe_violations(page)
    ask(page, "I suddenly can't feel anything between my legs and I can't pee")
    bot_says(page, "This could be an emergency")
    found["emergency reply"] = axe_violations(page)
    ask(page, "can you call me back")
    bot_says(page, "Is that OK?")
    found["callback form"] = axe_violations(page)
    page.reload()
    open_widget(page)
    bot_says(page, "Is that OK?")
    found["after reload"] = axe_violations(page)
    context.close()
    print(json.dumps(found, indent=1))
    assert {state: serious(v) for state, v in found.items() if serious(v)} == {}


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {cls: e.className || '', tag: e.tagName, text: (e.textContent || '').trim().slice(0, 80),
                outline: s.outlineStyle + ' ' + s.outlineWidth}; }"""
    )


def tab_to(page: Page, selector: str, presses: int = 40) -> dict[str, Any]:
    """Tab until an element matching the selector has the focus; the focus must show."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            now = focused(page)
            assert not now["outline"].startswith("none"), f"no visible focus on {selector}: {now}"
            return now
    raise AssertionError(f"Tab never reached {selector}; last focus: {focused(page)}")


def test_the_keyboard_alone_reaches_and_operates_every_control(browser: Browser, page_url: str):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(page_url)
    page.wait_for_selector(".rw-launcher")

    tab_to(page, ".rw-launcher")
    page.keyboard.press("Enter")
    expect(page.locator(".rw-messages-container")).to_be_visible()
    bot_says(page, "What would you like to know about disc problems")

    tab_to(page, ".rw-new-message")
    page.keyboard.type("What is a discectomy?")
    page.keyboard.press("Enter")
    bot_says(page, "removes the part of a herniated or damaged disc")
    expect(page.locator(".rw-reply").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

    reply = tab_to(page, ".rw-reply")
    page.keyboard.press(" ")  # Space presses a reply button
    expect(page.locator(".rw-client", has_text=reply["text"])).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".rw-reply").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_function("document.activeElement.matches('.rw-new-message')")  # focus back to typing

    second = tab_to(page, ".rw-reply")
    page.keyboard.press("Enter")  # and so does Enter
    expect(page.locator(".rw-client", has_text=second["text"])).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

    # The send button works when there is something to send (empty, it is disabled).
    page.locator(".rw-new-message").focus()
    page.keyboard.type("thank you")
    tab_to(page, ".rw-send")
    page.keyboard.press("Enter")
    bot_says(page, "You're welcome")

    # On a desktop the launcher closes the widget (the header's close button is for phones).
    closer = tab_to(page, ".rw-close-button, .rw-launcher")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Close the chat", closer
    page.keyboard.press("Enter")
    expect(page.locator(".rw-messages-container")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "keyboard-closed.png"))
    context.close()


def test_a_screen_reader_gets_names_a_live_log_and_an_alert(browser: Browser, page_url: str):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(page_url)
    page.wait_for_selector(".rw-launcher")
    assert 'button "Open the chat with the clinic\'s assistant"' in page.locator("body").aria_snapshot()
    open_widget(page)
    bot_says(page, "What would you like to know about disc problems")
    ask(page, "I suddenly can't feel anything between my legs and I can't pee")
    bot_says(page, "This could be an emergency")
    tree = page.locator("body").aria_snapshot()
    assert 'region "Chat with the clinic\'s assistant"' in tree
    assert 'log "Conversation with the assistant"' in tree
    assert 'button "Send your message"' in tree and 'button "Close the chat"' in tree
    assert 'textbox "Your message"' in tree
    assert "- alert:" in tree and "This could be an emergency" in tree.split("- alert:", 1)[1][:400]
    log = page.locator("#rw-messages")
    assert log.get_attribute("aria-live") == "polite"
    alert = page.locator(".rw-response.rw-alert").last
    reference = page.locator(".rw-response strong.rw-whole", has_text="SP-").last
    expect(reference).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert reference.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"  # "SP-" / "4WXK" no more
    style = alert.evaluate(
        "e => [getComputedStyle(e).borderLeftWidth, getComputedStyle(e, '::before').content]"
    )
    assert style[0] == "8px" and "\u26a0" in style[1]  # marked by more than colour
    page.screenshot(path=str(SCREENSHOTS / "desktop-alert.png"))
    context.close()


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("phone-320px", {"width": 320, "height": 640}), ("zoom-200", {"width": 640, "height": 430})],
)
def test_usable_at_320_px_and_at_200_percent_zoom(browser: Browser, page_url: str, name, viewport):
    """200 % zoom of a 1280 x 860 window is a 640 x 430 CSS-pixel viewport."""
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    page.goto(page_url)
    open_widget(page)
    bot_says(page, "What would you like to know about disc problems")
    ask(page, "What is a discectomy?")
    bot_says(page, "removes the part of a herniated or damaged disc")
    for selector in (".rw-new-message", ".rw-send", ".rw-reply >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, (
            selector
        )
    # prefers-reduced-motion (set for this context): the widget does not slide in.
    assert (
        page.locator(".rw-conversation-container").evaluate("e => getComputedStyle(e).animationName")
        == "none"
    )
    overflow = page.locator(".rw-conversation-container").evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, "the widget scrolls sideways"
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    context.close()
