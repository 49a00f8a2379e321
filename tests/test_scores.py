"""Clinical instruments: published tables, category boundaries, invalid input, and graph agreement."""
from __future__ import annotations

import subprocess
import sys

import pytest

import spineKG
from spineKG import scores
from spineKG.scores import InvalidOptionError, ScoreInputError

SINS_ZERO = dict(location="rigid", pain="pain_free", bone_lesion="blastic", alignment="normal", collapse="none",
                 posterolateral="none")


@pytest.mark.parametrize("changes,total,category", [
    ({}, 0, "stable"),
    # 6 / 7 boundary
    (dict(location="junctional", pain="mechanical"), 6, "stable"),
    (dict(location="junctional", pain="mechanical", posterolateral="unilateral"), 7, "indeterminate (possibly impending) instability"),
    # 12 / 13 boundary
    (dict(location="junctional", pain="mechanical", bone_lesion="lytic", alignment="de_novo_deformity", collapse="lt50"), 12,
     "indeterminate (possibly impending) instability"),
    (dict(location="junctional", pain="mechanical", bone_lesion="lytic", alignment="de_novo_deformity", collapse="gt50"), 13, "unstable"),
    # the maximum
    (dict(location="junctional", pain="mechanical", bone_lesion="lytic", alignment="subluxation_translation", collapse="gt50",
          posterolateral="bilateral"), 18, "unstable"),
])
def test_sins(kg: spineKG.KnowledgeGraph, changes: dict, total: int, category: str) -> None:
    r = scores.sins(**(SINS_ZERO | changes), kg=kg)
    assert (r.total, r.category) == (total, category)
    assert sum(r.points.values()) == total and "Fisher" in r.citation


def test_sins_points_per_option(kg: spineKG.KnowledgeGraph) -> None:
    r = scores.sins(location="mobile", pain="occasional_non_mechanical", bone_lesion="mixed", alignment="de_novo_deformity",
                    collapse="no_collapse_gt50_involved", posterolateral="unilateral", kg=kg)
    assert r.points == dict(location=2, pain=1, bone_lesion=1, alignment=2, collapse=1, posterolateral=1)


TOKU_ZERO = dict(general_condition_kps="poor_10_40", extraspinal_bone_mets="ge3", vertebral_body_mets="ge3",
                 major_organ_mets="unremovable", primary_site="lung_osteosarcoma_stomach_bladder_esophagus_pancreas",
                 palsy_frankel="A_B")


@pytest.mark.parametrize("changes,total,category", [
    ({}, 0, "predicted survival under 6 months"),
    (dict(primary_site="thyroid_breast_prostate_carcinoid", general_condition_kps="moderate_50_70", extraspinal_bone_mets="1_2",
          vertebral_body_mets="2"), 8, "predicted survival under 6 months"),
    (dict(primary_site="thyroid_breast_prostate_carcinoid", general_condition_kps="good_80_100", extraspinal_bone_mets="1_2",
          vertebral_body_mets="2"), 9, "predicted survival 6 months or more"),
    (dict(primary_site="kidney_uterus", general_condition_kps="good_80_100", extraspinal_bone_mets="0", vertebral_body_mets="1",
          major_organ_mets="removable", palsy_frankel="C_D"), 11, "predicted survival 6 months or more"),
    (dict(primary_site="rectum", general_condition_kps="good_80_100", extraspinal_bone_mets="0", vertebral_body_mets="1",
          major_organ_mets="none"), 12, "predicted survival 1 year or more"),
    (dict(primary_site="thyroid_breast_prostate_carcinoid", general_condition_kps="good_80_100", extraspinal_bone_mets=0,
          vertebral_body_mets=1, major_organ_mets="none", palsy_frankel="E"), 15, "predicted survival 1 year or more"),
])
def test_tokuhashi(kg: spineKG.KnowledgeGraph, changes: dict, total: int, category: str) -> None:
    r = scores.tokuhashi(**(TOKU_ZERO | changes), kg=kg)
    assert (r.total, r.category) == (total, category)


@pytest.mark.parametrize("growth,visceral,bone,total,category", [
    ("slow", "none", "solitary", 2, "long-term local control"),
    ("slow", "none", "multiple", 3, "long-term local control"),
    ("moderate", "none", "multiple", 4, "middle-term local control"),
    ("slow", "treatable", "multiple", 5, "middle-term local control"),
    ("moderate", "treatable", "multiple", 6, "short-term palliation"),
    ("rapid", "treatable", "solitary", 7, "short-term palliation"),
    ("rapid", "treatable", "multiple", 8, "terminal care"),
    ("rapid", "untreatable", "multiple", 10, "terminal care"),
])
def test_tomita(kg: spineKG.KnowledgeGraph, growth: str, visceral: str, bone: str, total: int, category: str) -> None:
    r = scores.tomita(primary_growth=growth, visceral_mets=visceral, bone_mets=bone, kg=kg)
    assert (r.total, r.category) == (total, category)


