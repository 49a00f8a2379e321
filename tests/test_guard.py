"""The query guard (spineKG/store/guard.py): bounds before parsing, updates and SERVICE refused from the parsed
query, no outbound connection from anything the library does with an untrusted query (a loopback sink counts
them), bindings as terms, and a fuzz of malformed SPARQL with no traceback, crash or slow answer."""
from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

import spineKG
from spineKG.errors import QueryRefusedError, SparqlError
from spineKG.store import check_syntax, guard


class Sink:
    """A socket on 127.0.0.1 that accepts and records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits: list[tuple[str, int]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, addr = self.sock.accept()
            except OSError:
                return
            self.hits.append(addr)
            conn.close()


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = Sink()
    yield s
    s.sock.close()


def service_forms(url: str) -> list[str]:
    """SERVICE written every way a text scan gets wrong: after a '#' in an IRI or string, after comments, in
    any case, with escapes, in subqueries, EXISTS, MINUS, OPTIONAL, UNION, GRAPH, with SILENT or a variable."""
    pattern = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    before = ["", "?x a <http://www.w3.org/2002/07/owl#Ontology> . ", "?x ?p 'a # b' . ", '?x ?p """#\n""" . ',
              "# comment }\n", "?x ?p ex:a\\#b . ", "?x ?p <urn:x#> .\r"]
    shapes = ["SELECT * WHERE {{ {b}{p} }}", "ASK {{ {b}{p} }}", "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {b}{p} }}",
              "DESCRIBE ?s WHERE {{ {b}{p} }}", "SELECT * WHERE {{ {{ SELECT * WHERE {{ {b}{p} }} }} }}",
              "SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ {b}{p} }} }}", "SELECT * WHERE {{ ?a ?b ?c MINUS {{ {b}{p} }} }}",
              "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {b}{p} }} }}", "SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ {b}{p} }} }}",
              "SELECT * WHERE {{ GRAPH ?g {{ {b}{p} }} }}"]
    spell = [lambda t: t, lambda t: t.replace("SERVICE", "service"), lambda t: t.replace("SERVICE", "SeRvIcE SILENT"),
             lambda t: t.replace("SERVICE", "SERVI\\u0043E"), lambda t: t.replace("SERVICE", "\\u0053ERVICE"),
             lambda t: t.replace(f"<{url}>", "?endpoint").replace("WHERE {", f"WHERE {{ BIND(<{url}> AS ?endpoint) ", 1),
             lambda t: "PREFIX ex: <http://example.org/#>\n# SERVICE in a comment is nothing\n" + t]
    return [f(shape.format(b=b, p=pattern)) for shape in shapes for b in before for f in spell]


