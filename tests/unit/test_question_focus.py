"""runtime.nlu.question_focus: the question sentences of a long message."""

from __future__ import annotations

import pytest

from runtime.nlu.question_focus import main_question, only_questions, questions, sentences


def test_background_is_dropped_and_the_question_kept():
    text = (
        "I was diagnosed with an L5-S1 disc extrusion last month, the pain goes down my left leg and "
        "I'm 41. What are my treatment options and will I need surgery?"
    )
    assert questions(text) == ["What are my treatment options", "will I need surgery?"]


def test_several_questions_are_kept_in_order():
    text = "Had a microdiscectomy in May. How long is recovery? Also, what are the risks of a second one?"
    assert questions(text) == ["How long is recovery?", "Also, what are the risks of a second one?"]


def test_questions_without_question_marks_are_found_by_how_they_open():
    assert questions("my back hurts. how long does sciatica last") == ["how long does sciatica last"]


def test_a_single_sentence_or_no_question_has_no_questions_to_split():
    assert questions("what is a discectomy") == []
    assert questions("My back hurts. It started on Monday.") == []


def test_sentences_split_on_ends_and_new_lines():
    assert sentences("One. Two!\nThree?Four") == ["One.", "Two!", "Three?", "Four"]


def test_a_question_joined_to_another_is_two_and_pros_and_cons_is_one():
    assert questions("What is a bulging disc and how do you treat it?") == [
        "What is a bulging disc",
        "how do you treat it?",
    ]
    assert questions("what is an artificial disc, or should I have a fusion?") == [
        "what is an artificial disc",
        "should I have a fusion?",
    ]
    assert questions("What are the pros and cons of surgery?") == []
    assert questions("my back and my legs hurt, what is sciatica") == []


def test_only_questions_is_a_message_without_background():
    assert only_questions("What is a bulging disc and how do you treat it?")
    assert only_questions("How long is recovery? Is it painful?")
    assert not only_questions("I'm 41. How long is recovery? Is it painful?")
    assert not only_questions("What is a discectomy?")


def test_a_quoted_report_line_ends_its_sentence():
    text = 'MRI says: "L5-S1: broad-based disc protrusion." What is the usual treatment for it?'
    assert sentences(text)[-1] == "What is the usual treatment for it?"


@pytest.mark.parametrize(
    ("text", "main"),
    [
        ("What is MISS exactly? And more importantly, am I a candidate?", 1),
        ("what is a microdiscectomy? but my real worry is the risks, what can go wrong?", 1),
        ("Is keyhole surgery MISS? The thing I really need to know is whether it leaves a scar.", 1),
        ("I'm 29. Is it a muscle or a disc? And how do I treat it? That's the main thing I need to know.", 1),
        # nothing says which matters, it is the first, or "mostly" is about the pain, not a question
        ("What causes back pain? And when should I see a doctor?", None),
        ("Most importantly, what causes it? And how is it treated?", None),
        ("The pain is mostly in my leg. What causes it? How is it treated?", None),
        ("What causes it? Is the pain mostly from the disc?", None),
        ("What causes it? How is it treated? My main worry is that I can't work.", None),
    ],
)
def test_the_question_said_to_matter_most(text, main):
    assert main_question(text) == main
