"""Queries: the typed query engine (SPARQL, evidence, caches), the constraint builder it shares with the
question interpreter, and named SPARQL queries with bindings.

>>> from spineKG import load
>>> [r.label for r in load().engine.find("tumors", compartment="intramedullary", rank="most_common")]
['astrocytoma', 'ependymoma']
"""
from __future__ import annotations

from .constraints import KEYWORDS, RANKS, ConstraintBuilder
from .engine import Engine, HasEngine, engine_of, to_sparql
from .named import Rows, named_queries, run_sparql

__all__ = ["KEYWORDS", "RANKS", "ConstraintBuilder", "Engine", "HasEngine", "Rows", "engine_of", "named_queries", "run_sparql",
           "to_sparql"]
