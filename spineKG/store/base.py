"""What every store is: the :class:`Store` protocol, the project's PREFIX prologue, and SPARQL syntax errors.

A store holds the release (the OWL ontology and its relation graph) and answers SPARQL: ``select``
gives rows of plain strings (what spineKG runs itself), ``query`` any query form as an rdflib Result
(what users run). Every store reports a malformed query alike, with the line and column in the user's
own text, because the query is parsed by Oxigraph first (in :func:`spineKG.store.guard.check_syntax`).

>>> with_prefixes("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }").splitlines()[0]
'PREFIX skg: <https://w3id.org/spinekg/>'
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..errors import SparqlError
from ..vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["RELEASE_FILES", "Row", "Store", "parse_error", "release_paths", "with_prefixes"]

RELEASE_DIR = Path(__file__).resolve().parents[1] / "data"
RELEASE_FILES = ("spinekg.ttl", "spinekg-relations.ttl")

Row = tuple[str | None, ...]


@runtime_checkable
class Store(Protocol):
    """What spineKG needs from a triple store.

    >>> from spineKG.store import EmbeddedStore
    >>> store = EmbeddedStore()
    >>> isinstance(store, Store), isinstance("not a store", Store)
    (True, False)
    >>> store.select("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
    [('ependymoma',)]
    """

    name: str

    @property
    def graph(self) -> Graph: ...

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query: IRIs and literals' lexical forms as strings, None where unbound."""
        ...

    def query(self, query: str, bindings: Mapping[str, Node] | None = None) -> Any:
        """Any query form, as an rdflib Result; ``bindings`` (variable name -> rdflib term) are joined to
        its WHERE block as terms (:func:`spineKG.store.guard.with_values`), never pasted into its text."""
        ...


_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def with_prefixes(query: str) -> str:
    """The query with a PREFIX line for each of the project's prefixes it does not declare itself.

    >>> full = with_prefixes("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
    >>> full.count("PREFIX "), full.splitlines()[-1]
    (11, 'SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }')
    >>> own = with_prefixes("PREFIX skg: <urn:x:> SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
    >>> own.count("PREFIX skg:"), own.count("PREFIX ")
    (1, 11)
    """
    if "prefix" not in query.lower():
        return _PROLOGUE + query
    own = {m.group(1) or "" for m in _DECLARED.finditer(query)}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in own) + query


def release_paths(directory: Path | None = None) -> list[Path]:
    """The release files the embedded store loads: installed package data, else the source checkout's ontology/.

    >>> [p.name for p in release_paths()], all(p.exists() for p in release_paths())
    (['spinekg.ttl', 'spinekg-relations.ttl'], True)
    >>> [p.as_posix() for p in release_paths(Path("/srv/release"))]
    ['/srv/release/spinekg.ttl', '/srv/release/spinekg-relations.ttl']
    """
    base = directory or _default_release_dir()
    return [base / name for name in RELEASE_FILES]


def _default_release_dir() -> Path:
    if (RELEASE_DIR / RELEASE_FILES[0]).exists():
        return RELEASE_DIR
    return Path(__file__).resolve().parents[2] / "ontology"


_OX_POSITION = re.compile(r"(?:at |error at )?(\d+):(\d+)")


def parse_error(exc: Exception, query: str) -> SparqlError:
    """Turn Oxigraph's syntax error into a SparqlError naming the line and column in the user's text.

    >>> import pyoxigraph
    >>> query = "SELECT ?x WHERE {\\n  ?x a owl:Class\\n"
    >>> try:
    ...     pyoxigraph.Store().query(with_prefixes(query))
    ... except SyntaxError as exc:
    ...     print(exc)                      # counted with the 11 PREFIX lines added
    ...     print(parse_error(exc, query))  # counted in the user's own text
    ... # doctest: +ELLIPSIS
    error at 14:1: expected one of ...
    SPARQL error at line 3, column 1: expected one of ...
    """
    msg = str(exc)
    line = col = None
    m = _OX_POSITION.search(msg)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        line = max(1, line - (with_prefixes(query).count("\n") - query.count("\n")))   # less the PREFIX lines added
    first = _OX_POSITION.sub("", msg.splitlines()[0], count=1).lstrip(": ") if msg else ""
    return SparqlError(first or type(exc).__name__, line, col, query)
