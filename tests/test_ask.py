"""Plain-English questions: answers with evidence, the JSON contract, and clear errors for bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import spineKG
from spineKG.ask import QuestionError


def names(answer) -> set[str]:
    return {a["label"] for a in answer.to_dict()["answers"]}


def test_answer_dict_contract(kg: spineKG.KnowledgeGraph) -> None:
    d = kg.ask("Which tumors cause myelopathy in the cervical spine?").to_dict()
    first = d["answers"][0]
    assert {"label", "synonyms", "iri", "kind", "evidence"} <= set(first)
    assert first["label"] in ("astrocytoma", "ependymoma") and first["kind"] == "tumor"
    assert first["evidence"][0]["chain"] and first["evidence"][0]["chain"][0]["source"]
    assert "SELECT" in d["interpretation"]["sparql"]
    assert d["interpretation"]["query"]["where"]
    json.dumps(d)


@pytest.mark.parametrize("question,include,exclude", [
    ("which scans don't use a radioactive tracer", {"MRI", "CT scan"}, {"PET scan", "bone scan"}),
    ("Which treatments are not drugs?", {"surgery", "radiation therapy"}, {"opioids", "chemotherapy"}),
    ("Which spinal tumors are not cancerous?", {"hemangioma", "schwannoma"}, {"osteosarcoma", "multiple myeloma"}),
])
def test_negation(kg: spineKG.KnowledgeGraph, question: str, include: set[str], exclude: set[str]) -> None:
    got = names(kg.ask(question))
    assert include <= got and not got & exclude


def test_three_constraints_and_synonyms(kg: spineKG.KnowledgeGraph) -> None:
    got = names(kg.ask("Which cancerous primary tumors are epidural?"))
    assert {"osteosarcoma", "multiple myeloma"} <= got and not got & {"metastatic spinal tumor", "hemangioma"}
    neck = names(kg.ask("what tumours cause myelopathy in the neck"))
    assert {"astrocytoma", "ependymoma"} <= neck


def test_share_in_percent(kg: spineKG.KnowledgeGraph) -> None:
    a = kg.ask("What share of spinal tumors is in the thoracic spine?")
    assert [r["label"] for r in a.to_dict()["answers"]] == ["70%"]


def test_urgency_and_specialists(kg: spineKG.KnowledgeGraph) -> None:
    assert names(kg.ask("I have back pain with fever and chills. How soon should I see a doctor?")) == {"immediate medical evaluation"}
    assert names(kg.ask("Which doctors should I see about back pain that has lasted three weeks despite rest?")) == {
        "neurosurgeon", "orthopedic spine surgeon"}


@pytest.mark.parametrize("question,reason", [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("asdf qwerty zxcv", "not recognised: asdf"),
    ("x" * 100_000, "characters long"),
    ("¿Qué tumores causan mielopatía en la columna cervical?", "English"),
    ("Какие опухоли вызывают миелопатию?", "English"),
    ("Tell me about the weather in Paris", "Could not"),
])
def test_uninterpretable_questions_get_a_clear_message(kg: spineKG.KnowledgeGraph, question: str, reason: str) -> None:
    with pytest.raises(QuestionError) as err:
        kg.ask(question)
    msg = str(err.value)
    assert reason in msg
    assert "For example:" in msg and "Which tumors cause myelopathy" in msg


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spineKG.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_ask_prints_a_readable_answer_with_evidence() -> None:
    out = run_cli("ask", "which tumors cause myelopathy in the cervical spine")
    assert out.returncode == 0, out.stderr
    assert "* astrocytoma" in out.stdout and "* ependymoma" in out.stdout
    assert "spinal cord compression causes myelopathy" in out.stdout
    assert "section 'Intramedullary Tumor'" in out.stdout


def test_cli_ask_json() -> None:
    out = run_cli("ask", "--json", "which tumors cause myelopathy in the cervical spine")
    assert out.returncode == 0
    d = json.loads(out.stdout)
    assert {"astrocytoma", "ependymoma"} <= {a["label"] for a in d["answers"]}


@pytest.mark.parametrize("args,needle", [
    (("ask", "asdf qwer"), "not recognised"),
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


def test_cli_sparql_formats() -> None:
    out = run_cli("sparql", "--format", "csv", "SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
    assert out.returncode == 0 and out.stdout.splitlines() == ["l", "ependymoma"]


def test_a_question_at_the_command_line_loads_no_heavy_library() -> None:
    """rdflib (and its SPARQL grammar), pandas, pyvis and owlready2 stay off the one-shot question path."""
    code = ("import sys, io, contextlib\nfrom spineKG.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    rc = main(['ask', 'which tumors cause myelopathy in the cervical spine'])\n"
            "assert rc == 0 and 'astrocytoma' in out.getvalue()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyparsing', 'pandas', 'pyvis', 'owlready2',"
            " 'networkx', 'oxrdflib'}))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
