"""``spinekg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded store, for production use.

* ``GET /sparql?query=...`` and ``POST /sparql`` (``application/sparql-query``, or a form with ``query=``);
  ``/query`` is the same endpoint, and ``GET /?query=...`` too;
* SELECT and ASK results as JSON, XML, CSV or TSV by content negotiation (``Accept``, with q-values) or
  ``?format=json|xml|csv|tsv``; CONSTRUCT and DESCRIBE as Turtle, N-Triples, RDF/XML or JSON-LD
  (``?format=turtle|nt|rdfxml|jsonld``);
* CORS for browser clients (preflight included); ``GET /`` is a small page with a query box and the named
  queries, ``GET /queries`` and ``/queries/{name}`` the named queries themselves, ``GET /openapi.json`` an
  OpenAPI 3.1 description of the routes, ``GET /health`` the state of the worker pool;
* SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) and federated ``SERVICE`` are refused with 403 and the
  reason (:func:`check`); a malformed query gets 400 with the parser's message and position.

How it is built. The HTTP side is an ASGI application (Starlette) under uvicorn: one event loop serves many
clients at once; a connection that does not finish its request head within ``header_timeout`` seconds
(idle, or trickling bytes) is closed, an idle keep-alive connection after ``keep_alive`` seconds; request
heads are capped (``header_bytes``), bodies too (``body_bytes``: 413), and a malformed ``Content-Length``
is a 400. The server process never parses or evaluates a query itself. At start it forks a *zygote*: a
single-threaded process that loads the store once and warms it up; the zygote forks the *workers*, which
inherit the loaded store (copy-on-write), and hands each worker's socket to the server. A pool of ``workers``
(twice the CPUs) is kept ready; when queries wait and every worker has been on its query for 0.25 s
(long queries hold them all), one more is forked for each waiting query, up to ``max_workers``; such
extra workers leave when the queue is empty. (A pool of reused workers answered about 3 times as many
queries a second as a fresh fork for every query, ``recycle=1``: see benchmarks/README.md.) Each query is
checked (:func:`check`), evaluated and serialized in a worker, under

* a time limit: the worker arms ``SIGALRM`` with its default action, so the kernel ends it at the deadline
  even inside the engine; the server answers 503, and the zygote forks a replacement;
* a memory limit (``RLIMIT_AS``, ``memory`` MB above the worker's size at fork);
* a lower priority (nice 5), so that under load the HTTP side still answers, and cuts, at once;
* a file-descriptor limit: a worker can open no file or socket, so even a query that got past the check
  cannot fetch a URL or read a file;
* a row limit for SELECT, CONSTRUCT and DESCRIBE: the first ``limit`` rows (triples) and the header
  ``X-Result-Truncated: true; limit=N``.

A worker that crashes (a parser stack overflow, the memory limit) takes only itself down: the request gets
a 4xx or 5xx with what happened, and the zygote forks a replacement.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import html
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import QueryRefusedError, SparqlError
from .query import named_queries
from .store import EmbeddedStore, check_syntax

FORMATS = {   # name -> media type of SELECT / ASK results
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {   # name -> media type of CONSTRUCT / DESCRIBE results
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
ALIASES = {   # other media types clients send (SPARQLWrapper, browsers), and what they get
    "rows": {"application/json": "json", "application/xml": "xml", "text/xml": "xml", "text/javascript": "json",
             "application/javascript": "json", "text/plain": "tsv"},
    "graph": {"application/turtle": "turtle", "application/x-turtle": "turtle", "text/n3": "turtle",
              "text/rdf+n3": "turtle", "application/n3": "turtle", "text/plain": "nt", "application/xml": "rdfxml",
              "text/xml": "rdfxml", "application/x-json+ld": "jsonld", "application/json": "jsonld"},
}

class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


# the HTTP status of each reason the guard refuses a query for (spineKG.store.guard)
REFUSAL_STATUS = {"update": 403, "service": 403, "too-large": 413, "too-deep": 400, "too-complex": 400, "unchecked": 400}


def check(query: str) -> None:
    """Refuse what a read-only endpoint must not run (updates, SERVICE, queries past the guard's bounds: decided
    from the parsed query by :func:`spineKG.store.guard.guard`), and malformed queries (with the parser's position)."""
    try:
        check_syntax(query)   # the guard first, then Oxigraph's parser without evaluating
    except QueryRefusedError as err:
        raise Refused(REFUSAL_STATUS.get(err.reason, 400), err.message) from None
    except SparqlError as err:
        where = f" (line {err.line}, column {err.column})" if err.line is not None else ""
        raise Refused(400, f"malformed query{where}: {err.message}") from None


def negotiate(accept: str, fmt: str | None, kind: str) -> str:
    """The result format: ``?format=`` if given (406 if unknown), else the most preferred media type of
    ``Accept`` that the endpoint writes (q-values honoured), else JSON (rows) or Turtle (graphs)."""
    table = GRAPH_FORMATS if kind == "graph" else FORMATS
    if fmt:
        fmt = fmt.lower()
        if fmt in table:
            return fmt
        if fmt in ("ttl", "n-triples", "ntriples", "rdf", "xml", "json", "json-ld") and kind == "graph":
            return {"ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "rdf": "rdfxml", "xml": "rdfxml",
                    "json": "jsonld", "json-ld": "jsonld"}[fmt]
        if fmt in GRAPH_FORMATS or fmt in FORMATS:   # a format of the other kind of result: the default
            return "turtle" if kind == "graph" else "json"
        raise Refused(406, f"unknown format {fmt!r}; use one of {', '.join(table)}")
    by_media = {media: name for name, media in table.items()} | ALIASES[kind]
    best, best_q = None, 0.0
    for part in (accept or "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        name = by_media.get(media.lower())
        if name is not None and q > best_q:
            best, best_q = name, q
    return best or ("turtle" if kind == "graph" else "json")


# ------------------------------------------------------------------ result writers (in the worker)

def _json_term(t: Any) -> dict[str, Any]:
    import pyoxigraph

    if isinstance(t, pyoxigraph.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, pyoxigraph.Literal):
        out: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _xml_term(t: Any) -> str:
    import pyoxigraph

    esc = html.escape
    if isinstance(t, pyoxigraph.NamedNode):
        return f"<uri>{esc(t.value)}</uri>"
    if isinstance(t, pyoxigraph.BlankNode):
        return f"<bnode>{esc(t.value)}</bnode>"
    if isinstance(t, pyoxigraph.Literal):
        if t.language:
            return f'<literal xml:lang="{esc(t.language)}">{esc(t.value)}</literal>'
        if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f'<literal datatype="{esc(t.datatype.value)}">{esc(t.value)}</literal>'
        return f"<literal>{esc(t.value)}</literal>"
    return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
            f"<object>{_xml_term(t.object)}</object></triple>")


def _csv_field(t: Any) -> str:
    import pyoxigraph

    if t is None:
        return ""
    text = ("_:" + t.value) if isinstance(t, pyoxigraph.BlankNode) else (t.value if hasattr(t, "value") else str(t))
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def write_rows(names: list[str], rows: list[list[Any]], name: str) -> bytes:
    """SELECT results in the SPARQL 1.1 JSON, XML, CSV or TSV format (written here, so that a cut result
    is written the same way as a whole one)."""
    if name == "json":
        bindings = [{v: _json_term(t) for v, t in zip(names, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if name == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f'<variable name="{html.escape(v)}"/>' for v in names]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>" + "".join(f'<binding name="{html.escape(v)}">{_xml_term(t)}</binding>'
                                            for v, t in zip(names, row) if t is not None) + "</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if name == "csv":
        lines = [",".join(names)] + [",".join(_csv_field(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    lines = ["\t".join(f"?{v}" for v in names)] + ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()   # TSV: terms in N-Triples syntax


def run_query(store: EmbeddedStore, query: str, accept: str, fmt: str | None, limit: int) -> tuple[str, bytes, bool]:
    """Check, evaluate and serialize (in the worker). Returns media type, body and whether rows were cut."""
    import pyoxigraph

    from .store.base import parse_error, with_prefixes
    from .vocab import PREFIXES

    check(query)
    try:
        result = store._ox.query(with_prefixes(query))   # the Oxigraph store itself: no rdflib on this path
    except SyntaxError as exc:
        raise parse_error(exc, query) from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        name = negotiate(accept, fmt, "rows")
        media = FORMATS[name]
        answer = {"json": pyoxigraph.QueryResultsFormat.JSON, "xml": pyoxigraph.QueryResultsFormat.XML,
                  "csv": pyoxigraph.QueryResultsFormat.CSV, "tsv": pyoxigraph.QueryResultsFormat.TSV}[name]
        return media, result.serialize(format=answer) or b"", False
    if isinstance(result, pyoxigraph.QueryTriples):
        name = negotiate(accept, fmt, "graph")
        triples, cut = [], False
        for n, triple in enumerate(result):
            if n >= limit:
                cut = True
                break
            triples.append(triple)
        syntax = {"turtle": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
                  "rdfxml": pyoxigraph.RdfFormat.RDF_XML, "jsonld": pyoxigraph.RdfFormat.JSON_LD}[name]
        prefixes = PREFIXES if name in ("turtle", "rdfxml") else None
        body = pyoxigraph.serialize(triples, format=syntax, prefixes=prefixes) or b""
        return GRAPH_FORMATS[name], body, cut
    name = negotiate(accept, fmt, "rows")
    names = [v.value for v in result.variables]
    width, rows, cut = len(names), [], False
    for n, solution in enumerate(result):
        if n >= limit:
            cut = True
            break
        rows.append([solution[i] for i in range(width)])
    return FORMATS[name], write_rows(names, rows, name), cut


# ------------------------------------------------------------------ the zygote and its workers

@dataclass(frozen=True)
class Settings:
    """The endpoint's limits. ``recycle``: queries a worker answers before it is replaced (0: no limit; 1:
    a fresh fork for every query)."""

    timeout: float = 10.0
    limit: int = 10_000
    memory: int = 1024              # MB a worker may allocate above its size at fork
    workers: int = 0                # workers kept ready (0: twice the number of CPUs, at least 2)
    max_workers: int = 32           # workers at most (queries beyond wait, within their time limit)
    recycle: int = 0
    body_bytes: int = 1 << 20       # largest request body (413 above)
    header_bytes: int = 64 << 10    # largest request head, URL included
    header_timeout: float = 10.0    # seconds a client has to send its request head (and its body)
    keep_alive: int = 5             # seconds an idle keep-alive connection is kept

    @property
    def start_workers(self) -> int:
        return min(self.max_workers, self.workers or max(2, 2 * (os.cpu_count() or 1)))


_FRAME = struct.Struct("!II")
GROW_AFTER = 0.25   # seconds every worker has spent on its query before another is forked for a waiting one


def _send_frame(sock: socket.socket, head: dict[str, Any], body: bytes = b"") -> None:
    meta = json.dumps(head).encode()
    sock.sendall(_FRAME.pack(len(meta), len(body)) + meta + body)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _no_new_files() -> None:
    """Let this process open no file or socket: fill the gaps below its highest open descriptor, then set
    RLIMIT_NOFILE just above it (a new descriptor must be the lowest free number, and none is left below)."""
    def is_open(fd: int) -> bool:
        try:
            os.fstat(fd)
            return True
        except OSError:
            return False

    top = max(fd for fd in (int(name) for name in os.listdir("/proc/self/fd")) if is_open(fd))
    for fd in range(top):
        if not is_open(fd):
            filler = os.open(os.devnull, os.O_RDONLY)
            if filler != fd:
                os.dup2(filler, fd)
                os.close(filler)
    resource.setrlimit(resource.RLIMIT_NOFILE, (top + 1, top + 1))


def _worker_main(sock: socket.socket, store: EmbeddedStore, settings: Settings) -> None:
    """A worker's life: answer requests from the server until it closes the socket (or recycling)."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)   # the time limit: the kernel ends the process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(5)   # under load the HTTP side (answers, cuts, probes) comes before query evaluation
    with open("/proc/self/statm") as fh:
        size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    budget = size + settings.memory * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    _no_new_files()
    answered = 0
    while True:
        raw = _recv_exact(sock, _FRAME.size)
        if raw is None:
            return
        n_meta, n_body = _FRAME.unpack(raw)
        meta, body = _recv_exact(sock, n_meta), _recv_exact(sock, n_body)
        if meta is None or body is None:
            return
        req = json.loads(meta)
        signal.setitimer(signal.ITIMER_REAL, max(float(req["timeout"]), 0.001))
        try:
            media, out, cut = run_query(store, body.decode(), req["accept"], req["format"], settings.limit)
            head: dict[str, Any] = {"status": 200, "media": media, "cut": cut}
        except Refused as exc:
            head, out = {"status": exc.status, "error": exc.message}, b""
        except SparqlError as exc:
            where = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
            head, out = {"status": 400, "error": f"malformed query{where}: {exc.message}"}, b""
        except MemoryError:
            head, out = {"status": 503, "error": f"the query needed more than the {settings.memory:,} MB memory limit"}, b""
        except OSError as exc:
            if exc.errno == 24 or "os error 24" in str(exc):   # the descriptor limit: an outbound call was tried
                head, out = {"status": 403, "error": "the query tried to open a connection or file, which this "
                                                     "endpoint does not do (SERVICE, LOAD)"}, b""
            else:
                head, out = {"status": 500, "error": f"{type(exc).__name__}: {exc}"}, b""
        except Exception as exc:   # an engine error: reported, not a crash of anything
            head, out = {"status": 500, "error": f"{type(exc).__name__}: {exc}"}, b""
        signal.setitimer(signal.ITIMER_REAL, 0)
        _send_frame(sock, head, out)
        answered += 1
        if settings.recycle and answered >= settings.recycle:
            return


def _warm_up(store: EmbeddedStore) -> None:
    """Run each kind of query and writer once, so that forked workers find everything imported and built."""
    small = "SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 3"
    for name in FORMATS:
        run_query(store, small, "", name, 2)
        run_query(store, "ASK { ?s ?p ?o }", "", name, 2)
    for name in GRAPH_FORMATS:
        run_query(store, "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 3", "", name, 2)
    for bad in ("SELECT ?x WHERE { ?x ?p }", "INSERT DATA { <a:b> <a:b> <a:b> }"):
        try:
            run_query(store, bad, "", None, 2)
        except (Refused, SparqlError):
            pass


def _zygote_main(ctl: socket.socket, data: Sequence[str | Path], settings: Settings) -> None:
    """The zygote: load the store once, then fork workers on request, and report their exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C stops the server, which closes ctl
    try:
        store = EmbeddedStore()
        for path in data:
            store.load(path, progress=sys.stderr.isatty())
        _warm_up(store)
    except Exception as exc:   # a bad data file: the server reports it and exits
        ctl.send(json.dumps({"error": str(exc)}).encode())
        return
    ctl.send(b'{"ready": true}')
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    while True:
        ready, _, _ = select.select([ctl.fileno(), wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
            ctl.send(json.dumps({"exit": pid, "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0}).encode())
        if ctl.fileno() in ready:
            msg = ctl.recv(64)
            if not msg:   # the server is gone: so are its workers
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
                return
            theirs, mine = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for fd in (wake_r, wake_w):
                    os.close(fd)
                ctl.close()
                theirs.close()
                try:
                    _worker_main(mine, store, settings)
                finally:
                    os._exit(0)
            children.add(pid)
            mine.close()
            socket.send_fds(ctl, [json.dumps({"worker": pid}).encode()], [theirs.fileno()])
            theirs.close()


class Worker:
    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid, self.sock, self.answered, self.busy_since = pid, sock, 0, 0.0
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def call(self, head: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_unix_connection(sock=self.sock)
        reader, writer = self.streams
        meta = json.dumps(head).encode()
        writer.write(_FRAME.pack(len(meta), len(body)) + meta + body)
        await writer.drain()
        n_meta, n_body = _FRAME.unpack(await reader.readexactly(_FRAME.size))
        return json.loads(await reader.readexactly(n_meta)), await reader.readexactly(n_body)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        else:
            self.sock.close()


class Pool:
    """The server's side of the workers: idle ones, requests waiting for one, and the zygote's reports."""

    def __init__(self, ctl: socket.socket, settings: Settings) -> None:
        self.ctl, self.settings = ctl, settings
        self.idle: collections.deque[Worker] = collections.deque()
        self.waiting: collections.deque[asyncio.Future[Worker]] = collections.deque()
        self.live = self.pending = 0
        self.exits: collections.OrderedDict[int, int] = collections.OrderedDict()
        self.exit_waiters: dict[int, asyncio.Future[int]] = {}
        self.served = self.replaced = 0
        self.busy: set[Worker] = set()

    def start(self) -> None:
        self.ctl.setblocking(False)
        asyncio.get_running_loop().add_reader(self.ctl.fileno(), self._on_zygote)
        for _ in range(self.settings.start_workers):
            self._spawn()

    def _spawn(self) -> None:
        self.pending += 1
        self.ctl.send(b"spawn")

    def _on_zygote(self) -> None:
        while True:
            try:
                msg, fds, _, _ = socket.recv_fds(self.ctl, 4096, 1)
            except (BlockingIOError, InterruptedError):
                return
            if not msg:
                asyncio.get_running_loop().remove_reader(self.ctl.fileno())
                sys.stderr.write("spinekg serve: the worker zygote has gone; stopping\n")
                os.kill(os.getpid(), signal.SIGTERM)
                return
            event = json.loads(msg)
            if "worker" in event:
                self.pending -= 1
                self.live += 1
                self._offer(Worker(event["worker"], socket.socket(fileno=fds[0])))
            elif "exit" in event:
                pid, sig = event["exit"], event["signal"]
                waiter = self.exit_waiters.pop(pid, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(sig)
                else:
                    self.exits[pid] = sig
                    while len(self.exits) > 1000:
                        self.exits.popitem(last=False)

    def _offer(self, worker: Worker) -> None:
        while self.waiting:
            fut = self.waiting.popleft()
            if not fut.done():
                fut.set_result(self._busy(worker))
                return
        self.idle.append(worker)

    async def acquire(self, deadline: float) -> Worker:
        if self.idle:
            return self._busy(self.idle.popleft())
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Worker] = loop.create_future()
        self.waiting.append(fut)
        if self.live + self.pending < self.settings.start_workers:
            self._spawn()
        else:   # all busy: more workers only if they stay busy (long queries hold them all)
            self._grow(fut)
        try:
            return await asyncio.wait_for(fut, max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise Refused(503, f"the query was stopped after the {self.settings.timeout:g} s time limit "
                               f"(it waited for a free worker)") from None

    def _busy(self, worker: Worker) -> Worker:
        worker.busy_since = time.monotonic()
        self.busy.add(worker)
        return worker

    def _grow(self, fut: asyncio.Future[Worker]) -> None:
        """Fork one more worker for a waiting request if every worker has been on its query for GROW_AFTER
        s: the pool is held by long queries, not merely busy (more workers than CPUs slow a busy pool)."""
        if fut.done():
            return
        now = time.monotonic()
        stalled = len(self.busy) >= self.live and all(now - w.busy_since >= GROW_AFTER for w in self.busy)
        if stalled and self.live + self.pending < self.settings.max_workers:
            self._spawn()
        else:
            asyncio.get_running_loop().call_later(GROW_AFTER / 2, self._grow, fut)

    def release(self, worker: Worker) -> None:
        self.busy.discard(worker)
        worker.answered += 1
        self.served += 1
        if self.settings.recycle and worker.answered >= self.settings.recycle:
            self.discard(worker, kill=False)   # it exits by itself
        elif self.live > self.settings.start_workers and not self.waiting:
            self.discard(worker, kill=False)   # an extra worker, no longer needed: it exits when closed
        else:
            self._offer(worker)

    def discard(self, worker: Worker, kill: bool = True) -> None:
        self.busy.discard(worker)
        if kill and worker.pid not in self.exits:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.close()
        self.live -= 1
        self.replaced += 1
        if self.live + self.pending < self.settings.start_workers:
            self._spawn()

    async def exit_signal(self, pid: int, wait: float = 2.0) -> int | None:
        if pid in self.exits:
            return self.exits.pop(pid)
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.exit_waiters[pid] = fut
        try:
            return await asyncio.wait_for(fut, wait)
        except TimeoutError:
            self.exit_waiters.pop(pid, None)
            return None


class Endpoint:
    """The endpoint's state: its limits and its pool of workers (the store lives in the workers)."""

    def __init__(self, settings: Settings, ctl: socket.socket) -> None:
        self.settings = settings
        self.pool = Pool(ctl, settings)

    async def answer(self, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes, dict[str, str]]:
        settings = self.settings
        deadline = time.monotonic() + settings.timeout
        worker = await self.pool.acquire(deadline)
        ok = False
        try:
            left = deadline - time.monotonic()
            try:
                head, body = await asyncio.wait_for(
                    worker.call({"timeout": left, "accept": accept, "format": fmt}, query.encode()), left + 0.02)
                ok = True
            except TimeoutError:
                raise Refused(503, f"the query was stopped after the {settings.timeout:g} s time limit") from None
            except (asyncio.IncompleteReadError, ConnectionError, OSError):
                late = time.monotonic() >= deadline - 0.05
                sig = None if late else await self.pool.exit_signal(worker.pid)
                if late or sig in (signal.SIGALRM, signal.SIGKILL):
                    raise Refused(503, f"the query was stopped after the {settings.timeout:g} s time limit") from None
                if sig == signal.SIGSEGV:   # the parser's or the engine's stack overflowed
                    raise Refused(400, "the query is nested too deeply: it overflowed the stack of the worker "
                                       "evaluating it (SIGSEGV); the endpoint is unaffected") from None
                if sig == signal.SIGABRT:   # an allocation over RLIMIT_AS aborts the engine
                    raise Refused(503, f"the query needed more than the {settings.memory:,} MB memory limit: "
                                       "its worker was stopped (SIGABRT); the endpoint is unaffected") from None
                name = signal.Signals(sig).name if sig else "an unexpected exit"
                raise Refused(500, f"the worker evaluating the query crashed ({name}); the endpoint is unaffected") from None
        finally:
            if ok:
                self.pool.release(worker)
            else:
                self.pool.discard(worker)
        if head["status"] != 200:
            raise Refused(head["status"], head["error"])
        headers = {"X-Result-Truncated": f"true; limit={settings.limit}"} if head["cut"] else {}
        return 200, head["media"], body, headers


def start_zygote(settings: Settings, data: Sequence[str | Path] = ()) -> tuple[int, socket.socket]:
    """Fork the zygote (before any thread is started) and wait until it has loaded the store.
    Returns its pid and the server's end of its control socket. Raises SpineKGError if loading failed."""
    from .errors import SpineKGError

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        ours.close()
        try:
            _zygote_main(theirs, data, settings)
        finally:
            os._exit(0)
    theirs.close()
    msg = ours.recv(65536)
    if not msg or "error" in (event := json.loads(msg)):
        os.waitpid(pid, 0)
        raise SpineKGError(event["error"] if msg else "the worker zygote failed to start")
    return pid, ours


# ------------------------------------------------------------------ the HTTP side

def page() -> str:
    options = "".join(f'<option value="{html.escape(p.read_text())}">{html.escape(name)}</option>'
                      for name, p in named_queries().items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>spineKG SPARQL endpoint</title></head>
<body style="font-family:sans-serif;max-width:60em;margin:2em auto">
<h1>spineKG SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over the spineKG knowledge graph. Prefixes <code>skg:</code>, <code>rdfs:</code>, <code>owl:</code>,
<code>dcterms:</code>, <code>obo:</code>, <code>oio:</code> are bound. Endpoint: <code>/sparql</code>;
routes described in <a href="/openapi.json">/openapi.json</a>.</p>
<form action="/sparql" method="get">
<label>Named queries: <select onchange="document.getElementById('q').value=this.value">
<option value="">(choose)</option>{options}</select></label><br>
<textarea id="q" name="query" rows="12" cols="100">SELECT ?tumor WHERE {{
  ?t skg:mayCause skg:Myelopathy ; skg:kind "tumor" ; rdfs:label ?tumor }}</textarea><br>
<label>Format: <select name="format"><option>json</option><option>xml</option><option>csv</option><option>tsv</option></select></label>
<button type="submit">Run</button></form></body></html>"""


def openapi(settings: Settings) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the routes."""

    def text(d: str) -> dict[str, Any]:
        return {"description": d, "content": {"text/plain": {"schema": {"type": "string"}}}}

    results = {m: {"schema": {"type": "string"}} for m in (*FORMATS.values(), *GRAPH_FORMATS.values())}
    params = [
        {"name": "query", "in": "query", "required": True, "schema": {"type": "string"},
         "description": "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE)"},
        {"name": "format", "in": "query", "required": False,
         "schema": {"type": "string", "enum": [*FORMATS, *GRAPH_FORMATS]},
         "description": "the result format, instead of content negotiation"},
    ]
    answers = {
        "200": {"description": "the results; the header X-Result-Truncated says when the row limit cut them",
                "headers": {"X-Result-Truncated": {"schema": {"type": "string"},
                                                   "description": f"true; limit=N (N = {settings.limit})"}},
                "content": results},
        "400": text("a malformed query (the parser's message with line and column), or a bad request"),
        "403": text("SPARQL Update, LOAD or SERVICE: refused"),
        "406": text("an unknown format"),
        "413": text(f"a request body over {settings.body_bytes:,} bytes"),
        "503": text(f"the query ran past the {settings.timeout:g} s time limit"),
    }
    form = {"type": "object", "required": ["query"], "properties": {"query": {"type": "string"},
                                                                     "format": {"type": "string"}}}
    sparql: dict[str, dict[str, Any]] = {
        "get": {"summary": "run a query (SPARQL 1.1 Protocol, query via GET)", "operationId": "queryGet",
                "parameters": params, "responses": answers},
        "post": {"summary": "run a query (SPARQL 1.1 Protocol, query via POST)", "operationId": "queryPost",
                 "requestBody": {"required": True, "content": {
                     "application/sparql-query": {"schema": {"type": "string"}},
                     "application/x-www-form-urlencoded": {"schema": form}}},
                 "responses": answers},
        "options": {"summary": "CORS preflight", "operationId": "preflight",
                    "responses": {"204": {"description": "the methods and headers allowed"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "spineKG SPARQL endpoint", "version": _version(),
                 "description": "A read-only SPARQL 1.1 Protocol endpoint over the spineKG knowledge graph."},
        "paths": {
            "/sparql": sparql,
            "/query": {k: {**v, "operationId": v["operationId"] + "Alias"} for k, v in sparql.items()},
            "/": {"get": {"summary": "the query page (with ?query=, the same as GET /sparql)", "operationId": "page",
                          "responses": {"200": {"description": "an HTML page",
                                                "content": {"text/html": {"schema": {"type": "string"}}}}}}},
            "/queries": {"get": {"summary": "the named queries", "operationId": "namedQueries",
                                 "responses": {"200": {"description": "name -> SPARQL text", "content": {
                                     "application/json": {"schema": {"type": "object", "additionalProperties":
                                                                     {"type": "string"}}}}}}}},
            "/queries/{name}": {"get": {
                "summary": "one named query's text", "operationId": "namedQuery",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the query",
                                      "content": {"application/sparql-query": {"schema": {"type": "string"}}}},
                              "404": text("no such named query")}}},
            "/health": {"get": {"summary": "the worker pool", "operationId": "health",
                                "responses": {"200": {"description": "live, idle and pending workers", "content": {
                                    "application/json": {"schema": {"type": "object"}}}}}}},
            "/openapi.json": {"get": {"summary": "this description", "operationId": "openapi",
                                      "responses": {"200": {"description": "OpenAPI 3.1", "content": {
                                          "application/json": {"schema": {"type": "object"}}}}}}},
        },
    }


def _version() -> str:
    from . import __version__

    return str(__version__)


CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Result-Truncated"}


class _TooLarge(Exception):
    pass


def make_app(endpoint: Endpoint) -> Any:
    """The ASGI application (Starlette) over an endpoint."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    settings = endpoint.settings

    def reply(status: int, media: str, body: bytes, headers: dict[str, str] | None = None) -> Response:
        media += "; charset=utf-8" if media.startswith("text/") else ""
        return Response(body, status_code=status, media_type=media, headers={**CORS, **(headers or {})})

    def error(status: int, message: str) -> Response:
        return reply(status, "text/plain", (message + "\n").encode())

    def params_of(raw: str) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(raw, errors="strict")

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.body_bytes:
            raise _TooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.body_bytes:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def run(request: Request, params: dict[str, list[str]]) -> Response:
        if "update" in params:
            return error(403, "this endpoint is read-only: SPARQL Update is refused")
        if "query" not in params or not params["query"][0].strip():
            return error(400, "no query: give ?query=... (or POST application/sparql-query)")
        fmt = params["format"][0] if params.get("format") else None
        try:
            status, media, body, headers = await endpoint.answer(params["query"][0], request.headers.get("accept", ""), fmt)
        except Refused as exc:
            return error(exc.status, exc.message)
        return reply(status, media, body, headers)

    async def sparql_get(request: Request) -> Response:
        try:
            params = params_of(request.scope["query_string"].decode("latin-1"))
        except UnicodeDecodeError:
            return error(400, "the query string is not UTF-8")
        if request.url.path in ("/", "/index.html") and "query" not in params:
            return reply(200, "text/html", page().encode())
        return await run(request, params)

    async def sparql_post(request: Request) -> Response:
        try:
            params = params_of(request.scope["query_string"].decode("latin-1"))
            body = (await asyncio.wait_for(read_body(request), settings.header_timeout)).decode("utf-8")
        except _TooLarge:
            return error(413, f"the request body is over the {settings.body_bytes:,}-byte limit")
        except TimeoutError:
            return error(408, f"the request body did not arrive within {settings.header_timeout:g} s")
        except UnicodeDecodeError:
            return error(400, "the request is not UTF-8")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.url.path == "/update" or ctype == "application/sparql-update":
            return error(403, "this endpoint is read-only: SPARQL Update is refused")
        if ctype == "application/sparql-query":
            params["query"] = [body]
        else:   # a form (application/x-www-form-urlencoded), or read as one whatever the type says
            try:
                form = params_of(body)
            except UnicodeDecodeError:
                return error(400, "the form is not UTF-8")
            if ctype not in ("application/x-www-form-urlencoded", "") and "query" not in form and "query" not in params:
                return error(415, f"unsupported Content-Type {ctype!r}: use application/sparql-query or a form "
                                  "(application/x-www-form-urlencoded)")
            params.update(form)
        return await run(request, params)

    async def preflight(request: Request) -> Response:
        return Response(status_code=204, headers={
            "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "86400"})

    async def queries(request: Request) -> Response:
        return JSONResponse({n: p.read_text() for n, p in named_queries().items()}, headers=CORS)

    async def one_query(request: Request) -> Response:
        found = named_queries().get(request.path_params["name"])
        if found is None:
            return error(404, f"no named query {request.path_params['name']!r}; GET /queries lists them")
        return reply(200, "application/sparql-query", found.read_bytes())

    async def health(request: Request) -> Response:
        pool = endpoint.pool
        return JSONResponse({"live": pool.live, "idle": len(pool.idle), "pending": pool.pending,
                             "waiting": len(pool.waiting), "served": pool.served, "replaced": pool.replaced},
                            headers=CORS)

    spec = openapi(settings)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(spec, headers=CORS)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error(404, "not found: the endpoint is /sparql")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return error(405, "method not allowed: use GET or POST (read-only endpoint)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        endpoint.pool.start()
        yield

    routes = [Route(path, sparql_get, methods=["GET"]) for path in ("/sparql", "/query", "/", "/index.html")]
    routes += [Route(path, sparql_post, methods=["POST"]) for path in ("/sparql", "/query", "/update", "/")]
    routes += [Route(path, preflight, methods=["OPTIONS"]) for path in ("/sparql", "/query", "/", "/update")]
    routes += [Route("/queries", queries, methods=["GET"]), Route("/queries/{name}", one_query, methods=["GET"]),
               Route("/health", health, methods=["GET"]), Route("/openapi.json", openapi_json, methods=["GET"])]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_allowed})

    async def canonical_headers(scope: Any, receive: Any, send: Any) -> None:
        """Header names as most servers write them (Content-Type, not content-type): HTTP does not care,
        some clients do."""
        async def send_canonical(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [(b"-".join(w.capitalize() for w in k.split(b"-")), v)
                                      for k, v in message.get("headers", [])]
            await send(message)

        await app(scope, receive, send_canonical if scope["type"] == "http" else send)

    return canonical_headers


def _protocol(settings: Settings) -> type:
    """uvicorn's h11 protocol with a deadline for the request head: an idle or trickling client is closed
    after ``header_timeout`` s (uvicorn itself times out only idle keep-alive connections)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:   # the client now has header_timeout s to send a whole request head
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._head_timer = self.loop.call_later(settings.header_timeout, self._head_timeout)

        def _head_timeout(self) -> None:
            self._head_timer = None
            if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            self._arm()
            super().on_response_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None
            super().connection_lost(exc)

    return Protocol


def serve(host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, limit: int = 10_000,
          data: Sequence[str | Path] = (), **options: Any) -> None:
    """Serve the release, and any RDF data files added to it, until interrupted. ``options`` are the other
    fields of :class:`Settings` (memory, workers, max_workers, recycle, body_bytes, ...)."""
    import uvicorn

    settings = Settings(timeout=timeout, limit=limit, **options)
    zygote, ctl = start_zygote(settings, data)
    try:
        endpoint = Endpoint(settings, ctl)
        config = uvicorn.Config(make_app(endpoint), host=host, port=port, http=_protocol(settings), lifespan="on",
                                timeout_keep_alive=settings.keep_alive, h11_max_incomplete_event_size=settings.header_bytes,
                                limit_concurrency=4096, backlog=4096, access_log=False, log_level="warning",
                                server_header=False)
        server = uvicorn.Server(config)
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        print(f"spineKG SPARQL endpoint on http://{host}:{listener.getsockname()[1]}/sparql (timeout {timeout:g} s, "
              f"limit {limit:,} rows, {settings.start_workers}-{settings.max_workers} workers); Ctrl-C stops it", flush=True)

        async def main() -> None:
            await server.serve(sockets=[listener])

        try:
            asyncio.run(main())
        except KeyboardInterrupt:
            pass
    finally:
        ctl.close()   # the zygote sees it, kills its workers and exits
        try:
            os.waitpid(zygote, 0)
        except ChildProcessError:
            pass
