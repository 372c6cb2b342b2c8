"""The action-result validator compiled once accepts and rejects what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from ops import action_result_validation

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
    action_result_validation.install()
    return RemoteAction("action_answer_faq", action_endpoint=None)


def test_install_replaces_rasa_method_once():
    action_result_validation.install()
    first = RemoteAction._validate_action_result
    action_result_validation.install()
    assert RemoteAction._validate_action_result is first
    assert first is not action_result_validation._rasa_validate


def test_valid_result_is_accepted(action):
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_result_raises_rasa_error_with_its_hint(action, result):
    with pytest.raises(ValidationError) as compiled_error:
        action._validate_action_result(result)
    assert "Failed to validate Action server response" in compiled_error.value.message
    with pytest.raises(ValidationError):
        action_result_validation._rasa_validate(action, result)
