"""SpacyNLPOncePerText gives every training example the doc Rasa's SpacyNLP gives it, running
spaCy once per distinct text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.tokens import Doc

from runtime.nlu.spacy_once_per_text import SpacyNLPOncePerText

ANSWER = "A discectomy removes the part of a disc that presses on a nerve. Most people go home the same day."
EXAMPLES = [
    ("What is a discectomy?", "faq/what_is_discectomy", ANSWER),
    ("what's a DISCECTOMY", "faq/what_is_discectomy", ANSWER),
    ("discectomy, what is it", "faq/what_is_discectomy", ANSWER),
    ("my legs keep giving way", "emergency", None),
    ("hello", "greet", None),
]


class CountingPipeline:
    """The project's spaCy pipeline, counting the texts its `pipe` is given."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.piped: Counter[str] = Counter()

    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
        texts = list(texts)
        self.piped.update(texts)
        return self.nlp.pipe(texts, batch_size=batch_size)


def training_data() -> TrainingData:
    examples = []
    for text, intent, answer in EXAMPLES:
        data = {TEXT: text, "intent": intent.split("/")[0]}
        if answer:
            data |= {RESPONSE: answer, INTENT_RESPONSE_KEY: intent}
        examples.append(Message(data=data))
    return TrainingData(examples)


def docs_of(component_class: type[SpacyNLP], model: SpacyModel) -> list[tuple]:
    data = training_data()
    component_class(model, component_class.get_default_config()).process_training_data(data, model)
    return [
        tuple(
            (doc.text, [t.lemma_ for t in doc], [(e.label_, e.start, e.end) for e in doc.ents])
            if (doc := example.get(SPACY_DOCS[attribute])) is not None
            else None
            for attribute in (TEXT, RESPONSE)
        )
        for example in data.training_examples
    ]


@pytest.fixture(scope="module")
def spacy_model(nlp) -> SpacyModel:
    return SpacyModel(model=nlp, model_name="build/spacy/spine_en")


def test_every_example_gets_the_doc_rasas_spacy_nlp_gives_it(spacy_model):
    ours = docs_of(SpacyNLPOncePerText, spacy_model)
    assert ours == docs_of(SpacyNLP, spacy_model)
    assert ours[0][1][2], "the answer's spine terms are found"
    assert [docs[1] is None for docs in ours] == [False, False, False, True, True]  # no answer, no doc


def test_spacy_runs_once_per_distinct_text(nlp):
    counting = CountingPipeline(nlp)
    docs_of(SpacyNLPOncePerText, SpacyModel(model=counting, model_name="build/spacy/spine_en"))
    assert counting.piped == Counter(
        [
            "what is a discectomy?",
            "what's a discectomy",
            "discectomy, what is it",
            "my legs keep giving way",
            "hello",
            ANSWER.lower(),
        ]
    )
    rasas = CountingPipeline(nlp)
    docs_of(SpacyNLP, SpacyModel(model=rasas, model_name="build/spacy/spine_en"))
    assert rasas.piped[ANSWER.lower()] == 3
