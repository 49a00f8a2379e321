"""The one store interface, and the embedded backends.

A store holds the release (the OWL ontology and its relation graph), answers SPARQL SELECT queries
with rows of strings (``select``, what spineKG itself runs) and any query with an rdflib Result
(``query``, what users run). The embedded store is Oxigraph, with an rdflib Graph view (oxrdflib);
:class:`RemoteStore` is any SPARQL 1.1 endpoint, through rdflib's SPARQLStore.
(rdflib's own memory store was tried and dropped: its SPARQL engine needed 97 s to build the entity
index that Oxigraph builds in 0.1 s.)

>>> store = EmbeddedStore()
>>> len(store.select("SELECT ?s WHERE { ?s a owl:Ontology }"))
1
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence, runtime_checkable


from .vocab import ONTOLOGY_IRI, PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

RELEASE_DIR = Path(__file__).resolve().parent / "data"
RELEASE_FILES = ("spinekg.ttl", "spinekg-relations.ttl")


_BLOCK = 64 * 2**20   # bytes of N-Triples handed to Oxigraph at a time


class DataError(ValueError):
    """An RDF file that could not be loaded, with the file and line of the mistake."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def _syntax_message(exc: SyntaxError) -> str:
    return re.sub(r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ", "", str(exc.msg))


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

    def select(self, query: str) -> list[tuple[str | None, ...]]:
        """Rows of a SELECT query: IRIs and literals' lexical forms as strings, None where unbound."""
        ...

    def query(self, query: str) -> Any:
        """Any query form, as an rdflib Result."""
        ...


_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def with_prefixes(query: str) -> str:
    """The query with a PREFIX line for each of the project's prefixes it does not declare itself."""
    if "prefix" not in query.lower():
        return _PROLOGUE + query
    own = {m.group(1) or "" for m in _DECLARED.finditer(query)}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in own) + query


def check_syntax(query: str) -> None:
    """Parse a query with Oxigraph's SPARQL parser, so every store reports mistakes alike (with the position)."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(with_prefixes(query))   # parsed at once; evaluated only if iterated (it is not)
    except SyntaxError as exc:
        raise parse_error(exc, query) from None


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
    """Turn Oxigraph's syntax error into a SparqlError naming the line and column in the user's text."""
    msg = str(exc)
    line = col = None
    m = _OX_POSITION.search(msg)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        line = max(1, line - (with_prefixes(query).count("\n") - query.count("\n")))   # less the PREFIX lines added
    first = _OX_POSITION.sub("", msg.splitlines()[0], count=1).lstrip(": ") if msg else ""
    return SparqlError(first or type(exc).__name__, line, col, query)


class EmbeddedStore:
    """The release in an embedded Oxigraph store, also seen as an rdflib Graph (oxrdflib).

    The typed API, questions and triage query Oxigraph directly (rdflib is not imported on that
    path); :attr:`graph` is an rdflib Graph over the same Oxigraph store, made when first asked for.
    With ``directory`` the store lives on disk (RocksDB) instead of in memory, for data much larger
    than the release, such as a cohort of a million patients; the release is loaded into it once.

    >>> store = EmbeddedStore()
    >>> store.select("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
    [('ependymoma',)]
    """

    def __init__(self, paths: Sequence[Path | str] | None = None, *, directory: Path | str | None = None) -> None:
        import pyoxigraph

        self.name = "oxigraph"
        files = [Path(p) for p in (paths or release_paths())]
        for f in files:
            if not f.exists():
                raise FileNotFoundError(f"release file not found: {f} (run `python -m spineKG.build`)")
        self._ox = pyoxigraph.Store(str(directory)) if directory is not None else pyoxigraph.Store()
        self._graph: Graph | None = None
        if directory is None or not self._ox.query(f"ASK {{ <{ONTOLOGY_IRI}> a <http://www.w3.org/2002/07/owl#Ontology> }}"):
            for f in files:
                self.load(f)

    def load(self, path: Path | str, *, progress: bool = False) -> None:
        """Add an RDF file; the format comes from its extension (.ttl, .nt, .nq, .trig, .rdf or .owl, .jsonld).

        N-Triples and N-Quads are read in blocks (with a progress bar if ``progress``), which keeps the
        peak memory of a large load lower. A syntax error raises :class:`DataError` with the file and line.
        """
        import pyoxigraph

        path = Path(path)
        fmt = pyoxigraph.RdfFormat.RDF_XML if path.suffix == ".owl" else pyoxigraph.RdfFormat.from_extension(path.suffix[1:])
        if fmt is None:
            raise DataError(path, None, f"unknown RDF format {path.suffix!r} (use .ttl, .nt, .nq, .trig, .rdf, .owl or .jsonld)")
        if not path.exists():
            raise FileNotFoundError(f"data file not found: {path}")
        if fmt not in (pyoxigraph.RdfFormat.N_TRIPLES, pyoxigraph.RdfFormat.N_QUADS):
            try:
                self._ox.bulk_load(path=str(path), format=fmt)
            except SyntaxError as exc:
                raise DataError(path, exc.lineno, _syntax_message(exc)) from None
            return
        from tqdm import tqdm

        lines_before = 0
        with open(path, "rb") as fh, tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=f"loading {path.name}",
                                          disable=not progress) as bar:
            rest = b""
            while True:
                block = fh.read(_BLOCK)
                data, rest = rest + block, b""
                if block:   # hand over whole lines only; the tail waits for the next block
                    cut = data.rfind(b"\n") + 1
                    data, rest = data[:cut], data[cut:]
                if data:
                    try:
                        self._ox.bulk_load(data, format=fmt)
                    except SyntaxError as exc:
                        raise DataError(path, lines_before + exc.lineno if exc.lineno else None, _syntax_message(exc)) from None
                    lines_before += data.count(b"\n")
                    bar.update(len(data))
                if not block:
                    break

    @property
    def graph(self) -> Graph:
        """An rdflib Graph over the same Oxigraph store."""
        if self._graph is None:
            from oxrdflib import OxigraphStore
            from rdflib import Graph
            from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

            self._graph = Graph(store=OxigraphStore(store=self._ox), identifier=DATASET_DEFAULT_GRAPH_ID)
            for prefix, iri in PREFIXES.items():
                self._graph.bind(prefix, iri, override=True)
        return self._graph

    def query(self, query: str) -> Any:
        try:
            return self.graph.query(with_prefixes(query))
        except SyntaxError as exc:
            raise parse_error(exc, query) from None

    def select(self, query: str) -> list[tuple[str | None, ...]]:
        try:
            solutions = self._ox.query(with_prefixes(query))
        except SyntaxError as exc:
            raise parse_error(exc, query) from None
        width = len(solutions.variables)
        return [tuple(t.value if (t := row[i]) is not None else None for i in range(width)) for row in solutions]


class RemoteStore:
    """A SPARQL 1.1 endpoint holding the release (``spinekg upload`` puts it there), through rdflib's SPARQLStore.

    ``graph`` names the graph that holds the release; by default the endpoint's default graph is queried.
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

    def select(self, query: str) -> list[tuple[str | None, ...]]:
        return [tuple(str(t) if t is not None else None for t in row) for row in self.query(query)]
