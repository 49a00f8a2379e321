"""spineKG: the open knowledge graph and query library for spinal tumors.

>>> import spineKG
>>> kg = spineKG.load()
>>> [t.label for t in kg.tumors(compartment="intramedullary", rank="most_common")]
['astrocytoma', 'ependymoma']
"""
from __future__ import annotations

from .errors import SparqlError, SpineKGError, UnknownTermError
from .kg import KnowledgeGraph, connect, load
from .model import Entity, Evidence, Result, Results
from .store import EmbeddedStore, RemoteStore, Store

__version__ = "0.1.0"

__all__ = [
    "EmbeddedStore",
    "Entity",
    "Evidence",
    "KnowledgeGraph",
    "RemoteStore",
    "Result",
    "Results",
    "SparqlError",
    "SpineKGError",
    "Store",
    "UnknownTermError",
    "connect",
    "load",
]
