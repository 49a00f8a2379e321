"""Every export format read back by an independent reader: pronto (OWL, OBO), rdflib (OWL, Turtle, JSON-LD),
networkx (GraphML, GEXF, CSV) and sssom-py (SSSOM)."""
from __future__ import annotations

import csv
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib import XSD, BNode, Literal

import spineKG
from spineKG.export import FORMATS, export


@pytest.fixture(scope="module")
def files(kg: spineKG.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("export")
    return {f: export(kg, f, out / f"spinekg.{f}") for f in FORMATS}


def ground(g: rdflib.Graph) -> set[tuple[object, object, object]]:
    """The triples without blank nodes (those compare across serialisations), literals by value (Turtle
    writes the decimal 70 as 70.0; in RDF 1.1 a plain literal is an xsd:string)."""
    def value(o: object) -> object:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            return Literal(str(o))
        return (o.value, o.datatype) if isinstance(o, Literal) and o.value is not None and o.datatype else o

    return {(s, p, value(o)) for s, p, o in g if not isinstance(s, BNode) and not isinstance(o, BNode)}


@pytest.fixture(scope="module")
def release(kg: spineKG.KnowledgeGraph) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in kg.graph:
        g.add(t)
    return g


@pytest.mark.parametrize("fmt, rdflib_format", [("owl", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_rdf_formats_round_trip_in_rdflib(files: dict[str, Path], release: rdflib.Graph, fmt: str, rdflib_format: str) -> None:
    back = rdflib.Graph().parse(files[fmt], format=rdflib_format)
    assert len(back) == len(release)
    assert ground(back) == ground(release)


def test_owl_loads_in_pronto(files: dict[str, Path], kg: spineKG.KnowledgeGraph) -> None:
    import pronto

    text = files["owl"].read_text(encoding="utf-8")
    first = text[text.index(">", text.index("<rdf:RDF")) + 1:].lstrip()
    assert first.startswith('<owl:Ontology rdf:about="https://w3id.org/spinekg/spinekg.owl">')   # the header first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # pronto warns about the project's own axiom annotations
        onto = pronto.Ontology(str(files["owl"]))
    names = {t.name for t in onto.terms()}
    assert {e.label for e in kg.index.entities.values()} <= names
    ep = next(t for t in onto.terms() if t.name == "ependymoma")
    assert "IntramedullaryTumor" in {p.id.rsplit("/", 1)[-1] for p in ep.superclasses(distance=1)}


def test_obo_round_trips_in_pronto(files: dict[str, Path], kg: spineKG.KnowledgeGraph) -> None:
    import pronto

    onto = pronto.Ontology(str(files["obo"]))
    assert len(onto.terms()) == len(kg.index.entities)
    for iri, e in kg.index.entities.items():
        t = onto["SKG:" + iri.rsplit("/", 1)[-1]]
        assert t.name == e.label and str(t.definition or "") == e.definition
        assert {s.description for s in t.synonyms} == set(e.synonyms)
        assert {x.id for x in t.xrefs} == set(e.xrefs)
        assert {p.id for p in t.superclasses(distance=1, with_self=False)} == {
            "SKG:" + p.rsplit("/", 1)[-1] for p in kg.index.parents[iri]}
    im = onto["SKG:IntramedullaryTumor"]
    assert "SKG:GlialCell" in {t.id for t in im.relationships[onto.get_relationship("mayAriseFrom")]}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_round_trip_in_networkx(files: dict[str, Path], kg: spineKG.KnowledgeGraph, fmt: str) -> None:
    g = kg.to_networkx()
    back = nx.read_graphml(files[fmt]) if fmt == "graphml" else nx.read_gexf(files[fmt])
    assert set(back.nodes) == set(g.nodes) and back.number_of_edges() == g.number_of_edges()
    ep = "https://w3id.org/spinekg/Ependymoma"
    label = back.nodes[ep].get("label")
    assert label == "ependymoma" and back.nodes[ep]["kind"] == "tumor"
    im = "https://w3id.org/spinekg/IntramedullaryTumor"
    relations = {d["relation"] for _, v, d in back.out_edges(im, data=True) if v == "https://w3id.org/spinekg/GlialCell"}
    assert relations == {"arises from"}


def test_csv_is_the_relation_graph(files: dict[str, Path], kg: spineKG.KnowledgeGraph) -> None:
    with files["csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    g = nx.from_edgelist(((r["subject"], r["object"]) for r in rows), create_using=nx.MultiDiGraph)
    assert g.number_of_edges() == kg.to_networkx().number_of_edges()
    row = next(r for r in rows if r["subject"] == "skg:IntramedullaryTumor" and r["object"] == "skg:GlialCell")
    assert row["relation"] == "arises from" and row["object_label"] == "glial cells" and row["source"]
    assert all(r["source"] for r in rows if r["derivation"] == "asserted")


def test_sssom_reads_in_sssom_py(files: dict[str, Path], kg: spineKG.KnowledgeGraph) -> None:
    from sssom.parsers import parse_sssom_table

    msdf = parse_sssom_table(files["sssom"])
    df = msdf.df
    xrefs = sum(len(e.xrefs) for e in kg.index.entities.values())
    assert len(df) == xrefs
    row = df[(df.subject_id == "skg:Ependymoma") & (df.object_id == "MONDO:0003473")].iloc[0]
    assert row.predicate_id == "skos:exactMatch" and "Mondo" in row.comment
    assert set(df.predicate_id) <= {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch",
                                    "skos:relatedMatch"}
    assert msdf.converter.expand("MONDO:0016698") == "http://purl.obolibrary.org/obo/MONDO_0016698"


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    run = subprocess.run([sys.executable, "-m", "spineKG.cli", "export", "--format", "gexf", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert nx.read_gexf(out).number_of_nodes() > 200
    to_stdout = subprocess.run([sys.executable, "-m", "spineKG.cli", "export", "--format", "obo"], capture_output=True, text=True)
    assert to_stdout.stdout.startswith("format-version: 1.4")
    bad = subprocess.run([sys.executable, "-m", "spineKG.cli", "export", "--format", "gefx"], capture_output=True, text=True)
    assert bad.returncode == 2 and "did you mean: gexf?" in bad.stderr and "Traceback" not in bad.stderr


def test_python_export_rejects_unknown_formats(kg: spineKG.KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(spineKG.SpineKGError, match="did you mean: graphml"):
        kg.export("grafml", tmp_path / "x")    # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())         # nothing half-written
