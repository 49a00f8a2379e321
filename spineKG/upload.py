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
    """What one upload sent, and what the store holds afterwards (``None`` when it cannot be counted)."""

    url: str
    files: tuple[str, ...]
    bytes: int
    triples: int
    method: str
    stored: int | None = None


def release_body() -> tuple[bytes, int]:
    """The release files as one N-Triples document (lines sorted, duplicates merged) and its triple count."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for path in release_paths():
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    body = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert body is not None
    lines = sorted(set(body.splitlines()))
    return b"\n".join(lines) + b"\n", len(lines)


def upload(store_url: str, graph: str | None = None, replace: bool = True, timeout: float = 120.0) -> UploadReport:
    """Send the whole release in one request: ``PUT`` (replace the graph) or, with ``replace=False``, ``POST`` (add)."""
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
