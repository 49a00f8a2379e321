"""Plain-English questions: answers with evidence and the interpretation that produced them, answer shapes
(lists, yes/no, values, choices, shares), calibrated abstention, and clear errors for bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import spineKG
from spineKG.errors import QuestionError


@pytest.fixture
def kg(any_kg: spineKG.KnowledgeGraph) -> spineKG.KnowledgeGraph:
    """Each test of this module on every store backend (tests/conftest.py BACKENDS)."""
    return any_kg


def names(answer) -> set[str]:
    return {a["label"] for a in answer.to_dict()["answers"]}


def test_answer_dict_contract(kg: spineKG.KnowledgeGraph) -> None:
    d = kg.ask("Which tumors cause myelopathy in the cervical spine?").to_dict()
    first = d["answers"][0]
    assert {"label", "synonyms", "iri", "kind", "evidence"} <= set(first)
    assert first["label"] in ("astrocytoma", "ependymoma") and first["kind"] == "tumor"
    assert first["evidence"][0]["chain"] and first["evidence"][0]["chain"][0]["source"]
    i = d["interpretation"]
    assert "SELECT" in i["sparql"] and i["shape"] == "list" and 0.5 <= i["confidence"] <= 1
    assert "myelopathy" in i["canonical"] and "cervical spine" in i["canonical"]
    assert {c["relation"] for c in i["constraints"]} >= {"cause"}
    json.dumps(d)


@pytest.mark.parametrize("question,include,exclude", [
    ("which scans don't use a radioactive tracer", {"MRI", "CT scan"}, {"PET scan", "bone scan"}),
    ("Which spinal tumors are not cancerous?", {"hemangioma", "schwannoma"}, {"osteosarcoma", "multiple myeloma"}),
    ("Which imaging tests other than MRI can be used?", {"CT scan", "PET scan"}, {"MRI"}),
])
def test_negation_and_exclusion(kg: spineKG.KnowledgeGraph, question: str, include: set[str], exclude: set[str]) -> None:
    got = names(kg.ask(question))
    assert include <= got and not got & exclude


@pytest.mark.parametrize("question,answer", [
    ("Are meningiomas usually benign?", "yes"),
    ("Is a hemangioma cancerous?", "no"),
])
def test_yes_no(kg: spineKG.KnowledgeGraph, question: str, answer: str) -> None:
    a = kg.ask(question)
    assert a.labels == [answer] and a.interpretation.shape == "yesno"


def test_values_and_choices(kg: spineKG.KnowledgeGraph) -> None:
    assert "slow-growing" in names(kg.ask("How fast do intradural-extramedullary tumors usually grow?"))
    got = names(kg.ask("vertebral haemangioma: benign or malignant?"))
    assert "benign" in got and "malignant" not in got


def test_shares_and_comparisons(kg: spineKG.KnowledgeGraph) -> None:
    assert names(kg.ask("What percentage of spinal tumors are in the lumbar spine?")) == {"20%"}
    small = names(kg.ask("Which regions of the spine hold less than a quarter of spinal tumours?"))
    assert {"lumbar spine", "cervical spine"} <= small and "thoracic spine" not in small


def test_clinicians_shorthand_and_typos(kg: spineKG.KnowledgeGraph) -> None:
    assert {"astrocytoma", "ependymoma"} <= names(kg.ask("commonest IMSCT histologies?"))
    assert {"astrocytoma", "ependymoma"} <= names(kg.ask("which tumours cause mielopathy in the cervicl spine"))


def test_a_story_before_the_question(kg: spineKG.KnowledgeGraph) -> None:
    a = kg.ask("My neurologist says I have a meningioma pressing on my cord. How fast does it grow?")
    assert "slow-growing" in a.labels


@pytest.mark.parametrize("question", [
    "What is the five-year survival rate for spinal metastases?",
    "How much does an MRI cost in the United States?",
    "What dose of dexamethasone is given for cord compression?",
    "What is the capital of France?",
    "'; DROP TABLE tumors; --",
    "¿Qué tumores causan mielopatía en la columna cervical?",
])
def test_out_of_scope_questions_are_declined_with_suggestions(kg: spineKG.KnowledgeGraph, question: str) -> None:
    with pytest.raises(QuestionError) as err:
        kg.ask(question)
    assert "can't" in str(err.value) or "English" in str(err.value)


def test_abstention_names_the_closest_readings(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(QuestionError) as err:
        kg.ask("tumors prognosis survival months median")
    assert err.value.suggestions or "not recognised" in str(err.value)


@pytest.mark.parametrize("question,reason", [
    ("", "empty"), ("   \n\t ", "empty"), ("x" * 100_000, "characters long"),
    ("Какие опухоли вызывают миелопатию?", "English"),
])
def test_unreadable_input_gets_a_clear_message(kg: spineKG.KnowledgeGraph, question: str, reason: str) -> None:
    with pytest.raises(QuestionError, match=reason):
        kg.ask(question)


def test_a_red_flag_in_a_story_is_never_ignored(kg: spineKG.KnowledgeGraph) -> None:
    """An informational question in a patient's story with a red flag carries the triage of the story."""
    a = kg.ask("I have back pain and I can't feel the toilet paper when I wipe. Which tests will they do?")
    assert a.triage is not None and a.triage.tier.key == "emergency"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spineKG.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_ask_prints_a_readable_answer_with_evidence() -> None:
    out = run_cli("ask", "which tumors cause myelopathy in the cervical spine")
    assert out.returncode == 0, out.stderr
    assert "* astrocytoma" in out.stdout and "* ependymoma" in out.stdout
    assert "spinal cord compression causes myelopathy" in out.stdout
    assert "Read as:" in out.stdout and "confidence" in out.stdout


def test_cli_ask_json_shows_the_interpretation() -> None:
    out = run_cli("ask", "--json", "which tumors cause myelopathy in the cervical spine")
    assert out.returncode == 0
    d = json.loads(out.stdout)
    assert {"astrocytoma", "ependymoma"} <= {a["label"] for a in d["answers"]}
    assert d["interpretation"]["canonical"] and d["interpretation"]["confidence"] > 0.5


def test_cli_abstention_exits_2_with_suggestions() -> None:
    out = run_cli("ask", "What is the survival rate of spinal metastases?")
    assert out.returncode == 2 and "can't answer" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("args,needle", [
    (("ask", ""), "empty"),
    (("lookup", "cervicl"), "cervical spine"),
    (("sparql", "SELECT ?x WHERE { ?x ?p }"), "line 1, column"),
    (("triage", "--red-flag", "purple spots"), "unknown"),
])
def test_cli_user_mistakes_exit_2_without_traceback(args: tuple[str, ...], needle: str) -> None:
    out = run_cli(*args)
    assert out.returncode == 2
    assert needle in out.stderr
    assert "Traceback" not in out.stderr


def test_a_question_at_the_command_line_loads_no_heavy_library() -> None:
    """rdflib (and its SPARQL grammar), pandas, pyvis, networkx, owlready2 and spaCy stay off a simple question's path."""
    code = ("import sys, io, contextlib\nfrom spineKG.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    rc = main(['ask', 'which tumors cause myelopathy in the cervical spine'])\n"
            "assert rc == 0 and 'astrocytoma' in out.getvalue()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyparsing', 'pandas', 'pyvis', 'owlready2',"
            " 'networkx', 'oxrdflib', 'spacy', 'torch'}))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
