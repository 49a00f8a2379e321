"""A remote store: any SPARQL 1.1 endpoint that holds the release, through rdflib's SPARQLStore.

Example: ``RemoteStore("http://127.0.0.1:7878/query")`` after ``spinekg upload http://127.0.0.1:7878/store``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import SparqlError
from ..vocab import PREFIXES
from .base import _OX_POSITION, Row, parse_error, with_prefixes
from .guard import with_values

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["RemoteStore"]


_LINE = re.compile(r"\bline (\d+)\b")   # a position in an endpoint's error message (Virtuoso names the line)


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
        from urllib.error import URLError

        from rdflib.plugins.stores.sparqlconnector import SPARQLConnectorException

        sent = with_values(with_prefixes(query), bindings)
        try:
            result = self._graph.query(sent)
        except (URLError, SPARQLConnectorException, ValueError) as exc:   # HTTPError is a URLError
            read = getattr(exc, "read", None)   # an HTTP error's body: the endpoint's own message
            detail = read().decode(errors="replace") if callable(read) else ""
            msg = (detail or str(exc)).strip().splitlines()
            raise SparqlError(f"the endpoint {self.query_url} refused the query: "
                              + (msg[-1] if msg else type(exc).__name__), query=query) from None
        if isinstance(result, tuple):   # rdflib's connector returns (status, reason, None) for an HTTP error
            raise self._refusal(query, sent, str(result[1]))
        return result

    def _refusal(self, query: str, sent: str, reason: str) -> SparqlError:
        """The endpoint's own message for a refused query (rdflib keeps only the HTTP status): the query is sent
        once more to read the response body; an Oxigraph parser position is mapped to the user's own lines."""
        import urllib.parse
        import urllib.request
        from urllib.error import HTTPError, URLError

        body = ""
        try:
            urllib.request.urlopen(urllib.request.Request(self.query_url, urllib.parse.urlencode({"query": sent}).encode(),
                                                          {"Accept": "application/sparql-results+json"}), timeout=30)
        except HTTPError as exc:
            body = exc.read().decode(errors="replace").strip()
        except URLError:
            pass
        if _OX_POSITION.search(body):
            err = parse_error(SyntaxError(body), query)
            return SparqlError(f"the endpoint {self.query_url} refused the query: {err.message}", err.line, err.column, query)
        # Virtuoso: "Virtuoso 37000 Error SP030: SPARQL compiler, line 13: syntax error at ..." and then the query
        lines = [ln for ln in body.splitlines() if ln.strip()]
        said = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else reason)
        at = _LINE.search(said)
        line = max(1, int(at.group(1)) - (with_prefixes(query).count("\n") - query.count("\n"))) if at else None
        return SparqlError(f"the endpoint {self.query_url} refused the query: {said}", line, None, query)

    def select(self, query: str) -> list[Row]:
        from rdflib import BNode

        return [tuple(None if t is None else ("_:" + str(t) if isinstance(t, BNode) else str(t)) for t in row)
                for row in self.query(query)]
