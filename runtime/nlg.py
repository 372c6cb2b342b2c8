"""The Rasa server's response generator: the domain's responses with the clinic's settings filled in.

`nlg: type: runtime.nlg.ClinicResponseGenerator` in endpoints.yml. Every {placeholder} that
comes from configuration (clinic name and contact, the locale's emergency, urgent and crisis
numbers) and `{described}` (the red flags found in the latest message) is filled here, in the
Rasa server. So the safety replies, which rules send as plain responses, need no action
server: they hold when it is down (issue #11). Values an action passes still win.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from runtime.parse_data import RED_FLAGS
from runtime.red_flags import described
from runtime.templates import template_values


class ClinicResponseGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None) -> None:
        super().__init__(domain.responses if domain else {})

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        flags = (tracker.latest_message.parse_data if tracker.latest_message else {}).get(RED_FLAGS)
        values = {**template_values(), "described": described(flags or []), **kwargs}
        return await super().generate(utter_action, tracker, output_channel, **values)
