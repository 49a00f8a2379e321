"""Blind triage vignette sets as regression tests: no vignette below its minimum safe tier except the known gaps.

Each set in ``tests/data/blind/triage-*.yaml`` was written blind from the guidelines (its header says by whom and
how, and its first-run score). A vignette whose tier comes out below its ``min_safe_tier`` fails, unless it is a
known gap (``xfail(strict=True)``: fixed, it fails until taken off the list). Over-triage of the benign cases has
a ceiling per set.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import spineKG
from tests.scoring import TIERS

DATA = Path(__file__).parent / "data" / "blind"
SETS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["vignettes"] for p in sorted(DATA.glob("triage-*.yaml"))}
# below the minimum safe tier when last measured (2026-12-03), each with why
KNOWN_GAPS = {
    "t1-013": "inflammatory back pain (NICE NG65) is not a class of the graph",
    "t1-119": "haemoptysis in a smoker (NICE NG12 suspected lung cancer) is not a finding of the graph",
    "t1-168": "N&V is left out of the lexicon (two findings in one abbreviation)",
    "t1-265": "a duration told by two dates ('since christmas, it's march now') is not read",
    "t1-300": "sudden pain after coughing at 90 (osteoporotic fracture by age alone) has no rule",
    "t2c-058": "abnormal blood results (ESR, calcium, haemoglobin) are not read",
    # set 3, the last untuned set: below the safe tier at its first run and not yet analysed (unsafe, open)
    "t3p-042": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-059": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-080": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-114": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-125": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-127": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-147": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-150": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-153": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3p-155": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-017": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-031": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-044": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-057": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-067": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-078": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-092": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-114": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-132": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-142": "set 3 first run: below the minimum safe tier, cause not yet analysed",
    "t3c-147": "set 3 first run: below the minimum safe tier, cause not yet analysed",
}
BENIGN_CEILING = {"triage-1": 0.10, "triage-2": 0.21, "triage-3": 0.30}   # share of benign cases over-triaged, when last measured + margin


@pytest.fixture(scope="module")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


CASES = [pytest.param(v, id=v["id"], marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[v["id"]])]
                      if v["id"] in KNOWN_GAPS else []) for vs in SETS.values() for v in vs]


@pytest.mark.parametrize("vignette", CASES)
def test_vignette_gets_at_least_its_minimum_safe_tier(kg: spineKG.KnowledgeGraph, vignette: dict[str, Any]) -> None:
    got = kg.triage_text(vignette["text"]).tier.key
    assert TIERS.index(got) >= TIERS.index(vignette["min_safe_tier"]), (vignette["text"], got)


@pytest.mark.parametrize("name", sorted(BENIGN_CEILING))
def test_benign_cases_are_seldom_over_triaged(kg: spineKG.KnowledgeGraph, name: str) -> None:
    benign = [v for v in SETS[name] if v.get("benign")]
    over = [v["id"] for v in benign
            if TIERS.index(kg.triage_text(v["text"]).tier.key) > TIERS.index(v.get("expected_tier") or v["min_safe_tier"])]
    print(f"{name}: {len(over)}/{len(benign)} benign cases over-triaged")
    assert len(over) / len(benign) <= BENIGN_CEILING[name], over
