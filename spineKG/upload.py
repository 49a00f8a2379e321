"""Put the release into a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

    spinekg upload http://127.0.0.1:7878/store              # the default graph
    spinekg upload http://127.0.0.1:7878/store --graph https://w3id.org/spinekg/release
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .errors import UploadError
from .store import release_paths


@dataclass(frozen=True)
class UploadReport:
    url: str
    files: tuple[str, ...]
    bytes: int


def upload(store_url: str, graph: str | None = None, replace: bool = True, timeout: float = 120.0) -> UploadReport:
    """PUT the first release file (replacing the graph, unless ``replace=False``) and POST the others."""
    query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    url = f"{store_url}{'&' if '?' in store_url else '?'}{query}"
    sent, names = 0, []
    for n, path in enumerate(release_paths()):
        data = path.read_bytes()
        method = "PUT" if n == 0 and replace else "POST"
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "text/turtle"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                if resp.status >= 300:
                    raise UploadError(f"{method} {url}: HTTP {resp.status}")
        except urllib.error.HTTPError as exc:
            raise UploadError(f"{method} {url}: HTTP {exc.code} {exc.read().decode(errors='replace')[:300]}") from None
        except urllib.error.URLError as exc:
            raise UploadError(f"cannot reach {url}: {exc.reason}") from None
        sent += len(data)
        names.append(path.name)
    return UploadReport(url, tuple(names), sent)
