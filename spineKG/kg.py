"""The KnowledgeGraph: the typed query API over one store.

>>> import spineKG
>>> kg = spineKG.load()
>>> [t.label for t in kg.tumors(causes="myelopathy", region="cervical")][:2]
['astrocytoma', 'ependymoma']
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from .index import Index
from .linking import Mention, tokenize
from .model import Entity, Results
from .query import Engine
from .store import Store
from .terms import Kind, Options

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

    from .export import Format
    from .model import Answer, TriageResult
    from .query import Rows
    from .views.draw import Drawing

class KnowledgeGraph:
    """The spine-tumor knowledge graph on a store, with typed queries, SPARQL, questions and triage.

    >>> from spineKG.store import EmbeddedStore
    >>> kg = KnowledgeGraph(EmbeddedStore())
    >>> kg
    <KnowledgeGraph 317 entities on oxigraph>
    >>> kg.tumors(compartment="intramedullary", rank="most_common").labels
    ['astrocytoma', 'ependymoma']
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = Index.from_store(store)
        self.engine = Engine(store, self.index)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {len(self.index.entities)} entities on {self.store.name}>"

    # ------------------------------------------------------------------ data access
    @property
    def graph(self) -> rdflib.Graph:
        """The rdflib Graph holding the release (the OWL ontology and its relation graph)."""
        return self.store.graph

    def sparql(self, query: str, **bindings: Any) -> Rows:
        """Run a SPARQL query (the project's prefixes are bound) and return its rows."""
        from .query import run_sparql

        return run_sparql(self.store, query, bindings)

    def lookup(self, name: str | Entity, kind: str | None = None) -> Entity:
        """The entity a label, synonym, CURIE, IRI or cross-reference code names.

        Raises :class:`UnknownTermError` naming the closest matches.

        >>> load().lookup("MONDO:0003174").label      # a code of another vocabulary
        'astrocytoma'
        """
        return self.index.lookup(name, kind)

    def xrefs(self) -> dict[str, tuple[Entity, ...]]:
        """Cross-reference codes (MONDO, DOID, NCIt, UMLS, ICD-10-CM, ..., case-folded) and the entities that have them.

        >>> [e.label for e in load().xrefs()["mondo:0003174"]]
        ['astrocytoma']
        """
        return {code: tuple(sorted((self.index.entities[i] for i in iris), key=lambda e: e.label))
                for code, iris in self.index.xrefs.items()}

    def entities(self, kind: str | None = None) -> list[Entity]:
        return sorted((e for e in self.index.entities.values() if kind is None or kind in e.kinds), key=lambda e: e.label)

    def link(self, text: str) -> list[Mention]:
        """The entities a text names, where it names them (see :mod:`spineKG.linking`).

        >>> [m.text for m in load().link("pins and needles in my feet and weak legs")]
        ['pins and needles', 'feet', 'weak legs']
        """
        return self.engine.linker.link(tokenize(text), text)

    # ------------------------------------------------------------------ typed queries
    def find(self, kind: Kind = "tumors", **options: Unpack[Options]) -> Results:
        """Entities of a kind (or under a class) that meet every constraint.

        Constraint keywords: malignancy, origin, category, compartment, region, causes, caused_by,
        mechanism, arises_from, growth, demographic, risk_factor, purpose, uses, shows, indication,
        applies_to / ``for_``, treated_by, goal, treatment, part_of, removes, removed_by, tumor, related.
        Values are labels or synonyms ("neck", "epidural", "cancerous"); ``not_`` holds constraints the
        answers must not meet. ``typical=True`` keeps only what holds usually or always; ``rank`` is
        most_common, common, main, first_line or typical.

        >>> [r.label for r in load().find("diagnostics", not_={"uses": "radioactive tracer"}, under="medical imaging")][:2]
        ['CT scan', 'gadolinium-enhanced MRI']
        """
        return self.engine.find(kind, **options)

    def tumors(self, **options: Unpack[Options]) -> Results:
        """Tumor types and categories, e.g. ``kg.tumors(causes="myelopathy", region="cervical")``."""
        return self.find("tumors", **options)

    def treatments(self, **options: Unpack[Options]) -> Results:
        """Treatments, e.g. ``kg.treatments(for_="metastatic extradural tumor")``."""
        return self.find("treatments", **options)

    def symptoms(self, **options: Unpack[Options]) -> Results:
        """Symptoms, signs and deficits, e.g. ``kg.symptoms(caused_by="cauda equina syndrome")``."""
        return self.find("symptoms", **options)

    def mechanisms(self, **options: Unpack[Options]) -> Results:
        return self.find("mechanisms", **options)

    def diagnostics(self, **options: Unpack[Options]) -> Results:
        return self.find("diagnostics", **options)

    def locations(self, **options: Unpack[Options]) -> Results:
        return self.find("locations", **options)

    def risk_factors(self, **options: Unpack[Options]) -> Results:
        return self.find("risk_factors", **options)

    def primary_sites(self, **options: Unpack[Options]) -> Results:
        return self.find("primary_sites", **options)

    def goals(self, **options: Unpack[Options]) -> Results:
        return self.find("goals", **options)

    def specialists(self, **options: Unpack[Options]) -> Results:
        return self.find("specialists", **options)

    # ------------------------------------------------------------------ views
    def to_networkx(self, **parts: Any) -> nx.MultiDiGraph[str]:
        """The graph as a networkx MultiDiGraph: whole, ``entity=`` neighbourhood (``depth=``), one ``kind=``,
        or an ``answer=``'s evidence; see :func:`spineKG.views.graph.to_networkx`."""
        from .views.graph import to_networkx

        return to_networkx(self, **parts)

    def show(self, title: str = "", **parts: Any) -> Drawing:
        """An interactive pyvis drawing of the part of the graph ``to_networkx(**parts)`` selects;
        displays inline in Jupyter, ``.save(path)`` writes a standalone page."""
        from .views.draw import draw

        if not title and parts.get("entity") is not None:
            title = f"{self.lookup(parts['entity']).label} and its neighbours"
        if not title and parts.get("answer") is not None:
            title = getattr(parts["answer"], "question", "")
        return draw(self.to_networkx(**parts), title=title)

    def export(self, format: Format, path: str | Path | None = None) -> Path:
        """Write the graph as ``owl``, ``ttl``, ``jsonld``, ``obo``, ``graphml``, ``gexf``, ``csv`` or ``sssom``
        (default file name ``spinekg`` and the format's extension); see :mod:`spineKG.export`."""
        from .export import export

        return export(self, format, path)

    # ------------------------------------------------------------------ questions and triage
    def ask(self, question: str) -> Answer:
        """Answer a question in plain English, or raise QuestionError; see :mod:`spineKG.ask`."""
        from .ask import ask

        return ask(self.engine, question)

    def triage(self, **inputs: Any) -> TriageResult:
        """How soon to be seen, and by whom, for a described patient with back pain (rules are data in the
        graph); see :func:`spineKG.triage.triage` for the inputs.

        >>> load().triage(age=45, pain_days=3, neuro_signs=["saddle numbness"]).tier.key
        'emergency'
        """
        from .triage import triage

        return triage(self.engine, **inputs)

    def triage_text(self, text: str, *, today: date | None = None) -> TriageResult:
        """Triage a patient's own words or a clinician's note, read with clinical NLP (see :mod:`spineKG.triage`).
        ``today`` is the day the text was written (default: today), from which a date of birth or "since October"
        is counted.

        >>> load().triage_text("72 y/o, 1 week new thoracic back pain, worse at night").tier.key
        'soon'
        """
        from .triage import triage_text

        return triage_text(self.engine, text, today=today)

