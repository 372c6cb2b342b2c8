"""CrisisByMeaning: crisis told in words no pattern lists, read by a logistic regression over the
message's MiniLM embedding, trained and loaded through Rasa's own model storage."""

from __future__ import annotations

import pytest
import yaml
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message
from support.components import trained_and_loaded
from support.trackers import selector_ranking

from runtime.nlu.crisis_by_meaning import CrisisByMeaning
from runtime.nlu.red_flag_detector import RedFlagDetector
from runtime.parse_data import selected_topic

TOPICS = {
    "discectomy_recovery": [
        "how long is recovery after a discectomy",
        "when can i go back to work after discectomy",
        "how many weeks off after a microdiscectomy",
    ],
    "what_is_spinal_stenosis": ["what is spinal stenosis", "explain spinal stenosis to me"],
}
INTENTS = {
    "greet": ["hello", "hi there", "good morning"],
    "out_of_scope": ["what is the weather tomorrow", "book me a taxi", "how do I bake bread"],
    "crisis": [
        "I want to end my life",
        "I don't want to be alive anymore",
        "everyone would be better off without me",
        "I've saved up my tablets to take them all at once",
        "I've written goodbye letters to my children",
        "nobody would miss me if I wasn't here",
    ],
}
ANSWERED = {"name": "faq", "confidence": 0.9}


@pytest.fixture(scope="module")
def by_meaning(tmp_path_factory) -> CrisisByMeaning:
    storage = tmp_path_factory.mktemp("storage")
    return trained_and_loaded(CrisisByMeaning, storage, TOPICS, INTENTS, contrast_examples=None)


def configured(component: CrisisByMeaning, **overrides: float) -> CrisisByMeaning:
    """The same trained component with another threshold."""
    return CrisisByMeaning(
        {**component.config, **overrides}, component.model_storage, component.resource, component.weights
    )


def parsed(text: str, intent: dict = ANSWERED) -> Message:
    return Message(
        data={
            "text": text,
            "intent": intent,
            "intent_ranking": [intent, {"name": "greet", "confidence": 0.05}],
            "response_selector": selector_ranking(
                ("discectomy_recovery", 0.8), ("what_is_spinal_stenosis", 0.1)
            ),
        }
    )


def test_crisis_in_words_of_its_own_is_raised_at_its_probability(by_meaning):
    """Six training examples make it less sure than the project's hundreds: a lower threshold."""
    text = "my family would be so much freer if I just wasn't around any more"
    probability = by_meaning.probability(text)
    assert probability >= 0.6
    [message] = configured(by_meaning, crisis_probability=0.6).process([parsed(text)])
    assert message.get("intent") == {"name": "crisis", "confidence": probability}
    assert message.get("intent_ranking")[1]["name"] == "faq"  # the classifiers' ranking follows


def test_an_ordinary_question_is_left_as_the_classifiers_read_it(by_meaning):
    text = "how long until I can work again after my discectomy"
    assert by_meaning.probability(text) < 0.5
    [message] = by_meaning.process([parsed(text)])
    assert message.get("intent") == ANSWERED
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"


def test_below_its_threshold_nothing_is_raised(by_meaning):
    text = "my family would be so much freer if I just wasn't around any more"
    [message] = configured(by_meaning, crisis_probability=1.0).process([parsed(text)])
    assert message.get("intent") == ANSWERED


@pytest.mark.parametrize("intent", ["emergency", "crisis"])
def test_an_alarm_is_never_taken_away_or_changed(by_meaning, intent):
    alarm = {"name": intent, "confidence": 0.7}
    [message] = by_meaning.process([parsed("how long is recovery after a discectomy", alarm)])
    assert message.get("intent") == alarm


@pytest.mark.parametrize("text", ["", "   ", None])
def test_a_message_without_text_is_left_alone(by_meaning, text):
    message = Message(data={"text": text, "intent": ANSWERED})
    [processed] = by_meaning.process([message])
    assert processed.get("intent") == ANSWERED


def test_a_crisis_the_red_flag_detector_takes_back_is_read_as_before(by_meaning, nlp):
    """Raised (at any probability here), then taken back by the patterns ("fine since"): the
    message is answered as the classifiers read it, not with DIET's next intent ("greet")."""
    text = "I had a rough patch years ago but I've been fine since. How long is recovery after a discectomy?"
    message = parsed(text)
    message.set(SPACY_DOCS["text"], nlp(text.lower()))
    [message] = configured(by_meaning, crisis_probability=0.0).process([message])
    assert message.get("intent")["name"] == "crisis"
    [message] = RedFlagDetector().process([message])
    assert message.get("intent") == ANSWERED
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"


def test_trained_without_crisis_examples_it_reads_nothing(tmp_path):
    without_crisis = {k: v for k, v in INTENTS.items() if k != "crisis"}
    component = trained_and_loaded(CrisisByMeaning, tmp_path, TOPICS, without_crisis, contrast_examples=None)
    assert component.weights is None
    [message] = component.process([parsed("I want to end my life")])
    assert message.get("intent") == ANSWERED


CONTRAST = {
    "not_crisis": [
        "this sciatica is killing me lol",
        "i'd kill for a coffee but they said nothing from midnight",
        "scared i wont wake up from the anaesthetic, how safe is it",
        "dead on my feet after physio today",
        "last msg b4 my op tmrw, wish me luck",
        "the waiting list will be the death of me",
    ],
    "crisis": [
        "i just dont want to wake up tmrw",
        "been saving my pills, think i have enough now",
        "every1 would b better off if i wasnt here",
    ],
}


def test_contrast_examples_teach_it_that_dark_words_alone_are_not_crisis(tmp_path):
    """An ordinary message in the contrast examples' words, itself not among them, reads as
    less like crisis; a crisis message in the same register still reads as crisis."""
    contrast = tmp_path / "contrast.yml"
    contrast.write_text(yaml.safe_dump(CONTRAST))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    without = trained_and_loaded(CrisisByMeaning, tmp_path / "a", TOPICS, INTENTS, contrast_examples=None)
    with_contrast = trained_and_loaded(
        CrisisByMeaning, tmp_path / "b", TOPICS, INTENTS, contrast_examples=str(contrast)
    )
    ordinary = "im dying to get back on my bike, this back pain is murder"
    assert with_contrast.probability(ordinary) < without.probability(ordinary) - 0.05
    assert with_contrast.probability("honestly i dont want to be here anymore") >= 0.5


def test_a_changed_contrast_file_changes_the_fingerprint(tmp_path):
    contrast = tmp_path / "contrast.yml"
    contrast.write_text(yaml.safe_dump(CONTRAST))
    config = {**CrisisByMeaning.get_default_config(), "contrast_examples": str(contrast)}
    before = CrisisByMeaning.fingerprint_addon(config)
    contrast.write_text(yaml.safe_dump({**CONTRAST, "not_crisis": CONTRAST["not_crisis"][1:]}))
    assert CrisisByMeaning.fingerprint_addon(config) != before


def test_a_missing_contrast_file_stops_training(tmp_path):
    with pytest.raises(InvalidConfigException, match="contrast"):
        trained_and_loaded(
            CrisisByMeaning, tmp_path, TOPICS, INTENTS, contrast_examples=str(tmp_path / "no.yml")
        )