def labels(result: scores.NomsResult) -> set[str]:
    return {e.label for e in result.recommendations}


def test_noms(kg: spineKG.KnowledgeGraph) -> None:
    ebrt = {"external beam radiation therapy"}
    assert labels(scores.noms(escc="3", radiosensitivity="radiosensitive", stability="stable", kg=kg)) == ebrt
    assert labels(scores.noms(escc="1b", radiosensitivity="radioresistant", stability="stable", kg=kg)) == {"stereotactic radiosurgery"}
    high = scores.noms(escc="2", radiosensitivity="radioresistant", stability="stable", kg=kg)
    assert labels(high) == {"separation surgery followed by stereotactic radiosurgery"}
    assert high.recommendations[0].iri.endswith("/SeparationSurgery") and "Laufer" in high.citation
    assert "surgical stabilization" in labels(scores.noms(escc="0", radiosensitivity="radioresistant", sins=13, kg=kg))
    assert "surgical stabilization" not in labels(scores.noms(escc="0", radiosensitivity="radioresistant", sins=6, kg=kg))
    frail = scores.noms(escc="3", radiosensitivity="radioresistant", stability="unstable", can_tolerate_surgery=False, kg=kg)
    assert labels(frail) == {"radiation therapy", "palliative care"}
    # radiosensitivity read from the graph's assertion on the histology
    assert labels(scores.noms(escc="2", histology="multiple myeloma", stability="stable", kg=kg)) == {"external beam radiation therapy"}


@pytest.mark.parametrize("call,needle", [
    (lambda kg: scores.sins(**(SINS_ZERO | dict(location="neck")), kg=kg), "junctional, mobile, semirigid, rigid"),
    (lambda kg: scores.tokuhashi(**(TOKU_ZERO | dict(palsy_frankel="F")), kg=kg), "A_B, C_D, E"),
    (lambda kg: scores.tomita(primary_growth="fast", visceral_mets="none", bone_mets="solitary", kg=kg), "slow, moderate, rapid"),
    (lambda kg: scores.noms(escc="4", radiosensitivity="radioresistant", stability="stable", kg=kg), "0, 1a, 1b, 1c, 2, 3"),
    (lambda kg: scores.noms(escc="2", radiosensitivity="sensitive", stability="stable", kg=kg), "radiosensitive, radioresistant"),
    (lambda kg: scores.noms(escc="2", radiosensitivity="radioresistant", stability="wobbly", kg=kg), "potentially_unstable"),
])
def test_invalid_options_list_the_valid_ones(kg: spineKG.KnowledgeGraph, call, needle: str) -> None:
    with pytest.raises(InvalidOptionError) as err:
        call(kg)
    assert needle in str(err.value)


def test_missing_component(kg: spineKG.KnowledgeGraph) -> None:
    with pytest.raises(ScoreInputError, match="missing component"):
        scores._score("SINS", kg, dict(location="rigid"))


def test_sparql_lists_each_instrument_with_components_and_cutoffs(kg: spineKG.KnowledgeGraph) -> None:
    rows = kg.sparql("""
        SELECT ?instrument (COUNT(DISTINCT ?c) AS ?components) (COUNT(DISTINCT ?k) AS ?bands) ?source WHERE {
          ?i a skg:ClinicalInstrument ; rdfs:label ?instrument ; dcterms:source/rdfs:label ?source .
          OPTIONAL { ?i skg:hasComponent ?c } OPTIONAL { ?i skg:hasCategory ?k } }
        GROUP BY ?instrument ?source""").to_dicts()
    by = {r["instrument"]: r for r in rows}
    assert by["Spinal Instability Neoplastic Score"]["components"] == 6 and by["Spinal Instability Neoplastic Score"]["bands"] == 3
    assert by["revised Tokuhashi score"]["components"] == 6 and by["revised Tokuhashi score"]["bands"] == 3
    assert by["Tomita score"]["components"] == 3 and by["Tomita score"]["bands"] == 4
    assert {"Bilsky epidural spinal cord compression scale", "NOMS framework"} <= set(by)
    cut = kg.sparql("""SELECT ?min ?max ?label WHERE { skg:SINS skg:hasCategory ?k . ?k skg:minScore ?min ; skg:maxScore ?max ;
                       rdfs:label ?label } ORDER BY ?min""").to_dicts()
    assert [(c["min"], c["max"]) for c in cut] == [(0, 6), (7, 12), (13, 18)]


