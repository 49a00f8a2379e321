"""A deterministic RDF/XML writer for the release ``spinekg.owl``.

rdflib's writers order subjects by hash, so every build reordered the file. This one writes the
``owl:Ontology`` header first (pronto, ROBOT and Protégé look for it there), then the named resources and
then the blank nodes, each sorted, each as a typed node element with its properties sorted; blank nodes
keep their content-derived ids. The same graph always gives the same bytes.

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import OWL, RDF
>>> g = Graph().add((URIRef("https://w3id.org/spinekg/spinekg.owl"), RDF.type, OWL.Ontology))
>>> print(to_rdfxml(g, {"owl": str(OWL)}).splitlines()[4].strip())
<owl:Ontology rdf:about="https://w3id.org/spinekg/spinekg.owl"/>
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

__all__ = ["to_rdfxml", "write_rdfxml"]

RDF_NS = str(RDF)


def _qname(iri: str, prefixes: dict[str, str]) -> str | None:
    """The prefixed element name of an IRI, if a prefix covers it with a valid XML local name."""
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and (local[0].isalpha() or local[0] == "_") and all(c.isalnum() or c in "_-." for c in local):
                return f"{prefix}:{local}"
    return None


def _node_attr(node: URIRef | BNode) -> str:
    return f"rdf:nodeID={quoteattr(str(node))}" if isinstance(node, BNode) else f"rdf:about={quoteattr(str(node))}"


def _property(pred: str, obj: object, prefixes: dict[str, str]) -> str:
    if isinstance(obj, BNode):
        return f"    <{pred} rdf:nodeID={quoteattr(str(obj))}/>"
    if isinstance(obj, URIRef):
        return f"    <{pred} rdf:resource={quoteattr(str(obj))}/>"
    assert isinstance(obj, Literal)
    attrs = ""
    if obj.language:
        attrs = f" xml:lang={quoteattr(obj.language)}"
    elif obj.datatype and obj.datatype != XSD.string:
        attrs = f" rdf:datatype={quoteattr(str(obj.datatype))}"
    return f"    <{pred}{attrs}>{escape(str(obj))}</{pred}>"


def _order(node: object) -> tuple[int, str, str, str]:
    """Sort key of an object: IRIs, then literals (by value, language, datatype), then blank nodes."""
    if isinstance(node, URIRef):
        return (0, str(node), "", "")
    if isinstance(node, Literal):
        return (1, str(node), node.language or "", str(node.datatype or ""))
    return (2, str(node), "", "")


def to_rdfxml(g: Graph, prefixes: dict[str, str]) -> str:
    """The graph as RDF/XML text, in a fixed order (see the module docstring).

    >>> from rdflib.namespace import RDFS
    >>> from spineKG.builder.namespaces import SKG
    >>> g = Graph()
    >>> g += [(SKG.Ependymoma, RDFS.subClassOf, SKG.IntramedullaryTumor), (SKG.Ependymoma, RDF.type, OWL.Class),
    ...       (SKG.Ependymoma, RDFS.label, Literal("ependymoma", lang="en"))]
    >>> print(to_rdfxml(g, {"owl": str(OWL), "rdfs": str(RDFS), "skg": str(SKG)}), end="")
    <?xml version="1.0" encoding="utf-8"?>
    <rdf:RDF
       xmlns:owl="http://www.w3.org/2002/07/owl#"
       xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
       xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
       xmlns:skg="https://w3id.org/spinekg/">
      <owl:Class rdf:about="https://w3id.org/spinekg/Ependymoma">
        <rdfs:label xml:lang="en">ependymoma</rdfs:label>
        <rdfs:subClassOf rdf:resource="https://w3id.org/spinekg/IntramedullaryTumor"/>
      </owl:Class>
    </rdf:RDF>
    """
    prefixes = {p: ns for p, ns in prefixes.items() if p != "rdf"} | {"rdf": RDF_NS}
    subjects = sorted({s for s in g.subjects() if isinstance(s, (URIRef, BNode))},
                      key=lambda s: (0 if (s, RDF.type, OWL.Ontology) in g else 1 if isinstance(s, URIRef) else 2, str(s)))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"   xmlns:{p}={quoteattr(ns)}" for p, ns in sorted(prefixes.items())]
    lines[-1] += ">"
    for s in subjects:
        pairs = sorted(((str(p), o) for p, o in g.predicate_objects(s)), key=lambda po: (po[0], _order(po[1])))
        types = [o for p, o in pairs if p == str(RDF.type) and isinstance(o, URIRef) and _qname(str(o), prefixes)]
        element = _qname(str(types[0]), prefixes) if types else "rdf:Description"
        if types:
            pairs.remove((str(RDF.type), types[0]))
        body = []
        for p, o in pairs:
            name = _qname(p, prefixes)
            if name is None:
                raise ValueError(f"no prefix for the property {p}")
            body.append(_property(name, o, prefixes))
        if body:
            lines += [f"  <{element} {_node_attr(s)}>", *body, f"  </{element}>"]
        else:
            lines.append(f"  <{element} {_node_attr(s)}/>")
    lines.append("</rdf:RDF>")
    return "\n".join(lines) + "\n"


def write_rdfxml(g: Graph, prefixes: dict[str, str], path: Path) -> None:
    """Write the RDF/XML atomically (:func:`spineKG.files.atomic_write`).

    >>> import tempfile
    >>> from spineKG.builder.namespaces import PREFIXES, SKG
    >>> g = Graph().add((SKG.Ependymoma, RDF.type, OWL.Class))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_rdfxml(g, PREFIXES, Path(d) / "spinekg.owl")
    ...     len(Graph().parse(Path(d) / "spinekg.owl", format="xml"))
    1
    """
    from ..files import atomic_write

    atomic_write(path, to_rdfxml(g, prefixes))
