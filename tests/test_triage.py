"""Triage: the article's rules are data in the graph and give the expected urgency for vignettes."""
from __future__ import annotations

import pytest

import spineKG
from spineKG import UnknownTermError

CASES = [  # (inputs, urgency, specialists)
    (dict(age=47, pain_days=20, tried_rest_self_care=True), "see_doctor", {"neurosurgeon", "orthopedic spine surgeon"}),
    (dict(age=33, pain_days=3, tried_rest_self_care=True), "self_care", set()),
    (dict(age=59, pain_days=6, red_flags=["weight loss"]), "immediate", set()),
    (dict(age=70, pain_days=1, cancer_history="previous"), "immediate", set()),
    (dict(age=52, pain_days=1, cancer_history="current"), "immediate", set()),
    (dict(age=29, pain_days=2, severe_interferes_daily=True), "immediate", set()),
    (dict(age=44, pain_days=4, red_flags=["vomiting"]), "immediate", set()),
    (dict(age=39, pain_days=5, neuro_signs=["saddle numbness"]), "immediate", set()),
    (dict(age=66, pain_days=16, tried_rest_self_care=True), "see_doctor", {"neurosurgeon"}),
    (dict(age=40, pain_days=30, tried_rest_self_care=True, pain_explained=True), "self_care", set()),
    (dict(age=35, pain_days=18, tried_rest_self_care=True, other_features=["night pain"]), "see_doctor", set()),
]


@pytest.mark.parametrize("inputs,urgency,specialists", CASES)
def test_vignettes(kg: spineKG.KnowledgeGraph, inputs: dict, urgency: str, specialists: set[str]) -> None:
    result = kg.triage(**inputs).to_dict()
    assert result["urgency"] == urgency
    assert specialists <= set(result["specialists"])
    assert result["rule"]["source"]


def test_first_rule_that_fires_wins_and_is_reported(kg: spineKG.KnowledgeGraph) -> None:
    r = kg.triage(pain_days=21, tried_rest_self_care=True, red_flags=["fever"], cancer_history="previous")
    assert r.urgency == "immediate" and r.rule.order == 1
    assert "cancer" in r.rule.definition


def test_rules_are_listed_by_sparql(kg: spineKG.KnowledgeGraph) -> None:
    rows = kg.sparql("SELECT ?r ?u WHERE { ?r a skg:TriageRule ; skg:urgency ?u }")
    assert len(rows) == 7


def test_bad_input(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(UnknownTermError, match="did you mean"):
        kg.triage(red_flags=["weigth loss"])
    with pytest.raises(ValueError, match="cancer_history"):
        kg.triage(cancer_history="maybe")


def test_new_leg_weakness_or_walking_difficulty_with_back_pain_is_immediate(kg: spineKG.KnowledgeGraph) -> None:
    for sign in ("weakness", "difficulty walking", "gait disturbance"):
        r = kg.triage(age=40, pain_days=3, neuro_signs=[sign])
        assert r.urgency == "immediate", sign
        assert "weakness" in r.rule.label and "G-care" in r.rule.source.title
    answer = kg.ask("My back hurts and since yesterday my legs feel weak - should I see a doctor?")
    assert answer.labels == ["immediate medical evaluation"]
