"""Ranking the candidate readings of a question, and how sure the best one is.

Each candidate has features (how its answer kind was signalled, how much of the question it uses, whether
the question's words name its relations, how similar its canonical sentence is to the question under the
shipped sentence encoder, whether it has an answer). A linear score orders the candidates; a logistic model
of the best score, its margin over the next and the words left unexplained gives the confidence. Both are
fitted on the project's regression question sets (``python -m spineKG.ask.fit``) and shipped as package data
(``spineKG/models/ranker.json``); the defaults below are used when that file is absent.

>>> from spineKG.ask.ranking import confidence, confidence_features
>>> 0.0 < confidence(confidence_features([5.0, 2.0], {"coverage": 1.0}, 0)) < 1.0
True
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .candidates import Candidate

__all__ = ["CONFIDENCE_FEATURES", "MODEL_PATH", "confidence", "confidence_features", "model", "score"]

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "ranker.json"

DEFAULT: dict[str, Any] = {
    "weights": {
        "source_wh_category": 3.0, "source_wh_cue": 2.6, "source_keyword_head": 2.2, "source_cue": 1.6,
        "source_category": 1.0, "source_inferred": 0.0, "source_yesno": 2.0, "source_share": 0.0,
        "coverage": 3.0, "dropped": -1.2, "worded": 0.8, "slots": 0.1, "generic_head": -0.3,
        "form_yesno": 0.0, "shape_yesno": -1.0, "shape_choice": 0.5, "shape_share": -2.0, "shape_list": 0.0,
        "ranked": 0.3, "rank_asked": 0.0, "share_asked": 0.0, "similarity": 2.0, "empty": -2.5,
        "fuzzy": -0.1, "loose_names": -0.2, "resolved": -0.2,
        "yesno_x_form": 3.5, "share_x_asked": 4.0, "unexplained": 0.0,
    },
    # confidence = sigmoid(sum of weight * confidence feature + bias)
    "confidence": {"p_top": 3.0, "margin": 0.3, "unexplained": -0.9, "bias": -2.0},
    "threshold": 0.5,
}


@lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    """The fitted ranking model (package data), or the defaults."""
    if MODEL_PATH.exists():
        return dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    return DEFAULT


def score(c: Candidate) -> float:
    """The linear score of a candidate under the model's weights.

    >>> from spineKG import load
    >>> from spineKG.ask.candidates import candidates
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> cands = candidates(engine, read(engine, "Which tumors cause myelopathy in the neck?"))
    >>> best, second = cands[:2]
    >>> score(best) > score(second), score(best) == best.score   # it orders the candidates and is kept on them
    (True, True)
    """
    f = dict(c.features)
    f["yesno_x_form"] = f.get("shape_yesno", 0.0) * f.get("form_yesno", 0.0)
    f["share_x_asked"] = f.get("shape_share", 0.0) * f.get("share_asked", 0.0)
    w = model()["weights"]
    c.score = sum(w.get(k, 0.0) * v for k, v in f.items())
    return c.score


CONFIDENCE_FEATURES = ("coverage", "dropped", "worded", "slots", "empty", "many", "everything", "fuzzy", "loose_names",
                       "resolved", "generic_head", "shape_list", "shape_yesno", "shape_choice", "shape_share",
                       "shape_triage", "source_wh_category", "source_wh_cue", "source_keyword_last",
                       "source_keyword_head", "source_cue", "source_category", "source_inferred", "form_yesno",
                       "story")


def confidence_features(scores: list[float], top: dict[str, float], unexplained: int) -> dict[str, float]:
    """What the confidence of the best reading is judged on: how far it leads the others (its softmax share and
    margin), the words the question leaves unexplained, and what kind of reading it is.

    >>> f = confidence_features([5.0, 2.0, 1.0], {"coverage": 1.0, "shape_list": 1.0}, 0)
    >>> round(f["p_top"], 3), f["margin"], f["coverage"], f["shape_yesno"], f["unexplained_any"]
    (0.936, 3.0, 1.0, 0.0, 0.0)
    """
    best = max(scores)
    weights = [math.exp(x - best) for x in scores]
    f = {"p_top": 1.0 / sum(weights), "best": best,
         "margin": min(best - sorted(scores)[-2], 5.0) if len(scores) > 1 else 5.0,
         "unexplained": float(unexplained), "unexplained_any": float(unexplained > 0)}
    f.update({k: top.get(k, 0.0) for k in CONFIDENCE_FEATURES})
    return f


def confidence(features: dict[str, float]) -> float:
    """The calibrated probability that the best reading is right.

    >>> clear = confidence(confidence_features([5.0, 2.0], {"coverage": 1.0}, 0))
    >>> tied = confidence(confidence_features([2.0, 2.0], {}, 3))   # a tie, and three words not understood
    >>> tied < model()["threshold"] < clear
    True
    """
    p = model()["confidence"]
    z = p.get("bias", 0.0) + sum(p.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
