"""The answers' Markdown in Slack's and Telegram's own formatting."""

from __future__ import annotations

from runtime.channels.markdown import to_slack_mrkdwn, to_telegram_html, to_terminal

ANSWER = "A **discectomy** removes *part* of a disc.\n- **Acute** pain\n- Chronic pain\nSee [NHS](https://www.nhs.uk/x)."


def test_slack_gets_its_bold_italic_bullets_and_links():
    assert to_slack_mrkdwn(ANSWER) == (
        "A *discectomy* removes _part_ of a disc.\n• *Acute* pain\n• Chronic pain\nSee <https://www.nhs.uk/x|NHS>."
    )


def test_slack_control_characters_are_escaped():
    assert to_slack_mrkdwn("pain < 3 months & > 6 weeks") == "pain &lt; 3 months &amp; &gt; 6 weeks"


def test_telegram_gets_html_with_everything_else_escaped():
    assert to_telegram_html(ANSWER) == (
        "A <b>discectomy</b> removes <i>part</i> of a disc.\n• <b>Acute</b> pain\n• Chronic pain\n"
        'See <a href="https://www.nhs.uk/x">NHS</a>.'
    )
    assert to_telegram_html("<script>x</script> & co") == "&lt;script&gt;x&lt;/script&gt; &amp; co"


def test_the_safety_line_keeps_its_emphasis():
    text = "**In an emergency, call 911.**"
    assert to_slack_mrkdwn(text) == "*In an emergency, call 911.*"
    assert to_telegram_html(text) == "<b>In an emergency, call 911.</b>"


def test_the_terminal_gets_ansi_bold_and_no_markers():
    shown = to_terminal("A **discectomy** is *one* option. _Source: Discectomy_ see file_name_here")
    assert shown == "A \x1b[1mdiscectomy\x1b[22m is one option. Source: Discectomy see file_name_here"
