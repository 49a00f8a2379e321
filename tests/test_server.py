"""`spinekg serve`: a read-only SPARQL 1.1 Protocol endpoint, checked with SPARQLWrapper, Comunica and raw HTTP."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .servers import ROOT, spinekg_server

QUERY = "SELECT ?l WHERE { ?t skg:kind 'tumor' ; skg:mayCause skg:Myelopathy ; rdfs:label ?l } ORDER BY ?l"


@pytest.fixture(scope="module")
def endpoint():
    with spinekg_server(timeout=2.0, limit=50) as base:
        yield base


def get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def q(base: str, query: str, **params: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **params})


def test_sparqlwrapper_get_and_post(endpoint: str) -> None:
    from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper

    for method in (GET, POST):
        sw = SPARQLWrapper(endpoint + "/sparql")
        sw.setMethod(method)
        sw.setQuery("PREFIX skg: <https://w3id.org/spinekg/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + QUERY)
        sw.setReturnFormat(JSON)
        rows = sw.query().convert()["results"]["bindings"]
        assert {"astrocytoma", "ependymoma"} <= {r["l"]["value"] for r in rows}


@pytest.mark.parametrize("accept,media,needle", [
    ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
    ("text/csv", "text/csv", "l\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", "?l\n"),
])
def test_content_negotiation_and_cors(endpoint: str, accept: str, media: str, needle: str) -> None:
    status, headers, body = get(q(endpoint, QUERY), {"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(media) and needle in body and "ependymoma" in body
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_and_page(endpoint: str) -> None:
    status, headers, _ = get(endpoint + "/sparql", method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    status, _, body = get(endpoint + "/")
    assert status == 200 and "<textarea" in body and "triage_rules" in body


@pytest.mark.parametrize("query,status,reason", [
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 403, "read-only"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", 403, "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT ?x WHERE { ?x ?p }", 400, "line 1, column 26"),
])
def test_refusals(endpoint: str, query: str, status: int, reason: str) -> None:
    got, _, body = get(q(endpoint, query))
    assert got == status and reason in body
    got, _, body = get(endpoint + "/sparql", {"Content-Type": "application/sparql-update"}, query.encode(), "POST")
    assert got in (400, 403)


def test_timeout_and_result_limit(endpoint: str) -> None:
    status, _, body = get(q(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
    assert status == 503 and "time limit" in body
    status, headers, body = get(q(endpoint, "SELECT ?s WHERE { ?s ?p ?o }"), {"Accept": "text/csv"})
    assert status == 200 and headers["X-Result-Truncated"].startswith("true") and len(body.strip().splitlines()) == 51


def comunica() -> str | None:
    local = ROOT / ".ci" / "comunica" / "node_modules" / ".bin" / "comunica-sparql"
    return str(local) if local.exists() else shutil.which("comunica-sparql")


def test_comunica_client(endpoint: str) -> None:
    binary = comunica()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("comunica-sparql is not installed; .ci/run should have installed it")
        pytest.skip("comunica-sparql is not installed")
    query = ("SELECT ?l WHERE { ?t <https://w3id.org/spinekg/mayCause> <https://w3id.org/spinekg/Myelopathy> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    out = subprocess.run([binary, f"sparql@{endpoint}/sparql", query], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    labels = {json.loads(row)["l"].split('"')[1] for row in _rows(out.stdout)}
    assert {"astrocytoma", "ependymoma"} <= labels


def _rows(text: str) -> list[str]:
    return [line.rstrip(",") for line in text.splitlines() if line.startswith("{")]
