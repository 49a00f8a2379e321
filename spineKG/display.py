"""How results look: compact HTML tables for notebooks, plain-text tables for terminals, and DataFrames.

One module renders every result type, so they look alike: anything with an ``entity`` and ``evidence``
(a :class:`~spineKG.model.Result`, an answer's results, a triage's findings) becomes a table with one row
per answer, its evidence and sources folded under the row in ``<details>``; SPARQL rows become a table
of CURIEs and values; a score becomes a small card. Nothing here imports the rest of spineKG beyond
:mod:`spineKG.errors` and :mod:`spineKG.vocab`, so any module may call it (lazily, from a method).

The HTML uses only tags and inline styles that Jupyter keeps in an untrusted notebook.

>>> from spineKG import load
>>> res = load().tumors(compartment="intramedullary", rank="most_common")
>>> html = results_html(res, caption="tumors")
>>> html.startswith('<style>') and "<details>" in html and "ependymoma" in html
True
>>> print(text_table(("name", "n"), [("ependymoma", "2")]))
name        n
----------  -
ependymoma  2
(1 row)
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from .errors import MissingDependencyError
from .vocab import PREFIXES

__all__ = ["MAX_ROWS", "MAX_STEPS", "card_html", "curie", "frame", "result_records", "results_html", "rows_html",
           "short_list", "text_table"]

MAX_ROWS = 20        # rows an HTML table shows before "… and N more"
MAX_STEPS = 8        # evidence statements shown under one row
MAX_CELL = 60        # characters of a cell in a plain-text table


class _Named(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def curie(self) -> str: ...
    @property
    def iri(self) -> str: ...


class _Source(Protocol):
    @property
    def title(self) -> str: ...


class _Step(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def derivation(self) -> str: ...
    @property
    def source(self) -> _Source | None: ...


class _Evidence(Protocol):
    def chain(self) -> Sequence[_Step]: ...


class Answerish(Protocol):
    """What a row of a results table needs: an entity, a label, a typicality and evidence."""

    @property
    def entity(self) -> _Named: ...
    @property
    def label(self) -> str: ...
    @property
    def typicality(self) -> str: ...
    @property
    def evidence(self) -> Sequence[_Evidence]: ...


# one scoped style block (Jupyter right-aligns table cells; an untrusted notebook drops the block and keeps the table)
_STYLE = ("<style>.spinekg th,.spinekg td{text-align:left;vertical-align:top}.spinekg caption{text-align:left}"
          ".spinekg details ol{margin:2px 0;padding-left:18px}</style>")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def curie(iri: str) -> str:
    """An IRI shortened with the project's prefixes (``skg:Ependymoma``); other IRIs unchanged.

    >>> curie("https://w3id.org/spinekg/Ependymoma"), curie("http://example.org/x")
    ('skg:Ependymoma', 'http://example.org/x')
    """
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default="")
    if not best:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def short_list(labels: Sequence[str], n: int = 3) -> str:
    """The first ``n`` labels and how many more, for one-line reprs.

    >>> short_list(["a", "b", "c", "d", "e"])
    'a, b, c, … (+2)'
    """
    head = ", ".join(labels[:n])
    return head + (f", … (+{len(labels) - n})" if len(labels) > n else "")


def _steps(r: Answerish) -> list[_Step]:
    seen: dict[str, _Step] = {}
    for ev in r.evidence:
        for step in ev.chain():
            seen.setdefault(step.text, step)
    return list(seen.values())


def _sources(steps: Iterable[_Step]) -> list[str]:
    return list(dict.fromkeys(s.source.title for s in steps if s.source is not None))


def results_html(results: Iterable[Answerish], caption: str = "", limit: int = MAX_ROWS) -> str:
    """A compact HTML table of results: answer, kind (when they differ), typicality, CURIE, and the evidence
    folded under each row (each statement of its chain once, with its source as a number into the list of
    sources below the table, or how it was derived).

    >>> from spineKG import load
    >>> html = results_html(load().tumors(compartment="intramedullary", rank="most_common"), caption="tumors")
    >>> "<caption>2 results: tumors</caption>" in html, html.count("<details>"), "skg:Ependymoma" in html
    (True, 3, True)
    """
    items = list(results)
    numbers: dict[str, int] = {}
    mixed = len({r.entity.kind for r in items}) > 1
    columns = ("#", "answer", *(("kind",) if mixed else ()), "typicality", "id", "evidence")
    head = "".join(f"<th>{h}</th>" for h in columns)
    body = []
    for n, r in enumerate(items[:limit], 1):
        steps = _steps(r)
        cited = [numbers.setdefault(t, len(numbers) + 1) for t in _sources(steps)]
        shown = "".join(f"<li>{_e(s.text)} [{numbers[s.source.title] if s.source else _e(s.derivation)}]</li>"
                        for s in steps[:MAX_STEPS])
        more = f"<li>… {len(steps) - MAX_STEPS} more</li>" if len(steps) > MAX_STEPS else ""
        summary = f"{len(steps)} statement{'s' * (len(steps) != 1)} [{', '.join(map(str, cited)) or 'no source'}]"
        evidence = f"<details><summary>{summary}</summary><ol>{shown}{more}</ol></details>" if steps else ""
        kind = f"<td>{_e(r.entity.kind)}</td>" if mixed else ""
        body.append(f"<tr><td>{n}</td><td><b>{_e(r.label)}</b></td>{kind}<td>{_e(r.typicality.replace('_', ' '))}</td>"
                    f"<td>{_e(r.entity.curie)}</td><td>{evidence}</td></tr>")
    if len(items) > limit:
        body.append(f'<tr><td colspan="{len(columns)}">… and {len(items) - limit} more</td></tr>')
    kinds = "" if mixed or caption or not items else f" ({items[0].entity.kind})"
    cap = f"{len(items)} result{'s' * (len(items) != 1)}{kinds}" + (f": {caption}" if caption else "")
    sources = (f'<tr><td colspan="{len(columns)}"><details><summary>{len(numbers)} sources</summary><ol>'
               + "".join(f"<li>{_e(t)}</li>" for t in numbers) + "</ol></details></td></tr>") if numbers else ""
    return (f'{_STYLE}<table class="spinekg"><caption>{_e(cap)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody><tfoot>{sources}</tfoot></table>")


def result_records(results: Iterable[Answerish]) -> list[dict[str, Any]]:
    """One flat record per result (for a DataFrame): label, kind, typicality, CURIE, IRI, evidence, sources.

    >>> from spineKG import load
    >>> records = result_records(load().tumors(compartment="intramedullary", rank="most_common"))
    >>> [(r["label"], r["curie"]) for r in records]
    [('astrocytoma', 'skg:Astrocytoma'), ('ependymoma', 'skg:Ependymoma')]
    >>> records[0]["evidence"], records[0]["sources"]
    ('astrocytoma is a kind of intramedullary tumor', "Spine Tumors (article): section 'Intramedullary Tumor'")
    """
    out = []
    for r in results:
        steps = _steps(r)
        out.append({"label": r.label, "kind": r.entity.kind, "typicality": r.typicality, "curie": r.entity.curie,
                    "iri": r.entity.iri, "evidence": "; ".join(s.text for s in steps),
                    "sources": "; ".join(_sources(steps))})
    return out


def _texts(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """SPARQL result cells as text: IRIs as CURIEs, blank nodes as ``_:id``, literals as their lexical form."""
    from rdflib import BNode, URIRef

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, URIRef):
            return curie(str(value))
        if isinstance(value, BNode):
            return f"_:{value}"
        return str(value)

    return [[cell(c) for c in row] for row in rows]


def rows_html(names: Sequence[str], rows: Sequence[Sequence[Any]], limit: int = MAX_ROWS) -> str:
    """SPARQL rows as an HTML table (IRIs shortened to CURIEs), with the row count.

    >>> from spineKG import load
    >>> rows = load().sparql("SELECT ?t ?l WHERE { ?t rdfs:subClassOf skg:IntramedullaryTumor ; rdfs:label ?l } ORDER BY ?l")
    >>> rows_html(rows.vars, rows.rows, limit=2)  # doctest: +ELLIPSIS
    '<style>...</style><table class="spinekg"><caption>3 rows</caption><thead><tr><th>t</th><th>l</th></tr></thead><tbody>\
<tr><td>skg:Astrocytoma</td><td>astrocytoma</td></tr><tr><td>skg:Ependymoma</td><td>ependymoma</td></tr>\
<tr><td colspan="2">… and 1 more</td></tr></tbody></table>'
    """
    head = "".join(f"<th>{_e(v)}</th>" for v in names)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in _texts(rows[:limit]))
    if len(rows) > limit:
        body += f'<tr><td colspan="{max(len(names), 1)}">… and {len(rows) - limit} more</td></tr>'
    cap = f"{len(rows)} row{'s' * (len(rows) != 1)}"
    return f'{_STYLE}<table class="spinekg"><caption>{cap}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def text_table(names: Sequence[str], rows: Sequence[Sequence[Any]], max_cell: int = MAX_CELL) -> str:
    """A plain-text table: columns as wide as their longest cell (cut at ``max_cell``), no trailing spaces,
    IRIs as CURIEs, and the row count.

    >>> from spineKG import load
    >>> rows = load().sparql("SELECT ?t ?l WHERE { ?t rdfs:subClassOf skg:IntramedullaryTumor ; rdfs:label ?l } ORDER BY ?l")
    >>> print(text_table(rows.vars, rows.rows, max_cell=30))
    t                             l
    ----------------------------  ------------------------------
    skg:Astrocytoma               astrocytoma
    skg:Ependymoma                ependymoma
    skg:IntramedullaryMetastasis  intramedullary spinal cord me…
    (3 rows)
    """
    cells = [[c if len(c) <= max_cell else c[:max_cell - 1] + "…" for c in row] for row in _texts(rows)]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(names)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' * (len(cells) != 1)})")
    return "\n".join(lines)


def card_html(title: str, fields: Mapping[str, object], table: tuple[Sequence[str], Sequence[Sequence[object]]] | None = None,
              note: str = "") -> str:
    """A small card: a title, labelled fields, an optional table and a note (a score, an entity).

    >>> card_html("Tomita score: 2", {"category": "long-term local control", "note": ""},
    ...           (("component", "points"), [("primary_growth", 1), ("bone_mets", 1)]), "Tomita 2001")  # doctest: +ELLIPSIS
    '<style>...</style><div class="spinekg"><b>Tomita score: 2</b><table><tbody><tr><th>category</th>\
<td>long-term local control</td></tr></tbody></table><table><thead><tr><th>component</th><th>points</th></tr></thead>\
<tbody><tr><td>primary_growth</td><td>1</td></tr><tr><td>bone_mets</td><td>1</td></tr></tbody></table>\
<small>Tomita 2001</small></div>'
    """
    dl = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in fields.items() if v not in ("", None))
    inner = ""
    if table is not None:
        names, rows = table
        inner = ('<table><thead><tr>' + "".join(f"<th>{_e(n)}</th>" for n in names) + "</tr></thead><tbody>"
                 + "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
                 + "</tbody></table>")
    foot = f"<small>{_e(note)}</small>" if note else ""
    return f'{_STYLE}<div class="spinekg"><b>{_e(title)}</b><table><tbody>{dl}</tbody></table>{inner}{foot}</div>'


def frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> Any:
    """A pandas DataFrame of records; without pandas, a one-line error naming the extra to install.

    >>> frame([{"label": "ependymoma", "n": 2}]).shape
    (1, 2)
    """
    try:
        import pandas as pd
    except ImportError:
        raise MissingDependencyError("pandas", "pandas", "to_df()") from None
    return pd.DataFrame(list(records), columns=list(columns) if columns is not None else None)