def update_forms(url: str) -> list[str]:
    forms = ["INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "DELETE DATA { <http://x/a> <http://x/b> <http://x/c> }",
             "DELETE WHERE { ?s ?p ?o }", f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <urn:g>", "CLEAR ALL",
             "CLEAR DEFAULT", "CREATE GRAPH <urn:g>", "DROP ALL", "DROP SILENT GRAPH <urn:g>", "ADD DEFAULT TO <urn:g>",
             "MOVE <urn:a> TO <urn:b>", "COPY DEFAULT TO <urn:g>", "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
             "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o }"]
    out = []
    for f in forms:
        out += [f, f.lower(), "PREFIX ex: <http://example.org/#>\n# a comment\n" + f, f"SELECT * WHERE {{ ?s ?p ?o }} ;\n{f}",
                f.replace("INSERT", "INS\\u0045RT").replace("DROP", "\\u0044ROP")]
    return out


def test_the_sink_sees_what_oxigraph_would_do(sink: Sink) -> None:
    """The control: unguarded, Oxigraph does connect to a SERVICE, even when the results are never read."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(f"SELECT * WHERE {{ SERVICE <{sink.url}> {{ ?s ?p ?o }} }}")
    except OSError:
        pass
    time.sleep(0.2)
    assert sink.hits


def test_every_service_and_update_form_is_refused_and_nothing_connects(kg: spineKG.KnowledgeGraph, sink: Sink) -> None:
    services, updates = service_forms(sink.url), update_forms(sink.url)
    assert len(services) + len(updates) >= 500
    for n, q in enumerate(services):
        with pytest.raises(QueryRefusedError) as err:
            guard(q)
        assert err.value.reason == "service", (q, err.value)
        if n % 4 == 0:   # the same guard, through the API
            with pytest.raises(QueryRefusedError):
                kg.sparql(q)
    for n, q in enumerate(updates):
        with pytest.raises(QueryRefusedError) as err:
            check_syntax(q)
        assert err.value.reason == "update", (q, err.value)
        if n % 4 == 0:
            with pytest.raises(QueryRefusedError):
                kg.sparql(q)
    time.sleep(0.2)
    assert sink.hits == [], f"{len(sink.hits)} connections to the sink"


def test_the_command_line_refuses_service_and_does_not_connect(sink: Sink) -> None:
    q = f"SELECT * WHERE {{ ?x a <http://www.w3.org/2002/07/owl#Ontology> SERVICE <{sink.url}> {{ ?s ?p ?o }} }}"
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "sparql", q], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "SERVICE" in out.stderr and "Traceback" not in out.stderr
    assert sink.hits == []


def test_the_syntax_check_never_evaluates(sink: Sink) -> None:
    """check_syntax parses only: a FROM of the sink fetches nothing, an ORDER BY over 27 million rows of VALUES
    (45 s if evaluated) returns at once."""
    v = " ".join(str(i) for i in range(300))
    heavy = (f"SELECT * FROM <{sink.url}> WHERE {{ {{ VALUES ?a {{ {v} }} }} {{ VALUES ?b {{ {v} }} }} "
             f"{{ VALUES ?c {{ {v} }} }} }} ORDER BY ?a")
    t = time.perf_counter()
    check_syntax(heavy)
    assert time.perf_counter() - t < 1.0
    assert sink.hits == []


def test_from_a_url_fetches_nothing(kg: spineKG.KnowledgeGraph, sink: Sink) -> None:
    rows = kg.sparql(f"SELECT ?s FROM <{sink.url}> FROM NAMED <{sink.url}> WHERE {{ ?s ?p ?o }} LIMIT 1")
    assert len(rows) <= 1 and sink.hits == []


def test_comments_strings_and_iris_hide_nothing_and_refuse_nothing() -> None:
    for q in ["SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
              'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> {}" }',
              "SELECT * WHERE { ?s ?p <http://example.org/SERVICE#DROP> }",
              "PREFIX service: <http://example.org/> SELECT ?service WHERE { ?service service:drop ?insert }",
              "SELECT * WHERE { ?s ?p '''{{{ # ''' }"]:
        guard(q)
    assert spineKG.load is not None


@pytest.mark.parametrize("make,reason", [
    (lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n, "too-deep"),
    (lambda n: "SELECT * WHERE { FILTER(" + "(" * n + "1" + ")" * n + ") }", "too-deep"),
    (lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }", "too-complex"),
    (lambda n: "SELECT * WHERE { ?s ?p ?o " + " ".join(["MINUS { ?s ?p ?o }"] * n) + " }", "too-complex"),
    (lambda n: "SELECT * WHERE { BIND(" + " + ".join(["1"] * n) + " AS ?x) }", "too-complex"),
])
def test_inputs_that_crash_oxigraph_are_refused_before_it(kg: spineKG.KnowledgeGraph, make, reason: str) -> None:
    """Each of these, 3,000 or 10,000 long, kills the process with SIGSEGV in Oxigraph (measured: 2,160
    nested braces, 2,600 MINUS, 6,900 '+'); guarded, each is a SparqlError with a position."""
    for n in (3000, 10_000):
        q = make(n)
        with pytest.raises(QueryRefusedError) as err:
            kg.sparql(q)
        assert err.value.reason == (reason if len(q) <= 50_000 else "too-large") and err.value.line == 1, err.value
    with pytest.raises(QueryRefusedError) as err:   # short enough, still past the operator bound
        kg.sparql(make(1100) if reason == "too-complex" else make(30))
    assert err.value.reason == reason


def test_the_deep_nesting_on_the_command_line_is_a_message() -> None:
    q = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "sparql", q], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "nests brackets" in out.stderr and "Traceback" not in out.stderr


def test_size_bound() -> None:
    q = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 60_000
    with pytest.raises(QueryRefusedError, match="characters long") as err:
        guard(q)
    assert err.value.reason == "too-large"
    guard(q, max_chars=100_000)


def test_malformed_queries_keep_their_line_and_column(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(SparqlError) as err:
        kg.sparql("SELECT ?x\nWHERE { ?x a owl:Class .\n  ?x ?p }")
    assert err.value.line == 3 and err.value.column in (9, 10)
    with pytest.raises(SparqlError, match="not Unicode text") as err:
        kg.sparql("SELECT * WHERE { ?s ?p '\udc80' }")
    assert err.value.column == 25
    with pytest.raises(SparqlError, match="empty"):
        kg.sparql("# nothing but a comment")


# ------------------------------------------------------------------ bindings


def test_a_binding_is_a_term_and_cannot_change_the_query(any_kg: spineKG.KnowledgeGraph) -> None:
    q = "SELECT ?l WHERE { ?x rdfs:label ?l }"
    assert [str(r[0]) for r in any_kg.sparql(q, x="skg:Ependymoma")] == ["ependymoma"]
    for value in ["x> } ; DROP ALL ; #", 'a" } ?x ?p ?o . #', "' } UNION { ?x ?p ?l } #", "\\u003E } ?x ?p ?l #"]:
        assert len(any_kg.sparql(q, x=value)) == 0   # just a string, which labels nothing
    assert len(any_kg.sparql(q, l="x> } ; DROP ALL ; #")) == 0
    with pytest.raises(SparqlError, match="not a valid IRI"):   # the review's reproducer: 87 rows before
        any_kg.sparql(q, x="http://n/a> <https://w3id.org/spinekg/Ependymoma> } ?x ?p ?o . VALUES ?z { <urn:z")
    with pytest.raises(SparqlError, match="not a valid IRI"):
        any_kg.sparql(q, x="<urn:a> } ?x ?p ?o #>")


def test_an_unknown_binding_variable_names_the_querys_variables(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(SparqlError, match=r"no variable \?tumour to bind; its variables are \?label, \?treatment"):
        kg.sparql("SELECT ?treatment ?label WHERE { ?treatment rdfs:label ?label } # ?tumor", tumour="skg:Ependymoma")
    with pytest.raises(SparqlError, match="prefix nope: is not declared"):
        kg.sparql("SELECT ?l WHERE { ?x rdfs:label ?l }", x="nope:Ependymoma")


def test_bind_on_the_command_line() -> None:
    run = [sys.executable, "-m", "spineKG.cli", "sparql", "SELECT ?l WHERE { ?x rdfs:label ?l }"]
    ok = subprocess.run(run + ["--bind", "x=skg:Ependymoma", "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["l", "ependymoma"]
    inj = subprocess.run(run + ["--bind", "x=x> } ; DROP ALL ; #", "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert inj.returncode == 0 and inj.stdout.splitlines() == ["l"]
    bad = subprocess.run(run + ["--bind", "nonsense"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "VAR=VALUE" in bad.stderr and "Traceback" not in bad.stderr


# ------------------------------------------------------------------ fuzz

SEEDS = [
    "SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }",
    "SELECT * WHERE { ?x a <http://www.w3.org/2002/07/owl#Ontology> SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "ASK { ?t skg:mayCause skg:Myelopathy FILTER NOT EXISTS { ?t a owl:Class } }",
    "CONSTRUCT { ?t rdfs:label ?l } WHERE { ?t skg:kind 'tumor' ; rdfs:label ?l } LIMIT 5",
    "DESCRIBE skg:Ependymoma",
    "SELECT ?t ?l WHERE { ?t skg:mayCause skg:Myelopathy ; rdfs:label ?l } ORDER BY ?l LIMIT 3",
    "SELECT ?x WHERE { { SELECT ?x WHERE { ?x a owl:Class } LIMIT 2 } UNION { BIND(<urn:a#b> AS ?x) } }",
    "PREFIX ex: <http://example.org/#> SELECT * WHERE { VALUES ?v { ex:a\\#b 'x#y' \"z\"@en 1 } } # c",
    'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p """a long "string" # not a comment""" } GROUP BY ?s HAVING (COUNT(*) > 1)',
]
PIECES = ["{", "}", "(", ")", "[", "]", '"', "'", '"""', "'''", "#", "<", ">", "\\", "\\u0022", "\\u007B", "\\U0001F600",
          "\\uD800", "\ud800", "\x00", "\r", "\n", "SERVICE", "SELECT", "WHERE", "UNION", "OPTIONAL", "FILTER(", "?x", "$y",
          "<http://127.0.0.1:9/>", "skg:", ":", ";", ".", ",", "*", "^^", "@en", "_:b", "a", "1.5e3", "||", "&&", "!",
          "é", "\u2028", "\ufeff", "INSERT DATA", "LOAD", "GRAPH ?g", "VALUES ?x {", "BIND(1 AS ?z)", "<<", ">>"]