def connect(query_url: str, update_url: str | None = None, graph: str | None = None) -> KnowledgeGraph:
    """The knowledge graph in a SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB, ...) that
    holds the release; the typed API, SPARQL and questions work unchanged.

    Example: ``connect("http://127.0.0.1:7878/query")`` after ``spinekg upload http://127.0.0.1:7878/store``; or
    against spineKG's own endpoint, ``spinekg serve``, started here on a free port:

    >>> import socket, subprocess, sys, time, urllib.request
    >>> with socket.socket() as s:
    ...     _ = s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    >>> server = subprocess.Popen([sys.executable, "-m", "spineKG.cli", "serve", "--port", str(port)],
    ...                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    >>> for _ in range(300):   # until it answers (about 2 s)
    ...     try:
    ...         _ = urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1); break
    ...     except OSError:
    ...         time.sleep(0.1)
    >>> kg = connect(f"http://127.0.0.1:{port}/sparql")
    >>> kg  # doctest: +ELLIPSIS
    <KnowledgeGraph 317 entities on remote:http://127.0.0.1:.../sparql>
    >>> sorted(t.label for t in kg.tumors(causes="myelopathy", region="cervical"))[:2]
    ['astrocytoma', 'ependymoma']
    >>> server.terminate(); server.wait(timeout=30) is not None
    True
    """
    from .store import RemoteStore

    return KnowledgeGraph(RemoteStore(query_url, update_url, graph))


def load(*data: str | Path, directory: str | Path | None = None, progress: bool = False) -> KnowledgeGraph:
    """The bundled knowledge graph in the embedded Oxigraph store, with any RDF data files added to it
    (for instance patients linked to the ontology; a progress bar with ``progress=True``).

    ``directory`` keeps the store on disk there (RocksDB) instead of in memory: much less memory for
    large data, slower queries; a directory that already holds the release is reopened as it is.

    >>> load().lookup("epidural").label
    'extradural'
    """
    from .store import EmbeddedStore

    store = EmbeddedStore(directory=directory)
    for path in data:
        store.load(path, progress=progress)
    return KnowledgeGraph(store)
