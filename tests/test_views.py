"""networkx export, graph questions, pyvis drawings, checked in a real browser."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import spineKG
from spineKG.views.draw import draw
from spineKG.views.graph import explain_path, sharing

from . import browser
from .conftest import require_tool


def test_whole_graph_and_kinds(kg: spineKG.KnowledgeGraph) -> None:
    g = kg.to_networkx()
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_nodes() > 200
    ep = "https://w3id.org/spinekg/Ependymoma"
    assert g.nodes[ep]["kind"] == "tumor" and g.nodes[ep]["label"] == "ependymoma"
    for _, _, d in g.edges(data=True):
        assert d["relation"] and d["typicality"] and d["derivation"] in ("asserted", "definition", "reasoner")
    tumors = kg.to_networkx(kind="tumor")
    assert all(d["kind"] == "tumor" for _, d in tumors.nodes(data=True))


def test_neighbourhood(kg: spineKG.KnowledgeGraph) -> None:
    g = kg.to_networkx(entity="intramedullary tumor", depth=1)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert {"astrocytoma", "ependymoma", "cervical spine", "glial cells"} <= labels
    derived = kg.to_networkx(entity="ependymoma", depth=1, derived=True)
    assert "myelopathy" in {d["label"] for _, d in derived.nodes(data=True)}


def test_answer_evidence_graph(kg: spineKG.KnowledgeGraph) -> None:
    answer = kg.ask("Which tumors cause myelopathy in the cervical spine?")
    g = kg.to_networkx(answer=answer)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert {"astrocytoma", "ependymoma", "spinal cord compression", "myelopathy", "cervical spine"} <= labels
    assert all(d.get("evidence") for _, _, d in g.edges(data=True))
    assert g.nodes["https://w3id.org/spinekg/Astrocytoma"]["answer"]


def test_explanation_path_and_shared_findings(kg: spineKG.KnowledgeGraph) -> None:
    path = explain_path(kg, "ependymoma", "myelopathy")
    assert path[0][0] == "ependymoma" and path[-1][2] == "myelopathy"
    assert ("spinal cord compression", "causes", "myelopathy") in path
    shared = sharing(kg, ["cauda equina syndrome", "myelopathy"])
    assert "metastatic spinal tumor" in shared and "myelopathy" not in shared


def test_drawing_is_self_contained(kg: spineKG.KnowledgeGraph) -> None:
    d = kg.show(entity="ependymoma", depth=2)
    assert "vis.Network" in d.html and "cdn.jsdelivr" not in d.html and "bootstrap" not in d.html
    assert 'id="spinekg-legend"' in d.html and "tumor" in d.html
    assert "srcdoc=" in d._repr_html_()


@pytest.fixture(scope="module")
def chromium() -> None:
    require_tool("chromium")
    require_tool("chromedriver")


def test_browser_draws_the_answer(kg: spineKG.KnowledgeGraph, chromium: None, tmp_path: Path) -> None:
    answer = kg.ask("Which tumors cause myelopathy in the cervical spine?")
    drawing = kg.show(answer=answer)
    page = drawing.save(tmp_path / "answer.html")
    seen = browser.render(page)
    assert (seen.nodes, seen.edges) == (drawing.nodes, drawing.edges)
    assert seen.painted_pixels > 2000


def test_browser_test_fails_when_rendering_is_broken(kg: spineKG.KnowledgeGraph, chromium: None, tmp_path: Path) -> None:
    """With vis-network loaded from a CDN (unreachable here), nothing is drawn, and the check sees it."""
    g = kg.to_networkx(entity="ependymoma", depth=2)
    broken = draw(g, cdn_resources="remote").save(tmp_path / "remote.html")
    seen = browser.render(broken, wait=2.0)
    assert seen.nodes is None and seen.painted_pixels == 0


def test_cli_viz(tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    run = subprocess.run([sys.executable, "-m", "spineKG.cli", "viz", "ependymoma", "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "vis.Network" in out.read_text()
    bad = subprocess.run([sys.executable, "-m", "spineKG.cli", "viz", "ependymomma", "-o", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "ependymoma" in bad.stderr
