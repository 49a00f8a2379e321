"""Load test of `spinekg serve`: mixed SPARQL queries from many concurrent clients on loopback.

    python benchmarks/serve_load.py                          # 10,000 queries from 50 clients, a server of its own
    python benchmarks/serve_load.py --queries 2000 --recycle 1   # the same with a fresh fork for every query
    python benchmarks/serve_load.py --url http://127.0.0.1:8000  # against a running endpoint

Each client keeps one HTTP/1.1 connection (reconnecting after an error) and sends its share of a fixed mix:
lookups, joins, aggregates, ASK, CONSTRUCT and DESCRIBE, the named queries, the four result formats, GET and
both POST forms, and queries that must be refused (400 malformed, 403 update). A request *fails* when it
gets no answer (a reset, a timeout) or an answer other than the one expected for its query. Then, with
``--slow N`` (default 100) connections held open -- half idle after connecting, half trickling a request
head a byte at a time -- probe queries are timed: their delay over the unloaded probe time is printed.

Prints throughput, latency p50/p95/p99, failures by kind and the peak memory (PSS) of the server's processes.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MIX: list[tuple[str, str, int]] = [   # (query, Accept, expected status)
    ("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }", "application/sparql-results+json", 200),
    ("SELECT ?t ?l WHERE { ?t skg:kind 'tumor' ; skg:mayCause skg:Myelopathy ; rdfs:label ?l } ORDER BY ?l",
     "application/sparql-results+json", 200),
    ("SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 10", "text/csv", 200),
    ("ASK { skg:Ependymoma rdfs:subClassOf* skg:SpinalTumor }", "application/sparql-results+xml", 200),
    ("CONSTRUCT { skg:Ependymoma ?p ?o } WHERE { skg:Ependymoma ?p ?o }", "text/turtle", 200),
    ("DESCRIBE skg:Astrocytoma", "application/rdf+xml", 200),
    ("SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 200", "text/tab-separated-values", 200),
    ("SELECT ?x ?y WHERE { ?x skg:mayCause ?y } LIMIT 100", "application/sparql-results+xml", 200),
    ("SELECT ?x WHERE { ?x ?p }", "application/sparql-results+json", 400),
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "application/sparql-results+json", 403),
]

BINDINGS = {
    "evidence_chain": "VALUES (?s ?p ?o) { (skg:Ependymoma skg:mayCause skg:Myelopathy) }",
    "tumors_causing_finding_in_region": "VALUES (?finding ?region) { (skg:Myelopathy skg:CervicalSpine) }",
}


def _mix() -> list[tuple[str, str, int]]:
    from spineKG.query import named_queries

    named = []
    for name, path in named_queries().items():   # each with the binding its comment gives as an example
        text = path.read_text()
        values = BINDINGS.get(name) or " ".join(f"VALUES ?{var} {{ {value} }}" for var, value in
                                                re.findall(r"bind \?(\w+), e\.g\. (skg:\w+)", text))
        text = re.sub(r"WHERE\s*\{", lambda m, values=values: m.group(0) + " " + values, text, count=1)
        named.append((text, "application/sparql-results+json", 200))
    return MIX + named


def _client(host: str, port: int, jobs: list[tuple[int, str, str, int]], timeout: float, out: list) -> None:
    conn: http.client.HTTPConnection | None = None
    for i, query, accept, expected in jobs:
        start = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            if i % 3 == 0:
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
            elif i % 3 == 1:
                conn.request("POST", "/sparql", body=query.encode(),
                             headers={"Accept": accept, "Content-Type": "application/sparql-query"})
            else:
                conn.request("POST", "/sparql", body=urllib.parse.urlencode({"query": query}).encode(),
                             headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            kind = "ok" if status == expected else f"status {status} (expected {expected})"
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except TimeoutError:
            kind = f"timeout at {timeout:g} s"
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            kind = type(exc).__name__
        if kind != "ok" and conn is not None:
            conn.close()
            conn = None
        out.append((time.perf_counter() - start, kind))


def _process(host: str, port: int, jobs: list, threads: int, timeout: float, queue) -> None:
    results: list = []
    lock_lists = [[] for _ in range(threads)]
    workers = [threading.Thread(target=_client, args=(host, port, jobs[t::threads], timeout, lock_lists[t]))
               for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for part in lock_lists:
        results.extend(part)
    queue.put(results)


def load(host: str, port: int, n: int, clients: int, timeout: float) -> dict:
    mix = _mix()
    jobs = [(i, *mix[i % len(mix)]) for i in range(n)]
    procs_n = min(clients, max(1, (os.cpu_count() or 2) * 2))
    per = [clients // procs_n + (1 if k < clients % procs_n else 0) for k in range(procs_n)]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    shares, at = [], 0
    slices = [jobs[c::clients] for c in range(clients)]   # one share per client
    for k in range(procs_n):
        mine = slices[at:at + per[k]]
        at += per[k]
        interleaved = [job for group in zip(*mine) for job in group] + \
                      [job for s in mine for job in s[min(map(len, mine)):]]
        shares.append((interleaved, per[k]))
    start = time.perf_counter()
    procs = [ctx.Process(target=_process, args=(host, port, share, threads, timeout, queue)) for share, threads in shares]
    for p in procs:
        p.start()
    results = []
    for _ in procs:
        results.extend(queue.get())
    for p in procs:
        p.join()
    wall = time.perf_counter() - start
    times = sorted(t for t, _ in results)
    fails: dict[str, int] = {}
    for _, kind in results:
        if kind != "ok":
            fails[kind] = fails.get(kind, 0) + 1
    q = statistics.quantiles(times, n=100)
    return {"queries": len(results), "clients": clients, "seconds": round(wall, 2),
            "throughput_qps": round(len(results) / wall, 1), "p50_ms": round(q[49] * 1000, 1),
            "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1), "max_ms": round(times[-1] * 1000, 1),
            "failures": sum(fails.values()), "failure_kinds": fails}


def probe(host: str, port: int, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": MIX[0][0]}))
    resp = conn.getresponse()
    resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"probe got {resp.status}")
    return time.perf_counter() - start


def slow_clients(host: str, port: int, n: int, probes: int = 10) -> dict:
    """Hold n connections open (half idle, half trickling a request head) and time probe queries."""
    base = statistics.median(probe(host, port) for _ in range(5))
    socks, stop = [], threading.Event()
    for _ in range(n):
        s = socket.create_connection((host, port))
        socks.append(s)

    def trickle() -> None:
        head = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000
        for i in range(len(head)):
            for s in socks[n // 2:]:
                try:
                    s.send(head[i:i + 1])
                except OSError:
                    pass
            if stop.wait(0.2):
                return

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    time.sleep(0.5)
    delays = []
    for _ in range(probes):
        try:
            delays.append(probe(host, port, timeout=10.0) - base)
        except Exception:
            delays.append(float("inf"))
        time.sleep(0.1)
    stop.set()
    for s in socks:
        s.close()
    return {"slow_connections": n, "probe_base_ms": round(base * 1000, 1),
            "probe_delay_max_ms": round(max(delays) * 1000, 1), "probe_delay_median_ms": round(statistics.median(delays) * 1000, 1)}


def pss_mb(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(p.memory_full_info().pss for p in [proc, *proc.children(recursive=True)]) / 2**20   # PSS: shared pages once
    except psutil.NoSuchProcess:
        return 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", help="a running endpoint's base URL (default: start `spinekg serve` on a free port)")
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=60.0, help="client-side seconds per request (default 60)")
    ap.add_argument("--slow", type=int, default=100, help="idle or trickling connections for the probe test (0: none)")
    ap.add_argument("--server-arg", action="append", default=[], help="an extra `spinekg serve` argument (repeatable)")
    ap.add_argument("--recycle", type=int, default=None, help="`spinekg serve --recycle N` (1: a fork per query)")
    args = ap.parse_args()
    proc = None
    if args.url:
        url = urllib.parse.urlsplit(args.url)
        host, port = url.hostname or "127.0.0.1", url.port or 80
    else:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            host, port = "127.0.0.1", s.getsockname()[1]
        extra = args.server_arg + (["--recycle", str(args.recycle)] if args.recycle is not None else [])
        proc = subprocess.Popen([sys.executable, "-m", "spineKG.cli", "serve", "--port", str(port), *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        deadline = time.time() + 60
        while True:
            try:
                probe(host, port, timeout=2)
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while proc is not None and not done.wait(0.5):
            peak[0] = max(peak[0], pss_mb(proc.pid))

    threading.Thread(target=watch, daemon=True).start()
    try:
        report = load(host, port, args.queries, args.clients, args.timeout)
        if args.slow:
            report |= slow_clients(host, port, args.slow)
        report["server_alive"] = proc is None or proc.poll() is None
        if proc is not None:
            report["server_pss_peak_mb"] = round(peak[0], 1)
    finally:
        done.set()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"{report['queries']:,} queries from {report['clients']} clients in {report['seconds']} s: "
          f"{report['throughput_qps']} q/s; p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, "
          f"p99 {report['p99_ms']} ms; failures {report['failures']} {report['failure_kinds'] or ''}")
    if args.slow:
        print(f"{args.slow} idle/trickling connections: probe delay max {report['probe_delay_max_ms']} ms "
              f"(median {report['probe_delay_median_ms']} ms, unloaded probe {report['probe_base_ms']} ms)")
    print(json.dumps(report))
    return 0 if report["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
