"""The knowledge graph in the formats other tools read: OWL, Turtle, JSON-LD, OBO, GraphML, GEXF, CSV, SSSOM.

* ``owl`` (RDF/XML with the ``owl:Ontology`` header first and typed elements, as pronto, ROBOT and
  Protégé expect), ``ttl`` and ``jsonld`` (rdflib): every triple of the store (the ontology, its
  relation graph, and any data loaded with it).
* ``obo``: the entities as OBO 1.4 terms (name, definition with its source, synonyms, cross-references,
  ``is_a`` and the stated relations as ``relationship`` lines with their ``[Typedef]``).
* ``graphml`` and ``gexf`` (Gephi): the stated relation graph of :func:`spineKG.views.graph.to_networkx`,
  written by networkx, with labels, kinds, definitions, relations, typicality and sources as attributes.
* ``csv``: the same relations as a table, one statement a row, with labels, typicality, derivation, source.
* ``sssom``: the release's SSSOM mapping set: the cross-references to MONDO, DOID, NCIt, UMLS, HPO, ...
  with their SKOS predicates, justifications and comments.

Files are written atomically (a temporary file in the same folder, fsynced, then renamed).

>>> from spineKG import load
>>> obo = export_text(load(), "obo")
>>> "id: SKG:Ependymoma" in obo and "name: ependymoma" in obo
True
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from .errors import ExportFormatError, suggest
from .vocab import PREFIXES, RDFS_SUBCLASS, SKG

if TYPE_CHECKING:
    from .kg import KnowledgeGraph

__all__ = ["EXTENSIONS", "FORMATS", "Format", "export", "export_text"]

Format = Literal["owl", "ttl", "jsonld", "obo", "graphml", "gexf", "csv", "sssom"]
FORMATS: tuple[str, ...] = get_args(Format)
EXTENSIONS = {"owl": ".owl", "ttl": ".ttl", "jsonld": ".jsonld", "obo": ".obo", "graphml": ".graphml",
              "gexf": ".gexf", "csv": ".csv", "sssom": ".sssom.tsv"}
_RDFLIB = {"ttl": "turtle", "jsonld": "json-ld"}

def export_text(kg: KnowledgeGraph, format: str) -> str:
    """The graph in one of :data:`FORMATS`, as text.

    >>> from spineKG import load
    >>> rows = export_text(load(), "csv").splitlines()
    >>> rows[0]
    'subject,subject_label,relation,property,object,object_label,typicality,derivation,source'
    >>> rows[1].split(",")[:5]
    ['skg:Abdomen', 'abdomen', 'is a kind of', 'http://www.w3.org/2000/01/rdf-schema#subClassOf', 'skg:BodyArea']
    """
    if format not in FORMATS:
        close = suggest(format, FORMATS, cutoff=60)
        raise ExportFormatError(f"unknown export format {format!r}"
                                + (f"; did you mean: {', '.join(close)}?" if close else "") + f" (formats: {', '.join(FORMATS)})")
    if format in _RDFLIB:
        return _rdf(kg, _RDFLIB[format])
    return {"owl": _owl, "obo": _obo, "graphml": _graphml, "gexf": _gexf, "csv": _csv, "sssom": _sssom}[format](kg)


def export(kg: KnowledgeGraph, format: str, path: str | Path | None = None) -> Path:
    """Write the graph in one of :data:`FORMATS` to ``path`` (default ``spinekg`` and the format's extension),
    atomically; return the path written.

    >>> import tempfile, pathlib
    >>> from spineKG import load
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = export(load(), "obo", pathlib.Path(d) / "spinekg.obo")
    ...     print(path.name, path.read_text().splitlines()[0])
    spinekg.obo format-version: 1.4
    """
    text = export_text(kg, format)
    target = Path(path) if path is not None else Path("spinekg" + EXTENSIONS[format])
    from .files import atomic_write

    return atomic_write(target, text, newline="")


def _rdf(kg: KnowledgeGraph, rdflib_format: str) -> str:
    data = kg.graph.serialize(format=rdflib_format)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def _owl(kg: KnowledgeGraph) -> str:
    """RDF/XML as OWL tools expect it, by the release's own deterministic writer: the ``owl:Ontology``
    header first, then one typed element per subject, in a fixed order."""
    from rdflib import Graph

    from .builder.rdfxml import to_rdfxml

    g = Graph()
    for triple in kg.graph:
        g.add(triple)
    prefixes = {p: str(ns) for p, ns in kg.graph.namespaces() if p} | PREFIXES
    return to_rdfxml(g, prefixes)


def _local(iri: str) -> str:
    return iri[len(str(SKG)):] if iri.startswith(str(SKG)) else iri


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("!", "\\!").replace("{", "\\{")


def _obo(kg: KnowledgeGraph) -> str:
    index, engine = kg.index, kg.engine
    entities = index.entities
    term = {iri: f"SKG:{_local(iri)}" for iri in entities}
    stated: dict[str, list[tuple[str, str]]] = {}
    used: dict[str, str] = {}
    for e in engine.edges():
        if e["p"] == RDFS_SUBCLASS:
            continue
        rel = _local(e["p"])
        used[rel] = engine.relation_label(e["p"]).removeprefix("may: ")
        stated.setdefault(e["s"], []).append((rel, e["o"]))
    out = ["format-version: 1.4", "ontology: skg", f"idspace: SKG {SKG} \"spineKG\"",
           f"idspace: src {PREFIXES['src']} \"spineKG sources\"", ""]
    for iri in sorted(entities, key=lambda i: term[i]):
        ent = entities[iri]
        lines = ["[Term]", f"id: {term[iri]}", f"name: {_unquoted(ent.label)}"]
        if ent.definition:
            source = f"src:{ent.source[len(PREFIXES['src']):]}" if ent.source.startswith(PREFIXES["src"]) else ""
            lines.append(f"def: {_quoted(ent.definition)} [{source}]")
        lines += [f"synonym: {_quoted(s)} EXACT []" for s in ent.synonyms]
        lines += [f"xref: {x}" for x in ent.xrefs]
        lines += [f"is_a: {term[p]} ! {_unquoted(entities[p].label)}" for p in sorted(index.parents.get(iri, ())) if p in term]
        lines += [f"relationship: {rel} {term[o]} ! {_unquoted(entities[o].label)}"
                  for rel, o in sorted(set(stated.get(iri, ())))]
        out += lines + [""]
    for rel in sorted(used):
        out += ["[Typedef]", f"id: {rel}", f"name: {_unquoted(used[rel])}", f"xref: skg:{rel}", ""]
    return "\n".join(out)


def _graphml(kg: KnowledgeGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(kg.to_networkx())) + "\n"


def _gexf(kg: KnowledgeGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_gexf(kg.to_networkx())) + "\n"


CSV_COLUMNS = ("subject", "subject_label", "relation", "property", "object", "object_label", "typicality",
               "derivation", "source")


def _csv(kg: KnowledgeGraph) -> str:
    g = kg.to_networkx()
    rows = sorted((g.nodes[u]["curie"], g.nodes[u]["label"], d["relation"], d["property"], g.nodes[v]["curie"],
                   g.nodes[v]["label"], d["typicality"], d["derivation"], d["source"]) for u, v, d in g.edges(data=True))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(rows)
    return buf.getvalue()


def _sssom(kg: KnowledgeGraph) -> str:
    """The release's SSSOM mapping set (built from ``ontology/src`` with the release, validated by sssom-py)."""
    from .store import release_paths

    return (release_paths()[0].parent / "spinekg.sssom.tsv").read_text(encoding="utf-8")
