"""A remote store: any SPARQL 1.1 endpoint that holds the release, through rdflib's SPARQLStore.

Example: ``RemoteStore("http://127.0.0.1:7878/query")`` after ``spinekg upload http://127.0.0.1:7878/store``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import SparqlError
from ..vocab import PREFIXES
from .base import Row, with_prefixes
from .guard import with_values

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["RemoteStore"]


class RemoteStore:
    """A SPARQL 1.1 endpoint holding the release (``spinekg upload`` puts it there), through rdflib's SPARQLStore.

    ``graph`` names the graph that holds the release; by default the endpoint's default graph is queried.

    >>> from spineKG.store import Store
    >>> store = RemoteStore("http://127.0.0.1:7878/query", graph="https://w3id.org/spinekg")   # nothing is sent yet
    >>> store.name, isinstance(store, Store)
    ('remote:http://127.0.0.1:7878/query', True)
    >>> str(store.graph.identifier), store.update_url is None
    ('https://w3id.org/spinekg', True)
    """

    def __init__(self, query_url: str, update_url: str | None = None, graph: str | None = None, timeout: float = 60.0) -> None:
        from rdflib import Graph, URIRef
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

    def query(self, query: str, bindings: Mapping[str, Node] | None = None) -> Any:
        try:
            return self._graph.query(with_values(with_prefixes(query), bindings))
        except Exception as exc:
            name = type(exc).__name__
            if name in ("QueryBadFormed", "SPARQLWrapperException", "EndPointInternalError", "HTTPError", "URLError",
                        "EndPointNotFound", "Unauthorized", "ValueError"):
                cause = exc.__cause__ or exc.__context__
                read = getattr(cause, "read", None)
                detail = read().decode(errors="replace") if callable(read) else ""
                msg = (detail or str(exc)).strip().splitlines()
                raise SparqlError(f"the endpoint {self.query_url} refused the query: " + (msg[-1] if msg else name),
                                  query=query) from None
            raise

    def select(self, query: str) -> list[Row]:
        from rdflib import BNode

        return [tuple(None if t is None else ("_:" + str(t) if isinstance(t, BNode) else str(t)) for t in row)
                for row in self.query(query)]
