"""English function words: the closed classes of grammar the interpreter needs to read a sentence's form (and
triage, to read a story; so they sit below both, with :mod:`spineKG.text`).

Only function words live here (wh-words, auxiliaries, pronouns, determiners, prepositions, conjunctions,
quantities); every content word — names, lay words, abbreviations, relation phrasings, answer-kind and
rank cues — is data in the graph (``ontology/src/lexicon.yaml``).
"""
from __future__ import annotations

__all__ = ["AUXILIARIES", "COMPARATIVES", "FUNCTION", "NUMBERS", "OBJECT_PRONOUNS", "PREPOSITIONS", "PRONOUNS", "REFERRING", "WH",
           "WH_CATEGORY"]

WH = frozenset({"which", "what", "who", "whom", "whose", "where", "when", "why", "how"})
# the wh-words after which a category names the kind of answer ("which tumors"); the others ask by themselves
# ("where", "who", "how soon": cues of the graph)
WH_CATEGORY = frozenset({"which", "what", "whose"})
AUXILIARIES = frozenset({"is", "are", "was", "were", "am", "be", "do", "does", "did", "can", "could", "will", "would",
                         "should", "shall", "may", "might", "must", "has", "have", "had", "isn", "aren", "don", "doesn"})
PRONOUNS = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours", "he", "him",
                      "his", "she", "her", "hers", "it", "its", "they", "them", "their", "theirs", "this", "these",
                      "that", "those", "one", "ones", "someone", "something", "anything", "everything"})
# pronouns that refer back to something named before the question ("I have a meningioma. How fast does it grow?")
REFERRING = frozenset({"it", "its", "they", "them", "their", "this", "these", "that", "those", "one", "ones", "such"})
OBJECT_PRONOUNS = frozenset({"me", "him", "her", "them", "us", "you", "my", "his", "their", "your", "our"})
_DETERMINERS = {"a", "an", "the", "any", "some", "all", "each", "every", "both", "either", "neither", "no", "such",
                "much", "many", "more", "most", "less", "least", "few", "fewer", "other", "another", "own", "same",
                "several", "enough", "certain", "kind", "kinds", "type", "types", "sort", "sorts"}
_PREPOSITIONS = {"of", "in", "on", "at", "to", "for", "with", "without", "by", "from", "into", "onto", "about",
                 "as", "over", "under", "between", "among", "through", "after", "before", "during", "within",
                 "inside", "outside", "near", "around", "against", "along", "across", "behind", "beyond", "up",
                 "down", "off", "out", "per", "via", "like", "than", "vs", "versus"}
_CONJUNCTIONS = {"and", "or", "but", "nor", "so", "yet", "if", "then", "because", "while", "whether", "though",
                 "although", "also", "too", "just", "only", "even", "very", "really", "there", "here", "not", "t",
                 "please", "thanks", "thank", "ok", "okay", "yes", "well", "now", "ever", "still", "already",
                 "again", "where", "etc", "eg", "ie", "s", "re", "ll", "ve", "d", "m"}
PREPOSITIONS = frozenset(_PREPOSITIONS)
FUNCTION = frozenset(WH | AUXILIARIES | PRONOUNS | _DETERMINERS | _PREPOSITIONS | _CONJUNCTIONS | {"being", "been"})
# comparisons over numbers: the words, and the direction they compare in
COMPARATIVES = {"less than": "<", "fewer than": "<", "under": "<", "below": "<", "lower than": "<", "at most": "<=",
                "more than": ">", "over": ">", "above": ">", "greater than": ">", "higher than": ">", "at least": ">=",
                "exceeding": ">", "smaller than": "<", "bigger than": ">", "larger than": ">"}
NUMBERS = {"half": 50.0, "quarter": 25.0, "third": 100 / 3, "fifth": 20.0, "tenth": 10.0, "one": 1.0, "two": 2.0,
           "three": 3.0, "four": 4.0, "five": 5.0, "ten": 10.0, "twenty": 20.0, "thirty": 30.0, "seventy": 70.0}
