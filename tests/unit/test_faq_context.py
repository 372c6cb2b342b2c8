"""Context resolution of follow-up questions."""

from __future__ import annotations

from runtime.catalog import load_catalog
from runtime.faq_context import resolve_topic


def test_topic_without_a_family_is_kept():
    assert resolve_topic(load_catalog(), "miss_scar", False, "what_is_discectomy").topic_id == "miss_scar"


def test_family_member_follows_the_subject_in_context():
    catalog = load_catalog()
    assert resolve_topic(catalog, "conservative_treatment", False, "what_is_disc_extrusion").topic_id == (
        "extrusion_treatment"
    )
    assert resolve_topic(catalog, "conservative_treatment", False, "what_is_disc_protrusion").topic_id == (
        "protrusion_treatment"
    )


def test_context_without_a_matching_member_asks():
    resolution = resolve_topic(load_catalog(), "discectomy_risks", False, "what_is_back_pain")
    assert resolution.topic_id is None
    assert {t.id for t in resolution.choices} == {"discectomy_risks", "miss_risks"}


def test_named_subject_keeps_the_prediction():
    assert resolve_topic(load_catalog(), "miss_risks", True, "what_is_discectomy").topic_id == "miss_risks"
