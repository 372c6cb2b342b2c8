"""Debian's Chromium for the widget's browser tests, and the clinic the demo page shows."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CLINIC_NAME = "Riverside Spine Clinic"
CLINIC_COLOR = "#7a2e8e"
