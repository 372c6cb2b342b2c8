"""The answers are written in Markdown (bold, lists); Slack and Telegram each want their own."""

from __future__ import annotations

import html
import re

BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?![\s*])(.+?)(?<![\s*])\*(?![*\w])")
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
UNDERSCORE_ITALIC = re.compile(r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])")
BULLET = re.compile(r"^\s*[-*]\s+", re.MULTILINE)


def to_slack_mrkdwn(text: str) -> str:
    """Slack's mrkdwn: *bold*, _italic_, <url|label>, no list syntax, &<> escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = BULLET.sub("• ", text)
    text = ITALIC.sub(r"_\1_", text)
    text = BOLD.sub(r"*\1*", text)
    return LINK.sub(r"<\2|\1>", text)


def to_telegram_html(text: str) -> str:
    """Telegram's HTML parse mode: <b>, <i>, <a>; everything else escaped."""
    text = html.escape(text, quote=False)
    text = BULLET.sub("• ", text)
    text = BOLD.sub(r"<b>\1</b>", text)
    text = ITALIC.sub(r"<i>\1</i>", text)
    return LINK.sub(r'<a href="\2">\1</a>', text)


def to_terminal(text: str) -> str:
    """A terminal's bold (ANSI) for **bold**; *italic* and _italic_ markers dropped."""
    text = BOLD.sub("\x1b[1m\\1\x1b[22m", text)
    text = ITALIC.sub(r"\1", text)
    return UNDERSCORE_ITALIC.sub(r"\1", text)
