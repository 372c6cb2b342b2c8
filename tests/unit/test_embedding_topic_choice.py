"""EmbeddingTopicChoice: the FAQ topic by what a question means (MiniLM embeddings and a logistic
regression), trained and loaded through Rasa's own model storage."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.training_data.message import Message
from support.components import trained_and_loaded
from support.trackers import selector_ranking

from runtime.nlu.embedding_topic_choice import EmbeddingTopicChoice
from runtime.nlu.red_flag_detector import RedFlagDetector
from runtime.parse_data import selected_topic, topic_ranking

TOPICS = {
    "discectomy_recovery": [
        "how long is recovery after a discectomy",
        "when can i go back to work after discectomy",
        "how many weeks off after a microdiscectomy",
    ],
    "what_is_spinal_stenosis": [
        "what is spinal stenosis",
        "explain spinal stenosis to me",
        "what does narrowing of the spinal canal mean",
    ],
}
INTENTS = {
    "greet": ["hello", "hi there", "good morning"],
    "out_of_scope": ["what is the weather tomorrow", "book me a taxi", "how do I bake bread"],
    "emergency": [
        "I can't control my bladder since this morning",
        "both my legs went numb and weak suddenly",
        "I can't feel anything between my legs",
    ],
    "crisis": ["I want to end my life", "I don't want to be alive anymore", "I'm thinking of killing myself"],
}
FALLBACK = {"name": "nlu_fallback", "confidence": 0.4}


@pytest.fixture(scope="module")
def choice(tmp_path_factory):
    return trained_and_loaded(EmbeddingTopicChoice, tmp_path_factory.mktemp("storage"), TOPICS, INTENTS)


def parsed(text: str, intent: dict, chosen: str = "what_is_spinal_stenosis") -> Message:
    other = "discectomy_recovery" if chosen == "what_is_spinal_stenosis" else "what_is_spinal_stenosis"
    return Message(
        data={
            "text": text,
            "intent": intent,
            "intent_ranking": [intent, {"name": "greet", "confidence": 0.1}],
            "response_selector": selector_ranking((chosen, 0.5), (other, 0.3)),
        }
    )


def test_a_fallback_whose_meaning_is_a_topic_is_answered_with_it(choice):
    text = "I'm 41 and had my L5 discectomy last month, when will I be able to get back to my job?"
    [message] = choice.process([parsed(text, FALLBACK)])
    assert message.get("intent")["name"] == "faq"
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"


def test_a_wrong_topic_is_replaced_by_the_topic_the_question_means(choice):
    message = parsed(
        "how long until I can work again after my discectomy", {"name": "faq", "confidence": 0.9}
    )
    [message] = choice.process([message])
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"


def configured(choice: EmbeddingTopicChoice, **overrides: float) -> EmbeddingTopicChoice:
    """The same trained component with other thresholds."""
    return EmbeddingTopicChoice(
        {**choice.config, **overrides},
        choice.model_storage,
        choice.resource,
        choice.weights,
        choice.biases,
        choice.labels,
    )


@pytest.mark.parametrize("intent", [{"name": "faq", "confidence": 0.9}, FALLBACK])
def test_an_answer_or_fallback_whose_meaning_is_another_intent_gets_that_intent(choice, intent):
    [message] = choice.process([parsed("could you book a taxi for me", intent)])
    assert message.get("intent")["name"] == "out_of_scope"


def test_a_chit_chat_meaning_is_left_to_diet(choice):
    text = "mornings please"  # the callback form's preferred time, no greeting
    probabilities = choice.probabilities(text)
    assert choice.labels[int(probabilities.argmax())] == "greet" and probabilities.max() >= 0.5
    [message] = choice.process([parsed(text, FALLBACK)])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_an_answer_whose_meaning_is_not_probable_enough_becomes_did_you_mean(choice):
    unsure = configured(choice, intent_probability=1.0)
    [message] = unsure.process([parsed("could you book a taxi for me", {"name": "faq", "confidence": 0.9})])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert selected_topic(message.as_dict_nlu()) == "what_is_spinal_stenosis"  # the buttons' ranking stays


def test_it_never_raises_an_alarm_of_its_own(choice):
    text = "since this morning I can't control my bladder at all"
    assert choice.labels[int(choice.probabilities(text).argmax())] == "emergency"
    [message] = choice.process([parsed(text, {"name": "faq", "confidence": 0.9})])
    assert message.get("intent")["name"] == "nlu_fallback"  # the RedFlagDetector, after it, decides


@pytest.mark.parametrize("intent", ["out_of_scope", "personal_advice", "request_human"])
def test_other_intents_are_left_alone(choice, intent):
    message = parsed("how long is recovery after a discectomy", {"name": intent, "confidence": 0.95})
    [processed] = choice.process([message])
    assert processed.get("intent") == {"name": intent, "confidence": 0.95}


@pytest.mark.parametrize(
    "text, intent",
    [
        ("since this morning I can't control my bladder at all", "emergency"),
        ("I don't want to be alive any more", "crisis"),
    ],
)
def test_a_safety_intent_the_meaning_backs_stands(choice, text, intent):
    [message] = choice.process([parsed(text, {"name": intent, "confidence": 0.9})])
    assert message.get("intent") == {"name": intent, "confidence": 0.9}


@pytest.mark.parametrize("intent", ["emergency", "crisis"])
def test_a_safety_intent_the_meaning_does_not_back_is_decided_by_meaning(choice, intent):
    message = parsed("how long is recovery after a discectomy", {"name": intent, "confidence": 0.9})
    [message] = choice.process([message])
    assert message.get("intent")["name"] == "faq"
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"
    [message] = choice.process([parsed("could you book a taxi for me", {"name": intent, "confidence": 0.9})])
    assert message.get("intent")["name"] == "out_of_scope"  # not DIET's next intent, greet


def test_personal_advice_is_ruled_on_before_and_left_out_of_the_vote(tmp_path):
    advice = {
        "personal_advice": ["I have a herniated disc, will I need surgery?", "should I have the operation?"]
    }
    choice = trained_and_loaded(EmbeddingTopicChoice, tmp_path, TOPICS, {**INTENTS, **advice})
    [message] = choice.process([parsed("I had a discectomy, how long until I am back at work?", FALLBACK)])
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"
    assert choice.probabilities("should I have the operation?")[choice.labels.index("personal_advice")] == 0.0


def test_did_you_mean_offers_the_topics_in_the_order_of_their_meaning(choice):
    unsure = configured(choice, min_probability=1.0, sure_probability=1.0)  # none probable enough
    text = "I'm 41 and had my L5 discectomy last month, when will I be able to get back to my job?"
    [message] = unsure.process([parsed(text, FALLBACK)])
    assert message.get("intent")["name"] == "nlu_fallback"
    ranking = topic_ranking(message.as_dict_nlu())
    assert [topic for topic, _ in ranking] == ["discectomy_recovery", "what_is_spinal_stenosis"]
    assert abs(sum(confidence for _, confidence in ranking) - 1.0) < 1e-6


def test_a_topic_not_sure_enough_alone_is_answered_only_when_the_response_selector_agrees(choice):
    text = "I'm 41 and had my L5 discectomy last month, when will I be able to get back to my job?"
    needs_agreement = configured(choice, sure_probability=1.01)
    [agreed] = needs_agreement.process([parsed(text, FALLBACK, chosen="discectomy_recovery")])
    assert agreed.get("intent")["name"] == "faq"
    assert selected_topic(agreed.as_dict_nlu()) == "discectomy_recovery"
    [alone] = needs_agreement.process([parsed(text, FALLBACK, chosen="what_is_spinal_stenosis")])
    assert alone.get("intent")["name"] == "nlu_fallback"
    assert topic_ranking(alone.as_dict_nlu())[0][0] == "discectomy_recovery"  # "Did you mean" offers it first


@pytest.mark.parametrize("long_question_words, intent", [(30, "faq"), (15, "nlu_fallback")])
def test_a_long_message_needs_the_long_question_probability_for_any_answer(
    choice, long_question_words, intent
):
    text = (
        "I'm 41 and had my L5 discectomy last month, when will I be able to get back to my job?"  # 19 words
    )
    strict = configured(choice, long_question_words=long_question_words, long_question_probability=1.01)
    [message] = strict.process([parsed(text, FALLBACK, chosen="discectomy_recovery")])  # both models agree
    assert message.get("intent")["name"] == intent
    assert topic_ranking(message.as_dict_nlu())[0][0] == "discectomy_recovery"  # answered, or offered first


def with_doc(nlp, message: Message) -> Message:
    message.set(SPACY_DOCS["text"], nlp(message.get("text").lower()))
    return message


@pytest.mark.parametrize(
    "text, intent",
    [
        ("both my legs went numb while I was baking bread", "out_of_scope"),
        # naming the spine, the same reading is no reason to decline: did you mean
        ("my back and both my legs went numb while I was baking bread", "nlu_fallback"),
    ],
)
def test_what_it_reads_as_an_emergency_is_decided_among_the_other_labels(choice, nlp, text, intent):
    probabilities = choice.probabilities(text)
    assert choice.labels[int(probabilities.argmax())] == "emergency"
    rest = choice.without_safety(probabilities)
    assert choice.labels[int(rest.argmax())] == "out_of_scope" and rest.max() >= 0.5
    [message] = choice.process([with_doc(nlp, parsed(text, FALLBACK))])
    assert message.get("intent")["name"] == intent  # never the alarm: the RedFlagDetector decides


def test_an_alarm_it_reads_as_the_other_safety_intent_becomes_that_one(choice):
    text = "since this morning I can't control my bladder at all"
    [message] = choice.process([parsed(text, {"name": "crisis", "confidence": 0.9})])
    assert message.get("intent") == {"name": "emergency", "confidence": 0.9}


def test_chit_chat_is_overruled_only_when_it_is_sure_of_a_topic_or_out_of_scope(choice):
    text = "how long is recovery after a discectomy"
    assert choice.probabilities(text).max() >= 0.9
    [message] = choice.process([parsed(text, {"name": "goodbye", "confidence": 0.6})])
    assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"
    assert message.get("intent")["name"] == "faq"
    unsure = configured(choice, overrule_probability=1.01)
    [message] = unsure.process([parsed(text, {"name": "goodbye", "confidence": 0.6})])
    assert message.get("intent") == {"name": "goodbye", "confidence": 0.6}


@pytest.mark.parametrize(
    "text, intent",
    [
        # long: read for its meaning however unsure this model is
        (
            "thank you for reading this, I had a discectomy in May and I wonder when I will be "
            "able to go back to my job",
            "faq",
        ),
        ("thank you, and the discectomy recovery info", "thank"),  # short: DIET's, unless sure
    ],
)
def test_a_long_message_is_no_chit_chat_when_it_means_a_topic(choice, text, intent):
    unsure = configured(choice, overrule_probability=1.01)
    meanings = unsure.without_safety(unsure.probabilities(text))
    assert unsure.labels[int(meanings.argmax())] == "faq/discectomy_recovery"
    [message] = unsure.process([parsed(text, {"name": "thank", "confidence": 0.9})])
    assert message.get("intent")["name"] == intent


@pytest.mark.parametrize(
    "text, overruled",
    [
        ("how long is my back sore after a discectomy, what helps?", True),
        ("what can you help with", False),  # the menu asked for
    ],
)
def test_help_for_a_message_about_the_spine_is_read_for_its_meaning(choice, nlp, text, overruled):
    unsure = configured(choice, overrule_probability=1.01)  # not the chit-chat rule
    [message] = unsure.process([with_doc(nlp, parsed(text, {"name": "help", "confidence": 0.8}))])
    assert (message.get("intent")["name"] != "help") is overruled


@pytest.mark.parametrize(
    "text, answered",
    [
        # a condition of the catalog and nothing else: out of scope leaves the vote
        ("can I bake bread when my spinal stenosis narrows the canal", True),
        ("can I bake bread when my knee and spinal stenosis narrow the canal", False),  # also outside
        ("can I bake bread when my narrow spinal canal narrows", False),  # the spine, no condition
    ],
)
def test_naming_only_the_catalog_leaves_out_of_scope_out_of_the_vote(choice, nlp, text, answered):
    probabilities = choice.probabilities(text)
    topic = choice.labels.index("faq/what_is_spinal_stenosis")
    assert 0.15 <= probabilities[choice.labels.index("out_of_scope")] < probabilities[topic] < 0.7
    only_among_the_catalog = configured(choice, sure_probability=1.01, in_catalog_sure_probability=0.75)
    [message] = only_among_the_catalog.process(
        [with_doc(nlp, parsed(text, FALLBACK, chosen="discectomy_recovery"))]
    )
    if answered:
        assert message.get("intent")["name"] == "faq"
        assert selected_topic(message.as_dict_nlu()) == "what_is_spinal_stenosis"
    else:
        assert message.get("intent")["name"] == "nlu_fallback"
        assert topic_ranking(message.as_dict_nlu())[0][0] == "what_is_spinal_stenosis"


def test_an_alarm_the_red_flag_patterns_contradict_gets_its_reading_not_diets_next_intent(choice, nlp):
    text = "I couldn't control my bladder after the spinal anaesthetic, all fine since. How long is recovery?"
    backing = configured(choice, safety_agreement=0.0)  # it backs every alarm DIET raises
    [message] = backing.process([with_doc(nlp, parsed(text, {"name": "emergency", "confidence": 0.9}))])
    assert message.get("intent")["name"] == "emergency"  # backed: the RedFlagDetector decides
    [message] = RedFlagDetector().process([message])
    assert message.get("intent")["name"] in ("faq", "nlu_fallback")  # not "greet", DIET's next
    assert "reading_without_alarm" not in message.as_dict(only_output_properties=True)  # the parse output


@pytest.mark.parametrize(
    "text, intent",
    [
        # names an operation of the catalog and nothing else, and the regression is sure
        ("how long is recovery after a discectomy", "faq"),
        # names a joint outside the catalog too: DIET's out of scope stands
        ("how long is recovery after a discectomy or a knee replacement", "out_of_scope"),
    ],
)
def test_out_of_scope_for_a_question_naming_only_the_catalog_is_answered_when_sure(choice, nlp, text, intent):
    meanings = choice.without_safety(choice.probabilities(text))
    assert choice.labels[int(meanings.argmax())] == "faq/discectomy_recovery"
    assert meanings.max() >= choice.config["sure_probability"]
    [message] = choice.process([with_doc(nlp, parsed(text, {"name": "out_of_scope", "confidence": 0.8}))])
    assert message.get("intent")["name"] == intent
    if intent == "faq":
        assert selected_topic(message.as_dict_nlu()) == "discectomy_recovery"


def test_out_of_scope_it_is_unsure_of_stays_declined(choice, nlp):
    unsure = configured(choice, sure_probability=1.01)
    text = "how long is recovery after a discectomy"
    [message] = unsure.process([with_doc(nlp, parsed(text, {"name": "out_of_scope", "confidence": 0.8}))])
    assert message.get("intent") == {"name": "out_of_scope", "confidence": 0.8}
