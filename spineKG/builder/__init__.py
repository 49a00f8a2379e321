"""The ontology build: YAML source → OWL (RDF/XML and Turtle) → HermiT → relation graph.

Only this package imports owlready2. Run it with ``python -m spineKG.builder`` (or ``spinekg build``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingDependencyError, SourceError
from .source import SOURCE_DIR, load_source

ONTOLOGY_DIR = SOURCE_DIR.parent
ARTIFACTS = ("spinekg.owl", "spinekg.ttl", "spinekg-relations.ttl", "spinekg.sssom.tsv")

__all__ = ["ARTIFACTS", "BuildReport", "ONTOLOGY_DIR", "SOURCE_DIR", "build"]


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote: class and assertion counts, triple counts, HermiT's unsatisfiable classes, the files.

    >>> report = BuildReport(classes=317, assertions=485, owl_triples=38908, relation_triples=43557, unsatisfiable=(),
    ...                      outputs=(Path("release/spinekg.owl"), Path("release/spinekg.ttl")))
    >>> print(report)
    317 classes, 485 assertions; OWL 38908 triples, relation graph 43557 triples; HermiT: consistent, no unsatisfiable class
    wrote release/spinekg.owl
    wrote release/spinekg.ttl
    """

    classes: int
    assertions: int
    owl_triples: int
    relation_triples: int
    unsatisfiable: tuple[str, ...]
    outputs: tuple[Path, ...]

    def __str__(self) -> str:
        lines = [f"{self.classes} classes, {self.assertions} assertions; OWL {self.owl_triples} triples, "
                 f"relation graph {self.relation_triples} triples; HermiT: consistent, no unsatisfiable class"]
        return "\n".join(lines + [f"wrote {p}" for p in self.outputs])


def build(source_dir: Path | str = SOURCE_DIR, out_dir: Path | str = ONTOLOGY_DIR) -> BuildReport:
    """Build the release artifacts from the source; raise if HermiT finds a problem.

    Needs Java (HermiT) and takes about 15 s. A build into another folder also writes its own ``terms.py`` there:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     report = build(out_dir=out)
    ...     print(str(report).splitlines()[0])
    ...     print(report.unsatisfiable, [p.name for p in report.outputs])
    317 classes, 485 assertions; OWL 38908 triples, relation graph 43557 triples; HermiT: consistent, no unsatisfiable class
    () ['spinekg.owl', 'spinekg.ttl', 'spinekg-relations.ttl', 'spinekg.sssom.tsv', 'terms.py']
    """
    from ..errors import ReasonerError
    from . import codegen
    from .materialise import materialise
    from .namespaces import PREFIXES
    from .owl import build_owl
    from .rdfxml import to_rdfxml
    from .reason import classify
    from .sssom import render as render_sssom

    if not (Path(source_dir) / "schema.yaml").is_file():
        where = "this installed package has no ontology source" if Path(source_dir) == SOURCE_DIR else "no schema.yaml here"
        raise SourceError(source_dir, None, f"{where}; `spinekg build` needs a source checkout of spineKG "
                                            "(run it in a clone, or give --source SRC_DIR --out OUT_DIR)")
    try:
        import owlready2  # noqa: F401  (the reasoner's bridge; checked here so the message names the extra)
    except ImportError:
        raise MissingDependencyError("owlready2", "build", "spinekg build") from None
    src = load_source(source_dir)
    owl = build_owl(src)
    cls = classify(owl)
    if cls.unsatisfiable:
        raise ReasonerError(f"unsatisfiable classes: {', '.join(cls.unsatisfiable)}")
    rel = materialise(src, cls)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = tuple(out / name for name in ARTIFACTS)
    # the package's vocabulary module follows the release it was built with; a build elsewhere writes its own copy
    terms = codegen.TERMS_MODULE if out.resolve() == ONTOLOGY_DIR.resolve() else out / "terms.py"
    _write_release(paths, terms, [to_rdfxml(owl, PREFIXES), owl.serialize(format="turtle"), rel.serialize(format="turtle"),
                                  render_sssom(src), codegen.render(src, codegen.graph_terms(owl, rel))], (len(owl), len(owl), len(rel)))
    return BuildReport(len(src.entities), len(src.assertions), len(owl), len(rel), cls.unsatisfiable, (*paths, terms))


def _write_release(paths: tuple[Path, ...], terms: Path, texts: list[str], triples: tuple[int, int, int]) -> None:
    """Replace the release only with outputs that load: every file is staged beside its target
    (:func:`spineKG.files.stage`), the three RDF files are parsed back and must hold the triples built,
    the vocabulary module must compile; then each is renamed over the old one. A failure or a kill before the
    renames leaves the old release as it was; each file is at every moment the old one or the new one, whole."""
    import pyoxigraph

    from ..errors import WriteError
    from ..files import commit, discard, stage

    targets = (*paths, terms)
    staged: list[Path] = []
    try:
        for target, text in zip(targets, texts):
            staged.append(stage(target, text))
        formats = (pyoxigraph.RdfFormat.RDF_XML, pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.TURTLE)
        for tmp, target, fmt, expect in zip(staged, paths, formats, triples):
            try:
                got = sum(1 for _ in pyoxigraph.parse(path=str(tmp), format=fmt))
            except SyntaxError as exc:
                raise WriteError(target, f"the new file does not load ({exc})") from None
            if got != expect:
                raise WriteError(target, f"the new file holds {got:,} triples, not the {expect:,} built")
        if not texts[3].strip() or "\t" not in texts[3]:
            raise WriteError(paths[3], "the new mapping set is empty")
        compile(texts[4], str(terms), "exec")
    except BaseException:
        discard(staged)
        raise
    for tmp, target in zip(staged, targets):
        commit(tmp, target)
