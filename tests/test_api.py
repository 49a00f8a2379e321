"""The typed query API, per question category, on every embedded backend (a shared suite)."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import spineKG
from spineKG import UnknownTermError

from .conftest import labels


def test_issue_example_tumors_causing_myelopathy_in_the_cervical_spine(any_kg: spineKG.KnowledgeGraph) -> None:
    res = any_kg.tumors(causes="myelopathy", region="cervical")
    got = labels(res)
    assert {"astrocytoma", "ependymoma"} <= got
    assert not got & {"schwannoma", "hemangioma", "meningioma"}
    astro = next(r for r in res if r.label == "astrocytoma")
    chains = [" / ".join(s.text for s in e.chain()) for e in astro.evidence]
    assert any("spinal cord compression causes myelopathy" in c for c in chains)
    assert any("intramedullary tumor located in cervical spine [most often]" in c for c in chains)
    assert all(step.source is not None for e in astro.evidence for step in e.chain())


def test_issue_example_treatments_for_metastatic_extradural_tumors(any_kg: spineKG.KnowledgeGraph) -> None:
    res = any_kg.treatments(for_="metastatic extradural tumor")
    got = labels(res)
    assert {"surgery", "radiation therapy", "external beam radiation therapy", "stereotactic radiosurgery",
            "corticosteroids", "pain medication", "chemotherapy", "immunotherapy", "palliative care",
            "rehabilitation"} <= got
    assert not got & {"MRI", "bone scan", "percutaneous needle biopsy"}
    rehab = next(r for r in res if r.label == "rehabilitation")
    assert rehab.evidence[0].sources()[0].title.endswith("'Surgery for Spinal Tumors'")


def test_classification(any_kg: spineKG.KnowledgeGraph) -> None:
    malignant = labels(any_kg.tumors(malignancy="cancerous"))
    assert {"metastatic spinal tumor", "osteosarcoma", "multiple myeloma"} <= malignant
    assert not malignant & {"hemangioma", "schwannoma", "neurofibroma", "meningioma"}
    benign = labels(any_kg.tumors(malignancy="benign"))
    assert {"hemangioma", "meningioma", "schwannoma", "neurofibroma"} <= benign
    assert not benign & {"osteosarcoma", "multiple myeloma", "metastatic spinal tumor"}
    strictly = labels(any_kg.tumors(malignancy="benign", typical=True))
    assert "hemangioma" in strictly
    primary_malignant = labels(any_kg.tumors(origin="primary", malignancy="malignant"))
    assert {"osteosarcoma", "multiple myeloma"} <= primary_malignant and "metastatic spinal tumor" not in primary_malignant
    assert labels(any_kg.tumors(rank="most_common")) == {"metastatic spinal tumor"}
    assert labels(any_kg.find(under="general type of spinal tumor", direct=True)) == {"primary spinal tumor", "metastatic spinal tumor"}
    assert labels(any_kg.primary_sites(tumor="metastatic", rank="most_common")) == {"lung cancer", "breast cancer", "prostate cancer"}


def test_location(any_kg: spineKG.KnowledgeGraph) -> None:
    assert labels(any_kg.find(under="spinal region", tumor="spinal tumor", rank="most_common")) == {"thoracic spine"}
    assert labels(any_kg.find(under="spinal region", tumor="intramedullary tumor", rank="most_common")) == {"cervical spine"}
    assert labels(any_kg.find(under="compartment", tumor="metastatic", typical=True)) == {"extradural"}
    idem = labels(any_kg.tumors(compartment="intradural_extramedullary"))
    assert {"meningioma", "schwannoma", "neurofibroma"} <= idem and not idem & {"astrocytoma", "hemangioma"}
    assert labels(any_kg.tumors(compartment="intramedullary", rank="most_common")) == {"astrocytoma", "ependymoma"}
    extradural = labels(any_kg.tumors(compartment="epidural"))
    assert {"metastatic spinal tumor", "hemangioma", "osteosarcoma", "multiple myeloma"} <= extradural
    assert "astrocytoma" not in extradural
    cells = labels(any_kg.find("anatomy", arises_from="intramedullary tumor"))
    assert "glial cells" in cells and not cells & {"spinal nerve root", "meninges"}


def test_symptoms_and_mechanisms(any_kg: spineKG.KnowledgeGraph) -> None:
    pain = labels(any_kg.find(under="characteristic of spinal tumor pain", caused_by="spinal tumor"))
    assert {"deep ache", "sharp or shock-like pain", "night pain", "morning pain", "pain worse with touch or compression"} <= pain
    red = labels(any_kg.find(under="red flag symptom"))
    assert {"loss of appetite", "unplanned weight loss", "nausea", "vomiting", "fever", "chills", "shakes"} == red
    deficits = labels(any_kg.find(under="neurological deficit", caused_by="spinal tumor"))
    assert {"radiculopathy", "myelopathy", "cauda equina syndrome"} <= deficits
    ces = labels(any_kg.symptoms(caused_by="cauda equina syndrome"))
    assert {"saddle numbness", "walking difficulty", "loss of bowel control", "loss of bladder control"} <= ces
    assert not ces & {"fever", "loss of appetite"}
    assert labels(any_kg.find(under="body area", caused_by="radiculopathy", region="lumbar")) == {"legs"}
    mech = labels(any_kg.mechanisms(causes="back pain", caused_by="spinal tumor"))
    assert {"bone expansion", "bone weakening", "vertebral fracture", "spinal cord compression", "nerve root compression",
            "spinal instability"} <= mech
    myelo = labels(any_kg.mechanisms(causes="myelopathy"))
    assert "spinal cord compression" in myelo and "nerve root compression" not in myelo


def test_risk_factors(any_kg: spineKG.KnowledgeGraph) -> None:
    assert {"age over 50", "cancer history"} <= labels(any_kg.risk_factors(tumor="malignant spinal tumor"))
    demo = labels(any_kg.find(under="demographic group", tumor="meningioma"))
    assert demo == {"female sex", "middle age or older"}


def test_diagnostics(any_kg: spineKG.KnowledgeGraph) -> None:
    steps = labels(any_kg.diagnostics(part_of="diagnosis"))
    assert {"patient history", "physical exam", "medical imaging", "biopsy"} <= steps
    assert not steps & {"radiation therapy", "chemotherapy"}
    imaging = labels(any_kg.find(under="medical imaging"))
    assert {"MRI", "CT scan", "PET scan", "bone scan"} <= imaging and "blood test" not in imaging
    assert labels(any_kg.diagnostics(purpose="inside or outside the spinal cord")) == {"gadolinium-enhanced MRI"}
    assert labels(any_kg.find(under="medical imaging", purpose="bone detail", rank="first_line")) == {"CT scan"}
    assert labels(any_kg.find(under="biopsy", rank="most_common")) == {"percutaneous needle biopsy"}
    assert labels(any_kg.diagnostics(purpose="find where a metastatic tumor came from")) == {"blood test"}
    history = labels(any_kg.diagnostics(part_of="patient history"))
    assert {"current symptoms", "pre-existing conditions", "past illnesses", "injuries", "medications (history item)",
            "diet and lifestyle", "family history"} <= history and "reflex testing" not in history
    no_tracer = labels(any_kg.find(under="medical imaging", not_={"uses": "radioactive tracer"}))
    assert {"MRI", "CT scan"} <= no_tracer and not no_tracer & {"PET scan", "bone scan"}


def test_treatments(any_kg: spineKG.KnowledgeGraph) -> None:
    options = labels(any_kg.treatments(applies_to="spinal tumor"))
    assert {"surgery", "radiation therapy", "chemotherapy", "immunotherapy"} <= options
    assert not options & {"MRI", "percutaneous needle biopsy"}
    assert labels(any_kg.goals(treatment="surgery")) == {"tumor removal", "preserve neurological function", "maintain spinal stability"}
    assert labels(any_kg.find(under="radiation therapy", direct=True)) == {"external beam radiation therapy", "stereotactic radiosurgery",
                                                                           "particle therapy"}
    assert labels(any_kg.find(under="pain medication")) == {"nerve pain medication", "opioids", "NSAIDs"}
    assert "laminectomy" in labels(any_kg.find(under="surgery", applies_to="spinal cord tumor", rank="common"))
    inoperable = labels(any_kg.treatments(indication="inoperable"))
    assert "radiation therapy" in inoperable and not inoperable & {"surgery", "laminectomy"}
    chemo = labels(any_kg.tumors(treated_by="chemotherapy"))
    assert {"metastatic spinal tumor", "osteosarcoma", "multiple myeloma"} <= chemo and not chemo & {"hemangioma", "schwannoma"}
    assert labels(any_kg.treatments(indication="after surgery for a metastatic spinal tumor")) == {"rehabilitation"}
    not_drugs = labels(any_kg.treatments(not_={"category": "medication"}))
    assert {"surgery", "radiation therapy", "palliative care"} <= not_drugs and not not_drugs & {"opioids", "chemotherapy"}


def test_properties(any_kg: spineKG.KnowledgeGraph) -> None:
    assert labels(any_kg.find(under="growth rate", tumor="intradural-extramedullary tumor")) == {"slow-growing"}
    assert labels(any_kg.find(under="growth rate", tumor="metastatic")) == {"fast-growing"}


def test_unknown_term_names_the_closest_matches(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(UnknownTermError) as err:
        kg.tumors(region="cervicl")
    assert "cervical spine" in str(err.value)
    assert "cervical spine" in err.value.suggestions
    with pytest.raises(UnknownTermError, match="unknown constraint 'colour'"):
        kg.tumors(colour="red")


def test_lookup_by_synonym_and_result_types(kg: spineKG.KnowledgeGraph) -> None:
    e = kg.lookup("epidural")
    assert e.label == "extradural" and e.kind == "location" and e.curie == "skg:Extradural"
    assert kg.lookup("lower back").label == "lumbar spine"
    assert "MONDO:0016698" in kg.lookup("ependymoma").xrefs
    res = kg.tumors(compartment="intramedullary")
    with pytest.raises(AttributeError):
        res[0].entity.label = "x"  # type: ignore[misc]   # frozen dataclasses
    d = res.to_dict()
    assert d["answers"][0]["evidence"][0]["chain"]


def test_sparql_with_prefixes_bindings_and_named_queries(kg: spineKG.KnowledgeGraph) -> None:
    rows = kg.sparql("SELECT ?t WHERE { ?t skg:mayCause skg:Myelopathy ; skg:kind 'tumor' }")
    assert "https://w3id.org/spinekg/Ependymoma" in {str(r[0]) for r in rows}
    named = kg.sparql("tumors_causing_finding_in_region", finding="skg:Myelopathy", region="skg:CervicalSpine")
    assert {"astrocytoma", "ependymoma"} <= {d["label"] for d in named.to_dicts()}
    rules = kg.sparql("triage_rules")
    assert str(rules[0][0]) == "emergency care now" and str(rules[len(rules) - 1][0]) == "self-care with safety-net advice"
    with pytest.raises(spineKG.SparqlError) as err:
        kg.sparql("SELECT ?x WHERE { ?x ?p }")
    assert err.value.line == 1 and err.value.column
    with pytest.raises(spineKG.SparqlError, match="did you mean"):
        kg.sparql("triage_rule")
    assert isinstance(kg.graph, __import__("rdflib").Graph)


@pytest.mark.parametrize("name,bindings,expect", [
    ("tumors_in_compartment", {"compartment": "skg:Extradural"}, "hemangioma"),
    ("treatments_for_tumor", {"tumor": "skg:SecondarySpinalTumor"}, "rehabilitation"),
    ("red_flags", {}, "nausea"),
    ("evidence_chain", {"s": "skg:Ependymoma", "p": "skg:mayCause", "o": "skg:Myelopathy"}, "spinal cord compression"),
    ("instrument_table", {"instrument": "skg:SINS"}, "junctional"),
    ("assertion_sources", {}, "ependymoma"),
])
def test_named_queries(any_kg: spineKG.KnowledgeGraph, name: str, bindings: dict, expect: str) -> None:
    rows = any_kg.sparql(name, **bindings)
    assert any(expect in " ".join(str(c) for c in row) for row in rows)
    assert list(rows.to_df().columns) == list(rows.vars)


# ------------------------------------------------------------------ the public surface (like httpx's exported-members test)

ROOT = Path(__file__).resolve().parents[1]


def _bound_names(path: Path) -> set[str]:
    """The names a module's source binds at module level (imports, assignments, functions, classes); not the
    ``from __future__`` feature names, nor names bound only under ``if TYPE_CHECKING:``."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                    names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
            elif isinstance(node, ast.If) and not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for part in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
                    visit(part)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return names


