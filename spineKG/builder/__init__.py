"""The ontology build: YAML source → OWL (RDF/XML and Turtle) → HermiT → relation graph.

Only this package imports owlready2. Run it with ``python -m spineKG.builder`` (or ``spinekg build``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingDependencyError
from .source import SOURCE_DIR, SourceError, load_source

ONTOLOGY_DIR = SOURCE_DIR.parent
ARTIFACTS = ("spinekg.owl", "spinekg.ttl", "spinekg-relations.ttl", "spinekg.sssom.tsv")

__all__ = ["ARTIFACTS", "BuildReport", "SourceError", "build"]


@dataclass(frozen=True)
class BuildReport:
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

    Example (needs Java): ``build(out_dir="/tmp/release")`` returns a BuildReport with the counts.
    """
    from . import codegen
    from .materialise import materialise
    from .sssom import write_sssom
    from .owl import build_owl
    from ..errors import ReasonerError
    from .namespaces import PREFIXES
    from .rdfxml import write_rdfxml
    from .reason import classify

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
    write_rdfxml(owl, PREFIXES, paths[0])
    owl.serialize(paths[1], format="turtle")
    rel.serialize(paths[2], format="turtle")
    write_sssom(src, paths[3])
    # the package's vocabulary module follows the release it was built with; a build elsewhere writes its own copy
    terms = codegen.TERMS_MODULE if out.resolve() == ONTOLOGY_DIR.resolve() else out / "terms.py"
    codegen.write(src, owl, rel, path=terms)
    return BuildReport(len(src.entities), len(src.assertions), len(owl), len(rel), cls.unsatisfiable, (*paths, terms))
