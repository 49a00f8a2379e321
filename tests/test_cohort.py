"""The synthetic cohort: linked to the ontology, with the graph's proportions, and queryable."""
from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import spineKG
from spineKG.cohort import COHORT, tumor_mix, write


def test_cohort_is_linked_and_proportioned(kg: spineKG.KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "c.nt"
    triples = write(kg, 3000, path, progress=False)
    assert triples > 3000 * 8
    lines = path.read_text().splitlines()
    tumors = collections.Counter(l.split()[2] for l in lines if f"<{COHORT}hasTumor>" in l)
    metastatic = sum(c for t, c in tumors.items() if kg.index.is_a(t.strip("<>"), str(spineKG.vocab.SKG.SecondarySpinalTumor)))
    assert 0.5 < metastatic / 3000 < 0.7          # metastases are the most common type
    assert all(t.strip("<>") in kg.index.entities for t in tumors)
    assert abs(sum(w for _, w in tumor_mix(kg)) - 1.0) < 1e-9
    store = spineKG.EmbeddedStore()
    store.load(path)
    rows = store.select(f"""PREFIX c: <{COHORT}>
        SELECT ?r (COUNT(?p) AS ?n) WHERE {{ ?p c:hasTumor ?t ; c:region ?r . ?t rdfs:subClassOf skg:SecondarySpinalTumor }}
        GROUP BY ?r ORDER BY DESC(?n)""")
    assert str(rows[0][0]).endswith("ThoracicSpine")   # 70 % of spinal tumors are thoracic


def test_generate_cohort_cli(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "generate-cohort", "50", "-o", str(tmp_path / "c.nt")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "50 patients" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "spineKG.cli", "generate-cohort", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "positive" in bad.stderr
