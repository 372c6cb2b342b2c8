"""The action-result validator compiled once accepts and rejects what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from runtime import rasa_patches

VALID = {
    "events": [
        {"event": "slot", "name": "faq_topic", "value": "what_is_discectomy"},
        {"event": "followup", "name": "action_listen"},
    ],
    "responses": [{"text": "A discectomy removes...", "buttons": [{"title": "Recovery", "payload": "/faq"}]}],
}
INVALID = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list"},
    {"events": [], "responses": ["not an object"]},
]


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    rasa_patches.install_action_result_validation()
    return RemoteAction("action_answer_faq", action_endpoint=None)


def test_install_replaces_rasa_method_once():
    rasa_patches.install_action_result_validation()
    first = RemoteAction._validate_action_result
    rasa_patches.install_action_result_validation()
    assert RemoteAction._validate_action_result is first
    assert first is not rasa_patches._rasa_validate


def test_valid_result_is_accepted(action):
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_result_raises_rasa_error_with_its_hint(action, result):
    with pytest.raises(ValidationError) as compiled_error:
        action._validate_action_result(result)
    assert "Failed to validate Action server response" in compiled_error.value.message
    with pytest.raises(ValidationError):
        rasa_patches._rasa_validate(action, result)


def test_patches_are_written_for_the_installed_rasa():
    """Fails on a Rasa upgrade: re-check every patch in runtime/rasa_patches.py, then bump
    PATCHED_RASA_VERSION."""
    import rasa

    assert rasa.__version__ == rasa_patches.PATCHED_RASA_VERSION
    assert rasa_patches.rasa_version_is_patched()
