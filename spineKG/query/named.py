"""SPARQL for users: text or a named query from ``spineKG/queries/*.rq``, with bindings, as rows.

Every query passes :func:`spineKG.store.guard.guard` first (updates and ``SERVICE`` refused, size and
nesting bounded, malformed ones reported with their line and column); bindings are RDF terms.

>>> from spineKG import load
>>> rows = load().sparql("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
>>> str(rows[0][0])
'ependymoma'
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SparqlError
from ..store import Store, check_syntax

if TYPE_CHECKING:
    from rdflib.term import Node

QUERY_DIR = Path(__file__).resolve().parent / "queries"
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


def named_queries() -> dict[str, Path]:
    """The bundled named queries, by name.

    >>> queries = named_queries()
    >>> "tumors_in_compartment" in queries, queries["red_flags"].name
    (True, 'red_flags.rq')
    """
    return {p.stem: p for p in sorted(QUERY_DIR.glob("*.rq"))}


@dataclass(frozen=True)
class Rows:
    """The rows of a SELECT query: a sequence of tuples of rdflib terms, with the variable names.

    >>> from spineKG import load
    >>> rows = load().sparql("tumors_in_compartment", compartment="skg:Intramedullary")
    >>> rows
    <Rows 5 x (tumor, typicality, derivation)>
    >>> rows.vars, len(rows), str(rows[0][0])
    (('tumor', 'typicality', 'derivation'), 5, 'astrocytoma')
    >>> rows.to_dicts()[0]
    {'tumor': 'astrocytoma', 'typicality': 'always', 'derivation': 'inherited'}
    """

    vars: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    query: str = ""

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> tuple[Node | None, ...]:
        return self.rows[i]

    def to_dicts(self) -> list[dict[str, Any]]:
        from rdflib import Literal

        return [{v: (c.toPython() if isinstance(c, Literal) else (str(c) if c is not None else None))
                 for v, c in zip(self.vars, row)} for row in self.rows]

    def to_df(self) -> Any:
        """The rows as a pandas DataFrame, literals as Python values (needs ``pip install 'spineKG[pandas]'``)."""
        from ..display import frame

        return frame(self.to_dicts(), self.vars)

    def __repr__(self) -> str:
        return f"<Rows {len(self.rows)} x ({', '.join(self.vars)})>"

    def __str__(self) -> str:
        """A plain-text table: IRIs as CURIEs, long cells cut, and the row count."""
        from ..display import text_table

        return text_table(self.vars, self.rows)

    def _repr_html_(self) -> str:
        from ..display import rows_html

        return rows_html(self.vars, self.rows)


_CURIE = re.compile(r"^([A-Za-z][\w.-]*)?:([A-Za-z0-9_]+)$")


def binding_terms(query: str, bindings: Mapping[str, Any]) -> dict[str, Node]:
    """The RDF term each binding stands for, checked against the query's variables.

    A value is an IRI if it is an rdflib ``URIRef``, an :class:`~spineKG.model.Entity`, ``<...>``, a
    ``http(s)://`` or ``urn:`` address, or a CURIE of a prefix the project or the query declares
    (``skg:Myelopathy``); anything else is a literal (``"x> } ; DROP ALL ; #"`` is just that string). The
    terms are joined to the query as terms (a ``VALUES`` clause Oxigraph writes), never pasted into it.

    >>> binding_terms("SELECT ?l WHERE { ?x rdfs:label ?l }", {"x": "skg:Ependymoma"})
    {'x': rdflib.term.URIRef('https://w3id.org/spinekg/Ependymoma')}
    >>> binding_terms("SELECT ?l WHERE { ?x rdfs:label ?l }", {"y": "skg:Ependymoma"})
    Traceback (most recent call last):
    ...
    spineKG.errors.SparqlError: SPARQL error: the query has no variable ?y to bind; its variables are ?l, ?x
    """
    from rdflib import Literal, URIRef

    from ..store import declared_prefixes, query_variables
    from ..vocab import PREFIXES

    known = query_variables(query)
    prefixes: dict[str, str] | None = None
    terms: dict[str, Node] = {}
    for name, value in bindings.items():
        var = name[1:] if name[:1] in "?$" else name
        if var not in known:
            listed = ", ".join(f"?{v}" for v in sorted(known)) or "none"
            raise SparqlError(f"the query has no variable ?{var} to bind; its variables are {listed}", query=query)
        iri: str | None = None
        if isinstance(value, (URIRef, Literal)):
            terms[var] = value
            continue
        if hasattr(value, "iri") and isinstance(value.iri, str):
            iri = value.iri
        elif isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
        elif isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
            iri = value
        elif isinstance(value, str) and (m := _CURIE.match(value)):
            if prefixes is None:
                prefixes = {**PREFIXES, **declared_prefixes(query)}
            if (m.group(1) or "") not in prefixes:
                raise SparqlError(f"?{var} is bound to {value!r}, whose prefix {m.group(1) or ''}: is not declared; "
                                  f"give the whole IRI in angle brackets", query=query)
            iri = prefixes[m.group(1) or ""] + m.group(2)
        if iri is None:
            terms[var] = Literal(value)
            continue
        import pyoxigraph

        try:
            pyoxigraph.NamedNode(iri)
        except ValueError as exc:
            raise SparqlError(f"?{var} is bound to {str(value)!r}, which is not a valid IRI ({exc})", query=query) from None
        terms[var] = URIRef(iri)
    return terms


def run_sparql(store: Store, query: str, bindings: Mapping[str, Any] | None = None) -> Rows:
    """Run a SPARQL query, or a named query by its name, on a store with bindings for its variables.

    >>> from spineKG import load
    >>> store = load().store
    >>> rows = run_sparql(store, "tumors_in_compartment", {"compartment": "skg:Intramedullary"})
    >>> [str(row[0]) for row in rows][:2]
    ['astrocytoma', 'ependymoma']
    >>> run_sparql(store, "ASK { skg:Ependymoma rdfs:subClassOf+ skg:SpinalTumor }").to_dicts()
    [{'ask': True}]
    """
    text = query
    if _NAME.match(query.strip()):
        queries = named_queries()
        if query.strip() not in queries:
            import difflib

            close = difflib.get_close_matches(query.strip(), list(queries), n=3)
            raise SparqlError(f"no named query {query.strip()!r}" + (f"; did you mean: {', '.join(close)}?" if close else
                                                                     f"; available: {', '.join(queries)}"))
        text = queries[query.strip()].read_text(encoding="utf-8")
    check_syntax(text)   # bounded, refused (updates, SERVICE) or reported with its position, before any store sees it
    terms = binding_terms(text, bindings) if bindings else None
    result = store.query(text, terms) if terms else store.query(text)
    if getattr(result, "type", "SELECT") != "SELECT":
        if result.type == "ASK":
            from rdflib import Literal

            return Rows(("ask",), ((Literal(bool(result.askAnswer)),),), text)
        return Rows(("s", "p", "o"), tuple(tuple(t) for t in result), text)
    names = tuple(str(v) for v in (result.vars or ()))
    rows = tuple(tuple(row) for row in result)
    if _SELECT_ALL.search(text):   # SELECT *: the variables in the order the query first names them
        order = sorted(range(len(names)), key=lambda i: _first_use(text, names[i]))
        names, rows = tuple(names[i] for i in order), tuple(tuple(row[i] for i in order) for row in rows)
    return Rows(names, rows, text)


_SELECT_ALL = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", re.IGNORECASE)


def _first_use(text: str, var: str) -> int:
    m = re.search(rf"[?$]{re.escape(var)}\b", text)
    return m.start() if m else len(text)
