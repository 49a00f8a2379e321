"""Words and normal forms: how names and questions are compared (lower case, American spelling, singular).

>>> norm("Tumours of the cervical spine")
'tumor of the cervical spine'
>>> words("can't control his bladder")
['can', 'not', 'control', 'his', 'bladder']
"""
from __future__ import annotations

import re

__all__ = ["POSSESSIVES", "contractions", "norm", "plural", "singular", "spelling", "words"]

_SPELLING = (("tumour", "tumor"), ("haem", "hem"), ("behaviour", "behavior"), ("anaesth", "anesth"),
             ("orthopaed", "orthoped"), ("oedema", "edema"), ("faec", "fec"), ("paralys", "paralys"))


def spelling(word: str) -> str:
    """British to American spelling, so 'tumours' and 'tumors' link alike.

    >>> spelling("tumours"), spelling("haemangioma"), spelling("oedema")
    ('tumors', 'hemangioma', 'edema')
    """
    for gb, us in _SPELLING:
        if gb in word:
            word = word.replace(gb, us)
    return word


def singular(word: str) -> str:
    """A word in the singular, by its ending (Latin "-ae", "-ies", "-sses", "-xes", a plain "-s"; not "-us", "-sis").

    >>> [singular(w) for w in ("tumors", "vertebrae", "bodies", "masses", "reflexes", "sinus", "diagnosis")]
    ['tumor', 'vertebra', 'body', 'mass', 'reflex', 'sinus', 'diagnosis']
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ae"):
        return word[:-1]
    if len(word) > 5 and word.endswith(("sses", "xes", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "sis")):
        return word[:-1]
    return word


_NOT = {"can": "can", "don": "do", "doesn": "does", "didn": "did", "isn": "is", "aren": "are", "wasn": "was",
        "weren": "were", "won": "will", "couldn": "could", "wouldn": "would", "shouldn": "should", "haven": "have",
        "hasn": "has"}
POSSESSIVES = {"my", "his", "her", "their", "your", "our"}
_NOT_FORMS = {singular(k): singular(v) for k, v in _NOT.items()}
# the same written without the apostrophe, as in text speak ("cant lift my toes", "dont have a fever"); "wont"
# (a habit) and "cant" (jargon) are rarer than the negations in what people write about symptoms
_BARE_NOT = {singular(k + "t"): singular(v) for k, v in _NOT.items()
             if k not in ("won", "can")} | {"cant": "can", "wont": "will", "aint": "is"}


def contractions(ws: list[str]) -> list[tuple[str, int]]:
    """Words with "can't", "cannot", "doesn't" read as "can not", "does not": (word, index of the word it came from).

    >>> contractions(["i", "can", "t", "walk"])
    [('i', 0), ('can', 1), ('not', 2), ('walk', 3)]
    >>> contractions(["cannot", "feel"]), contractions(["dont", "have"])
    ([('can', 0), ('not', 0), ('feel', 1)], [('do', 0), ('not', 0), ('have', 1)])
    """
    out: list[tuple[str, int]] = []
    for n, w in enumerate(ws):
        if w == "t" and out and out[-1][0] in _NOT_FORMS:
            out[-1] = (_NOT_FORMS[out[-1][0]], out[-1][1])
            out.append(("not", n))
        elif w == "cannot":
            out += [("can", n), ("not", n)]
        elif w in _BARE_NOT:
            out += [(_BARE_NOT[w], n), ("not", n)]
        else:
            out.append((w, n))
    return out


def words(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes dropped, plurals reduced, contractions spelled out.

    >>> words("The patient's legs don't feel numb")
    ['the', 'patient', 'leg', 'do', 'not', 'feel', 'numb']
    """
    text = text.lower().replace("’", "'").replace("'s ", " ").replace("'", " ")
    return [w for w, _ in contractions([singular(spelling(w)) for w in re.findall(r"[a-z0-9]+%?", text)])]


def norm(text: str) -> str:
    """A name as it is matched: its words, without possessives ('control of my bladder' = 'control of his bladder').

    >>> norm("Loss of control of my bladder") == norm("loss of control of his bladder")
    True
    >>> norm("Haemangiomas of the Vertebrae")
    'hemangioma of the vertebra'
    """
    return " ".join(w for w in words(text) if w not in POSSESSIVES)


def plural(label: str) -> str:
    """A label in the plural, for stating a question ("spinal tumor" -> "spinal tumors"; the head word of
    "characteristic of spinal tumor pain" -> "characteristics of spinal tumor pain").

    >>> plural("spinal tumor"), plural("urgency"), plural("characteristic of spinal tumor pain")
    ('spinal tumors', 'urgencies', 'characteristics of spinal tumor pain')
    """
    head, sep, rest = label.partition(" of ")
    words = head.split(" ")
    last = words[-1]
    if not last or last[-1] == "s" or not last.isalpha() or last.isupper():
        return label
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return " ".join([*words[:-1], last]) + (sep + rest if sep else "")
