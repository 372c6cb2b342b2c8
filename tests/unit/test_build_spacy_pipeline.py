"""The project's spaCy pipeline: lemmas and spine-term entities from data/spacy/spine_terms.yml."""

from __future__ import annotations

import pytest


def entities(nlp, text):
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I have a slipped disc", ("slipped disc", "condition", "herniated_disc")),
        ("two bulging discs", ("bulging discs", "condition", "disc_protrusion")),
        ("my RUPTURED DISC", ("RUPTURED DISC", "condition", "disc_extrusion")),
        ("booked for a micro-discectomy", ("micro-discectomy", "procedure", "discectomy")),
        ("is miss right for me", ("miss", "procedure", "miss")),
        ("keyhole surgery", ("keyhole surgery", "procedure", "miss")),
        ("what about adr", ("adr", "procedure", "artificial_disc_replacement")),
        ("problem at L5-S1", ("L5-S1", "region", "level")),
        ("and at L4/5", ("L4/5", "region", "level")),
        ("pain in my neck", ("neck", "region", "cervical")),
    ],
)
def test_lay_terms_and_levels_are_recognised(nlp, text, expected):
    assert expected in entities(nlp, text)


def test_lookup_lemmatizer_is_loaded(nlp):
    assert [t.lemma_ for t in nlp("discs ruptured legs")] == ["disc", "rupture", "leg"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # no space after the full stop: split as the space would have (Rasa lowercases first)
        ("i fell down the stairs.now my legs are weak", ["stairs", ".", "now", "my"]),
        ("foot drop since 2012.please help", ["2012", ".", "please"]),
        # what has a full stop inside stays whole
        ("2.5mg twice a day", ["2.5", "mg"]),
        ("e.g. sitting", ["e.g.", "sitting"]),
        ("at 3 a.m. it wakes me", ["a.m.", "it"]),
    ],
)
def test_sentences_typed_without_a_space_are_split(nlp, text, words):
    tokens = [t.text for t in nlp(text)]
    assert any(tokens[i : i + len(words)] == words for i in range(len(tokens)))


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        # the g dropped, as patients type it
        ("thinkin of endin it", ["think", "of", "end", "it"]),
        ("goin feelin", ["go", "feel"]),
        # data/spacy/spellings.yml
        ("anymor tonite", ["anymore", "tonight"]),
        # the spine's words, with the lemma of the word meant
        ("symtoms pian sciatia buldging", ["symptom", "pain", "sciatica", "bulge"]),
        # a word of its own keeps its lemma: "robin" is no "robing"
        ("robin muffin raisin", ["robin", "muffin", "raisin"]),
    ],
)
def test_patients_spellings_have_the_lemma_of_the_word_they_mean(nlp, text, lemmas):
    assert [t.lemma_ for t in nlp(text)] == lemmas


def test_patients_spellings_are_saved_with_the_pipeline(nlp, tmp_path):
    import spacy

    nlp.to_disk(tmp_path / "spine_en")
    assert [t.lemma_ for t in spacy.load(tmp_path / "spine_en")("endin it tonite")] == [
        "end",
        "it",
        "tonight",
    ]


def test_a_misspelt_spine_word_names_the_spine(nlp):
    from runtime.nlu.outside_catalog_guard import SCOPE_KEY

    doc = nlp("please help me my sciatia is bad")
    assert {span.label_ for span in doc.spans[SCOPE_KEY]} & {"spine", "covered"}
