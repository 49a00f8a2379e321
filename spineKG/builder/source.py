"""Read and validate the editable ontology source (``ontology/src/*.yaml``).

Every error names the file and line, so a curator can fix it at once:

>>> from spineKG.builder.source import load_source, SOURCE_DIR
>>> src = load_source(SOURCE_DIR)
>>> src.entities["Ependymoma"].label
'ependymoma'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SourceError, suggest
from .yamlio import read_yaml

if TYPE_CHECKING:
    from .lexicon import Lexicon
    from .triage import Triage

SOURCE_DIR = Path(__file__).resolve().parents[2] / "ontology" / "src"
ENTITY_FILES = ("tumors.yaml", "anatomy.yaml", "findings.yaml", "care.yaml")


SYNONYM_TYPES = ("exact", "narrow", "broad", "related")      # OBO synonym scopes (oio:has<Type>Synonym)
MAPPING_PREDICATES = ("exact", "close", "broad", "narrow", "related")   # skos:<type>Match
# SSSOM mapping justifications (semapv vocabulary) an xref may give
JUSTIFICATIONS = ("ManualMappingCuration", "MappingChaining", "LexicalMatching", "MappingReview")
ASSERTION_FIELDS = {"s", "p", "o", "t", "rank", "share", "region", "src", "note", "kind"}


@dataclass(frozen=True)
class Parent:
    """An asserted superclass: strict (every member of the class is one); a rank qualifies it."""
    id: str
    rank: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Synonym:
    """A synonym with its OBO scope: exact, narrow (names a narrower concept), broad or related."""
    text: str
    type: str = "exact"


@dataclass(frozen=True)
class SourceEntity:
    id: str
    label: str
    definition: str
    source: str
    parents: tuple[Parent, ...] = ()
    synonyms: tuple[Synonym, ...] = ()
    defined_as: Any = None
    direct_members: bool = False   # a grouping class whose members are its direct subclasses ("general type")
    category: bool = False         # a kind of finding named as a kind ("no red flags"): in a story, no finding
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Assertion:
    s: str
    p: str
    o: str
    source: str
    typicality: str = "always"
    rank: str | None = None
    share: float | None = None
    region: str | None = None
    note: str | None = None
    population: bool = False   # a statement about the class as a population (a share, a likelihood, "most")
    file: str = ""
    line: int = 0

    @property
    def kind(self) -> str:
        """strict (every member), member (a hedged statement about its members) or population."""
        return "population" if self.population else "strict" if self.typicality == "always" else "member"


@dataclass(frozen=True)
class Property:
    id: str
    label: str
    weak: str
    transitive: bool = False
    functional: bool = False
    single_valued: bool = False
    population: bool = False         # every statement of it is about a class as a population (risk, common types)
    subject_inherits: bool = True    # a subclass of the subject inherits it
    object_inherits: bool = False    # a subclass of the object inherits it (what treats a tumor treats its kinds)
    chains: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Xref:
    id: str
    scheme: str
    code: str
    mapping: str
    source: str
    note: str = ""
    justification: str = "ManualMappingCuration"
    line: int = 0

    @property
    def predicate(self) -> str:
        """The SKOS mapping predicate as a CURIE (skos:exactMatch, ...)."""
        return f"skos:{self.mapping}Match"


@dataclass
class OntologySource:
    namespace: str
    prefix: str
    meta: dict[str, Any]
    typicality: dict[str, dict[str, Any]]
    ranks: dict[str, str]
    kinds: dict[str, str]                 # top class -> kind, in the schema's order
    plurals: dict[str, str]               # kind -> its name in the typed API
    properties: dict[str, Property]
    sources: dict[str, dict[str, Any]]
    constraints: dict[str, dict[str, Any]] = field(default_factory=dict)
    instruments: list[dict[str, Any]] = field(default_factory=list)
    entities: dict[str, SourceEntity] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    xrefs: list[Xref] = field(default_factory=list)
    triage: Triage = field(default_factory=lambda: _empty_triage())
    lexicon: Lexicon = field(default_factory=lambda: _empty_lexicon())
    disjoint: list[tuple[tuple[str, ...], str]] = field(default_factory=list)   # (classes, source)

    def weak(self, prop: str) -> str:
        return self.properties[prop].weak


def _strs(value: Any, path: Path, line: int, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise SourceError(path, line, f"{what} must be a list of strings")
    return tuple(str(v) for v in value)


def _synonyms(value: Any, path: Path, line: int) -> tuple[Synonym, ...]:
    """Synonyms: a string is exact; ``{text: ..., type: narrow|broad|related}`` gives the scope."""
    out: list[Synonym] = []
    for v in value or []:
        if isinstance(v, (str, int, float)):
            out.append(Synonym(str(v)))
        elif isinstance(v, dict) and "text" in v:
            scope = str(v.get("type", "exact"))
            if scope not in SYNONYM_TYPES:
                raise SourceError(path, line, f"synonym {v['text']!r}: unknown type '{scope}'; use one of {', '.join(SYNONYM_TYPES)}")
            out.append(Synonym(str(v["text"]), scope))
        else:
            raise SourceError(path, line, "synonyms must be strings or {text, type} items")
    return tuple(out)


def _require(item: dict[str, Any], key: str, path: Path) -> Any:
    if key not in item or item[key] in (None, ""):
        raise SourceError(path, item.get("__line__"), f"missing required field '{key}'")
    return item[key]


def load_source(directory: Path | str = SOURCE_DIR) -> OntologySource:
    """Read every source file, check references, and return the validated source."""
    directory = Path(directory)
    schema_path = directory / "schema.yaml"
    schema = read_yaml(schema_path)
    props: dict[str, Property] = {}
    for pid, spec in (schema.get("properties") or {}).items():
        if pid == "__line__":
            continue
        chains = tuple(tuple(c) for c in spec.get("chains") or ())
        props[pid] = Property(
            id=pid, label=spec["label"], weak=spec.get("weak") or f"may_{pid}",
            transitive=bool(spec.get("transitive")), functional=bool(spec.get("functional")),
            single_valued=bool(spec.get("single_valued")), population=bool(spec.get("population")),
            subject_inherits=spec.get("subject_inherits", True) is not False,
            object_inherits=bool(spec.get("object_inherits")), chains=chains)
    src = OntologySource(
        namespace=schema["namespace"], prefix=schema["prefix"],
        meta={k: schema.get(k) for k in ("version", "title", "description", "license")},
        typicality={k: _plain(v) for k, v in schema["typicality"].items() if k != "__line__"},
        ranks={k: v for k, v in schema["rank"].items() if k != "__line__"},
        kinds={k: v["kind"] for k, v in schema["kinds"].items() if k != "__line__"},
        plurals={v["kind"]: v["plural"] for k, v in schema["kinds"].items() if k != "__line__"},
        properties=props,
        constraints={k: _plain(v) for k, v in (schema.get("constraints") or {}).items() if k != "__line__"},
        sources={k: _plain(v) for k, v in schema["sources"].items() if k != "__line__"},
    )
    for group in schema.get("disjoint") or []:
        classes = _strs(group.get("classes"), schema_path, group["__line__"], "disjoint classes")
        if len(classes) < 2:
            raise SourceError(schema_path, group["__line__"], "a disjointness group needs two or more classes")
        src.disjoint.append((classes, str(_require(group, "src", schema_path))))
    for name in ENTITY_FILES:
        path = directory / name
        items = read_yaml(path) or []
        for item in items:
            line = item.get("__line__", 0)
            eid = _require(item, "id", path)
            if eid in src.entities:
                first = src.entities[eid]
                raise SourceError(path, line, f"entity '{eid}' is defined twice (first in {first.file}:{first.line})")
            parents = []
            for p in item.get("parents") or []:
                if isinstance(p, str):
                    parents.append(Parent(p))
                elif "typicality" in p:
                    raise SourceError(path, line, f"{eid}: a parent is strict (every member is one); state a hedged "
                                      f"membership as an assertion, e.g. locatedIn a compartment with t: usually")
                else:
                    parents.append(Parent(p["id"], p.get("rank"), p.get("source")))
            src.entities[eid] = SourceEntity(
                id=eid, label=str(_require(item, "label", path)), definition=str(_require(item, "definition", path)),
                source=str(_require(item, "source", path)), parents=tuple(parents),
                synonyms=_synonyms(item.get("synonyms"), path, line),
                defined_as=_plain(item.get("defined_as")), direct_members=bool(item.get("direct_members")),
                category=bool(item.get("category")),
                file=name, line=line)
    path = directory / "assertions.yaml"
    for item in read_yaml(path) or []:
        line = item.get("__line__", 0)
        unknown = sorted(set(item) - ASSERTION_FIELDS - {"__line__"})
        if unknown:
            raise SourceError(path, line, f"unknown field '{unknown[0]}'" + _suggest(unknown[0], ASSERTION_FIELDS))
        if item.get("kind") not in (None, "population"):
            raise SourceError(path, line, f"unknown kind '{item['kind']}'; the only kind is 'population' (a member statement needs none)")
        prop = props.get(str(item.get("p")))
        src.assertions.append(Assertion(
            s=_require(item, "s", path), p=_require(item, "p", path), o=_require(item, "o", path),
            source=_require(item, "src", path), typicality=item.get("t", "always"), rank=item.get("rank"),
            share=float(item["share"]) if item.get("share") is not None else None, region=item.get("region"),
            note=item.get("note"), file="assertions.yaml", line=line,
            population=item.get("kind") == "population" or item.get("share") is not None or bool(prop and prop.population)))
    from . import triage

    src.triage = triage.read(directory / "rules.yaml", src)
    for x, p, o, source in triage.edges(src):   # a rule's single conditions call for its tier
        if p in src.properties:
            src.assertions.append(Assertion(s=x, p=p, o=o, source=source, file="rules.yaml"))
    path = directory / "instruments.yaml"
    if path.exists():
        for item in read_yaml(path) or []:
            for key in ("id", "label", "definition", "source"):
                _require(item, key, path)
            src.instruments.append(_plain(item) | {"__line__": item["__line__"]})
    path = directory / "xrefs.tsv"
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        for n, row in enumerate(lines[1:], start=2):
            if not row.strip() or row.startswith("#"):
                continue
            cells = dict(zip(header, row.split("\t")))
            if len(row.split("\t")) < 6:
                raise SourceError(path, n, "expected tab-separated id, scheme, code, mapping, justification, source, note")
            src.xrefs.append(Xref(cells["id"], cells["scheme"], cells["code"], cells["mapping"], cells["source"],
                                  cells.get("note", ""), cells["justification"], n))
    from . import lexicon

    src.lexicon = lexicon.read(directory / "lexicon.yaml", src)
    _check(src, directory)
    return src


def _empty_triage() -> Triage:
    from .triage import Triage

    return Triage()


def _empty_lexicon() -> Lexicon:
    from .lexicon import Lexicon

    return Lexicon()


def _plain(value: Any) -> Any:
    """Strip the ``__line__`` bookkeeping from nested structures."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check(src: OntologySource, directory: Path) -> None:
    ents, props, sources = src.entities, src.properties, src.sources
    for key, spec in src.constraints.items():
        for prop in spec.get("properties") or ():
            if prop != "subClassOf" and prop not in props:
                raise SourceError(directory / "schema.yaml", None, f"constraint {key!r}: unknown property '{prop}'"
                                  + _suggest(prop, props))
    labels: dict[str, str] = {}
    for e in ents.values():
        path = directory / e.file
        if e.source not in sources:
            raise SourceError(path, e.line, f"{e.id}: unknown source '{e.source}'")
        key = e.label.lower()
        if key in labels:
            raise SourceError(path, e.line, f"{e.id}: label '{e.label}' is already used by {labels[key]}")
        labels[key] = e.id
        for p in e.parents:
            if p.id == e.id:
                raise SourceError(path, e.line, f"{e.id}: a class cannot be its own parent")
            if p.id not in ents:
                raise SourceError(path, e.line, f"{e.id}: unknown parent '{p.id}'" + _suggest(p.id, ents))
            if p.source and p.source not in sources:
                raise SourceError(path, e.line, f"{e.id}: unknown source '{p.source}'")
            if p.rank and p.rank not in src.ranks:
                raise SourceError(path, e.line, f"{e.id}: unknown rank '{p.rank}'")
        if not e.parents and e.id not in src.kinds:
            raise SourceError(path, e.line, f"{e.id}: has no parent and is not a top class of schema.yaml kinds")
        for ref in _refs(e.defined_as):
            if ref not in ents and ref not in props:
                raise SourceError(path, e.line, f"{e.id}: defined_as names unknown '{ref}'" + _suggest(ref, ents))
    for a in src.assertions:
        path = directory / a.file
        for ref in (a.s, a.o) + ((a.region,) if a.region else ()):
            if ref not in ents:
                raise SourceError(path, a.line, f"unknown entity '{ref}'" + _suggest(ref, ents))
        if a.p not in props:
            raise SourceError(path, a.line, f"unknown property '{a.p}'" + _suggest(a.p, props))
        if a.source not in sources:
            raise SourceError(path, a.line, f"unknown source '{a.source}'" + _suggest(a.source, sources))
        if a.typicality not in src.typicality:
            raise SourceError(path, a.line, f"unknown typicality '{a.typicality}'; use one of {', '.join(src.typicality)}")
        if a.rank and a.rank not in src.ranks:
            raise SourceError(path, a.line, f"unknown rank '{a.rank}'; use one of {', '.join(src.ranks)}")
        if a.population and a.typicality == "always":
            raise SourceError(path, a.line, f"{a.s} {a.p} {a.o}: a population statement needs its hedge (t: usually, may, ...); "
                              "'always' would state it of every member")
    for inst in src.instruments:
        path = directory / "instruments.yaml"
        if inst["source"] not in sources:
            raise SourceError(path, inst["__line__"], f"{inst['id']}: unknown source '{inst['source']}'")
        for d in inst.get("decisions", []):
            for ref in d.get("recommends", []) + ([d["radiosensitivity"]] if d.get("radiosensitivity") else []):
                if ref not in ents:
                    raise SourceError(path, inst["__line__"], f"{inst['id']}: unknown entity '{ref}'" + _suggest(ref, ents))
        for comp in inst.get("components", []):
            keys = [str(o["key"]) for o in comp["options"]]
            if len(set(keys)) != len(keys):
                raise SourceError(path, inst["__line__"], f"{inst['id']}: duplicate option keys in {comp['key']}")
    for x in src.xrefs:
        path = directory / "xrefs.tsv"
        if x.id not in ents:
            raise SourceError(path, x.line, f"unknown entity '{x.id}'" + _suggest(x.id, ents))
        if x.source not in sources:
            raise SourceError(path, x.line, f"{x.id}: unknown source '{x.source}'")
        if x.mapping not in MAPPING_PREDICATES:
            raise SourceError(path, x.line, f"{x.id}: unknown mapping '{x.mapping}'; use one of {', '.join(MAPPING_PREDICATES)}")
        if x.justification not in JUSTIFICATIONS:
            raise SourceError(path, x.line, f"{x.id}: unknown justification '{x.justification}'; use one of {', '.join(JUSTIFICATIONS)}")
    for classes, source in src.disjoint:
        for c in classes:
            if c not in ents:
                raise SourceError(directory / "schema.yaml", None, f"disjoint: unknown class '{c}'" + _suggest(c, ents))
        if source not in sources:
            raise SourceError(directory / "schema.yaml", None, f"disjoint: unknown source '{source}'")


def _refs(expr: Any) -> list[str]:
    if expr is None:
        return []
    if isinstance(expr, str):
        return [expr]
    if isinstance(expr, dict):
        out: list[str] = []
        for key, value in expr.items():
            if key == "some":
                out += [value[0], *_refs(value[1])]
            else:
                for v in value:
                    out += _refs(v)
        return out
    return []


def _suggest(name: str, known: Any) -> str:
    close = suggest(name, list(known))
    return f" (did you mean {', '.join(close)}?)" if close else ""
