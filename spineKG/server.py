"""``spinekg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded store.

* ``GET /sparql?query=...`` and ``POST /sparql`` (``application/sparql-query`` or a form with ``query=``);
* results as JSON, XML, CSV or TSV by content negotiation (``Accept``) or ``?format=json|xml|csv|tsv``;
  CONSTRUCT and DESCRIBE as Turtle or N-Triples;
* CORS for browser clients; ``GET /`` is a small page with a query box and the named queries;
* SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) and federated ``SERVICE`` are refused with 403 and
  the reason; a malformed query gets 400 with the parser's message and position;
* every query runs in a forked worker with a time limit (503 when exceeded) and a limit on the number
  of result rows (the response says when it was cut).

The server uses only the standard library and the project's store.
"""
from __future__ import annotations

import html
import json
import os
import re
import select
import signal
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Sequence

from .errors import SparqlError
from .query import named_queries
from .store import EmbeddedStore, check_syntax

FORMATS = {   # name -> (media type, rdflib result serializer)
    "json": ("application/sparql-results+json", "json"),
    "xml": ("application/sparql-results+xml", "xml"),
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", ""),
}
GRAPH_FORMATS = {"turtle": ("text/turtle", "turtle"), "nt": ("application/n-triples", "nt")}
UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _strip_literals(text: str) -> str:
    text = re.sub(r"#[^\n]*", " ", text)
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text)
    return re.sub(r"<[^<>\s]*>", "<>", text)


