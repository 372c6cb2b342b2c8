"""Reading a response's text from the domain, for words used as button titles."""

from __future__ import annotations

from typing import Any


def response_text(domain: dict[str, Any], name: str) -> str:
    return domain["responses"][name][0]["text"]
