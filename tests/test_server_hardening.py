"""`spinekg serve` under load, slow and hostile clients, runaway and crashing queries (real servers on loopback,
real HTTP clients). The bigger load run is benchmarks/serve_load.py."""
from __future__ import annotations

import http.client
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from .servers import spinekg_server

SMALL = "SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MIX = [   # (method, query, Accept, expected status)
    ("GET", SMALL, "application/sparql-results+json", 200),
    ("POST", "SELECT ?t ?l WHERE { ?t skg:kind 'tumor' ; skg:mayCause skg:Myelopathy ; rdfs:label ?l } ORDER BY ?l",
     "text/csv", 200),
    ("FORM", "ASK { skg:Ependymoma rdfs:subClassOf* skg:SpinalTumor }", "application/sparql-results+xml", 200),
    ("GET", "CONSTRUCT { skg:Ependymoma ?p ?o } WHERE { skg:Ependymoma ?p ?o }", "text/turtle", 200),
    ("POST", "DESCRIBE skg:Astrocytoma", "application/rdf+xml", 200),
    ("FORM", "SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 200", "text/tab-separated-values", 200),
    ("GET", "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 10", "text/csv", 200),
    ("POST", "SELECT ?x WHERE { ?x ?p }", "application/sparql-results+json", 400),
    ("GET", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "application/sparql-results+json", 403),
]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with spinekg_server(2.0, 50, "--header-timeout", "2") as base:
        yield base


def hostport(base: str) -> tuple[str, int]:
    url = urllib.parse.urlsplit(base)
    return url.hostname or "127.0.0.1", url.port or 80


def request(conn: http.client.HTTPConnection, method: str, query: str, accept: str = "") -> http.client.HTTPResponse:
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)
    elif method == "POST":
        conn.request("POST", "/sparql", query.encode(), {**headers, "Content-Type": "application/sparql-query"})
    else:
        conn.request("POST", "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                     {**headers, "Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    return resp


def probe(base: str, timeout: float = 10.0) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode({"query": SMALL}), timeout=timeout) as resp:
        assert resp.status == 200 and b"ependymoma" in resp.read()
    return time.perf_counter() - start


def raw(base: str, data: bytes, read_timeout: float = 10.0) -> bytes:
    """Send bytes as they are and return what the server answers (until it closes or goes quiet)."""
    with socket.create_connection(hostport(base), timeout=read_timeout) as s:
        try:
            s.sendall(data)
        except OSError:
            pass
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
                if b"\r\n\r\n" in out:
                    break
        except OSError:
            pass
        return out


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0


def test_many_clients_at_once(endpoint: str) -> None:
    """50 clients x 40 mixed queries (GET, both POST forms, every result kind and format, refusals): 0 failures."""
    host, port = hostport(endpoint)
    failures: list[str] = []
    times: list[float] = []

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        for i in range(40):
            method, query, accept, expected = MIX[(k + i) % len(MIX)]
            start = time.perf_counter()
            try:
                got = request(conn, method, query, accept).status
                if got != expected:
                    failures.append(f"{query[:30]}: {got}, not {expected}")
            except Exception as exc:   # a reset, a timeout: a failure
                failures.append(f"{query[:30]}: {type(exc).__name__}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            times.append(time.perf_counter() - start)
        conn.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(50) as pool:
        list(pool.map(client, range(50)))
    wall = time.perf_counter() - start
    p = statistics.quantiles(times, n=100)
    print(f"\n{len(times)} queries from 50 clients in {wall:.1f} s ({len(times) / wall:.0f} q/s): "
          f"p50 {p[49] * 1000:.0f} ms, p95 {p[94] * 1000:.0f} ms; {len(failures)} failures")
    assert len(times) == 2000 and failures == []


def test_idle_and_trickling_clients_delay_no_one(endpoint: str) -> None:
    """100 connections, half silent, half trickling a request head: probes are not delayed by more than 1 s,
    and the slow connections are closed after the head deadline (--header-timeout 2)."""
    base = statistics.median(probe(endpoint) for _ in range(3))
    socks = [socket.create_connection(hostport(endpoint)) for _ in range(100)]
    stop = threading.Event()

    def trickle() -> None:
        head = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
        for i in range(len(head)):
            for s in socks[50:]:
                try:
                    s.send(head[i:i + 1])
                except OSError:
                    pass
            if stop.wait(0.1):
                return

    threading.Thread(target=trickle, daemon=True).start()
    try:
        delays = []
        for _ in range(8):
            delays.append(probe(endpoint) - base)
            time.sleep(0.1)
        print(f"\nprobe delay with 100 slow connections: max {max(delays) * 1000:.0f} ms")
        assert max(delays) < 1.0
        time.sleep(2.5)   # past the head deadline: every slow connection has been closed by the server
        closed = 0
        for s in socks:
            s.settimeout(2)
            try:
                closed += s.recv(1) == b""
            except OSError:
                closed += 1
        assert closed == 100
    finally:
        stop.set()
        for s in socks:
            s.close()


def test_body_and_head_caps(endpoint: str) -> None:
    # declared 50 MB: refused at once with 413, without reading it
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 52428800\r\n\r\n"
    assert status_of(raw(endpoint, head + b"x" * 65536)) == 413
    # 50 MB sent in chunks, no length declared: 413 once past the limit (1 MiB)
    with socket.create_connection(hostport(endpoint), timeout=10) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % (1 << 20) + b"x" * (1 << 20) + b"\r\n"
        try:
            for _ in range(50):
                s.sendall(chunk)
        except OSError:
            pass   # the server answered and closed
        reply = b""
        try:
            while part := s.recv(65536):
                reply += part
        except OSError:
            pass
    assert status_of(reply) in (413, 0)   # (0: the reset beat the reply to us; the server stays up either way)
    # a request head over the cap (64 KiB)
    assert 400 <= status_of(raw(endpoint, b"GET /sparql?query=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")) < 500
    assert probe(endpoint) < 1.0


@pytest.mark.parametrize("length", [b"-1", b"abc", b"1e3", b"10, 20", b"99999999999999999999999"])
def test_bad_content_length(endpoint: str, length: bytes) -> None:
    reply = raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                          b"Content-Length: " + length + b"\r\n\r\nASK {}")
    assert 400 <= status_of(reply) < 500, reply[:100]
    assert probe(endpoint) < 1.0