def mutate(rng: random.Random, text: str) -> str:
    """One to four random edits: cut a span, insert a SPARQL piece or random characters, repeat a span,
    truncate, or wrap a span in up to 3,000 brackets."""
    for _ in range(rng.randint(1, 4)):
        i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        op = rng.randrange(6)
        if op == 0:
            text = text[:i] + text[j:]
        elif op == 1:
            text = text[:i] + rng.choice(PIECES) + text[i:]
        elif op == 2:
            text = text[:i] + text[i:j] * rng.randint(2, 5) + text[j:]
        elif op == 3:
            text = text[:i]
        elif op == 4:
            text = text[:i] + "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(1, 8))) + text[i:]
        else:
            text = (text[:i] + rng.choice("{([") * rng.randint(20, 3000) + text[i:j] + rng.choice("})]") * rng.randint(0, 3000)
                    + text[j:])
    return text


def test_fuzzed_sparql_gives_rows_or_a_sparql_error_quickly(kg: spineKG.KnowledgeGraph) -> None:
    """3,000 malformed or mutated queries through kg.sparql: each gives rows or a SparqlError (never another
    exception, never a crash of the process, which would end this test run), each in under 2 s."""
    rng = random.Random(13)
    outcomes: dict[str, int] = {}
    slowest = (0.0, "")
    for _ in range(3000):
        q = mutate(rng, rng.choice(SEEDS))
        t = time.perf_counter()
        try:
            kg.sparql(q)
            kind = "rows"
        except SparqlError as err:
            kind = getattr(err, "reason", "malformed")
        took = time.perf_counter() - t
        slowest = max(slowest, (took, q[:120]))
        outcomes[kind] = outcomes.get(kind, 0) + 1
    print(f"3,000 fuzzed queries: {outcomes}; slowest {slowest[0]:.2f} s")
    assert slowest[0] < 2.0, slowest
    assert outcomes.get("malformed", 0) > 1000 and outcomes.get("too-deep", 0) > 100
