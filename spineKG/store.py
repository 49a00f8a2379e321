"""The one store interface, and the embedded backends.

A store holds the release (the OWL ontology and its relation graph) and answers SPARQL SELECT
queries with rows of rdflib terms. The embedded store is an rdflib Graph on Oxigraph (oxrdflib);
:class:`RemoteStore` is any SPARQL 1.1 endpoint, through rdflib's SPARQLStore.
(rdflib's own memory store was tried and dropped: its SPARQL engine needed 97 s to build the entity
index that Oxigraph builds in 0.1 s.)

>>> store = EmbeddedStore()
>>> len(store.select("SELECT ?s WHERE { ?s a <http://www.w3.org/2002/07/owl#Ontology> }"))
1
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable

from rdflib import Graph

from .vocab import PREFIXES, sparql_prefixes

RELEASE_DIR = Path(__file__).resolve().parent / "data"
RELEASE_FILES = ("spinekg.ttl", "spinekg-relations.ttl")


class SparqlError(ValueError):
    """A query the SPARQL parser or engine rejected, with its message and position when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, query: str = "") -> None:
        self.message, self.line, self.column, self.query = message, line, column, query
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"SPARQL error{where}: {message}")


@runtime_checkable
class Store(Protocol):
    """What spineKG needs from a triple store."""

    name: str

    @property
    def graph(self) -> Graph: ...

    def select(self, query: str) -> list[tuple[Any, ...]]: ...

    def query(self, query: str) -> Any: ...


def with_prefixes(query: str) -> str:
    """The query with the project's PREFIX lines, unless it declares its own prologue."""
    return query if query.lstrip().upper().startswith(("PREFIX", "BASE")) else sparql_prefixes() + query


def release_paths(directory: Path | None = None) -> list[Path]:
    base = directory or _default_release_dir()
    return [base / name for name in RELEASE_FILES]


def _default_release_dir() -> Path:
    # installed package data first, then the ontology/ folder of a source checkout
    if (RELEASE_DIR / RELEASE_FILES[0]).exists():
        return RELEASE_DIR
    return Path(__file__).resolve().parents[1] / "ontology"


_OX_POSITION = re.compile(r"(?:at |error at )?(\d+):(\d+)")


def parse_error(exc: Exception, query: str) -> SparqlError:
    """Turn an engine's syntax error into a SparqlError naming the line and column."""
    msg = str(exc)
    line = col = None
    if hasattr(exc, "lineno") and getattr(exc, "lineno", None):          # pyparsing (rdflib)
        line, col = exc.lineno, getattr(exc, "col", None)  # type: ignore[attr-defined]
    else:
        m = _OX_POSITION.search(msg)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
    if line is not None:
        # the store prepends the PREFIX lines; report positions in the user's text
        line = max(1, line - len(PREFIXES)) if query and not query.lstrip().upper().startswith("PREFIX") else line
    return SparqlError(msg.splitlines()[0] if msg else type(exc).__name__, line, col, query)


class EmbeddedStore:
    """The release loaded into an rdflib Graph backed by Oxigraph (oxrdflib)."""

    def __init__(self, paths: Sequence[Path | str] | None = None) -> None:
        import oxrdflib  # noqa: F401  (registers the Oxigraph store and the ox-* parsers)

        self.name = "oxigraph"
        files = [Path(p) for p in (paths or release_paths())]
        self._graph = Graph(store="Oxigraph")
        fmt = "ox-turtle"
        for prefix, iri in PREFIXES.items():
            self._graph.bind(prefix, iri, override=True)
        for f in files:
            if not f.exists():
                raise FileNotFoundError(f"release file not found: {f} (run `python -m spineKG.build`)")
            self._graph.parse(f, format=fmt)

    @property
    def graph(self) -> Graph:
        return self._graph

    def query(self, query: str) -> Any:
        try:
            return self._graph.query(with_prefixes(query))
        except Exception as exc:  # the engines raise SyntaxError, pyparsing errors or ValueError
            if type(exc).__name__ in ("SyntaxError", "ParseException", "ParseBaseException", "ParseSyntaxException"):
                raise parse_error(exc, query) from None
            raise

    def select(self, query: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.query(query)]


class RemoteStore:
    """A SPARQL 1.1 endpoint holding the release (``spinekg upload`` puts it there), through rdflib's SPARQLStore.

    ``graph`` names the graph that holds the release; by default the endpoint's default graph is queried.
    """

    def __init__(self, query_url: str, update_url: str | None = None, graph: str | None = None, timeout: float = 60.0) -> None:
        from rdflib import URIRef
        from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

        self.name = f"remote:{query_url}"
        self.query_url, self.update_url, self.graph_iri = query_url, update_url, graph
        # form POST (Virtuoso 7 does not take application/sparql-query): the typed queries' VALUES lists make URLs too long for GET
        store = (SPARQLUpdateStore(query_url, update_url, returnFormat="json", method="POST_FORM", timeout=timeout) if update_url
                 else SPARQLStore(query_url, returnFormat="json", method="POST_FORM", timeout=timeout))
        self._graph = Graph(store=store, identifier=URIRef(graph) if graph else None)
        for prefix, iri in PREFIXES.items():
            self._graph.bind(prefix, iri, override=True)

    @property
    def graph(self) -> Graph:
        return self._graph

    def query(self, query: str) -> Any:
        try:
            return self._graph.query(with_prefixes(query))
        except Exception as exc:
            name = type(exc).__name__
            if name in ("QueryBadFormed", "SPARQLWrapperException", "EndPointInternalError", "HTTPError", "URLError",
                        "EndPointNotFound", "Unauthorized", "ValueError"):
                cause = exc.__cause__ or exc.__context__
                detail = cause.read().decode(errors="replace") if hasattr(cause, "read") else ""
                msg = (detail or str(exc)).strip().splitlines()
                raise SparqlError(f"the endpoint {self.query_url} refused the query: " + (msg[-1] if msg else name),
                                  query=query) from None
            raise

    def select(self, query: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.query(query)]
