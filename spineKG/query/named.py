"""SPARQL for users: text or a named query from ``spineKG/queries/*.rq``, with bindings, as rows.

>>> from spineKG import load
>>> rows = load().sparql("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
>>> str(rows[0][0])
'ependymoma'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from ..errors import SparqlError
from ..store import Store, check_syntax

if TYPE_CHECKING:
    from rdflib.term import Node

QUERY_DIR = Path(__file__).resolve().parent / "queries"
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")


def named_queries() -> dict[str, Path]:
    """The bundled named queries, by name."""
    return {p.stem: p for p in sorted(QUERY_DIR.glob("*.rq"))}


@dataclass(frozen=True)
class Rows:
    """The rows of a SELECT query: a sequence of tuples of rdflib terms, with the variable names."""

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


def _term(value: Any) -> str:
    from rdflib import Literal, URIRef

    if isinstance(value, (URIRef, Literal)):
        return value.n3()
    if hasattr(value, "iri"):
        return f"<{value.iri}>"
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return f"<{value}>"
    if isinstance(value, str) and re.match(r"^[a-z]+:[A-Za-z0-9_]+$", value):
        return value
    return Literal(value).n3()


def bind(query: str, bindings: Mapping[str, Any]) -> str:
    """Insert ``VALUES`` clauses for the bindings at the start of the query's WHERE block."""
    if not bindings:
        return query
    m = re.search(r"WHERE\s*\{", query, re.IGNORECASE)
    if not m:
        raise SparqlError("bindings need a query with a WHERE clause", query=query)
    values = " ".join(f"VALUES ?{k} {{ {_term(v)} }}" for k, v in bindings.items())
    return query[:m.end()] + " " + values + query[m.end():]


def run_sparql(store: Store, query: str, bindings: Mapping[str, Any] | None = None) -> Rows:
    text = query
    if _NAME.match(query.strip()):
        queries = named_queries()
        if query.strip() not in queries:
            import difflib

            close = difflib.get_close_matches(query.strip(), list(queries), n=3)
            raise SparqlError(f"no named query {query.strip()!r}" + (f"; did you mean: {', '.join(close)}?" if close else
                                                                     f"; available: {', '.join(queries)}"))
        text = queries[query.strip()].read_text(encoding="utf-8")
    text = bind(text, bindings or {})
    check_syntax(text)
    result = store.query(text)
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
