"""Blind triage vignette sets as regression tests: no vignette below its minimum safe tier except the known gaps.

Each set in ``tests/data/blind/triage-*.yaml`` was written blind from the guidelines (its header says by whom and
how, and its first-run score). A vignette whose tier comes out below its ``min_safe_tier`` fails, unless it is a
known gap (``xfail(strict=True)``: fixed, it fails until taken off the list). Over-triage of the benign cases has
a ceiling per set.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import spineKG
from tests.scoring import TIERS

DATA = Path(__file__).parent / "data" / "blind"
# the day each set was written: "since October", "last Tuesday" and dates of birth count from it
WRITTEN = {"triage-9": date(2026, 12, 4), "triage-10": date(2026, 12, 4), "triage-11": date(2026, 12, 7)}
WRITTEN_BEFORE = date(2026, 12, 3)   # sets 1-8
SETS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["vignettes"] for p in sorted(DATA.glob("triage-*.yaml"))}
SET_OF = {v["id"]: name for name, vs in SETS.items() for v in vs}
# below the minimum safe tier when last measured (2026-12-03), each with why
KNOWN_GAPS = {
    "t1-300": "sudden pain after coughing at 90 (osteoporotic fracture by age alone) has no rule",
    "t4c-058": "a recent spinal operation told as 'L4/5 decompression 3/52 ago' is not read as a recent spinal procedure (it passed before only because 'L4/5' was misread as muscle power 4/5)",
    # set 6, the last untuned set (the figure of record): below the safe tier at its first run; analysed, not yet fixed
    # (unsafe, open: fixing them would leave no untuned set to measure the fix)
    "t6c-056": "set 6: 'pain ... like tearing' with 'grey and sweaty' is not matched to the tearing pain of a dissection",
    "t8p-018": "set 8: an organ removed told as 'had my prostate out' with PSA checks is read as an organ named alone, not a cancer history",
    "t8p-024": "set 8: a chemotherapy regimen (R-CHOP) is not a name of cancer treatment",
    "t8p-068": "set 8: an age as an idiom ('three score years and five') is not read",
    "t8p-097": "set 8: thoracic pain told as 'higher up, round where my bra strap goes' is not read (it passed before only through an encoder match on 'Three kids')",
    "t8c-100": "set 8: haemodynamic instability by BP 100/60 with HR 110 (systolic not under 90) is not read as a possible aneurysm",
    "t7p-095": "set 7: an age told as an idiom ('hit the big five-oh in June') is not read",
    "t6c-091": "set 6: 'pulsatile, expansile, tender mass' (words split by commas) does not match 'pulsatile mass'",
    "t5p-097": "saddle anaesthesia told as 'like sitting on someone else's bum' is not recognised (below the encoder's threshold)",
    # set 9, the last untuned set (the figure of record): below the safe tier at its first run; not yet fixed
}
BENIGN_CEILING = {"triage-1": 0.10, "triage-2": 0.19, "triage-3": 0.18, "triage-4": 0.22, "triage-5": 0.44, "triage-6": 0.30, "triage-7": 0.32, "triage-8": 0.50, "triage-9": 0.55, "triage-10": 0.80, "triage-11": 0.60}   # share of benign cases over-triaged, when last measured + margin


@pytest.fixture(scope="module")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


CASES = [pytest.param(v, id=v["id"], marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[v["id"]])]
                      if v["id"] in KNOWN_GAPS else []) for vs in SETS.values() for v in vs]


@pytest.mark.parametrize("vignette", CASES)
def test_vignette_gets_at_least_its_minimum_safe_tier(kg: spineKG.KnowledgeGraph, vignette: dict[str, Any]) -> None:
    got = kg.triage_text(vignette["text"], today=WRITTEN.get(SET_OF[vignette["id"]], WRITTEN_BEFORE)).tier.key
    assert TIERS.index(got) >= TIERS.index(vignette["min_safe_tier"]), (vignette["text"], got)


@pytest.mark.parametrize("name", sorted(BENIGN_CEILING))
def test_benign_cases_are_seldom_over_triaged(kg: spineKG.KnowledgeGraph, name: str) -> None:
    benign = [v for v in SETS[name] if v.get("benign")]
    over = [v["id"] for v in benign
            if TIERS.index(kg.triage_text(v["text"], today=WRITTEN.get(name, WRITTEN_BEFORE)).tier.key) > TIERS.index(v.get("expected_tier") or v["min_safe_tier"])]
    print(f"{name}: {len(over)}/{len(benign)} benign cases over-triaged")
    assert len(over) / len(benign) <= BENIGN_CEILING[name], over
