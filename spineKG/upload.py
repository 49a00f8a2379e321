"""Put the release into a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

    spinekg upload http://127.0.0.1:7878/store              # the default graph
    spinekg upload http://127.0.0.1:7878/store --graph https://w3id.org/spinekg/release

The whole release (every release file, parsed and joined as N-Triples) goes in **one** request: a ``PUT`` that
replaces the graph, or a ``POST`` that adds to it (``replace=False``). A Graph Store applies one request whole or
not at all, so a refused or broken upload leaves the graph as it was, never a part of the release; the report
says how many triples and bytes were sent, and the store's own count of the graph afterwards where it answers.

>>> from spineKG.upload import release_body
>>> body, triples = release_body()
>>> triples > 10_000 and body.startswith(b"<")
True
"""
from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .errors import UploadError
from .store import release_paths

__all__ = ["UploadReport", "release_body", "upload"]


@dataclass(frozen=True)
class UploadReport:
    """What one upload sent, and what the store holds afterwards (``None`` when it cannot be counted).

    >>> report = UploadReport("http://127.0.0.1:7878/store?default", ("spinekg.ttl",), 1200, 10, "PUT")
    >>> report.method, report.triples, report.stored
    ('PUT', 10, None)
    """

    url: str
    files: tuple[str, ...]
    bytes: int
    triples: int
    method: str
    stored: int | None = None


def release_body() -> tuple[bytes, int]:
    """The release files as one N-Triples document (lines sorted, duplicates merged) and its triple count.

    >>> body, triples = release_body()
    >>> body.count(b"\\n") == triples, body.endswith(b" .\\n")
    (True, True)
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    for path in release_paths():
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    body = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert body is not None
    lines = sorted(set(body.splitlines()))
    return b"\n".join(lines) + b"\n", len(lines)


def upload(store_url: str, graph: str | None = None, replace: bool = True, timeout: float = 120.0) -> UploadReport:
    """Send the whole release in one request: ``PUT`` (replace the graph) or, with ``replace=False``, ``POST`` (add).

    Example, against a minimal Graph Store on this machine that keeps what is ``PUT`` and returns it on ``GET``:

    >>> import http.server, threading
    >>> class Store(http.server.BaseHTTPRequestHandler):
    ...     data = b""
    ...     def do_PUT(self):
    ...         Store.data = self.rfile.read(int(self.headers["Content-Length"]))
    ...         self.send_response(204)
    ...         self.end_headers()
    ...     def do_GET(self):
    ...         self.send_response(200)
    ...         self.end_headers()
    ...         self.wfile.write(Store.data)
    ...     def log_message(self, *args):
    ...         pass
    >>> server = http.server.HTTPServer(("127.0.0.1", 0), Store)
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> report = upload(f"http://127.0.0.1:{server.server_port}/store", graph="https://w3id.org/spinekg/release")
    >>> report.method, report.files, report.stored == report.triples
    ('PUT', ('spinekg.ttl', 'spinekg-relations.ttl'), True)
    >>> report.url.endswith("/store?graph=https%3A%2F%2Fw3id.org%2Fspinekg%2Frelease")
    True
    >>> server.shutdown()
    >>> server.server_close()
    """
    query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    url = f"{store_url}{'&' if '?' in store_url else '?'}{query}"
    body, triples = release_body()
    method = "PUT" if replace else "POST"
    kept = "the graph was not replaced" if replace else "nothing was added"
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/n-triples"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if resp.status >= 300:
                raise UploadError(f"{method} {url}: HTTP {resp.status}; {kept} (one request, applied whole or not at all)")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:300]
        raise UploadError(f"{method} {url}: HTTP {exc.code} {detail}; {kept} (one request, applied whole or not "
                          f"at all)") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (ConnectionRefusedError, socket.gaierror)) or isinstance(exc.reason, str):
            raise UploadError(f"cannot reach {url}: {exc.reason}; nothing was sent") from None
        raise _broken(method, url, exc.reason) from None
    except (TimeoutError, ConnectionError) as exc:
        raise _broken(method, url, exc) from None
    return UploadReport(url, tuple(p.name for p in release_paths()), len(body), triples, method,
                        _count(url, timeout))


def _broken(method: str, url: str, reason: object) -> UploadError:
    return UploadError(f"{method} {url}: the connection broke while sending ({reason}); a Graph Store applies one "
                       f"request whole or not at all, so the graph holds the whole release or is as it was; "
                       f"count it to know which")


def _count(url: str, timeout: float) -> int | None:
    """The store's own count of the graph (a GET of it as N-Triples), or None if it will not say."""
    try:
        req = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return sum(1 for line in resp if line.strip() and not line.startswith(b"#"))
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return None