def _documented() -> dict[int, str]:
    """The objects docs/api.md documents (by id), each with the directive that does: ``autofunction`` and
    ``autoclass`` name one; ``automodule`` documents the ``:members:`` it lists, or else (autodoc's default
    options in docs/conf.py: members, not undocumented ones) every public member with a docstring — those in
    the module's ``__all__``, or, without one, those defined in the module."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    found: dict[int, str] = {}
    for m in re.finditer(r"^\.\. (autofunction|autoclass|automodule):: (\S+)\n((?:   :\S+:.*\n)*)", text, re.M):
        directive, target, options = m.groups()
        if directive != "automodule":
            module, _, name = target.rpartition(".")
            found[id(getattr(importlib.import_module(module), name))] = m.group(0).splitlines()[0]
            continue
        mod = importlib.import_module(target)
        listed = re.search(r":members:(.*)", options)
        if listed and listed.group(1).strip():
            names = [n.strip() for n in listed.group(1).split(",")]
        elif hasattr(mod, "__all__"):
            names = list(mod.__all__)
        else:
            names = [n for n, o in vars(mod).items() if not n.startswith("_") and getattr(o, "__module__", None) == target]
        for n in names:
            obj = getattr(mod, n)
            if inspect.getdoc(obj):
                found[id(obj)] = f"{m.group(0).splitlines()[0]} ({n})"
    return found


def test_all_is_exactly_the_public_names_of_the_package() -> None:
    public = {n for n in _bound_names(ROOT / "spineKG" / "__init__.py") if not n.startswith("_")}
    assert spineKG.__all__ == sorted(public), "spineKG.__all__ must list exactly the public names of spineKG/__init__.py"
    namespace: dict[str, object] = {}
    exec("from spineKG import *", namespace)   # noqa: S102
    assert {n for n in namespace if n != "__builtins__"} == set(spineKG.__all__)


@pytest.mark.parametrize("name", spineKG.__all__)
def test_every_exported_name_is_importable_and_documented(name: str) -> None:
    obj = getattr(spineKG, name)
    assert inspect.getdoc(obj), f"spineKG.{name} has no docstring"
    assert id(obj) in _documented(), f"spineKG.{name} is exported but not in the API reference (docs/api.md)"


def test_the_api_reference_documents_only_what_is_exported_from_the_root() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for target in re.findall(r"^\.\. auto(?:function|class):: spineKG\.(\w+)$", text, re.M):
        assert target in spineKG.__all__, f"docs/api.md documents spineKG.{target}, which spineKG.__all__ leaves out"


def _modules_with_all() -> list[str]:
    out = []
    for path in sorted((ROOT / "spineKG").rglob("*.py")):
        if "__all__" not in path.read_text(encoding="utf-8") or path.name == "__main__.py":
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


@pytest.mark.parametrize("module", _modules_with_all())
def test_every_name_in_a_modules_all_exists(module: str) -> None:
    mod = importlib.import_module(module)
    names = list(mod.__all__)
    assert len(names) == len(set(names)), f"{module}.__all__ lists a name twice"
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"{module}.__all__ lists names it does not define: {missing}"
    assert set(names) <= _bound_names(Path(mod.__file__)), f"{module}.__all__ lists names its source does not bind"


def test_work_grows_linearly_with_the_constraints(any_kg: spineKG.KnowledgeGraph) -> None:
    """Every symptom a tumor causes, all at once (35 constraints): the tumor found with evidence for each, in well
    under a second, and no slower per constraint than a handful (the evidence rows add up, not multiply: 28 s before)."""
    import time

    tumor = max(any_kg.tumors(), key=lambda r: len(any_kg.symptoms(caused_by=r.entity)))
    causes = [r.entity for r in any_kg.symptoms(caused_by=tumor.entity)]
    assert len(causes) >= 20
    start = time.perf_counter()
    few = any_kg.tumors(causes=causes[:4])
    t_few = time.perf_counter() - start
    start = time.perf_counter()
    every = any_kg.tumors(causes=causes)
    t_every = time.perf_counter() - start
    assert tumor.entity in [r.entity for r in every]
    assert tumor.entity in [r.entity for r in few]
    found = next(r for r in every if r.entity == tumor.entity)
    assert len(found.evidence) >= len(causes)
    assert t_every < 1.0 and t_every / len(causes) < max(t_few, 0.01) * 2, (t_few, t_every)


def test_a_query_past_the_constraint_limit_is_a_clear_error(kg: spineKG.KnowledgeGraph) -> None:
    from spineKG.query.constraints import MAX_CONSTRAINTS

    symptoms = [r.entity for r in kg.symptoms()]
    many = (symptoms * (MAX_CONSTRAINTS // len(symptoms) + 2))[:MAX_CONSTRAINTS + 1]
    with pytest.raises(spineKG.errors.BudgetError, match="over the limit"):
        kg.tumors(causes=many)
    kg.tumors(causes=many[:MAX_CONSTRAINTS])   # at the limit: answered (nothing meets them all)


# the one public function whose example cannot run under the test extras: it needs the "distill" extra (torch)
NO_EXAMPLE = {"spineKG.builder.encoder.distil": "needs the distill extra (model2vec and torch) and a minute"}


def _public_functions_and_classes() -> list[str]:
    out = []
    for module in _modules_with_all():
        mod = importlib.import_module(module)
        for n in mod.__all__:
            obj = getattr(mod, n)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith("spineKG"):
                out.append(f"{obj.__module__}.{obj.__qualname__}")   # named where it is defined
    return sorted(set(out))


@pytest.mark.parametrize("name", _public_functions_and_classes())
def test_every_public_function_and_class_has_a_runnable_example(name: str) -> None:
    """Each public function and class of every module (its ``__all__``) shows a ``>>>`` example in its docstring,
    which the doctest pass of the suite runs (``--doctest-modules`` over spineKG, the builder included)."""
    module, _, qualname = name.rpartition(".")
    doc = getattr(importlib.import_module(module), qualname).__doc__ or ""
    if name in NO_EXAMPLE:
        assert ">>>" not in doc, f"{name} has an example now: remove it from NO_EXAMPLE"
        pytest.skip(NO_EXAMPLE[name])
    assert ">>>" in doc, f"{name} has no runnable >>> example in its docstring"


def test_a_malformed_query_is_a_sparql_error_on_every_backend(any_kg: spineKG.KnowledgeGraph) -> None:
    """On a remote store too (where rdflib's connector hands back the HTTP status instead of raising): a
    SparqlError with the endpoint's own message, never a TypeError from iterating over that status."""
    with pytest.raises(spineKG.SparqlError) as err:
        any_kg.store.select("SELECT ?x WHERE {\n  ?x ?p }")
    assert "status" not in str(err.value) and str(err.value).strip(), str(err.value)
    assert err.value.line == 2, str(err.value)   # in the user's own text (the PREFIX lines added not counted)
