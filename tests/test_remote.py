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


def _cutting_proxy(target_port: int, cut: int) -> int:
    """A TCP proxy that passes the first ``cut`` bytes of one request to the store, then drops both sides."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def run() -> None:
        client, _ = srv.accept()
        upstream = socket.create_connection(("127.0.0.1", target_port))
        sent = 0
        while sent < cut and (data := client.recv(65536)):
            upstream.sendall(data[:cut - sent])
            sent += len(data)
        upstream.close()
        client.close()
        srv.close()
    threading.Thread(target=run, daemon=True).start()
    return int(srv.getsockname()[1])


def _graph_size(base: str, graph: str) -> int:
    kg = spineKG.connect(base + "/query")
    rows = kg.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0][0])


def test_upload_lands_whole_or_not_at_all(oxigraph_url: str) -> None:
    """A connection broken at any point of an upload leaves the graph as it was (never a part of the release);
    a whole upload replaces it and the report's counts are the store's own."""
    from urllib.parse import urlparse

    from spineKG.upload import release_body, upload

    body, triples = release_body()
    graph = "https://w3id.org/spinekg/upload-test"
    port = urlparse(oxigraph_url).port
    assert port is not None
    for cut in (1_000, len(body) // 3, len(body) - 10):
        proxy = _cutting_proxy(port, cut)
        with pytest.raises(spineKG.errors.UploadError) as err:
            upload(f"http://127.0.0.1:{proxy}/store", graph=graph, timeout=30)
        assert "whole or not at all" in str(err.value) or "HTTP 4" in str(err.value)
        assert _graph_size(oxigraph_url, graph) == 0, f"part of the release landed after a cut at {cut} bytes"
    report = upload(oxigraph_url + "/store", graph=graph)
    assert report.method == "PUT" and report.triples == triples == report.stored == _graph_size(oxigraph_url, graph)
    proxy = _cutting_proxy(port, len(body) // 2)
    with pytest.raises(spineKG.errors.UploadError):
        upload(f"http://127.0.0.1:{proxy}/store", graph=graph, timeout=30)
    assert _graph_size(oxigraph_url, graph) == triples   # the old graph, whole
