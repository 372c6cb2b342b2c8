"""The staff inbox in Debian's Chromium, beside a patient in the website widget: two browser
contexts at once against the real Rasa server, action server, inbox and SQLite stores.

A patient asks for a person and the ticket appears in the open inbox; staff claim and reply and
the patient sees it; the patient's messages appear on the open ticket page; an emergency in the
middle of the takeover still gets the safety reply at once; closing hands the patient back to
the bot. Then: patient and staff text shown as text, never run (stored XSS); axe-core; the
keyboard alone. Screenshots: /tmp/inbox-shots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from support.inbox import PASSWORD, add_user
from test_widget_accessibility import axe_violations, serious, tab_to
from test_widget_browser import DESKTOP, PHONE, ask, bot_says, open_widget, session_id

from runtime.handoff.store import HandoffStore
from tools import servers

SHOTS = Path("/tmp/inbox-shots")
REFERENCE = re.compile(r"SP-[0-9A-Z]{4}")
# The inbox polls every second; this bounds a wait on a loaded machine, it is not a timing claim.
LIVE_TIMEOUT_MS = 10_000
POLLED = "() => performance.getEntriesByType('resource').filter(r => r.name.includes('/api/')).length > 1"
EMERGENCY = "oh no i just wet myself and cant feel my legs"


def staff_page(browser: Browser, inbox_url: str, username: str, **context: object) -> Page:
    page = browser.new_context(**(context or {"viewport": DESKTOP})).new_page()
    page.goto(f"{inbox_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Open tickets")
    return page


def bot_events_after(assistant: servers.RunningAssistant, sender: str, text: str) -> list[dict]:
    """What the conversation did after the patient's message `text`, up to their next one."""
    events = requests.get(
        f"{assistant.rasa_url}/conversations/{sender}/tracker", params={"token": assistant.token}, timeout=30
    ).json()["events"]
    start = max(i for i, e in enumerate(events) if e["event"] == "user" and e.get("text") == text)
    following = []
    for event in events[start + 1 :]:
        if event["event"] == "user":
            break
        following.append(event)
    return following


@pytest.fixture(scope="module")
def nurse(inbox_url: str, assistant_handoff_url: str) -> str:
    assert add_user(assistant_handoff_url, "nurse-live", "staff", "Nurse Sam").returncode == 0
    return "nurse-live"


def test_live_takeover_from_request_to_hand_back(
    browser: Browser,
    page_url: str,
    inbox_url: str,
    assistant: servers.RunningAssistant,
    assistant_handoff_url: str,
    nurse: str,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    staff = staff_page(browser, inbox_url, nurse)
    staff.evaluate("window.__notReloaded = true")
    patient = browser.new_context(**PHONE).new_page()
    patient.goto(page_url)
    open_widget(patient)

    ask(patient, "can I talk to a real person please")
    bot_says(patient, "Is that OK?")
    patient.locator(".rw-reply", has_text="Yes, share it").click()
    bot_says(patient, "SP-")
    reference = REFERENCE.findall(patient.locator(".rw-response").last.inner_text())[-1]

    row = staff.locator(f"tr[data-reference='{reference}']")
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)  # no reload: the list polls
    expect(row).to_contain_text("asked for a person")
    expect(row).to_contain_text("nobody")
    expect(staff).to_have_title(re.compile(r"^\(\d+\) Staff inbox$"))
    assert staff.evaluate("window.__notReloaded") is True
    staff.screenshot(path=str(SHOTS / "inbox-list.png"), full_page=True)

    board = staff.context.new_page()  # the list stays open in a second tab
    board.goto(f"{inbox_url}/")
    row.get_by_role("link", name=reference).click()
    transcript = staff.locator("#transcript")
    expect(transcript).to_contain_text("can I talk to a real person please")
    expect(transcript).to_contain_text("pressed: Yes, share it")  # the title, not /affirm
    expect(transcript).to_contain_text("I can pass this conversation to the clinic team")
    expect(transcript).not_to_contain_text("/affirm")
    expect(transcript.locator(".time").first).to_contain_text(re.compile(r"E[SD]T"))  # America/New_York

    staff.get_by_role("button", name="Claim this ticket").click()
    expect(staff.locator(".message")).to_contain_text(f"You claimed {reference}")
    bot_says(patient, "A member of the clinic team is now with you")
    staff.fill("#reply-text", "Hello, this is Sam, a nurse at the clinic. How can I help?")
    staff.get_by_role("button", name="Send").click()
    bot_says(patient, "Clinic team: Hello, this is Sam, a nurse at the clinic.")

    staff.evaluate("window.__notReloaded = true")
    ask(patient, "what is a discectomy")
    expect(transcript.locator(".line.patient").last).to_contain_text(
        "what is a discectomy", timeout=LIVE_TIMEOUT_MS
    )
    # the list in the other tab shows it too, in the ticket's row, without a reload
    expect(board.locator(f"tr[data-reference='{reference}']")).to_contain_text(
        "what is a discectomy", timeout=LIVE_TIMEOUT_MS
    )
    assert staff.evaluate("window.__notReloaded") is True

    ask(patient, EMERGENCY)  # mid-takeover: the safety reply still comes at once
    bot_says(patient, "This could be an emergency. Call 911 now")
    expect(transcript.locator(".line.safety").first).to_contain_text(
        "This could be an emergency", timeout=LIVE_TIMEOUT_MS
    )
    expect(staff.locator("#ticket-priority")).to_have_text("URGENT", timeout=LIVE_TIMEOUT_MS)
    listed = board.locator(f"tr[data-reference='{reference}']")  # the list followed, no reload
    expect(listed).to_contain_text("URGENT")
    expect(listed).to_contain_text("claimed")
    expect(listed).to_contain_text("Nurse Sam")
    expect(listed).to_have_class("urgent")
    patient.screenshot(path=str(SHOTS / "phone-takeover.png"))
    staff.screenshot(path=str(SHOTS / "ticket-page.png"), full_page=True)
    sender = session_id(patient)
    forwarded = bot_events_after(assistant, sender, "what is a discectomy")
    assert [e["name"] for e in forwarded if e["event"] == "action"] == [
        "action_forward_to_staff",
        "action_listen",
    ]
    assert [e for e in forwarded if e["event"] == "bot"] == []  # the bot did not answer it itself
    stored = HandoffStore(assistant_handoff_url).get(reference)
    assert "what is a discectomy" in [e["text"] for e in stored.transcript if e["who"] == "user"]
    assert stored.priority == "urgent"  # the emergency raised it

    staff.get_by_role("button", name="Close and hand back to the assistant").click()
    expect(staff.locator(".message").first).to_contain_text(f"{reference} is closed")
    bot_says(patient, "The clinic team has closed your request")
    ask(patient, "what is a discectomy")
    bot_says(patient, "removes the part of a herniated")


