"""The embedded store: the release in Oxigraph, in memory or on disk, also seen as an rdflib Graph.

(rdflib's own memory store was tried and dropped: its SPARQL engine needed 97 s to build the entity
index that Oxigraph builds in 0.1 s.)

>>> store = EmbeddedStore()
>>> len(store.select("SELECT ?s WHERE { ?s a owl:Ontology }"))
1
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError, SparqlError
from ..vocab import ONTOLOGY_IRI, PREFIXES
from .base import Row, parse_error, release_paths, with_prefixes
from .guard import with_values

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["EmbeddedStore"]

_BLOCK = 64 * 2**20   # bytes of N-Triples handed to Oxigraph at a time


def _syntax_message(exc: SyntaxError) -> str:
    return re.sub(r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ", "", str(exc.msg))


_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s*)?([^\s"'>]+)\s*(?:"([^"]*)"|'([^']*)'|([^>]*))\s*>""")
_REFERENCE = re.compile(rb"&([^\s&;#]+);")
MAX_ENTITY_CHARS = 10_000   # what one XML entity may expand to; a billion laughs asks for gigabytes


def _check_entities(path: Path) -> None:
    """Refuse an RDF/XML file whose DTD declares external or parameter entities, or entities that expand past
    :data:`MAX_ENTITY_CHARS` (nested "billion laughs" entities: Oxigraph would try to allocate gigabytes and abort)."""
    with open(path, "rb") as fh:
        head = fh.read(4 * 2**20)
    if b"<!ENTITY" not in head:
        return
    decls: dict[bytes, tuple[bytes, int]] = {}
    for m in _ENTITY.finditer(head):
        line = head.count(b"\n", 0, m.start()) + 1
        if m.group(1) or m.group(5) is not None:
            raise DataError(path, line, f"the DTD declares an external or parameter entity "
                                        f"({m.group(2).decode(errors='replace')}), which is not loaded")
        decls[m.group(2)] = (m.group(3) if m.group(3) is not None else m.group(4), line)
    sizes: dict[bytes, int] = {}

    def size(name: bytes, depth: int = 0) -> int:
        if name not in decls:
            return len(name) + 2
        if name not in sizes:
            if depth > 16:
                raise DataError(path, decls[name][1], f"the entity {name.decode(errors='replace')} nests past 16 levels")
            sizes[name] = -1
            text = decls[name][0]
            total = len(_REFERENCE.sub(b"", text))
            for ref in _REFERENCE.findall(text):
                if sizes.get(ref) == -1:
                    raise DataError(path, decls[name][1], f"the entity {name.decode(errors='replace')} refers to itself")
                total += size(ref, depth + 1)
                if total > MAX_ENTITY_CHARS:
                    break
            sizes[name] = total
        if sizes[name] > MAX_ENTITY_CHARS:
            raise DataError(path, decls[name][1], f"the entity {name.decode(errors='replace')} expands past "
                                                  f"{MAX_ENTITY_CHARS:,} characters (an entity-expansion attack?); not loaded")
        return sizes[name]

    for name in decls:
        size(name)


def _locate(path: Path, message: str, xml: bool) -> int | None:
    """The line of a syntax error Oxigraph reports without one: the XML parser's position for ill-formed XML,
    else the first line holding a piece of text the message quotes."""
    if xml:
        from xml.parsers import expat

        parser = expat.ParserCreate()
        try:
            with open(path, "rb") as fh:
                parser.ParseFile(fh)
        except expat.ExpatError as exc:
            return int(exc.lineno)
        except Exception:
            pass
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()
    except OSError:
        return None
    for piece in re.findall(r"`([^`]{2,})`|'([^']{2,})'|\"([^\"]{2,})\"", message):
        piece = next(p for p in piece if p).strip("<>/")
        for n, text in enumerate(lines, 1):
            if piece in text:
                return n
    if "@context" in message:
        return next((n for n, text in enumerate(lines, 1) if "@context" in text), None)
    return None


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
                raise DataError(f, None, "release file not found (run `spinekg build` in a source checkout)")
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
            raise DataError(path, None, "file not found")
        if path.is_dir():
            raise DataError(path, None, "a folder, not an RDF file")
        if path.stat().st_size == 0:
            import warnings

            warnings.warn(f"{path} is empty (0 bytes): nothing was loaded from it", UserWarning, stacklevel=2)
            return
        if fmt == pyoxigraph.RdfFormat.RDF_XML:
            _check_entities(path)
        if fmt not in (pyoxigraph.RdfFormat.N_TRIPLES, pyoxigraph.RdfFormat.N_QUADS):
            try:
                self._ox.bulk_load(path=str(path), format=fmt)
            except SyntaxError as exc:
                message = _syntax_message(exc)
                if "LoadDocumentCallback" in message:
                    message = "a remote JSON-LD @context is not fetched (spineKG loads no data from the network); inline it"
                line = exc.lineno or _locate(path, message, fmt == pyoxigraph.RdfFormat.RDF_XML)
                raise DataError(path, line, message) from None
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

    def query(self, query: str, bindings: Mapping[str, Node] | None = None) -> Any:
        try:
            return self.graph.query(with_values(with_prefixes(query), bindings))
        except SyntaxError as exc:
            raise parse_error(exc, query) from None

    def select(self, query: str) -> list[Row]:
        import pyoxigraph

        try:
            solutions = self._ox.query(with_prefixes(query))
        except SyntaxError as exc:
            raise parse_error(exc, query) from None
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise SparqlError("select() takes a SELECT query; use query() for ASK, CONSTRUCT and DESCRIBE", query=query)
        width = len(solutions.variables)
        blank = pyoxigraph.BlankNode
        return [tuple(None if (t := row[i]) is None else ("_:" + t.value if isinstance(t, blank) else t.value)
                      for i in range(width)) for row in solutions]


