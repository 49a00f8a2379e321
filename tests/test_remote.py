"""The same questions on the embedded store, on Oxigraph server and on Virtuoso give the same answers."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import spineKG

QUESTIONS = (Path(__file__).parent / "data" / "competency_questions.txt").read_text().splitlines()


@pytest.fixture(scope="module")
def stores(oxigraph_url: str, virtuoso_url: str) -> dict[str, spineKG.KnowledgeGraph]:
    return {"embedded": spineKG.load(), "oxigraph": spineKG.connect(oxigraph_url + "/query"),
            "virtuoso": spineKG.connect(virtuoso_url, graph="https://w3id.org/spinekg/release")}


def test_every_competency_question_gets_the_same_answers_everywhere(stores: dict[str, spineKG.KnowledgeGraph]) -> None:
    assert len(QUESTIONS) == 46
    differences = []
    declined = 0
    for q in QUESTIONS:
        answers = {name: _outcome(kg, q) for name, kg in stores.items()}
        declined += isinstance(answers["embedded"], str)
        for name in ("oxigraph", "virtuoso"):
            if answers[name] != answers["embedded"]:
                differences.append((q, name, answers[name], answers["embedded"]))
    assert not differences
    assert declined <= 4, f"{declined} of the public questions declined"


def _outcome(kg: spineKG.KnowledgeGraph, question: str) -> list[str] | str:
    """The sorted answers, or the message of the abstention (a store must give the same either way)."""
    try:
        return sorted(kg.ask(question).labels)
    except spineKG.errors.QuestionError as e:
        return str(e)


def test_triage_and_sparql_remote(stores: dict[str, spineKG.KnowledgeGraph]) -> None:
    rules = len(stores["embedded"].sparql("triage_rules"))
    assert rules >= 10
    for kg in stores.values():
        assert kg.triage(pain_days=21, tried_rest_self_care=True).urgency == "see_doctor"
        assert len(kg.sparql("triage_rules")) == rules
        with pytest.raises(spineKG.SparqlError) as err:
            kg.sparql("SELECT ?x WHERE { ?x ?p }")
        assert err.value.line == 1


def test_upload_reports_an_unreachable_store() -> None:
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "upload", "http://127.0.0.1:9/store"], capture_output=True, text=True)
    assert out.returncode == 2 and "cannot reach" in out.stderr and "Traceback" not in out.stderr
