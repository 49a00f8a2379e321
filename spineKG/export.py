"""The knowledge graph in the formats other tools read: OWL, Turtle, JSON-LD, OBO, GraphML, GEXF, CSV, SSSOM.

* ``owl`` (RDF/XML with the ``owl:Ontology`` header first and typed elements, as pronto, ROBOT and
  Protégé expect), ``ttl`` and ``jsonld`` (rdflib): every triple of the store (the ontology, its
  relation graph, and any data loaded with it).
* ``obo``: the entities as OBO 1.4 terms (name, definition with its source, synonyms, cross-references,
  ``is_a`` and the stated relations as ``relationship`` lines with their ``[Typedef]``).
* ``graphml`` and ``gexf`` (Gephi): the stated relation graph of :func:`spineKG.views.graph.to_networkx`,
  written by networkx, with labels, kinds, definitions, relations, typicality and sources as attributes.
* ``csv``: the same relations as a table, one statement a row, with labels, typicality, derivation, source.
* ``sssom``: the cross-references to MONDO, DOID, NCIt, UMLS, HPO, ... as an SSSOM mapping table (TSV
  with its YAML header), each with the mapping predicate, source and note the graph holds for it.

Files are written atomically (a temporary file in the same folder, fsynced, then renamed).

>>> from spineKG import load
>>> obo = export_text(load(), "obo")
>>> "id: SKG:Ependymoma" in obo and "name: ependymoma" in obo
True
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from .errors import SpineKGError, suggest
from .vocab import OIO, ONTOLOGY_IRI, PREFIXES, RDFS_SUBCLASS, SKG

if TYPE_CHECKING:
    from .kg import KnowledgeGraph

__all__ = ["EXTENSIONS", "FORMATS", "Format", "XREF_PREFIXES", "export", "export_text"]

Format = Literal["owl", "ttl", "jsonld", "obo", "graphml", "gexf", "csv", "sssom"]
FORMATS: tuple[str, ...] = get_args(Format)
EXTENSIONS = {"owl": ".owl", "ttl": ".ttl", "jsonld": ".jsonld", "obo": ".obo", "graphml": ".graphml",
              "gexf": ".gexf", "csv": ".csv", "sssom": ".sssom.tsv"}
_RDFLIB = {"ttl": "turtle", "jsonld": "json-ld"}

# IRI prefixes of the cross-reference schemes, as the Bioregistry expands them (used in the SSSOM header)
XREF_PREFIXES = {
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_", "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "HP": "http://purl.obolibrary.org/obo/HP_", "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_", "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_", "UMLS": "https://uts.nlm.nih.gov/uts/umls/concept/",
    "ICD10CM": "https://www.icd10data.com/search?s=", "ONCOTREE": "http://oncotree.mskcc.org/api/tumorTypes/search/code/",
    "ICDO3": "http://codes.iarc.fr/search.php?q=",
}


class ExportFormatError(SpineKGError, ValueError):
    """A format spineKG does not export; the message lists those it does."""


def export_text(kg: "KnowledgeGraph", format: str) -> str:
    """The graph in one of :data:`FORMATS`, as text."""
    if format not in FORMATS:
        close = suggest(format, FORMATS, cutoff=60)
        raise ExportFormatError(f"unknown export format {format!r}"
                                + (f"; did you mean: {', '.join(close)}?" if close else "") + f" (formats: {', '.join(FORMATS)})")
    if format in _RDFLIB:
        return _rdf(kg, _RDFLIB[format])
    return {"owl": _owl, "obo": _obo, "graphml": _graphml, "gexf": _gexf, "csv": _csv, "sssom": _sssom}[format](kg)


def export(kg: "KnowledgeGraph", format: str, path: str | Path | None = None) -> Path:
    """Write the graph in one of :data:`FORMATS` to ``path`` (default ``spinekg`` and the format's extension),
    atomically; return the path written."""
    text = export_text(kg, format)
    target = Path(path) if path is not None else Path("spinekg" + EXTENSIONS[format])
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _rdf(kg: "KnowledgeGraph", rdflib_format: str) -> str:
    data = kg.graph.serialize(format=rdflib_format)
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def _owl(kg: "KnowledgeGraph") -> str:
    """RDF/XML as OWL tools expect it: the ``owl:Ontology`` header first, then one typed element per named
    subject in IRI order, blank nodes used once nested where they are used, shared ones by ``rdf:nodeID``.

    (Written here because the writers at hand are not faithful: rdflib's "xml" is a flat list of
    ``rdf:Description`` elements that pronto cannot read, its "pretty-xml" drops statements on list
    nodes, and owlready2's copies every shared blank node and rewrites decimals.)
    """
    from xml.sax.saxutils import escape, quoteattr

    from rdflib import RDF, BNode, Literal, URIRef
    from rdflib.namespace import split_uri

    graph = kg.graph
    by_subject: dict[Any, list[tuple[Any, Any]]] = {}
    uses: dict[BNode, int] = {}
    for s, p, o in graph:
        by_subject.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            uses[o] = uses.get(o, 0) + 1
    namespaces = {iri: prefix for prefix, iri in PREFIXES.items()}

    def qname(iri: str) -> str:
        ns, local = split_uri(URIRef(iri))
        if ns not in namespaces:
            namespaces[ns] = f"ns{len(namespaces)}"
        return f"{namespaces[ns]}:{local}"

    signature: dict[BNode, str] = {}

    def key(node: Any) -> str:       # a deterministic order for objects; blank nodes by what they hold
        if not isinstance(node, BNode):
            return str(node.n3())
        if node not in signature:
            signature[node] = "~" + "|".join(sorted(f"{p} {key(o)}" for p, o in by_subject.get(node, ())))
        return signature[node]

    inline = {b for b, n in uses.items() if n == 1 and b in by_subject}
    ids: dict[BNode, str] = {}
    out: list[str] = []

    def element(subject: Any, depth: int) -> None:
        pad = "  " * depth
        props = sorted(by_subject.get(subject, ()), key=lambda po: (str(po[0]), key(po[1])))
        types = sorted(str(o) for p, o in props if p == RDF.type and isinstance(o, URIRef))
        tag = qname(types[0]) if types else "rdf:Description"
        if types:
            props = [(p, o) for p, o in props if not (p == RDF.type and str(o) == types[0])]
        if isinstance(subject, BNode):
            about = "" if subject in inline else f" rdf:nodeID={quoteattr(ids.setdefault(subject, f'b{len(ids)}'))}"
        else:
            about = f" rdf:about={quoteattr(str(subject))}"
        if not props:
            out.append(f"{pad}<{tag}{about}/>")
            return
        out.append(f"{pad}<{tag}{about}>")
        for p, o in props:
            name = qname(str(p))
            if isinstance(o, Literal):
                attr = (f" xml:lang={quoteattr(o.language)}" if o.language else
                        f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype else "")
                out.append(f"{pad}  <{name}{attr}>{escape(str(o))}</{name}>")
            elif isinstance(o, BNode) and o in inline:
                out.append(f"{pad}  <{name}>")
                element(o, depth + 2)
                out.append(f"{pad}  </{name}>")
            elif isinstance(o, BNode):
                out.append(f"{pad}  <{name} rdf:nodeID={quoteattr(ids.setdefault(o, f'b{len(ids)}'))}/>")
            else:
                out.append(f"{pad}  <{name} rdf:resource={quoteattr(str(o))}/>")
        out.append(f"{pad}</{tag}>")

    owl_ontology = URIRef(PREFIXES["owl"] + "Ontology")
    named = sorted((s for s in by_subject if not isinstance(s, BNode)),
                   key=lambda s: ((RDF.type, owl_ontology) not in by_subject[s], str(s)))
    for s in named:
        element(s, 1)
    for b in sorted((b for b in by_subject if isinstance(b, BNode) and b not in inline), key=key):
        element(b, 1)
    head = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    head += [f"  xmlns:{prefix}={quoteattr(iri)}" for iri, prefix in sorted(namespaces.items(), key=lambda x: x[1])]
    head[-1] += ">"
    return "\n".join(head + out + ["</rdf:RDF>", ""])


def _local(iri: str) -> str:
    return iri[len(str(SKG)):] if iri.startswith(str(SKG)) else iri


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("!", "\\!").replace("{", "\\{")


def _obo(kg: "KnowledgeGraph") -> str:
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


def _graphml(kg: "KnowledgeGraph") -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(kg.to_networkx())) + "\n"


def _gexf(kg: "KnowledgeGraph") -> str:
    import networkx as nx

    return "\n".join(nx.generate_gexf(kg.to_networkx())) + "\n"


CSV_COLUMNS = ("subject", "subject_label", "relation", "property", "object", "object_label", "typicality",
               "derivation", "source")


def _csv(kg: "KnowledgeGraph") -> str:
    g = kg.to_networkx()
    rows = sorted((g.nodes[u]["curie"], g.nodes[u]["label"], d["relation"], d["property"], g.nodes[v]["curie"],
                   g.nodes[v]["label"], d["typicality"], d["derivation"], d["source"]) for u, v, d in g.edges(data=True))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(rows)
    return buf.getvalue()


SSSOM_COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification",
                 "mapping_provider", "comment")   # mapping_provider: the source's page (or IRI); comment: its title and note


def _sssom(kg: "KnowledgeGraph") -> str:
    rows = kg.store.select(f"""
        SELECT ?s ?x ?pred ?src ?note WHERE {{
          ?ax owl:annotatedSource ?s ; owl:annotatedProperty <{OIO.hasDbXref}> ; owl:annotatedTarget ?x .
          OPTIONAL {{ ?ax skg:mappingPredicate ?pred }} OPTIONAL {{ ?ax dcterms:source ?src }} OPTIONAL {{ ?ax skg:note ?note }} }}""")
    entities, sources = kg.index.entities, kg.index.sources
    licence = next((str(r[0]) for r in kg.store.select(f"SELECT ?l WHERE {{ <{ONTOLOGY_IRI}> dcterms:license ?l }}")),
                   "https://creativecommons.org/licenses/by/4.0/")
    table = []
    for s, x, pred, src, note in rows:
        if str(s) not in entities:
            continue
        source = sources.get(str(src)) if src else None
        table.append((f"skg:{_local(str(s))}", entities[str(s)].label, str(pred) if pred else "oboInOwl:hasDbXref", str(x),
                      "semapv:ManualMappingCuration", (source.url or source.iri) if source else "",
                      "; ".join(t for t in (source.title if source else "", str(note) if note else "") if t)))
    table.sort()
    used = sorted({row[3].split(":", 1)[0] for row in table})
    missing = [p for p in used if p not in XREF_PREFIXES]
    if missing:
        raise SpineKGError(f"no IRI prefix known for the cross-reference scheme(s) {', '.join(missing)} (add them to XREF_PREFIXES)")
    curie_map = {"skg": str(SKG), "skos": PREFIXES["skos"], "semapv": "https://w3id.org/semapv/vocab/",
                 "oboInOwl": str(OIO), **{p: XREF_PREFIXES[p] for p in used}}
    header = ["# curie_map:", *[f"#   {p}: {iri}" for p, iri in curie_map.items()],
              f"# mapping_set_id: {SKG}spinekg.sssom.tsv", "# mapping_set_title: spineKG cross-references",
              f"# license: {licence}", f"# subject_source: {ONTOLOGY_IRI}"]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(SSSOM_COLUMNS)
    w.writerows(table)
    return "\n".join(header) + "\n" + buf.getvalue()
