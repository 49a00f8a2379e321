"""Stores: one :class:`Store` protocol and its backends, the embedded Oxigraph store and remote SPARQL endpoints.

>>> from spineKG.store import EmbeddedStore, Store
>>> isinstance(EmbeddedStore(), Store)
True
"""
from __future__ import annotations

from .base import RELEASE_FILES, Row, Store, parse_error, release_paths, with_prefixes
from .embedded import EmbeddedStore
from .guard import check_syntax, declared_prefixes, guard, query_variables
from .remote import RemoteStore

__all__ = ["RELEASE_FILES", "EmbeddedStore", "RemoteStore", "Row", "Store", "check_syntax", "declared_prefixes", "guard", "parse_error",
           "query_variables", "release_paths", "with_prefixes"]