@pytest.mark.parametrize("name,fn", [("SINS", scores.sins), ("RevisedTokuhashiScore", scores.tokuhashi), ("TomitaScore", scores.tomita)])
def test_functions_and_graph_agree(kg: spineKG.KnowledgeGraph, name: str, fn) -> None:
    """For every option, the function's points equal the points the graph holds; the bands cover all totals."""
    rows = kg.sparql(f"""SELECT ?ckey ?okey ?points WHERE {{ skg:{name} skg:hasComponent ?c . ?c skg:key ?ckey ;
                         skg:hasOption ?o . ?o skg:key ?okey ; skg:points ?points }}""").to_dicts()
    options: dict[str, dict[str, int]] = {}
    for r in rows:
        options.setdefault(r["ckey"], {})[r["okey"]] = r["points"]
    base = {c: next(iter(opts)) for c, opts in options.items()}
    for comp, opts in options.items():
        for key, points in opts.items():
            result = fn(**(base | {comp: key}), kg=kg)
            assert result.points[comp] == points
    lo = sum(min(o.values()) for o in options.values())
    hi = sum(max(o.values()) for o in options.values())
    inst = scores.instrument(name, kg)
    assert inst.categories[0].min == lo and inst.categories[-1].max == hi
    assert all(a.max + 1 == b.min for a, b in zip(inst.categories, inst.categories[1:]))


def test_cli_score() -> None:
    ok = subprocess.run([sys.executable, "-m", "spineKG.cli", "score", "sins", "--location", "junctional", "--pain", "mechanical",
                         "--bone-lesion", "lytic", "--alignment", "normal", "--collapse", "none", "--posterolateral", "none"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "8 (indeterminate" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "spineKG.cli", "score", "sins", "--location", "neck", "--pain", "mechanical",
                          "--bone-lesion", "lytic", "--alignment", "normal", "--collapse", "none", "--posterolateral", "none"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "junctional" in bad.stderr and "Traceback" not in bad.stderr


NEW_TYPES = ["chordoma", "chondrosarcoma", "Ewing sarcoma", "giant cell tumor of bone", "osteoid osteoma", "osteoblastoma",
             "aneurysmal bone cyst", "solitary plasmacytoma of bone", "primary bone lymphoma of the spine", "hemangioblastoma",
             "myxopapillary ependymoma", "spinal metastasis from kidney cancer", "spinal metastasis from thyroid cancer"]


@pytest.mark.parametrize("name", NEW_TYPES)
def test_new_tumor_types_have_codes_source_definition_compartment_and_behaviour(kg: spineKG.KnowledgeGraph, name: str) -> None:
    e = kg.lookup(name)
    assert e.kind == "tumor" and len(e.definition) > 40
    assert e.xrefs, f"{name} has no cross-reference"
    assert kg.index.sources[e.source].title
    compartments = {r.label for r in kg.find("locations", under="spinal compartment", tumor=e)}
    assert compartments & {"extradural", "intradural-extramedullary", "intramedullary"}, name
    behaviour = {r.label for r in kg.find(under="tumor behaviour", tumor=e)}
    assert behaviour & {"benign", "malignant", "borderline"}, name


def test_new_tumor_types_in_queries(kg: spineKG.KnowledgeGraph) -> None:
    sacral = {r.label for r in kg.tumors(region="sacral", rank="most_common")}
    assert {"chordoma", "Ewing sarcoma", "giant cell tumor of bone"} <= sacral
    assert {r.label for r in kg.find(under="radiosensitivity", tumor="spinal metastasis from kidney cancer")} == {"radioresistant"}
    assert "myxopapillary ependymoma" in {r.label for r in kg.tumors(compartment="intradural-extramedullary")}
    assert "myxopapillary ependymoma" not in {r.label for r in kg.tumors(compartment="intramedullary", typical=True)}
    # the reasoner classifies them by their strict assertions: bone origin → primary; kidney metastasis → secondary
    assert kg.index.is_a(kg.lookup("chordoma").iri, kg.lookup("primary spinal tumor").iri)
    assert kg.index.is_a(kg.lookup("spinal metastasis from kidney cancer").iri, kg.lookup("malignant spinal tumor").iri)
    separation_srs = {"separation surgery followed by stereotactic radiosurgery"}
    assert labels(scores.noms(escc="2", histology="renal cell carcinoma", stability="stable", kg=kg)) == separation_srs
    ebrt = {"external beam radiation therapy"}
    assert labels(scores.noms(escc="3", histology="primary bone lymphoma", stability="stable", kg=kg)) == ebrt
