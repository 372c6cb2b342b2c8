"""runtime/rasa_patches.py: the action-result validator compiled once accepts and rejects what
Rasa's own does; the shell console shows what staff send; the shell gets the API token; a model
whose weights were sized eagerly predicts as Rasa's own load makes it predict."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.models import RasaModel

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


# --- the shell console's view of its conversation ---------------------------------------------


def user(text: str, external: bool = False) -> dict:
    return {"event": "user", "text": text, "metadata": {"is_external": True} if external else {}}


def bot(text: str) -> dict:
    return {"event": "bot", "text": text, "data": {}}


def test_only_answers_to_external_events_are_shown_by_the_watch():
    events = [
        user("hi"),
        bot("typed here: the console shows it"),
        user("EXTERNAL: staff_joined", external=True),
        bot("A member of the clinic team is now with you"),
        {"event": "action", "name": "action_listen"},
        user("what is a discectomy"),
        bot("typed here again"),
        user("EXTERNAL: agent_message", external=True),
    ]
    shown, after_external = rasa_patches.external_bot_messages(events, False)
    assert shown == [{"text": "A member of the clinic team is now with you"}]
    assert after_external is True  # the staff message's answer may come in the next read
    later, _ = rasa_patches.external_bot_messages([bot("Clinic team: hello")], after_external)
    assert later == [{"text": "Clinic team: hello"}]


def test_staff_relays_reach_the_shell_on_its_own_server(monkeypatch):
    from runtime.handoff.relay import rasa_url_of

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5005")
    monkeypatch.setenv("RASA_HOST", "127.0.0.1")
    monkeypatch.setenv("RASA_SHELL_PORT", "5016")
    assert rasa_url_of("cmdline") == "http://127.0.0.1:5016"
    assert rasa_url_of("socketio") == rasa_url_of("") == "http://127.0.0.1:5005"


def test_the_shell_gets_the_api_token_like_the_server(monkeypatch):
    from runtime.rasa_cli import with_api_token

    monkeypatch.setenv("RASA_AUTH_TOKEN", "secret-token")
    assert with_api_token(["shell", "--enable-api"])[-1] == "--auth-token=secret-token"
    assert with_api_token(["run", "--enable-api"])[-1] == "--auth-token=secret-token"
    assert with_api_token(["train"]) == ["train"]
    assert with_api_token(["run", "--enable-api", "--auth-token=mine"]) == [
        "run",
        "--enable-api",
        "--auth-token=mine",
    ]


def test_rasa_reads_a_generated_token_that_starts_with_a_dash(monkeypatch):
    """token_urlsafe() starts with "-" one time in 64; rasa's own parser must still take it."""
    from rasa.__main__ import create_argument_parser

    from runtime.rasa_cli import with_api_token

    monkeypatch.setenv("RASA_AUTH_TOKEN", "-x7Qd_secret")
    for command in ("run", "shell"):
        arguments = create_argument_parser().parse_args(with_api_token([command, "--enable-api"]))
        assert arguments.auth_token == "-x7Qd_secret"


# --- loading a model: weights sized eagerly, predictions unchanged ------------------------------

TRAINING = {
    "greet": ["hello there", "hi", "good morning", "hey, anyone there?"],
    "ask_recovery": ["how long is recovery", "when can I go back to work", "recovery time after surgery"],
    "ask_cost": ["how much does it cost", "is it covered by insurance", "what is the price"],
}
UNSEEN = ["hello, how long until I can work again?", "price of surgery", "hey", "morning! cost?"]


@pytest.fixture(scope="module")
def trained_diet(tmp_path_factory) -> tuple[Any, ...]:
    """A small DIETClassifier trained and stored, with the messages it will classify."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("diet"))
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("features"), context
    )
    data = TrainingData([Message.build(text, intent) for intent, texts in TRAINING.items() for text in texts])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    # Small and without entities, so that Rasa's own load (tracing its training step) is quick too.
    config = {
        **DIETClassifier.get_default_config(),
        "epochs": 5,
        "random_seed": 1,
        "entity_recognition": False,
        "number_of_transformer_layers": 0,
        "hidden_layers_sizes": {"text": [16], "label": []},
        "embedding_dimension": 8,
    }
    # Trained eagerly (untraced, quicker); loaded as configured for serving.
    DIETClassifier.create({**config, "run_eagerly": True}, storage, Resource("diet"), context).train(data)

    def messages() -> list[Message]:
        unseen = [Message.build(text) for text in UNSEEN]
        tokenizer.process(unseen)
        featurizer.process(unseen)
        return unseen

    return storage, context, config, messages


def rankings(trained: tuple[Any, ...]) -> list[list[tuple[str, float]]]:
    storage, context, config, messages = trained
    classifier = DIETClassifier.load(config, storage, Resource("diet"), context)
    assert classifier.model.run_eagerly is False  # predictions run as a compiled graph
    return [
        [(i["name"], round(i["confidence"], 6)) for i in m.get("intent_ranking")]
        for m in classifier.process(messages())
    ]


def test_a_model_loaded_with_eager_weight_building_predicts_as_rasa_loaded_it(trained_diet, monkeypatch):
    monkeypatch.setattr(RasaModel, "load", classmethod(rasa_patches._rasa_model_load))
    with_rasa_load = rankings(trained_diet)
    monkeypatch.setattr(RasaModel, "load", classmethod(rasa_patches.load_building_weights_eagerly))
    with_eager_weights = rankings(trained_diet)
    assert with_eager_weights == with_rasa_load
    assert len({ranking[0] for ranking in with_rasa_load}) == len(UNSEEN)  # the trained weights at work
