"""The clinician's review (issue 12): each error, hedge problem and unsupported claim, as the graph now answers it;
population statements, typed synonyms, SSSOM mappings, disjointness, NOMS and the release layout."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

import spineKG
from spineKG import scores
from spineKG.errors import ReasonerError, ScoreInputError

from .conftest import labels

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
SRC = ONTOLOGY / "src"
SKG = "https://w3id.org/spinekg/"


def edge(kg: spineKG.KnowledgeGraph, s: str, p: str, o: str) -> dict | None:
    """The relation-graph edge s p o (weak property) with its axiom record, or None."""
    rows = kg.engine.edges_between([SKG + s], [SKG + o], [kg.index.strict_to_weak[SKG + p]])
    return rows[0] if rows else None


def kind_of(kg: spineKG.KnowledgeGraph, s: str, p: str, o: str) -> str | None:
    rows = kg.sparql(f"""SELECT ?k WHERE {{ ?ax owl:annotatedSource skg:{s} ; owl:annotatedTarget skg:{o} ;
        owl:annotatedProperty <{kg.index.strict_to_weak[SKG + p]}> ; skg:statementKind ?k }}""")
    return str(list(rows)[0][0]) if len(rows) else None


# ------------------------------------------------------------------ (a) errors
def test_a1_bone_marrow_is_not_in_every_vertebra_and_myeloma_is_primary_by_its_vertebral_marrow(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "BoneMarrow", "locatedIn", "Vertebra") is None
    assert edge(kg, "VertebralBoneMarrow", "partOf", "Vertebra")["typicality"] == "always"
    assert "primary spinal tumor" in {e.label for e in map(kg.index.entities.get, kg.index.ancestors[SKG + "MultipleMyeloma"])}


def test_a2_glial_cells_are_not_part_of_the_spinal_cord(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "GlialCell", "partOf", "SpinalCord") is None


def test_a3_an_intramedullary_metastasis_is_secondary_not_primary(kg: spineKG.KnowledgeGraph) -> None:
    anc = kg.index.ancestors[SKG + "IntramedullaryMetastasis"]
    assert SKG + "SecondarySpinalTumor" in anc and SKG + "IntramedullaryTumor" in anc
    assert SKG + "PrimarySpinalTumor" not in anc
    assert kind_of(kg, "IntramedullaryTumor", "originatesIn", "SpinalCord") == "population"


def test_a4_myxopapillary_ependymoma_is_an_ependymal_tumor(kg: spineKG.KnowledgeGraph) -> None:
    ependymal = labels(kg.tumors(under="spinal ependymal tumor"))
    assert {"ependymoma", "myxopapillary ependymoma"} <= ependymal


def test_a5_no_primary_tumor_has_an_always_risk_factor_from_a_population_statement(kg: spineKG.KnowledgeGraph) -> None:
    rows = kg.sparql("""SELECT ?t ?r WHERE { ?t skg:hasRiskFactor ?r }""")
    assert len(rows) == 0                       # risk is never a fact about every member
    for tumor in ("EwingSarcoma", "Osteosarcoma", "Chordoma", "MultipleMyeloma"):
        assert edge(kg, tumor, "hasRiskFactor", "AgeOver50") is None
        assert edge(kg, tumor, "hasRiskFactor", "CancerHistory") is None
    assert kind_of(kg, "MalignantSpinalTumor", "hasRiskFactor", "AgeOver50") == "population"


def test_a6_cancer_history_is_a_risk_factor_of_metastases_only(kg: spineKG.KnowledgeGraph) -> None:
    for tumor in ("Hemangioma", "Schwannoma", "Meningioma", "Astrocytoma", "Ependymoma", "OsteoidOsteoma"):
        assert edge(kg, tumor, "hasRiskFactor", "CancerHistory") is None
    assert "cancer history" in labels(kg.risk_factors(tumor="metastatic spinal tumor"))


def test_a7_sacral_and_lumbar_tumors_do_not_inherit_upper_back_pain(kg: spineKG.KnowledgeGraph) -> None:
    for tumor in ("Chordoma", "EwingSarcoma", "GiantCellTumorOfBone", "OsteoidOsteoma", "MyxopapillaryEpendymoma"):
        assert edge(kg, tumor, "causes", "UpperOrMiddleBackPain") is None
    assert kind_of(kg, "SpinalTumor", "causes", "UpperOrMiddleBackPain") == "population"


def test_a8_most_hemangiomas_are_silent(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "Hemangioma", "causes", "BackPain")["typicality"] == "may"
    assert edge(kg, "Hemangioma", "causes", "NoSymptoms")["typicality"] == "usually"
    assert edge(kg, "Hemangioma", "causes", "PainNotRelievedByRest")["typicality"] == "rarely"


def test_a9_myeloma_is_treated_first_with_radiation_not_laminectomy(kg: spineKG.KnowledgeGraph) -> None:
    res = kg.treatments(for_="multiple myeloma")
    assert "radiation" in res[0].label
    got = labels(res)
    assert not got & {"laminectomy", "separation surgery followed by stereotactic radiosurgery"}
    hemangioma = labels(kg.treatments(for_="hemangioma"))
    assert "observation" in hemangioma and "separation surgery followed by stereotactic radiosurgery" not in hemangioma
    # what treats a tumor class reaches its kinds, and the evidence says from where
    stab = next(r for r in kg.treatments(for_="spinal metastasis from kidney cancer") if r.label == "surgical stabilization")
    assert stab.evidence[0].inherited_from is not None and "inherited from metastatic spinal tumor" in stab.evidence[0].text


def test_a10_rehabilitation_is_part_of_the_management_not_a_tumor_treatment(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "Rehabilitation", "treats", "NeurologicalDeficit")["typicality"] == "usually"
    assert edge(kg, "Rehabilitation", "treats", "SecondarySpinalTumor")["typicality"] == "may"
    assert edge(kg, "Rehabilitation", "hasGoal", "NeurologicalRecovery") is not None


def test_a11_chordoma_is_spinal(kg: spineKG.KnowledgeGraph) -> None:
    chordoma = kg.lookup("chordoma")
    assert "skull base" in chordoma.definition and "not spinal tumors" in chordoma.definition


# ------------------------------------------------------------------ (b) hedges
def test_b1_meningioma_and_nerve_sheath_tumors_are_usually_not_always_intradural_extramedullary(kg: spineKG.KnowledgeGraph) -> None:
    for tumor in ("Meningioma", "Schwannoma", "Neurofibroma"):
        assert SKG + "IntraduralExtramedullaryTumor" not in kg.index.ancestors[SKG + tumor]
        assert edge(kg, tumor, "locatedIn", "IntraduralExtramedullary")["typicality"] == "usually"
    assert edge(kg, "Schwannoma", "locatedIn", "Extradural")["typicality"] == "may"


def test_b2_the_common_primaries_are_a_ranking_not_most_of_each_cancer(kg: spineKG.KnowledgeGraph) -> None:
    for cancer in ("LungCancer", "BreastCancer", "ProstateCancer"):
        e = edge(kg, cancer, "spreadsTo", "SpinalColumn")
        assert e["typicality"] == "may" and e["rank"] == "most_common" and e["kind"] == "population"


def test_b3_osteosarcoma_and_myeloma_are_common_among_malignant_primary_tumors(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "PrimarySpinalTumor", "hasCommonType", "Osteosarcoma") is None
    assert edge(kg, "MalignantPrimarySpinalTumor", "hasCommonType", "Osteosarcoma") is not None


def test_b4_meningioma_demographics_are_not_always_facts(kg: spineKG.KnowledgeGraph) -> None:
    for o in ("FemaleSex", "MiddleAgeOrOlder"):
        e = edge(kg, "Meningioma", "moreCommonIn", o)
        assert e["typicality"] != "always" and e["kind"] == "population"
    assert labels(kg.find(under="demographic group", tumor="meningioma")) == {"female sex", "middle age or older"}


def test_b5_mri_is_first_line_for_a_suspected_tumor(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "MRI", "partOf", "SpinalTumorDiagnosis")["rank"] == "first_line"
    assert edge(kg, "CTScan", "partOf", "SpinalTumorDiagnosis")["rank"] is None


def test_b6_intramedullary_gliomas_are_not_inherited_benign(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "Ependymoma", "hasBehaviour", "Benign") is None
    assert edge(kg, "Ependymoma", "hasBehaviour", "Malignant")["typicality"] == "usually"
    assert edge(kg, "Astrocytoma", "hasBehaviour", "Benign") is None


def test_b7_hemangioblastoma_usually_starts_in_the_cord(kg: spineKG.KnowledgeGraph) -> None:
    assert edge(kg, "Hemangioblastoma", "originatesIn", "SpinalCord")["typicality"] == "usually"


def test_b8_ewing_sarcoma_is_defined_by_fet_ets_fusions(kg: spineKG.KnowledgeGraph) -> None:
    assert "EWSR1::FLI1" in kg.lookup("Ewing sarcoma").definition


# ------------------------------------------------------------------ (c) unsupported
def test_c1_sacral_share_of_giant_cell_tumors_is_not_ninety_percent(kg: spineKG.KnowledgeGraph) -> None:
    e = edge(kg, "GiantCellTumorOfBone", "locatedIn", "SacralSpine")
    assert "90" not in (e["note"] or "").replace("not 90", "") and e["typicality"] == "commonly"


def test_c4_unverified_ewing_percentages_are_gone(kg: spineKG.KnowledgeGraph) -> None:
    assert "53%" not in (edge(kg, "EwingSarcoma", "locatedIn", "SacralSpine")["note"] or "")


def test_every_declared_source_is_cited() -> None:
    import yaml

    text = "".join(p.read_text() for p in SRC.glob("*.yaml")) + (SRC / "xrefs.tsv").read_text()
    sources = yaml.safe_load((SRC / "schema.yaml").read_text())["sources"]
    uncited = [s for s in sources if text.count(s) < 2 and s not in ("art-intro", "long-2020-ces", "nccn-bone")]
    assert uncited == [], uncited


# ------------------------------------------------------------------ definitions and synonyms (section 5)
def test_definitions_do_not_restate_their_label(kg: spineKG.KnowledgeGraph) -> None:
    for name in ("slow-growing", "fast-growing", "female sex", "middle age or older", "walking difficulty", "injuries",
                 "past illnesses", "current symptoms", "tumor shrinkage", "pain management", "comfort", "all of the tumor",
                 "loss of bowel control", "lower back pain"):
        e = kg.lookup(name)
        assert len(e.definition.split()) >= 8, (name, e.definition)


@pytest.mark.parametrize("cls,text,scope", [
    ("KidneyCancer", "kidney", "Related"), ("ThyroidCancer", "thyroid", "Related"), ("SelfCare", "rest", "Related"),
    ("Fever", "temperature", "Related"), ("LossOfBladderControl", "urinary retention", "Narrow"),
    ("Myelopathy", "spinal cord disease", "Broad"), ("PrimaryBoneLymphoma", "spinal lymphoma", "Broad"),
    ("SolitaryPlasmacytoma", "plasmacytoma", "Broad"), ("GiantCellTumorOfBone", "giant cell tumor", "Broad"),
    ("GiantCellTumorOfBone", "osteoclastoma", "Related"), ("IntraduralTumor", "spinal cord tumor", "Related"),
    ("DuraMater", "thecal sac", "Related"), ("SpinalTumor", "spinal neoplasm", "Exact"),
])
def test_synonyms_that_mean_something_else_are_typed(kg: spineKG.KnowledgeGraph, cls: str, text: str, scope: str) -> None:
    rows = kg.sparql(f'SELECT ?p WHERE {{ skg:{cls} ?p ?v . FILTER(STR(?v) = "{text}") }}')
    assert {str(r[0]).rsplit("#", 1)[-1] for r in rows} == {f"has{scope}Synonym"}


# ------------------------------------------------------------------ mappings (section 2)
def test_sssom_file_validates_and_every_xref_has_a_predicate() -> None:
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(ONTOLOGY / "spinekg.sssom.tsv")
    validate(msdf)   # raises on an invalid mapping set
    df = msdf.df
    xrefs = [line for line in (SRC / "xrefs.tsv").read_text().splitlines()[1:] if line.strip()]
    assert len(df) == len(xrefs)
    assert set(df["predicate_id"]) <= {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch"}
    pick = lambda s, o: df[(df.subject_id == f"skg:{s}") & (df.object_id == o)].predicate_id.tolist()  # noqa: E731
    assert pick("Meningioma", "MONDO:0001275") == ["skos:exactMatch"]       # spinal meningioma
    assert pick("Meningioma", "MONDO:0016642") == ["skos:broadMatch"]       # meningioma, any site
    assert pick("Ependymoma", "MONDO:0003473") == ["skos:exactMatch"]       # spinal cord ependymoma
    assert pick("Osteosarcoma", "ICD10CM:C41.2") == ["skos:closeMatch"]     # excludes the sacrum
    assert pick("Hemangioblastoma", "HP:0009713") == ["skos:exactMatch"]


# ------------------------------------------------------------------ disjointness and the reasoner
def _source_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy)
    return copy


@pytest.mark.parametrize("injected", [
    "- {s: Hemangioma, p: hasBehaviour, o: Malignant, src: who-icdo3}\n",                     # benign and malignant
    "- {s: Osteosarcoma, p: spreadsFrom, o: Cancer, src: art-types}\n",                      # primary and secondary
])
def test_an_injected_contradiction_fails_the_build(tmp_path: Path, injected: str) -> None:
    from spineKG.builder import build

    copy = _source_copy(tmp_path)
    with (copy / "assertions.yaml").open("a") as fh:
        fh.write(injected)
    with pytest.raises(ReasonerError, match="unsatisfiable|inconsistent"):
        build(copy, tmp_path / "out")


def test_a_class_of_two_kinds_fails_the_build(tmp_path: Path) -> None:
    from spineKG.builder import build

    copy = _source_copy(tmp_path)
    text = (copy / "tumors.yaml").read_text().replace("  label: hemangioma\n  parents: [SpinalTumor]",
                                                       "  label: hemangioma\n  parents: [SpinalTumor, Treatment]")
    (copy / "tumors.yaml").write_text(text)
    with pytest.raises(ReasonerError, match="Hemangioma"):
        build(copy, tmp_path / "out")


# ------------------------------------------------------------------ NOMS (section 3)
@pytest.mark.parametrize("histology,expected", [
    ("lung cancer", "radioresistant"), ("breast cancer", "radiosensitive"), ("prostate cancer", "radiosensitive"),
    ("kidney cancer", "radioresistant"), ("thyroid cancer", "radioresistant"), ("multiple myeloma", "radiosensitive"),
    ("lymphoma", "radiosensitive"), ("sarcoma", "radioresistant"), ("melanoma", "radioresistant"),
])
def test_noms_answers_for_the_common_histologies(kg: spineKG.KnowledgeGraph, histology: str, expected: str) -> None:
    r = scores.noms(escc="1a", histology=histology, stability="stable", kg=kg)
    assert r.radiosensitivity == expected
    assert r.recommendations


def test_noms_says_when_the_radiosensitivity_is_hedged(kg: spineKG.KnowledgeGraph) -> None:
    r = scores.noms(escc="1a", histology="lung cancer", stability="stable", kg=kg)
    assert any("small cell" in why for why in r.rationale)


def test_noms_asks_for_the_mechanical_assessment(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(ScoreInputError, match="stability=.*sins="):
        scores.noms(escc="2", histology="kidney cancer", kg=kg)


def test_noms_mechanical_branch_offers_cement_augmentation(kg: spineKG.KnowledgeGraph) -> None:
    r = scores.noms(escc="1a", radiosensitivity="radioresistant", sins=9, mechanical_pain=True, kg=kg)
    assert "percutaneous cement augmentation" in {e.label for e in r.recommendations}
    assert "percutaneous cement augmentation" not in {e.label for e in scores.noms(
        escc="1a", radiosensitivity="radioresistant", sins=9, kg=kg).recommendations}
    unstable = scores.noms(escc="1a", radiosensitivity="radioresistant", sins=15, mechanical_pain=True, kg=kg)
    assert "percutaneous cement augmentation" not in {e.label for e in unstable.recommendations}


def test_noms_error_where_no_source_gives_a_class(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(ScoreInputError, match="no published source"):
        scores.noms(escc="1a", histology="hemangioma", stability="stable", kg=kg)


def test_neurological_scales_are_data(kg: spineKG.KnowledgeGraph) -> None:
    assert [g["key"] for g in scores.instrument("Frankel grade", kg).grades] == ["A", "B", "C", "D", "E"]
    assert [g["key"] for g in scores.instrument("AIS", kg).grades] == ["A", "B", "C", "D", "E"]
    assert [g["key"] for g in scores.instrument("McCormick scale", kg).grades] == ["I", "II", "III", "IV"]


# ------------------------------------------------------------------ (d) the missing facts
def test_missing_facts_are_there(kg: spineKG.KnowledgeGraph) -> None:
    assert "corticosteroids" in labels(kg.treatments(indication="metastatic spinal cord compression"))
    assert "MRI" in labels(kg.diagnostics(indication="metastatic spinal cord compression"))
    assert {"fever", "back pain"} <= labels(kg.symptoms(caused_by="spinal infection"))
    assert {"intravenous drug use", "immunosuppression"} <= labels(kg.risk_factors(tumor="spinal infection"))
    work_up = labels(kg.diagnostics(part_of="myeloma work-up"))
    assert {"protein electrophoresis", "serum free light chain assay", "full blood count"} <= work_up
    assert "percutaneous cement augmentation" in labels(kg.treatments(indication="painful pathological fracture without gross instability"))
    assert "biopsy planned with the treating surgeon" in labels(kg.diagnostics(indication="suspected primary malignant bone tumor"))
    assert {"en bloc resection", "particle therapy"} <= labels(kg.treatments(for_="chordoma"))
    assert edge(kg, "Chondrosarcoma", "hasRadiosensitivity", "Radioresistant") is not None
    assert "denosumab" in labels(kg.treatments(for_="giant cell tumor of bone"))
    assert edge(kg, "GiantCellTumorOfBone", "spreadsTo", "Lung")["typicality"] == "rarely"
    assert "pain relieved by NSAIDs" in labels(kg.symptoms(caused_by="osteoid osteoma"))
    assert kg.treatments(for_="osteoid osteoma")[0].label == "radiofrequency ablation"
    assert edge(kg, "Hemangioblastoma", "hasRiskFactor", "VonHippelLindauDisease") is not None
    assert edge(kg, "MalignantPeripheralNerveSheathTumor", "hasRiskFactor", "Neurofibromatosis1") is not None
    assert edge(kg, "Schwannoma", "hasRiskFactor", "Neurofibromatosis2") is not None
    assert "neoadjuvant" in edge(kg, "Chemotherapy", "treats", "EwingSarcoma")["note"]
    assert "children and adolescents" in labels(kg.find(under="demographic group", tumor="Ewing sarcoma"))
    assert {"corduroy sign", "polka-dot sign"} <= labels(kg.symptoms(sign_of="hemangioma"))
    assert "transarterial embolization" in labels(kg.treatments(for_="aggressive vertebral hemangioma"))
    assert "syrinx" in labels(kg.symptoms(caused_by="intramedullary tumor"))
    assert edge(kg, "Ependymoma", "hasCharacteristic", "GrossTotalResectionPossible") is not None
    assert edge(kg, "Astrocytoma", "hasCharacteristic", "Infiltrative") is not None


# ------------------------------------------------------------------ the three kinds of statement, in SPARQL
def test_readme_sparql_tells_strict_member_and_population_statements_apart(kg: spineKG.KnowledgeGraph) -> None:
    rows = kg.sparql("""SELECT ?kind (COUNT(?ax) AS ?n) WHERE { ?ax skg:statementKind ?kind ; skg:derivation "asserted" }
                        GROUP BY ?kind""")
    kinds = {str(k): int(n) for k, n in rows}
    assert set(kinds) == {"strict", "member", "population"} and all(n > 20 for n in kinds.values())
    assert "SELECT ?s ?p ?o ?kind" in (ONTOLOGY / "README.md").read_text()


# ------------------------------------------------------------------ release layout (issue 15)
def test_release_owl_loads_in_pronto_with_its_header_first() -> None:
    import pronto

    text = (ONTOLOGY / "spinekg.owl").read_text()
    first_element = text.split(">", 2)[2].lstrip().split("\n", 1)[0]   # after the XML declaration and <rdf:RDF ...>
    assert first_element.startswith("<owl:Ontology ")
    onto = pronto.Ontology(str(ONTOLOGY / "spinekg.owl"))
    assert onto["https://w3id.org/spinekg/Ependymoma"].name == "ependymoma"


def test_a_rebuild_is_byte_identical(tmp_path: Path) -> None:
    from spineKG.builder import ARTIFACTS, build

    build(out_dir=tmp_path)
    for name in ARTIFACTS:
        assert (tmp_path / name).read_bytes() == (ONTOLOGY / name).read_bytes(), f"ontology/{name} differs from a rebuild"


def test_population_statements_are_owl_annotations_not_class_axioms() -> None:
    g = Graph().parse(ONTOLOGY / "spinekg.ttl", format="turtle")
    pop = URIRef(SKG + "populationStatement")
    assert (URIRef(SKG + "SpinalTumor"), pop, URIRef(SKG + "ThoracicSpine")) in g
    assert (URIRef(SKG + "Meningioma"), URIRef(SKG + "mayBeMoreCommonIn"), URIRef(SKG + "FemaleSex")) not in g
