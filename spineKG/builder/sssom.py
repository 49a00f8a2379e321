"""Write the cross-references as an SSSOM mapping set (``ontology/spinekg.sssom.tsv``).

Each row maps a spineKG class to a code of MONDO, DOID, NCIt, HPO, ICD-10-CM, ICD-O-3, OncoTree, UMLS,
UBERON, MAxO or ChEBI with its SKOS predicate (exact, close, broad, narrow, related match), its
justification (a semapv term) and the curator's comment; the metadata block carries the CURIE map.
``sssom-py`` validates the file (a test runs it).

>>> from spineKG.builder.source import load_source
>>> text = render(load_source())
>>> text.splitlines()[0]
'# curie_map:'
>>> [line.split()[:4] for line in text.splitlines() if line.startswith("skg:Ependymoma") and line.split()[3] == "MONDO:0003473"]
[['skg:Ependymoma', 'ependymoma', 'skos:exactMatch', 'MONDO:0003473']]
"""
from __future__ import annotations

import json
from pathlib import Path

from .owl import XREF_PREFIXES
from .source import OntologySource

__all__ = ["COLUMNS", "render", "write_sssom"]

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification", "comment")


def _cell(text: str) -> str:
    return " ".join(text.split())


def render(src: OntologySource) -> str:
    """The SSSOM/TSV text: a ``#``-commented YAML metadata block, then one row per cross-reference.

    >>> from spineKG.builder.source import load_source
    >>> rows = [line.split("\\t") for line in render(load_source()).splitlines() if not line.startswith("#")]
    >>> rows[0]
    ['subject_id', 'subject_label', 'predicate_id', 'object_id', 'mapping_justification', 'comment']
    >>> [row[:4] for row in rows if row[0] == "skg:Ependymoma" and row[3].startswith("DOID:")]
    [['skg:Ependymoma', 'ependymoma', 'skos:closeMatch', 'DOID:4844'], ['skg:Ependymoma', 'ependymoma', 'skos:exactMatch', 'DOID:5503']]
    """
    curie_map = {src.prefix: src.namespace, "skos": "http://www.w3.org/2004/02/skos/core#",
                 "semapv": "https://w3id.org/semapv/vocab/", "orcid": "https://orcid.org/"}
    used = sorted({x.code.split(":", 1)[0] for x in src.xrefs})
    curie_map |= {p: XREF_PREFIXES[p] for p in used}
    q = json.dumps   # a JSON string is a YAML scalar, whatever colons it holds
    meta = ["curie_map:", *[f"  {k}: {q(v)}" for k, v in sorted(curie_map.items())],
            f"mapping_set_id: {q(src.namespace + 'spinekg.sssom.tsv')}",
            f"mapping_set_version: {q(str(src.meta['version']))}",
            f"mapping_set_title: {q(src.meta['title'] + ': cross-references')}",
            f"license: {q(src.meta['license'])}",
            f"subject_source: {q(src.namespace + 'spinekg.owl')}"]
    lines = [f"# {m}" for m in meta] + ["\t".join(COLUMNS)]
    rows = sorted(src.xrefs, key=lambda x: (x.id, x.code))
    for x in rows:
        label = src.entities[x.id].label
        lines.append("\t".join((f"{src.prefix}:{x.id}", _cell(label), x.predicate, x.code,
                                f"semapv:{x.justification}", _cell(f"{x.note} [source: {src.sources[x.source]['title']}]".strip()))))
    return "\n".join(lines) + "\n"


def write_sssom(src: OntologySource, path: Path) -> None:
    """Write the mapping set atomically (:func:`spineKG.files.atomic_write`).

    >>> import tempfile
    >>> from spineKG.builder.source import load_source
    >>> src = load_source()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_sssom(src, Path(d) / "spinekg.sssom.tsv")
    ...     (Path(d) / "spinekg.sssom.tsv").read_text() == render(src)
    True
    """
    from ..files import atomic_write

    atomic_write(path, render(src))
