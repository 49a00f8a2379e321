"""Stores: one :class:`Store` protocol and its backends, the embedded Oxigraph store and remote SPARQL endpoints.

>>> from spineKG.store import EmbeddedStore, Store
>>> isinstance(EmbeddedStore(), Store)
True
"""
from __future__ import annotations

from .base import RELEASE_FILES, Row, Store, check_syntax, parse_error, release_paths, with_prefixes
from .embedded import EmbeddedStore
from .remote import RemoteStore

__all__ = ["RELEASE_FILES", "EmbeddedStore", "RemoteStore", "Row", "Store", "check_syntax", "parse_error",
           "release_paths", "with_prefixes"]