def check(query: str) -> None:
    """Refuse what a read-only endpoint must not run, and malformed queries (with the parser's position)."""
    bare = _strip_literals(query)
    if UPDATE.match(bare):
        raise Refused(403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused")
    if re.search(r"\bSERVICE\b", bare, re.IGNORECASE):
        raise Refused(403, "federated queries are refused: this endpoint does not reach out to other services (SERVICE)")
    try:
        check_syntax(query)
    except SparqlError as err:
        where = f" (line {err.line}, column {err.column})" if err.line is not None else ""
        raise Refused(400, f"malformed query{where}: {err.message}") from None


def negotiate(accept: str, fmt: str | None, kind: str) -> str:
    table = GRAPH_FORMATS if kind == "graph" else FORMATS
    if fmt:
        if fmt not in table:
            raise Refused(406, f"unknown format {fmt!r}; use one of {', '.join(table)}")
        return fmt
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip()
        for name, (mt, _) in table.items():
            if media == mt or (media == "application/json" and name == "json") or (media == "application/xml" and name == "xml"):
                return name
    return "turtle" if kind == "graph" else "json"


def run_query(store: EmbeddedStore, query: str, accept: str, fmt: str | None, limit: int) -> tuple[str, bytes, bool]:
    """Evaluate and serialize (in the worker). Returns media type, body and whether rows were cut."""
    result = store.query(query)
    kind = "graph" if result.type in ("CONSTRUCT", "DESCRIBE") else "rows"
    name = negotiate(accept, fmt, kind)
    if kind == "graph":
        media, rdflib_name = GRAPH_FORMATS[name]
        return media, result.graph.serialize(format=rdflib_name, encoding="utf-8"), False
    media, rdflib_name = FORMATS[name]
    truncated = False
    if result.type == "SELECT":
        rows = []
        for n, row in enumerate(result.bindings):
            if n >= limit:
                truncated = True
                break
            rows.append(row)
        result.bindings = rows
    if name == "tsv":   # SPARQL 1.1 TSV: terms in N-Triples syntax (rdflib has no TSV writer)
        names = [str(v) for v in result.vars or ()]
        lines = ["\t".join(f"?{v}" for v in names)]
        for row in result.bindings:
            lines.append("\t".join(row[v].n3() if row.get(v) is not None else "" for v in result.vars))
        return media, ("\n".join(lines) + "\n").encode(), truncated
    return media, result.serialize(format=rdflib_name, encoding="utf-8"), truncated


class Endpoint:
    """The endpoint's state: the store, the limits, and the request handling."""

    def __init__(self, timeout: float = 10.0, limit: int = 10_000, data: Sequence[str | Path] = ()) -> None:
        self.store = EmbeddedStore()
        for path in data:
            self.store.load(path, progress=sys.stderr.isatty())
        self.timeout, self.limit = timeout, limit

    def answer(self, query: str, accept: str, fmt: str | None) -> tuple[int, str, bytes, dict[str, str]]:
        check(query)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:   # the worker: evaluate, write status + body, exit
            os.close(read)
            try:
                media, body, cut = run_query(self.store, query, accept, fmt, self.limit)
                payload = json.dumps({"status": 200, "media": media, "cut": cut}).encode() + b"\n" + body
            except Refused as exc:
                payload = json.dumps({"status": exc.status, "error": exc.message}).encode() + b"\n"
            except SparqlError as exc:
                payload = json.dumps({"status": 400, "error": str(exc)}).encode() + b"\n"
            except Exception as exc:  # an engine error: reported, not a crash of the server
                payload = json.dumps({"status": 500, "error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n"
            with os.fdopen(write, "wb") as fh:
                fh.write(payload)
            os._exit(0)
        os.close(write)
        chunks, deadline = [], time.monotonic() + self.timeout
        with os.fdopen(read, "rb") as fh:
            fd = fh.fileno()
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    raise Refused(503, f"the query was stopped after the {self.timeout:g} s time limit")
                ready, _, _ = select.select([fd], [], [], left)
                if ready:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        os.waitpid(pid, 0)
        data = b"".join(chunks)
        head, _, body = data.partition(b"\n")
        meta = json.loads(head)
        if meta["status"] != 200:
            raise Refused(meta["status"], meta["error"])
        headers = {"X-Result-Truncated": f"true; limit={self.limit}"} if meta["cut"] else {}
        return 200, meta["media"], body, headers


def page() -> str:
    options = "".join(f'<option value="{html.escape(p.read_text())}">{html.escape(name)}</option>'
                      for name, p in named_queries().items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>spineKG SPARQL endpoint</title></head>
<body style="font-family:sans-serif;max-width:60em;margin:2em auto">
<h1>spineKG SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over the spineKG knowledge graph. Prefixes <code>skg:</code>, <code>rdfs:</code>, <code>owl:</code>,
<code>dcterms:</code>, <code>obo:</code>, <code>oio:</code> are bound. Endpoint: <code>/sparql</code>.</p>
<form action="/sparql" method="get">
<label>Named queries: <select onchange="document.getElementById('q').value=this.value"><option value="">(choose)</option>{options}</select></label><br>
<textarea id="q" name="query" rows="12" cols="100">SELECT ?tumor WHERE {{ ?t skg:mayCause skg:Myelopathy ; skg:kind "tumor" ; rdfs:label ?tumor }}</textarea><br>
<label>Format: <select name="format"><option>json</option><option>xml</option><option>csv</option><option>tsv</option></select></label>
<button type="submit">Run</button></form></body></html>"""


class Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "spineKG"

    def log_message(self, fmt: str, *args: Any) -> None:
        sys.stderr.write("spinekg serve: " + fmt % args + "\n")

    def _send(self, status: int, media: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media + ("; charset=utf-8" if media.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-Result-Truncated")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain", (message + "\n").encode())

    def do_OPTIONS(self) -> None:  # noqa: N802 (CORS preflight)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path in ("/", "/index.html") and "query" not in params:
            self._send(200, "text/html", page().encode())
            return
        if url.path not in ("/sparql", "/query", "/"):
            self._error(404, "not found: the endpoint is /sparql")
            return
        self._handle(params)

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/sparql", "/query", "/update", "/"):
            self._error(404, "not found: the endpoint is /sparql")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        params = urllib.parse.parse_qs(url.query)
        if ctype == "application/sparql-query":
            params["query"] = [body]
        elif ctype == "application/sparql-update":
            params["update"] = [body]
        else:
            params.update(urllib.parse.parse_qs(body))
        self._handle(params)

    def _handle(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        if "query" not in params or not params["query"][0].strip():
            self._error(400, "no query: give ?query=... (or POST application/sparql-query)")
            return
        fmt = (params.get("format") or [None])[0]
        try:
            status, media, body, headers = self.endpoint.answer(params["query"][0], self.headers.get("Accept", ""), fmt)
        except Refused as exc:
            self._error(exc.status, exc.message)
            return
        self._send(status, media, body, headers)


def serve(host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, limit: int = 10_000,
          data: Sequence[str | Path] = ()) -> None:
    """Serve the release, and any RDF data files added to it, until interrupted (a single process; each
    query runs in a forked, time-limited worker)."""
    handler = type("SpineKGHandler", (Handler,), {"endpoint": Endpoint(timeout, limit, data)})
    httpd = HTTPServer((host, port), handler)
    print(f"spineKG SPARQL endpoint on http://{host}:{httpd.server_port}/sparql (timeout {timeout:g} s, "
          f"limit {limit:,} rows); Ctrl-C stops it", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
