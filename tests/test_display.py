"""How results look: short reprs, compact HTML tables, readable text tables, DataFrames."""
from __future__ import annotations

import subprocess
import sys

import spineKG
from spineKG import scores

from .test_notebooks import parse


def test_reprs_are_one_short_line(kg: spineKG.KnowledgeGraph) -> None:
    res = kg.tumors(causes="myelopathy", region="cervical")
    for obj in (res, res[0], res[0].entity, res[0].evidence[0], kg.sparql("triage_rules"),
                scores.tomita(primary_growth="slow", visceral_mets="none", bone_mets="solitary")):
        text = repr(obj)
        assert "\n" not in text and len(text) < 160, text
    assert repr(res).startswith(f"<Results {len(res)}: astrocytoma, ependymoma")
    assert repr(res[0].entity) == "Entity(skg:Astrocytoma 'astrocytoma', tumor)"


def test_html_tables_stay_small_and_well_formed(kg: spineKG.KnowledgeGraph) -> None:
    # a typical result well under 10 KB; the widest (every tumor with its evidence, 20 rows shown) about that
    for options, most in (({"causes": "myelopathy", "region": "cervical"}, 6_000), ({"causes": "myelopathy"}, 12_000), ({}, 6_000)):
        res = kg.tumors(**options)   # type: ignore[arg-type]
        html = res._repr_html_()
        assert len(html.encode()) < most, (options, len(html.encode()))
        tags = parse(html)
        assert tags.count["b"] == min(len(res), 20)         # one row per answer, at most 20
    wide = kg.tumors(causes="myelopathy")._repr_html_()
    assert f"… and {len(kg.tumors(causes='myelopathy')) - 20} more" in wide
    parse(kg.sparql("triage_rules")._repr_html_())
    parse(kg.lookup("ependymoma")._repr_html_())
    parse(scores.noms(escc="2", histology="renal cell carcinoma", sins=14)._repr_html_())


def test_text_table_is_readable(kg: spineKG.KnowledgeGraph) -> None:
    text = str(kg.sparql("SELECT * WHERE { ?s rdfs:label ?l } ORDER BY ?s LIMIT 3"))
    lines = text.splitlines()
    assert lines[0].split() == ["s", "l"]                 # SELECT *: the order the query names them
    assert all(line == line.rstrip() for line in lines) and max(map(len, lines)) <= 120
    assert lines[-1] == "(3 rows)"
    assert str(kg.sparql("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")).endswith("(1 row)")
    assert "obo:IAO_0000115" in text and "http://purl.obolibrary.org" not in text


def test_to_df_on_every_result(kg: spineKG.KnowledgeGraph) -> None:
    res = kg.tumors(causes="myelopathy", region="cervical")
    df = res.to_df()
    assert list(df["label"])[:2] == ["astrocytoma", "ependymoma"] and "Spine Tumors" in df["sources"][0]
    steps = res[0].to_df()
    assert len(steps) >= 2 and set(steps["answer"]) == {"astrocytoma"} and steps["source"].notna().any()
    assert res[0].entity.to_df()["curie"][0] == "skg:Astrocytoma"
    sins = scores.sins(location="junctional", pain="mechanical", bone_lesion="lytic", alignment="normal",
                       collapse="none", posterolateral="none").to_df()
    assert int(sins["points"].sum()) == 8
    assert "surgical stabilization" in list(scores.noms(escc="2", histology="renal cell carcinoma", sins=14).to_df()["treatment"])


def test_to_df_without_pandas_names_the_extra() -> None:
    code = ("import sys; sys.modules['pandas'] = None\n"   # pandas cannot be imported, as in the base install
            "import spineKG\n"
            "try:\n    spineKG.load().tumors(causes='myelopathy').to_df()\n"
            "except spineKG.SpineKGError as e:\n    print(e)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "to_df() needs pandas, which is not installed: pip install 'spineKG[pandas]'"