SCRIPT = "<script>window.__xss = 'script'</script>"
IMAGE = "<img src=x onerror=\"window.__xss = 'img'\">"


def test_patient_and_staff_text_is_shown_as_text_never_run(
    browser: Browser, chat, inbox_url: str, assistant_handoff_url: str
):
    """Stored XSS: a patient's messages and name, a staff member's name and note, all hostile."""
    sender = "inbox-xss"
    chat(sender, f"{SCRIPT} my back hurts")
    chat(sender, IMAGE)
    chat(sender, "can i talk to a real person please")
    reference = REFERENCE.search(chat(sender, "/affirm")[-1]["text"]).group(0)
    store = HandoffStore(assistant_handoff_url)
    store.create_or_update(
        sender, "rest", "callback", "normal", [], contact={"name": IMAGE, "contact": SCRIPT}
    )
    assert add_user(assistant_handoff_url, "xss-staff", "staff", IMAGE).returncode == 0

    staff = staff_page(browser, inbox_url, "xss-staff")
    staff.goto(f"{inbox_url}/tickets/{reference}")
    staff.get_by_role("button", name="Claim this ticket").click()
    staff.fill("#note-text", SCRIPT + IMAGE)
    staff.get_by_role("button", name="Add note").click()
    transcript = staff.locator("#transcript")
    expect(transcript).to_contain_text(SCRIPT)  # the words, as typed
    expect(transcript).to_contain_text(IMAGE)
    expect(staff.locator("#notes")).to_contain_text(SCRIPT + IMAGE)
    expect(staff.locator("#ticket-claimed-by")).to_have_text(IMAGE)
    expect(staff.locator(".fields")).to_contain_text(IMAGE)
    expect(staff.locator(".who")).to_contain_text(IMAGE)
    for page_path in ("/", f"/tickets/{reference}"):
        staff.goto(f"{inbox_url}{page_path}")
        # After the page's script has drawn what it polled, not only the server's HTML.
        staff.wait_for_function(POLLED)
        if page_path == "/":
            expect(staff.locator(f"tr[data-reference='{reference}']")).to_contain_text(IMAGE)
        assert staff.evaluate("window.__xss") is None
        assert staff.locator("main img, main script").count() == 0


def test_the_inbox_passes_axe_and_works_from_the_keyboard(
    browser: Browser, chat, inbox_url: str, assistant_handoff_url: str
):
    sender = "inbox-a11y"
    chat(sender, "hello")
    replies = chat(sender, EMERGENCY)  # an urgent ticket, at the top of the list
    ticket = HandoffStore(assistant_handoff_url).open_ticket_for(sender)
    assert ticket is not None and ticket.priority == "urgent", replies
    assert add_user(assistant_handoff_url, "a11y-staff", "staff", "Nurse Kim").returncode == 0
    # axe-core is injected as an inline script, which the inbox's CSP forbids (as it should).
    page = staff_page(browser, inbox_url, "a11y-staff", viewport=DESKTOP, bypass_csp=True)
    found = {"list": axe_violations(page)}

    tab_to(page, "a.skip")
    page.keyboard.press("Enter")
    tab_to(page, f"a[href='/tickets/{ticket.reference}']")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(f"Ticket {ticket.reference}")
    found["ticket"] = axe_violations(page)
    tab_to(page, "button[data-canned]")
    page.keyboard.press("Enter")  # a canned reply into the box, and the focus with it
    assert page.evaluate("document.activeElement.id") == "reply-text"
    assert page.input_value("#reply-text").startswith("Hello, this is a member of the clinic team.")
    tab_to(page, "form.reply button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("p.message")).to_contain_text("Sent to the patient.")
    found["after a reply"] = axe_violations(page)
    assert add_user(assistant_handoff_url, "a11y-admin", "admin", "Admin Ali").returncode == 0
    admin = staff_page(browser, inbox_url, "a11y-admin", viewport=DESKTOP, bypass_csp=True)
    for path in ("/admin/users", "/admin/audit"):
        admin.goto(f"{inbox_url}{path}")
        found[path] = axe_violations(admin)
    page.goto(f"{inbox_url}/login")
    found["sign-in"] = axe_violations(page)
    assert {state: serious(v) for state, v in found.items() if serious(v)} == {}  # the bar
    assert {state: v for state, v in found.items() if v} == {}  # and none of any impact
