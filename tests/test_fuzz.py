"""Hostile and broken input to ``kg.ask`` and ``kg.triage_text``: an answer or a spineKG error, never another
exception, and none over the two-second budget (benchmarks/fuzz_ask.py runs 10,000 and prints the figures)."""
from __future__ import annotations

import random
import time

import pytest

import spineKG
from benchmarks.fuzz_ask import inputs
from spineKG.errors import QuestionError, SpineKGError


@pytest.fixture(scope="module")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


def test_fuzzed_questions_and_stories_end_in_an_answer_or_a_spinekg_error(kg: spineKG.KnowledgeGraph) -> None:
    names = sorted({e.label for e in kg.engine.index.entities.values()})
    slow = []
    for text in inputs(150, random.Random(7), names):
        for call in (kg.ask, kg.triage_text):
            t0 = time.perf_counter()
            try:
                call(text)
            except SpineKGError:
                pass
            if time.perf_counter() - t0 > 2.0:
                slow.append((call.__name__, text[:80]))
    assert not slow, slow


def test_a_question_naming_too_many_things_is_declined_at_once(kg: spineKG.KnowledgeGraph) -> None:
    names = sorted({e.label for e in kg.engine.index.entities.values() if "tumor" not in e.label})[:40]
    t0 = time.perf_counter()
    with pytest.raises(QuestionError, match="at most 16"):
        kg.ask("which tumors cause " + " and ".join(names))
    assert time.perf_counter() - t0 < 2.0
