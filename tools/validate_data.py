"""`rasa data validate`, failing on every warning except verified false positives.

Rasa's validator cannot see responses that custom actions send or that forms ask with
(`utter_ask_<slot>`), intents that only staff tools trigger through the external-events route
(both listed in data/validation/allowed_warnings.yml), and it reports the retrieval intent
`faq` as duplicated because its responses live in
data/responses/ beside domain.yml. Each such warning is accepted only after checking that it
really is that case.

Usage: python -m tools.validate_data
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from runtime import settings
from runtime.parse_data import FAQ_INTENT
from runtime.settings import ROOT

UNUSED_UTTERANCE = re.compile(r"The utterance '(\w+)' is not used in any story or rule")
INTENT_WITHOUT_EXAMPLES = re.compile(
    r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU"
)
DUPLICATED_INTENTS = re.compile(r"duplicated intents have been found across multiple domain files: ([\w, ]+)")
RETRIEVAL_INTENTS = {FAQ_INTENT}


def allowed() -> dict[str, list[str]]:
    return yaml.safe_load(settings.data_path("validation", "allowed_warnings.yml").read_text())


def uttered_by_actions() -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    asked_by_forms = {
        f"utter_ask_{slot}" for form in domain.get("forms", {}).values() for slot in form["required_slots"]
    }
    return (
        set(allowed()["responses_sent_by_actions"])
        | set(allowed()["responses_sent_without_the_action_server"])
        | {f"utter_{i}" for i in RETRIEVAL_INTENTS}
        | asked_by_forms
    )


def triggered_by_staff_tools() -> set[str]:
    """Intents the handoff tools send through /conversations/{id}/trigger_intent."""
    return set(allowed()["intents_triggered_by_staff_tools"]) | set(allowed()["intents_set_by_components"])


def unexplained(warnings: list[str]) -> list[str]:
    known_utterances = uttered_by_actions()
    external_intents = triggered_by_staff_tools()
    problems = []
    for warning in warnings:
        unused = UNUSED_UTTERANCE.search(warning)
        duplicated = DUPLICATED_INTENTS.search(warning)
        if unused and unused.group(1) in known_utterances:
            continue
        without_examples = INTENT_WITHOUT_EXAMPLES.search(warning)
        if without_examples and without_examples.group(1) in external_intents:
            continue
        if duplicated and {i.strip() for i in duplicated.group(1).split(",")} <= RETRIEVAL_INTENTS:
            continue
        problems.append(warning)
    return problems


def main() -> int:
    settings.load()
    result = subprocess.run(
        [sys.executable, "-m", "runtime.rasa_cli", "data", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    output = result.stdout + result.stderr
    warnings = re.findall(r"UserWarning: (.+)", output)
    problems = unexplained(warnings)
    for problem in problems:
        print(f"validate: {problem}")
    if result.returncode != 0 or problems:
        print(output[-4000:] if result.returncode else "", end="")
        print(f"rasa data validate: {len(problems)} unexplained warning(s), exit code {result.returncode}")
        return 1
    print(f"rasa data validate: clean ({len(warnings)} known false positive(s) checked and accepted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
