"""What the report may show of a patient's words: e-mail addresses and phone numbers masked."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"\+?\d[\d ()./-]{5,}\d")


def shown_text(text: str) -> str:
    """A user's message as the report shows it: one line, contact details masked."""
    return mask_contact_details(" ".join(text.split()))


def mask_contact_details(text: str) -> str:
    return PHONE.sub(
        lambda m: "<phone>" if sum(c.isdigit() for c in m.group()) >= 7 else m.group(),
        EMAIL.sub("<e-mail>", text),
    )
