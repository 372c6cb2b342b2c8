"""runtime.templates: clinic details and locale numbers from the environment."""

from __future__ import annotations

import pytest

from runtime import templates as config


def test_defaults_are_the_us_numbers_and_the_clinic_placeholder():
    values = config.template_values()
    assert values["emergency_number"] == "911"
    assert values["clinic_name"] == "the clinic"


def test_clinic_name_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLINIC_NAME", "Riverside Spine Clinic")
    assert config.template_values()["clinic_name"] == "Riverside Spine Clinic"


def test_unknown_locale_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ASSISTANT_LOCALE", "FR")
    with pytest.raises(ValueError, match="ASSISTANT_LOCALE='FR' is not one of"):
        config.locale()


def test_every_locale_defines_the_same_placeholders():
    keys = {name: set(values) for name, values in config.locales().items()}
    assert keys["US"] == keys["UK"] == {"emergency_number", "urgent_contact", "crisis_line"}
