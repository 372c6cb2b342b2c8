"""Validate action-server responses with a validator built once, not once per call.

Rasa 3.6's `RemoteAction._validate_action_result` calls one-shot `jsonschema.validate()`,
which checks the schema against its meta-schema and re-resolves every $ref on each
call: under load that was about 43% of the Rasa server's CPU (py-spy, see
`make bench`). Rasa has no extension point for it, so `install()` swaps in a method
that checks with a validator compiled once, as the jsonschema docs advise. Invalid
results still go through Rasa's own method, so the error users see is unchanged.
"""

from __future__ import annotations

from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_rasa_validate = RemoteAction._validate_action_result


def _compiled_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install() -> None:
    if getattr(RemoteAction._validate_action_result, "compiled_once", False):
        return
    validator = _compiled_validator()

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return _rasa_validate(self, result)  # raises Rasa's ValidationError with its hint

    validate_action_result.compiled_once = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