def test_body_shorter_than_its_length(endpoint: str) -> None:
    """A body that never arrives in full: 408 after the deadline (--header-timeout 2), not a hung worker."""
    start = time.perf_counter()
    reply = raw(endpoint, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                          b"Content-Length: 100\r\n\r\nASK {}")
    assert status_of(reply) == 408 and time.perf_counter() - start < 5


def test_deep_nesting_stops_only_its_worker(endpoint: str) -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    host, port = hostport(endpoint)
    for method in ("GET", "POST", "FORM"):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        resp = request(conn, method, deep)
        conn.close()
        assert 400 <= resp.status < 500
        assert probe(endpoint) < 1.0


def test_memory_limit() -> None:
    with spinekg_server(10.0, 50, "--memory", "100") as base:
        start = time.perf_counter()
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode(
                {"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f"}), timeout=30)
        assert err.value.code == 503 and b"memory limit" in err.value.read()
        assert time.perf_counter() - start < 5
        assert probe(base) < 1.0


def server_rss_mb(port: int) -> float:
    """The memory of the `spinekg serve` on ``port`` and all its descendants (workers), in MB (PSS, from /proc)."""
    from pathlib import Path

    parent: dict[int, int] = {}
    roots = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if f"--port\0{port}\0" in (d / "cmdline").read_text():
                roots.append(int(d.name))
        except OSError:
            continue
    tree, grew = set(roots), True
    while grew:
        more = {pid for pid, pp in parent.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0   # proportional set size: pages the forked workers share with the server counted once, not per worker
    for pid in tree:
        try:
            total += sum(int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                         if line.startswith("Pss:"))
        except (OSError, ValueError):
            continue
    return total / 1024


@pytest.mark.parametrize("runaways", [20, 200])
def test_runaways_are_cut_and_small_queries_answered(runaways: int) -> None:
    """20 and 200 concurrent runaway queries with --timeout 1: each cut (503) within 1.5 s; small queries sent
    meanwhile are answered; the server's memory (it and its workers) stays bounded throughout."""
    with spinekg_server(1.0, 50) as base:
        host, port = hostport(base)
        idle = server_rss_mb(port)
        peak = [idle]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak.append(server_rss_mb(port))
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        def one(query: str) -> tuple[int, float]:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            start = time.perf_counter()
            status = request(conn, "GET", query).status
            conn.close()
            return status, time.perf_counter() - start

        with ThreadPoolExecutor(runaways + 20) as pool:
            cutting = [pool.submit(one, RUNAWAY) for _ in range(runaways)]
            time.sleep(0.3)
            small = [pool.submit(one, SMALL) for _ in range(20)]
            cut = [f.result() for f in cutting]
            answered = [f.result() for f in small]
        done.set()
        sampler.join()
        print(f"\nrunaways cut after {max(t for _, t in cut):.2f} s at most; small queries meanwhile: "
              f"median {statistics.median(t for _, t in answered) * 1000:.0f} ms, max {max(t for _, t in answered):.2f} s; "
              f"server memory idle {idle:.0f} MB, peak {max(peak):.0f} MB")
        # workers are cut at the time limit and each capped at its memory limit: 200 runaways need no more than 20
        assert max(peak) < idle + 2048, (idle, max(peak))
        assert all(s == 503 and t < 1.5 for s, t in cut), cut
        assert all(s == 200 and t < 1.5 for s, t in answered), answered
        assert probe(base) < 1.0


def test_no_outbound_connection_even_past_the_check(endpoint: str) -> None:
    """The SERVICE the old text check missed (an IRI with '#' before it): refused by the parser-based guard (403),
    and the worker could not have opened a socket anyway."""
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(8)
    sink.settimeout(1.5)
    query = ("SELECT * WHERE { ?x a <http://www.w3.org/2002/07/owl#Ontology> "
             f"SERVICE <http://127.0.0.1:{sink.getsockname()[1]}/> {{ ?s ?p ?o }} }}")
    conn = http.client.HTTPConnection(*hostport(endpoint), timeout=30)
    status = request(conn, "GET", query).status
    conn.close()
    with pytest.raises(socket.timeout):
        sink.accept()
    sink.close()
    assert status == 403


def test_openapi_validates(endpoint: str) -> None:
    import json

    from openapi_spec_validator import validate

    with urllib.request.urlopen(endpoint + "/openapi.json", timeout=10) as resp:
        spec = json.loads(resp.read())
    validate(spec)
    assert {"/sparql", "/queries", "/openapi.json"} <= set(spec["paths"])
    assert {"get", "post", "options"} <= set(spec["paths"]["/sparql"])


def test_construct_formats_and_row_limit(endpoint: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(endpoint + "/sparql")   # the default Accept for CONSTRUCT: application/rdf+xml
    sw.setQuery("PREFIX skg: <https://w3id.org/spinekg/> CONSTRUCT { skg:Ependymoma ?p ?o } WHERE { skg:Ependymoma ?p ?o }")
    graph = sw.query().convert()
    assert len(graph) > 3
    for accept, media in [("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
                          ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
                          ("text/csv;q=0.5, application/n-triples;q=0.9, text/turtle;q=0.8", "application/n-triples")]:
        req = urllib.request.Request(endpoint + "/sparql?" + urllib.parse.urlencode(
            {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}), headers={"Accept": accept})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
            assert resp.headers["Content-Type"].startswith(media)
            assert resp.headers["X-Result-Truncated"] == "true; limit=50"
        if media == "application/n-triples":
            assert len(body.strip().splitlines()) == 50


def test_named_queries_and_methods(endpoint: str) -> None:
    import json

    with urllib.request.urlopen(endpoint + "/queries", timeout=10) as resp:
        names = json.loads(resp.read())
    assert "triage_rules" in names
    with urllib.request.urlopen(endpoint + "/queries/triage_rules", timeout=10) as resp:
        assert resp.read().decode() == names["triage_rules"]
    for method in ("PUT", "DELETE"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(endpoint + "/sparql", b"x", method=method), timeout=10)
        assert err.value.code == 405


def test_not_utf8_is_refused_not_altered(endpoint: str) -> None:
    for method, data, ctype in [("GET", None, ""), ("POST", b"query=SELECT%20%3Fx%20%7B%7D%FF", "application/x-www-form-urlencoded"),
                                ("POST", b"SELECT ?x {} #\xff", "application/sparql-query")]:
        url = endpoint + "/sparql" + ("?query=SELECT%20%3Fx%20%7B%7D%FF" if method == "GET" else "")
        req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype} if ctype else {}, method=method)
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 400 and b"UTF-8" in err.value.read()


def test_over_a_thousand_obfuscated_writes_loads_and_services_are_refused_and_nothing_connects(endpoint: str) -> None:
    """The guard's SERVICE and update forms (comments, '#' in IRIs and strings, escapes, case, subqueries,
    variables), each sent by two of GET, POST and POST form: every one 403, and the loopback sink they name sees
    no connection."""
    from .test_guard import Sink, service_forms, update_forms

    sink = Sink()
    try:
        forms = service_forms(sink.url) + update_forms(sink.url)
        methods = ("GET", "POST", "FORM")
        sends = [(methods[(n + k) % 3], q) for n, q in enumerate(forms) for k in (0, 1)]
        assert len(sends) >= 1000
        host, port = hostport(endpoint)

        def send(chunk: list[tuple[str, str]]) -> list[tuple[str, int, str]]:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            out = []
            for method, query in chunk:
                status = request(conn, method, query).status
                if status != 403:
                    out.append((method, status, query[:80]))
            conn.close()
            return out

        with ThreadPoolExecutor(8) as pool:
            wrong = [w for ws in pool.map(send, [sends[i::8] for i in range(8)]) for w in ws]
        time.sleep(0.5)
        assert not wrong, wrong[:5]
        assert sink.hits == []
    finally:
        sink.sock.close()
