"""Reading a patient's or a clinician's description of back pain: age, duration, cancer history, findings.

Findings are the graph's names (labels, synonyms, lay words, abbreviations) linked in the text, with their
context read by NegEx (negspacy): "no fever" is negated, "my mother had breast cancer" someone else's,
"what if I get a fever" hypothetical, "had breast cancer in 2015" past (a previous cancer still counts as a
cancer history). A name matched loosely (a related or broader name, or a corrected misspelling) is a
*possible* finding: it raises the tier and the answer asks the question that would settle it.
When the text tells a relative's story ("my mum can't feel her legs"), the relative is the patient.

>>> from spineKG import load
>>> inputs, findings = read_story(load().engine, "58M, PMH Ca prostate, 3/52 LBP, nocturnal, no neuro")
>>> inputs["age"], inputs["pain_days"], inputs["cancer_history"]
(58, 21.0, 'previous')
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..linking import Mention, Token, tokenize
from ..model import Finding
from ..text import norm
from ..vocab import SKG
from ..words import FUNCTION

if TYPE_CHECKING:
    from ..context import Context
    from ..query import Engine

__all__ = ["read_story"]

_UNITS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1, "night": 1, "week": 7, "wk": 7, "fortnight": 14,
          "month": 30, "mo": 30, "year": 365, "yr": 365}
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "a couple": 2, "a couple of": 2, "few": 3,
           "a few": 3, "several": 3, "many": 6, "last": 1, "past": 1}
_DECADES = {"twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65, "seventies": 75,
            "eighties": 85, "nineties": 95}
# clinicians' "x/52" (weeks), "x/7" (days), "x/12" (months)
_SLASH = {"7": 1, "52": 7, "12": 30}

_AGE = [
    re.compile(r"\b(\d{1,3})\s*-?\s*(?:years?|yrs?|yo|y)\s*[-/]?\s*(?:old|o)\b"),
    re.compile(r"\b(\d{1,3})\s*(?:yo|y/o|yr old|m|f|male|female|man|woman|gentleman|lady|boy|girl)\b"),
    re.compile(r"\b(?:aged?|age:?)\s*(\d{1,3})\b(?!\s*(?:decades?|years? ago))"),
    re.compile(r"\((\d{2,3})\)"),                                      # "my grandad (84)"
    re.compile(r"(?:^|[.!?]\s+)(\d{2})\s*[.!](?:\s|$)"),                 # "... a tumour. 58. New low back pain"
    re.compile(r"\b(?:pain|ache|hurting|sore|back)\s+at\s+(?:the\s+age\s+of\s+)?([2-9]\d|1[01]\d)\b(?!\s*(?:am|pm|%|:|\.\d|o'clock))"),
    re.compile(r"\b(?:i am|i'm|im|i have)\s+(\d{1,3})\s*(?:years?|yrs?)\b(?!\s*(?:ago|of|with|since))"),   # "I have 28 year"
    re.compile(r"\b(?:i am|i'm|im|[a-z]+'s|[a-z]+ is|[a-z]+ turned|turned|makes me|i turn|i'll be)\s+(?:now\s+|just\s+)?(\d{1,3})\b"
               r"(?!\s*(?:%|/|out of|x\b|days?|weeks?|wks?|months?|years? ago|hours?|hrs?|mins?|minutes?|times?|kg|lb|st\b))"),
    re.compile(r"\b(?:m|f)\s*(\d{2})\b"),
    re.compile(r"(?:,|\.|-)\s*(\d{2})\s*[.!]?\s*$"),   # "... after gardening, 52"
    # "Hi, 19, first year at uni"
    re.compile(r"^\W*(?:hi|hello|hey|hiya|dear [a-z]+|good (?:morning|afternoon|evening))\W+(\d{2})\s*(?:,|;|-)"),
    re.compile(r"\b(\d{2})\s+age\b"),                                 # "I am 45 age"
    # "I am a retired schoolmistress of 77"
    re.compile(r"\b(?:i am|i'm|im)\s+(?:a|an)\s+[a-z ]{2,40}?\bof\s+([2-9]\d|1[01]\d)\b(?!\s*(?:years?|yrs?)\s+ago)"),
    re.compile(r"\b([2-9]\d|1[01]\d)\s+(?:last|this)\s+(?:month|week|year|birthday)\b"),     # "56 last month"
    re.compile(r"(?:^|[,;]\s*|[.!?]\s+)([1-9]\d)\s*,(?!\s*\d)"),               # "sore after gym, 30, otherwise fit"
    re.compile(r"^\W*(\d{2})\b(?!\s*(?:%|/|-|\.\d|out of|x\b|days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|mins?|"
               r"minutes?|times?|kg|lb|st\b|stone|mg|ml|cm|mm|am\b|pm\b))"),   # "56 and never had back trouble"
]
_MONTHS = {m: n for n, names in enumerate((("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
                                          ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
                                          ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
                                          ("december", "dec")), start=1) for m in names}
# a date of birth: "DOB 14/02/1969", "d.o.b. 1973", "born in 1958", "born 3 March 1961"
_DOB = re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|born(?: in| on)?)\s*:?\s*(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*|"
                  r"\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\s+)?((?:19|20)\d{2}|'\d{2})\b")   # "born in '62"
# since a date, day first as in the UK ("LBP since 09/11", "since 3.10.26")
_SINCE_DATE = re.compile(r"\bsince\s+(?:the\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?\b")
# a day of this or last month: "started on the 3rd of last month", "since the 20th of this month"
_ON_DAY = re.compile(r"\b(?:since|started|starting|began|from)\s+(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(last|this)\s+month\b")
_SEASONS = {"spring": (4, 15), "summer": (7, 15), "autumn": (10, 15), "fall": (10, 15), "winter": (1, 15),
            "christmas": (12, 25), "xmas": (12, 25), "easter": (4, 1), "new year": (1, 1), "half term": (10, 25),
            "halloween": (10, 31), "bonfire night": (11, 5), "guy fawkes": (11, 5), "remembrance sunday": (11, 9),
            "remembrance day": (11, 11), "armistice day": (11, 11), "thanksgiving": (11, 26), "black friday": (11, 27),
            "clocks went back": (10, 27), "clocks went forward": (3, 28),
            "boxing day": (12, 26), "valentine's day": (2, 14), "valentine's": (2, 14), "valentines": (2, 14),
            "may bank holiday": (5, 5), "august bank holiday": (8, 25), "diwali": (11, 1)}
# since a named time: a month ("since early Oct"), a season or a holiday ("since the summer holidays")
_SINCE_NAMED = re.compile(r"\bsince\s+(?:(?:about|around|roughly|approximately|approx|maybe|like|sometime in|some time in)\s+)?"
                          r"(?:the\s+)?(?:(early|mid|late|the end of|the start of|the beginning of)\s+)?"
                          r"(?:last\s+)?(" + "|".join(sorted([*_MONTHS, *_SEASONS], key=len, reverse=True)) +
                          r")\b\.?(?!\s*(?:the\s+)?\d)")
# since a day of a named month: "since the 10th of November", "since 10 Nov", "since November 10th"
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SINCE_DAY_MONTH = re.compile(r"\b(?:since|started|starting|began|from)\s+(?:on\s+)?(?:the\s+)?(?:(\d{1,2})(?:st|nd|rd|th)?\s+"
                              r"(?:of\s+)?(" + _MONTH_NAMES + r")|(" + _MONTH_NAMES + r")\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?)\b")
# the text's own month ("it's March now"): the day it was written, for a named time
_NOW_MONTH = re.compile(r"\b(?:it's|it is|its|now)\s+(?:now\s+)?(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) +
                        r")\b(?!\s+\d)")
_AGE_IDIOMS = {"four-oh": 40, "four oh": 40, "4-0": 40, "five-oh": 50, "five oh": 50, "5-0": 50, "six-oh": 60, "six oh": 60,
               "6-0": 60, "seven-oh": 70, "seven oh": 70, "7-0": 70}
_ROUND_AGES = {"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100}
_YEARS_OFF = re.compile(r"\b(\d|one|two|three|four|five|six|seven|eight|nine|a couple of|a few)\s+years?\s+(?:off|short of|shy of)\s+("
                        + "|".join(_ROUND_AGES) + r")\b")
_AGE_IDIOM = re.compile(r"\bbig (" + "|".join(_AGE_IDIOMS) + r")\b|\bthree ?score (?:years )?and (one|two|three|four|five|six|seven|"
                        r"eight|nine|ten)\b")
_DECADE = re.compile(r"\b(?:in|into)\s+(?:my|his|her|their|the)\s+(?:early |late |mid )?(" + "|".join(_DECADES) +
                     r"|\d0s)\b")
_DURATION = re.compile(r"\b(?<!aged )(?:x\s*)?(\d+(?:\.\d+)?|a couple of|a couple|couple|a few|few|several|many|an|a|one|two|three|"
                       r"four|five|six|seven|eight|nine|ten|eleven|twelve|last|past)\s*(?:more\s+)?(minute|hour|day|"
                       r"night|week|wk|fortnight|month|mo|year|yr)s?\b(?!\s*-?\s*(?:old|young))(?!\s*(?:pregnant|gestation|postpartum|post-partum|"
                       r"postnatal|post-natal|pp\b|post-op|post op|postop))(\s+ago)?")
# (not a date after a weekday: "Tues 1/12" is the 1st of December, not a month)
_SLASHED = re.compile(r"(?<!mon )(?<!tue )(?<!tues )(?<!wed )(?<!thu )(?<!thur )(?<!thurs )(?<!fri )(?<!sat )(?<!sun )"
                      r"(?<!monday )(?<!tuesday )(?<!wednesday )(?<!thursday )(?<!friday )(?<!saturday )(?<!sunday )"
                      r"\b(?:x\s*)?(\d+)\s*/\s*(52|7|12)\b(?!\s*-?\s*(?:post|pregnan|pp\b))(?!\s*/\s*\d)")
# a back pain that comes in episodes that settle, or is told as unchanged ("recurrent LBP, 3rd episode in 5 yrs, each
# settled", "my usual back", "pattern unchanged", "same as previous"; not "first episode", not a chronic pain's flare
# alone): the pain's duration is the current episode's (the shortest told), and before 50 it is no new back pain
_EPISODIC = re.compile(r"\b(?:recurrent|recurring|episodes|bouts of|the odd bout|each settl\w*|my usual back|usual pattern|"
                       r"usual back pain|usual flare\w*|same as (?:usual|always|before|previous|last time)|as previous|"
                       r"as before|identical in character|pattern unchanged|unchanged pattern|same place,? same feeling|"
                       r"like the previous ones|no different (?:to|from|than) (?:normal|usual|before))\b")
# the current episode's duration ("This one 3/7", "current ep 4/7", "this flare 5/7")
_CURRENT_SLASHED = re.compile(r"\b(?:this one|this flare|this episode|this time|current (?:ep|episode|flare)|latest (?:episode|flare))"
                              r"\b[^.;]{0,25}?\b(\d+)\s*/\s*(52|7|12)\b")
_SINCE = re.compile(r"\bsince\s+(yesterday|last night|this morning|today|last week|last month|last year)\b")
# a muscle power grade below full (MRC 0-4 of 5): a weakness a clinician measured ("power 4-/5 bilat")
# a straight-leg raise limited by leg pain below 70 degrees: a positive test, a sign of nerve-root tension
# (Deville et al. 2000, Spine 25:1140; NICE CKS sciatica): "SLR R 50 deg", "SLR 40 L / 50 R", "SLR L 45"
_SLR = re.compile(r"\bslr\s*(?:(?:l|r|lt|rt|left|right)\s*)?(\d{2})\s*(?:deg|degrees|°)?(?!\s*(?:both|bilat))")
_POWER = re.compile(r"(?<![\d/a-z])([0-4])\s*[+-]?\s*/\s*5\b")   # not a disc level ("L4/5")
# the same told in words, after "power" or "strength" ("leg strength was only 3 out of 5")
_POWER_SAID = re.compile(r"\b(?:power|strength|mrc)\b[^.;!?]{0,30}?\b([0-4])\s*(?:out of|of)\s*5\b")
# pain told as travelling into a limb ("pain going from my neck down my right arm into the thumb"): radicular pain
_RADIATING = re.compile(r"\b(?:pain|ache|aching|shooting|burning|stabbing|sciatica)\b"
                        r"(?:(?!\b(?:no|not|never|without|nothing)\b)[^.;!?,]){0,40}?\b(?:down|into|to)\s+"
                        r"(?:(?:my|his|her|their|the|one|left|right|l|r|lt|rt|back of|front of|side of|outside of)\s+){0,4}"
                        r"(?:leg|legs|arm|arms|thigh|thighs|calf|calves|foot|feet|hand|hands|thumb|fingers?|toes?|shin|ankle)\b")
# woken at night by the pain, told with a time of night ("wakes ~3am most nights with a deep ache"): night pain
_NIGHT_WAKING = re.compile(r"\b(?:wakes?|waking|woken|wakened|wake[sn]? up|woke|gets? me up|got me up|getting me up)\b[^.;!?]{0,25}?"
                           r"\b(?:[1-5]\s*(?:am|a\.m\.)|most nights|every night|each night|at night|in the night|"
                           r"during the night|through the night|early hours)")
# a measured temperature of 38 C or more, the usual threshold of fever: "T 38.2", "temp of 38.5", "39C"
_FEVER = re.compile(r"\b(?:t|temp|temperature|pyrexia|pyrexial|febrile)\s*(?:of|was|is|:|=)?\s*(3[89]|4[0-2])(?:\.\d)?\b"
                    r"|\b(?:thermometer|temp|temperature)\s+(?:\w+\s+){0,2}?(?:said|says|read|reads|showed|shows|hit|reached|"
                    r"was|is|of|at|up to)\s+(3[89]|4[0-2])(?:\.\d)?\b"
                    r"|\b(3[89]|4[0-2])(?:\.\d)?\s*(?:°\s*c|degrees|deg c|c)\b")


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
          "eighteen": 18, "nineteen": 19}
_NUMBER_WORDS = re.compile(r"\b(" + "|".join(_TENS) + r")(?:[- ](" + "|".join(_UNITS_WORDS) + r"))?\b|\b(" +
                           "|".join(_TEENS) + r")\b")
_AND_A_HALF = re.compile(r"\b(\d+|" + "|".join(_UNITS_WORDS) + r"|a|an) and a half\b")
# an amount of weight lost ("lost 4kg", "down 2 stone"): weight loss, possibly unintended
_WEIGHT_LOST = re.compile(r"\b(?:lost|lose|loses|losing|down|dropped|shed)\s+(?:about\s+|around\s+|nearly\s+|over\s+|almost\s+|a good\s+)?"
                          r"(?:\d+(?:\.\d+)?|half a|a|an|" + "|".join(_UNITS_WORDS) + r")\s*"
                          r"(?:kg|kgs|kilos?|kilograms?|lbs?|pounds|stones?|st)\b")
# a bladder holding 200 ml or more after voiding (post-void residual; catheter drained): urinary retention, a sign of
# cauda equina syndrome (a PVR over 200 ml: sensitivity 94 % for compression on MRI, Venkatesan et al. 2019)
_RETENTION = re.compile(r"\b(?:pvr|post[- ]?void(?: residual)?(?: volume)?|residual(?: volume)?|bladder scan(?:ned)?"
                        r"(?: shows?| showed| of)?|retaining|retained|drained|residue)\s*(?:of|was|is|:|=|~|>)?\s*(\d{3,4})\s*"
                        r"(?:ml|mls|cc)\b|\b(\d{3,4})\s*(?:ml|mls|cc)\s+(?:residual|drained|retained|post[- ]?void|pvr|"
                        r"in the bladder|on (?:the )?bladder scan|on catheteri[sz]ation)\b")


# a fall from a height of 1 m (3 ft) or more, or down 5 stairs or more: a dangerous mechanism of spinal injury (NICE NG41)
_FALL_MINIMUM = {"f": 3, "s": 5}   # feet, stairs or steps; else metres (1)
# a road accident at speed (NICE NG41: a high-speed motor vehicle collision is a dangerous mechanism): "~60 mph", or
# "doing 50" in a sentence about a vehicle or a crash
_SPEED = re.compile(r"\b(?:doing\s+(?:about\s+|around\s+|roughly\s+|~)?)?~?(\d{2,3})\s*(mph|km/h|kph|kmh)?\b")
_VEHICLE = re.compile(r"\b(?:car|motorbike|motorcycle|bike|van|lorry|truck|bus|crash|crashed|collision|accident|rta|rtc|mvc|"
                      r"came off|knocked off|hit by|dual carriageway|motorway|m\d+)\b")
_FALL = re.compile(r"\b(?:fell|fall|fallen|falling|jumped|came off|come off|slipped|thrown|was thrown)\b[^.;]{0,70}?(?<![\d.])"
                   r"(\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*"
                   r"(m|metres?|meters?|ft|feet|foot|stairs|steps)\b")
# blood results beyond their reference range: adjusted calcium over 2.6 mmol/L, ESR over 30 mm/h, haemoglobin under
# 110 g/L (11 g/dL) (NICE NG12, myeloma); CRP over 10 mg/L, white cells over 11 x10^9/L (infection)
_CALCIUM = re.compile(r"\b(?:adj(?:usted)?\.?\s*|corr(?:ected)?\.?\s*)?(?:ca|calcium|ca2\+)\s*(?:of|was|is|:|=)?\s*([1-4]\.\d{1,2})\b"
                      r"(?!\s*(?:y|yr|yrs|years?|months?|mo|weeks?|wks?|days?|/)\b)")
_ESR = re.compile(r"\besr\s*(?:of|was|is|:|=)?\s*(\d{1,3}(?:\.\d+)?)\b")
_HB = re.compile(r"\b(?:hb|hgb|haemoglobin|hemoglobin)\s*(?:of|was|is|:|=)?\s*(\d{1,3}(?:\.\d)?)\b")
_CRP = re.compile(r"\bcrp\s*(?:of|was|is|:|=)?\s*(\d{1,3}(?:\.\d+)?)\b")
_WCC = re.compile(r"\b(?:wcc|wbc|white cells?|white count)\s*(?:of|was|is|:|=)?\s*(\d{1,2}(?:\.\d+)?)\b")
# a systolic blood pressure under 90 mmHg ("BP 88/50"): shock, with back pain a leaking aorta until shown otherwise
_LOW_BP = re.compile(r"\b(?:bp|blood pressure)\s*(?:of|was|is|:|=)?\s*([4-8]\d)\s*/\s*\d{2,3}\b")
# a heart rate at or above the systolic pressure (shock index 1 or more: Allgower 1967): bleeding or sepsis, with back
# pain a possible leaking aneurysm ("BP 100/60, HR 110")
_BP = re.compile(r"\b(?:bp|blood pressure)\s*(?:of|was|is|:|=)?\s*(\d{2,3})\s*/\s*\d{2,3}\b")
_HR = re.compile(r"\b(?:hr|pulse|heart rate|p)\s*(?:of|was|is|:|=)?\s*(\d{2,3})\b")
_PSA = re.compile(r"\bpsa\s*(?:of|was|is|:|=)?\s*(\d+(?:\.\d+)?)\b")


def _digits(low: str) -> str:
    """Number words of ages and durations as digits ("thirty-eight" -> 38, "two and a half weeks" -> 2.5 weeks);
    one to ten stay words (they are counts of days and weeks as often as anything)."""
    def tens(m: re.Match[str]) -> str:
        if m.group(3):
            return str(_TEENS[m.group(3)])
        return str(_TENS[m.group(1)] + (_UNITS_WORDS[m.group(2)] if m.group(2) else 0))

    def half(m: re.Match[str]) -> str:
        w = m.group(1)
        n = float(w) if w[0].isdigit() else 1.0 if w in ("a", "an") else float(_UNITS_WORDS[w])
        return f"{n + 0.5:g}"
    return _AND_A_HALF.sub(half, _NUMBER_WORDS.sub(tens, low))


def read_story(engine: Engine, text: str, *, today: date | None = None) -> tuple[dict[str, Any], tuple[Finding, ...]]:
    """The triage inputs a description gives (age, pain_days, pain_new, pain_worsening, cancer_history,
    severe_interferes_daily, tried_rest_self_care) and the findings it names, with their status. A date of birth
    or a named time ("since October", "since the summer") is counted from ``today`` (default: today).

    Example:

    >>> from datetime import date
    >>> from spineKG import load
    >>> story = "55F, back pain since 1st March, no fever. My mother had breast cancer."
    >>> inputs, findings = read_story(load().engine, story, today=date(2024, 3, 15))
    >>> inputs["age"], inputs["pain_days"], inputs["cancer_history"]
    (55, 14.0, 'none')
    >>> [(f.entity.label, f.status) for f in findings]
    [('back pain', 'present'), ('fever', 'negated'), ('cancer history', 'family')]
    """
    today = today or date.today()
    if not isinstance(text, str) or not text.strip():
        from ..errors import TriageInputError

        raise TriageInputError("a patient description must be non-empty text")
    text = _undictated(engine, text)
    low = text.lower().replace("’", "'")
    tokens = tokenize(text)
    linked = engine.linker.link(tokens, text, gaps=True)
    mentions, contexts = engine.context.read(text, tokens, linked + _paraphrased(engine, text, tokens, linked))
    idx = engine.index
    narrator_is_patient = _narrator_is_patient(low)
    findings: list[Finding] = []
    cancer = "none"

    def tumor_said(m: Mention) -> bool:   # "one of my kidneys out 5 years ago because of a tumour"
        return any(o.sentence == m.sentence and any(idx.is_a(i, str(SKG.SpinalTumor)) for i in o.iris) for o in mentions)
    denied = _denied_lists(engine, low)
    for m, c in zip(mentions, contexts):
        if c.negated and _beyond_negation(engine, text, tokens, m, mentions):
            c = replace(c, negated=False)
        if any(a <= tokens[m.start].start < b for a, b in denied):
            c = replace(c, negated=True)
        status = _status(m, c, narrator_is_patient)
        if status == "family" and _shared(engine, text, tokens, m):
            status = _status(m, replace(c, family=False, relative=False), narrator_is_patient)
        elif status == "hypothetical" and _shared(engine, text, tokens, m, sentences=3):   # "if someone had ... Okay it's me."
            status = _status(m, replace(c, hypothetical=False), narrator_is_patient)
        for iri in sorted(m.iris - idx.categories):   # "red flags asked, nil": the kind, screened for
            ent = idx.entities[iri]
            if _is_cancer(engine, iri):
                if m.scope in ("broad", "related") and status in ("possible", "past") and not tumor_said(m) \
                        and iri != str(SKG.CancerHistory):
                    status = "loose"   # an organ named alone ("a cyst in my breast") is no cancer history
                if status in ("present", "possible", "past"):
                    past = c.historical or status == "past" or _dated_past(text, tokens, m, today)
                    cancer = _later(cancer, "previous" if past else "current")
                findings.append(Finding(idx.entities[str(SKG.CancerHistory)] if iri != str(SKG.CancerHistory) else ent,
                                        m.text, "present" if status == "past" else status))
                continue
            findings.append(Finding(ent, m.text, status))
    findings += _bilateral(engine, text, tokens, mentions, findings)
    findings += _composed(engine, text, tokens, mentions, findings)
    def said(match: re.Match[str] | None, iri: str, status: str = "present") -> None:
        """A finding a pattern read, in the context of its words ("T 38.5 three weeks ago, resolved": past)."""
        if match is None:
            return
        if match.string == low:   # offsets of the text itself (not of its numbers spelt as digits)
            span = [k for k, t in enumerate(tokens) if t.end > match.start() and t.start < match.end()]
            if span:
                words = Mention(span[0], span[-1] + 1, match.group(0), frozenset({iri}), "label",
                                sentence=tokens[span[0]].sentence)
                c = engine.context.read(text, tokens, [words])[1][0]
                read = _status(words, c, narrator_is_patient)
                if read != "present":
                    status = "present" if read == "past" and iri == str(SKG.CancerHistory) else read
        findings.append(Finding(idx.entities[iri], match.group(0), status))

    said(_POWER.search(low) or _POWER_SAID.search(low), str(SKG.Weakness))
    said(_RADIATING.search(low), str(SKG.RadicularPain))
    woken = _NIGHT_WAKING.search(low)
    if woken and _PAIN_WORD.search(low[max(0, woken.start() - 60):woken.end() + 60]):   # woken by the pain
        said(woken, str(SKG.NightPain))
    slr = _SLR.search(low)
    if slr and 20 <= int(slr.group(1)) < 70:
        said(slr, str(SKG.RadicularPain), "possible")
    numbered = _digits(low)
    fall = _FALL.search(low) or _FALL.search(numbered)
    if fall and float(_COUNTS.get(fall.group(1)) or fall.group(1)) >= _FALL_MINIMUM.get(fall.group(2)[0], 1):
        said(fall, str(SKG.DangerousMechanismInjury))
    for sentence in re.finditer(r"[^.;!?\n]+", low):
        if not _VEHICLE.search(sentence.group(0)):
            continue
        for speed in _SPEED.finditer(sentence.group(0)):
            said_speed = speed.group(2) or speed.group(0).lstrip("~ ").startswith("doing")
            if said_speed and int(speed.group(1)) >= 40 and not (speed.group(2) or "").startswith("k") \
                    or speed.group(2) and speed.group(2).startswith("k") and int(speed.group(1)) >= 65:
                said(re.search(re.escape(speed.group(0)), low), str(SKG.DangerousMechanismInjury))
                break
    beyond_range: tuple[tuple[re.Pattern[str], Callable[[float], bool]], ...] = (
        (_CALCIUM, lambda v: v > 2.6), (_ESR, lambda v: v > 30), (_HB, lambda v: v < 110 if v >= 30 else v < 11),
        (_CRP, lambda v: v > 10), (_WCC, lambda v: v > 11))
    bloods = [m for pattern, beyond in beyond_range
              for m in pattern.finditer(low) if beyond(float(m.group(1)))]
    if bloods:
        said(bloods[0], str(SKG.AbnormalBloodResult))
    low_bp = _LOW_BP.search(low)
    bp, hr = _BP.search(low), _HR.search(low)
    if low_bp is None and bp and hr and int(hr.group(1)) >= int(bp.group(1)) >= 60:
        low_bp = bp
    said(low_bp, str(SKG.AorticAneurysmSign), "possible")
    psa = _PSA.search(low)
    if psa and float(psa.group(1)) > 10:   # a PSA far above the age-specific range: a cancer suspected
        findings.append(Finding(idx.entities[str(SKG.CancerHistory)], psa.group(0), "possible"))
        cancer = _later(cancer, "current")
    retention = _RETENTION.search(low)
    if retention and int(retention.group(1) or retention.group(2)) >= 200:
        said(retention, str(SKG.LossOfBladderControl))
    said(_WEIGHT_LOST.search(low), str(SKG.UnplannedWeightLoss), "possible")
    findings = _discounted(engine, tokens, text, findings, "intended", str(SKG.UnplannedWeightLoss))
    findings = _discounted(engine, tokens, text, findings, "brief", str(SKG.LongTermSteroidUse))
    findings = _cancer_denied(engine, findings)
    cancer = cancer if any(_is_cancer(engine, f.entity.iri) and f.status in ("present", "possible") for f in findings) \
        else "none"
    said(_FEVER.search(low) or _FEVER.search(numbered), str(SKG.Fever))
    findings = _fever_gone(low, findings, today)
    low = numbered
    days = _duration(low, tokens, mentions, engine, today)
    worsening = any(f.status == "present" and (idx.is_a(f.entity.iri, str(SKG.WorseningBackPain))
                                               or idx.is_a(f.entity.iri, str(SKG.GraduallyWorseningPain)))
                    for f in findings)
    # a flare of a known, recurring back pain, unchanged: no new back pain, and persistent only as the flare lasts
    # (in a person with cancer, any back pain is read as new)
    age = _age(low, today, narrator_is_patient)
    episodic = bool(_EPISODIC.search(low)) and not worsening and cancer == "none"
    if episodic:
        findings = [f for f in findings if f.entity.iri != str(SKG.PersistentBackPain)]
    inputs: dict[str, Any] = {
        "age": age, "pain_days": days, "pain_new": not (episodic and age is not None and age < 50),
        "pain_worsening": worsening,
        "severe_interferes_daily": any(f.status == "present" and idx.is_a(f.entity.iri, str(SKG.SevereBackPain))
                                       for f in findings),
        "tried_rest_self_care": None, "cancer_history": cancer,
    }
    return inputs, tuple(findings)


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s-\s")
ENCODER_THRESHOLD = 0.85   # cosine of a phrase to a red flag's name: tuned for recall (a possible finding asks)
SHORT_MARGIN = 0.0         # added for a two-word phrase, whose vector a single word dominates
ENCODER_NEAR = 0.03        # a phrase names every red flag within this of its nearest ("the urine comes": leaking or blood)


def red_flag_names(engine: Engine) -> tuple[list[str], list[str], Any]:
    """The names of every finding a triage rule turns on (and of their subclasses), with their vectors under the
    shipped encoder: what a paraphrase in a story is compared with."""
    def make(e: Engine) -> tuple[list[str], list[str], Any]:
        from ..encoder import load
        from .rules import rules

        idx = e.index
        classes: set[str] = set()
        for r in rules(e)[1]:
            for c in (*r.any, *r.all):
                if c not in (str(SKG.BackPain), str(SKG.NewBackPain)):
                    classes |= {c, *idx.descendants(c)}
        iris, names = [], []
        for name, refs in idx.name_refs.items():
            for ref in refs:
                if ref.iri in classes and len(name.split()) >= 2:
                    iris.append(ref.iri)
                    names.append(ref.text)
        return iris, names, load().encode(names)
    return engine.memo("red flag names", make)


def _paraphrased(engine: Engine, text: str, tokens: list[Any], linked: list[Mention]) -> list[Mention]:
    """Phrases of a story that name a red flag in other words than the graph's: an n-gram of two to six words,
    not already linked, whose vector is close to one of the red flag's names. Such a finding is only possible
    (scope related): it raises the tier and asks the question that settles it."""
    iris, names, vectors = red_flag_names(engine)
    if not names:
        return []
    from ..encoder import load


    covered = {i for m in linked for i in range(m.start, m.end)}
    easing = {p for p in engine.index.context_cues.get("improvement", {}).get("preceding", ()) if " " not in p}
    # a content word: not a function word, a number or a letter standing for a side or a level ("Pain L", "walk n")
    # an easing word says a thing is well, unless denied ("bowels not normal", "wee isn't right")
    eases = [t.word in easing and not (k and (tokens[k - 1].word in ("not", "no", "never") or tokens[k - 1].raw.endswith("n't")))
             for k, t in enumerate(tokens)]
    for k in _cue_positions(engine, tokens, "improvement", least=2):   # "I can feel my bottom normally"
        eases[k] = True
    # a word of a pain's pattern or start ("worse after sitting", "since I woke"): no phrase holding it is a red flag
    patterned = _cue_positions(engine, tokens, "pattern")
    content = [t.raw not in FUNCTION and t.word not in FUNCTION and t.raw.replace("'", "").isalpha() and len(t.raw) >= 3
               and not (t.word in _COUNTS and _COUNTS[t.word] > 1) for t in tokens]
    # a phrase opens and closes on content words (so no cue is inside it: NegEx reads its context); one with an
    # easing word in it, in the three words before or the two words after ("bladder/bowels normal", "can feel the
    # toilet paper normally") names no red flag
    spans = [(a, b) for a in range(len(tokens)) for b in range(a + 2, min(len(tokens), a + 6) + 1)
             if content[a] and content[b - 1] and not covered & set(range(a, b)) and not patterned & set(range(a, b))
             and tokens[a].sentence == tokens[b - 1].sentence
             and not _CLAUSE_BREAK.search(text[tokens[a].start:tokens[b - 1].end])   # a phrase is within a clause
             and not any(eases[k] for k in range(max(0, a - 3), min(len(tokens), b + 2))
                         if tokens[k].sentence == tokens[a].sentence)]
    if not spans:
        return []
    phrases = [text[tokens[a].start:tokens[b - 1].end] for a, b in spans]
    sims = load().encode(phrases) @ vectors.T
    best: dict[str, tuple[float, int]] = {}
    for k, row in enumerate(sims):
        short = spans[k][1] - spans[k][0] == 2
        floor = max(ENCODER_THRESHOLD + (SHORT_MARGIN if short else 0.0), float(row.max()) - ENCODER_NEAR)
        for j in (int(j) for j in (row >= floor).nonzero()[0]):   # the nearest red flag and those about as near
            if row[j] > best.get(iris[j], (0.0, -1))[0]:
                best[iris[j]] = (float(row[j]), k)
    anchors = _anchors(engine)
    out: list[Mention] = []
    taken: set[int] = set()
    for iri, (_, k) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        a, b = spans[k]
        if not any(_anchored(t.word, anchors.get(iri, ())) for t in tokens[a:b]):
            continue
        if taken & set(range(a, b)):
            continue
        taken |= set(range(a, b))
        named = frozenset(i for i, (_, kk) in best.items() if kk == k)
        out.append(Mention(a, b, phrases[k], named, "related", "lay", "encoder", tokens[a].sentence))
    return out


def _denied_lists(engine: Engine, low: str) -> list[tuple[int, int]]:
    """Character spans of lists that a cue after them denies as a whole ("RF screen neg (CES sx, wt loss, night pain,
    fever all denied)"): from the list's opening (a bracket, a colon or the sentence start) to the cue."""
    cues = engine.index.context_cues.get("denied_list", {}).get("following", ())
    if not cues:
        return []
    pattern = engine.memo("denied list pattern", lambda e: re.compile(
        r"(?:^|[(:.;!?\n])([^():.;!?\n]{3,240}?)\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
        + r")(?=$|[\s).,;:!?])"))
    return [m.span(1) for m in pattern.finditer(low)]


def _cue_positions(engine: Engine, tokens: list[Any], category: str, least: int = 1) -> set[int]:
    """The positions of the words of a context category's preceding cues of at least ``least`` words in a text's
    tokens."""
    cues = engine.memo(f"{category} cue words {least}", lambda e: tuple(
        ws for c in e.index.context_cues.get(category, {}).get("preceding", ())
        if len(ws := tuple(w.word for w in tokenize(c))) >= least))
    words = [t.word for t in tokens]
    out: set[int] = set()
    for cue in cues:
        n = len(cue)
        for k in range(len(words) - n + 1):
            # a cue that is denied ("haven't been able to feel") says nothing is well
            if tuple(words[k:k + n]) == cue and not {"not", "no", "never"} & set(words[max(0, k - 2):k]):
                out.update(range(k, k + n))
    return out


def _anchored(word: str, anchors: frozenset[str] | tuple[()]) -> bool:
    return word in anchors or (len(word) >= 5 and any(len(a) >= 5 and a[:5] == word[:5] for a in anchors))


def _anchors(engine: Engine) -> dict[str, frozenset[str]]:
    """For each red flag, the words of its names that few other red flags' names hold: a phrase the encoder finds
    near a red flag names it only if it holds one of them (or a word of the same stem)."""
    def make(e: Engine) -> dict[str, frozenset[str]]:
        iris, names, _ = red_flag_names(e)
        words: dict[str, set[str]] = {}
        for iri, name in zip(iris, names):
            words.setdefault(iri, set()).update(w for w in norm(name).split() if w not in FUNCTION and len(w) >= 3)
        df: dict[str, int] = {}
        for ws in words.values():
            for w in ws:
                df[w] = df.get(w, 0) + 1
        limit = max(3, len(words) // 10)
        return {iri: frozenset(w for w in ws if df[w] <= limit) for iri, ws in words.items()}
    return engine.memo("red flag anchors", make)


def _beyond_negation(engine: Engine, text: str, tokens: list[Any], m: Mention, mentions: list[Mention]) -> bool:
    """Whether a negated mention stands in a later item of a comma-separated list that says more than a finding:
    in "no known Ca, new T-spine pain 3/52, legs giving way" the negation ends at the comma, while in "no fever,
    wt loss, night pain" every item is a bare finding and is negated ("urinary/bowel change": words joined by a
    slash are alternatives of one finding). Reading a red flag as present when the negation is in doubt is the
    safer error."""

    sentence = [t for t in tokens if t.sentence == tokens[m.start].sentence]
    a, b = m.start, m.end - 1
    while a > 0 and tokens[a - 1].sentence == tokens[m.start].sentence \
            and text[tokens[a - 1].end:tokens[a].start] == "/":
        a -= 1
    while b + 1 < len(tokens) and tokens[b + 1].sentence == tokens[m.start].sentence \
            and text[tokens[b].end:tokens[b + 1].start] == "/":
        b += 1
    start, end = tokens[a].start, tokens[b].end
    left = max((text.rfind(ch, sentence[0].start, start) for ch in ",;"), default=-1)
    if left < 0:
        return False
    rights = [i for i in (text.find(ch, end, sentence[-1].end + 1) for ch in ",;") if i >= 0]
    right = min(rights) if rights else sentence[-1].end
    if engine.context.categories_in(text[left + 1:right], ("negated",)):
        return False   # the item holds its own negation cue
    others = [t for t in sentence if left < t.start < right and not (start <= t.start < end)
              and t.word not in FUNCTION and t.raw not in FUNCTION and t.raw not in ("or", "and")]
    # the last item of a list that opens its sentence with the negation, joined by "or", names findings only: it is
    # negated with the rest ("No cancer, steroids or trauma")
    item = [t for t in sentence if left < t.start < right]
    if others and any(t.raw in ("or", "nor") for t in item) and \
            engine.context.categories_in(text[sentence[0].start:sentence[min(1, len(sentence) - 1)].end], ("negated",)):
        named = {k for o in mentions for k in range(o.start, o.end)}
        others = [t for t in others if tokens.index(t) not in named]
    return bool(others)


_BILATERAL = re.compile(r"\b(?:bilat|bilateral|bilaterally|both (?:of )?(?:my |his |her |their |the )?(?:legs|feet|sides|arms|hands|"
                        r"thighs|calves)|either leg|each leg|left and right|right and left|l and r|r and l)\b")
_PAIN_WORD = re.compile(r"\b(pain|ache|aching|sore|hurt|hurts|hurting|twinge|lbp|backache|backpain)\b")
_TRAVELS = re.compile(r"\b(?:down|into|radiat\w*|shoot\w*|running|runs|travel\w*|spread\w*|goes|going)\b")
_SIDES = re.compile(r"\b(l|r|left|right)\s+(?:leg|foot|calf|thigh|buttock|bum cheek)\b"
                    r"|\b(left|right)\s+(?:one\s+)?(?:too|as well|now too)\b")   # "... now it's shooting down the left too"
_NERVE = ("Numbness", "Tingling", "RadicularPain", "Radiculopathy", "Weakness", "NeurologicalSign", "NeurologicalDeficit")


def _bilateral(engine: Engine, text: str, tokens: list[Any], mentions: list[Mention],
               findings: list[Finding]) -> list[Finding]:
    """A nerve symptom or sign said of both sides ("bilat S1 sensory loss", "sciatica ... now both legs") is a
    symptom in both legs (a sign of cauda equina or cord compression), with the nerve finding's status."""
    idx = engine.index
    out: list[Finding] = []
    bilateral = str(SKG.BilateralLegSymptoms)
    if any(f.entity.iri == bilateral for f in findings):
        return out
    sides = [a or b for a, b in _SIDES.findall(text.lower())]   # "sciatica in my left leg ... now the right leg too"
    for f in findings:
        if f.status not in ("present", "possible") or not any(idx.is_a(f.entity.iri, str(SKG[n])) for n in _NERVE):
            continue
        m = next((m for m in mentions if m.text == f.words), None)
        if m is None:
            continue
        same = [t for t in tokens if t.sentence == tokens[m.start].sentence]
        clause = text[same[0].start:same[-1].end].lower()
        if _BILATERAL.search(clause) or len({side[0] for side in sides}) == 2:
            said = _BILATERAL.search(clause)
            out.append(Finding(idx.entities[bilateral], f"{f.words} ({said.group(0) if said else 'left and right'})",
                               f.status if said else "possible"))
            break
    if not out:   # pain that travels down both legs is bilateral sciatica, a sign of cauda equina (BASS)
        for sentence in re.split(r"[.;!?]", text.lower()):
            # pain travelling into both legs, or pain in both legs ("back and both legs have been aching"), where the
            # clause that names both sides holds no denial ("down into both legs now, but I'm peeing fine")
            both, travels = _BILATERAL.search(sentence), _TRAVELS.search(sentence)
            if not both:
                continue
            clause = next((c for c in re.split(r",|\bbut\b|\bthough\b|\balthough\b|\band (?=i\b|i'm\b|my\b)", sentence)
                           if both.group(0) in c), sentence)
            pain = _PAIN_WORD.search(clause) or re.search(r"\b(?:burning|shooting|electric)\b", clause)
            said = pain or travels
            if said and (pain or _PAIN_WORD.search(sentence)) and not engine.context.categories_in(clause, ("negated",)):
                out.append(Finding(idx.entities[bilateral], f"{said.group(0)} ... {both.group(0)}", "possible"))
                break
    return out


def _composed(engine: Engine, text: str, tokens: list[Any], mentions: list[Mention],
              findings: list[Finding]) -> list[Finding]:
    """Findings told as a sensation and a place in one sentence ("numb around my back passage": saddle numbness),
    by the graph's compositions; possible unless both parts are certain. A composition of back pain takes the word
    pain itself ("R paraspinal mid-thoracic (T5-6) pain": upper or middle back pain)."""
    from .rules import compositions

    idx = engine.index
    sentence = {m.text: tokens[m.start].sentence for m in mentions}
    live = [f for f in findings if f.status in ("present", "possible") and f.words in sentence]
    pain = str(SKG.BackPain)
    named = {k for m in mentions for k in range(m.start, m.end)}
    for k, t in enumerate(tokens):
        if _PAIN_WORD.fullmatch(t.raw.lower()) and k not in named:
            sentence.setdefault(t.raw, t.sentence)
            live.append(Finding(idx.entities[pain], t.raw, "present"))
    have = {f.entity.iri for f in findings}
    out: list[Finding] = []
    for target, of, places in compositions(engine):
        if target in have or target not in idx.entities:
            continue
        for f in live:
            if not any(idx.is_a(f.entity.iri, c) for c in of):
                continue
            place = next((p for p in live if sentence[p.words] == sentence[f.words]
                          and any(idx.is_a(p.entity.iri, c) for c in places)), None)
            if place is not None:
                status = "present" if f.status == place.status == "present" else "possible"
                out.append(Finding(idx.entities[target], f"{f.words} ({place.words})", status))
                break
    return out


_LONG_AGO = re.compile(r"\b(?:(?:\d+|two|three|four|five|six|a few|few|a couple of|couple of|several)\s+(?:weeks?|wks?|months?)|"
                       r"a month|a fortnight|\d+\s*/\s*(?:52|12))\s+ago\b|\blast month\b")
_IN_MONTH = re.compile(r"\b(?:back )?(?:in|at the start of|at the beginning of|early in|in early|in mid|mid) (" + _MONTH_NAMES + r")\b")
# a temperature measured normal (35-37.4 degrees): no fever now ("T 36.7 today", "temp 36.8 on home thermometer")
_NORMAL_TEMP = re.compile(r"\b(?:t|temp|temperature|thermometer)\s*(?:of|was|is|:|=|now|today|said|read)?\s*~?"
                          r"(?:3[56](?:\.\d)?|37(?:\.[0-4])?)(?![\d.])")
# words that say an illness is over ("that's all gone now", "fully recovered", "totally over it now")
_RECOVERED = re.compile(r"\b(?:all gone|gone now|fully resolved|resolved|fully recovered|recovered|cleared up|all cleared|"
                        r"over it|better now|fine now|well now|got over)\b")


def _fever_gone(low: str, findings: list[Finding], today: date) -> list[Finding]:
    """A fever told as weeks ago ("a temperature about 3 weeks ago, all gone now", "temps ~4/52 ago", "back in
    October"), when the text also denies a fever now, measures a normal temperature or says the illness is over, is
    a past illness, not a sign of infection now; a temperature named with a normal reading is no fever."""
    fever = str(SKG.Fever)
    sentences = re.split(r"(?<=[.!?;\n])\s+", low)
    normal = _NORMAL_TEMP.search(low) is not None and _FEVER.search(low) is None
    denied = normal or any(f.entity.iri == fever and f.status == "negated" for f in findings)
    out = []
    for f in findings:
        if f.entity.iri == fever and f.status in ("present", "possible"):
            said = next((s for s in sentences if f.words.lower() in s), "")
            month = _IN_MONTH.search(said)
            when = None if month is None else date(today.year - (_MONTHS[month.group(1)] > today.month),
                                                   _MONTHS[month.group(1)], 15)
            long_ago = _LONG_AGO.search(said) or when is not None and (today - when).days >= 14
            if long_ago and (denied or _RECOVERED.search(said)):
                f = replace(f, status="past")
            elif normal and _NORMAL_TEMP.search(said) and f.status == "possible":
                f = replace(f, status="negated")   # "temp 36.8": the temperature was taken, and is normal
        out.append(f)
    return out


def _discounted(engine: Engine, tokens: list[Any], text: str, findings: list[Finding], category: str,
                finding: str) -> list[Finding]:
    """A finding in a sentence that holds a cue of a context that discounts it (and none of its pseudo cues) is
    negated: a weight loss that was meant ("lost 5kg deliberately (diet + gym)", category "intended"), a steroid
    taken briefly or on the skin ("a 5-day course of prednisolone", "brief"; not "6 courses this year")."""
    def read(direction: str) -> Any:
        return lambda e: tuple(" ".join(w.word for w in tokenize(c))
                               for c in e.index.context_cues.get(category, {}).get(direction, ()))
    cues = engine.memo(category + " cues", read("preceding"))
    unless = engine.memo(category + " pseudo cues", read("pseudo"))   # words that keep the finding
    out = []
    for f in findings:
        if f.entity.iri == finding and f.status in ("present", "possible"):
            at = text.lower().find(f.words.lower())
            sentence = next((t.sentence for t in tokens if t.end > at), 0) if at >= 0 else -1
            words = [t.word for t in tokens if t.sentence == sentence]
            line = " " + " ".join(words) + " "
            said = [line.find(f" {c} ") for c in cues]
            # a cue said, and not denied ("I haven't been dieting"), and no word that keeps the finding
            denials = {"not", "no", "never", "without"}
            if not any(f" {c} " in line for c in unless) and any(at >= 0 and not set(line[max(0, at - 12):at].split()) & denials
                                                                 for at in said):
                f = replace(f, status="negated")
        out.append(f)
    return out


def _cancer_denied(engine: Engine, findings: list[Finding]) -> list[Finding]:
    """A cancer history only possible (a loose word: "oncology ward", "a lump removed") is dropped when the text
    denies one in so many words ("no personal hx of Ca", "it turned out to be benign, not cancer")."""
    cancer = str(SKG.CancerHistory)
    if not any(f.entity.iri == cancer and f.status == "negated" or f.entity.iri == str(SKG.Benign) and
               f.status == "present" for f in findings) or \
            any(f.entity.iri == cancer and f.status == "present" for f in findings):
        return findings
    return [replace(f, status="negated") if f.entity.iri == cancer and f.status == "possible" else f for f in findings]


def _shared(engine: Engine, text: str, tokens: list[Any], m: Mention, sentences: int = 1) -> bool:
    """Whether words after a relative's or someone's illness say the writer has it ("... and so have I", "if someone
    had a melanoma cut out ... Okay it's me"), in the mention's sentence or the next ones."""
    cues = engine.index.context_cues.get("shared", {}).get("following", ())
    sentence = [t for t in tokens if tokens[m.start].sentence <= t.sentence < tokens[m.start].sentence + sentences]
    after = " ".join(re.findall(r"[a-z']+", text[tokens[m.end - 1].end:sentence[-1].end].lower().replace("’", "'")))
    return any(re.search(r"(?:^|\s)" + re.escape(c) + r"(?:\s|$)", after) for c in cues)


_YEAR = re.compile(r"^[\s(]*(?:(?:diagnosed|treated|found|removed|operated)\s+)?(?:(?:back\s+)?in|during)?\s*"
                   r"(?:'|’)?((?:19|20)\d\d)\b")


def _undictated(engine: Engine, text: str) -> str:
    """The text with the words a dictation types for marks read as the marks ("better today full stop" ->
    "better today ."), each padded to its words' length so that offsets keep."""
    cues = engine.index.context_cues.get("dictated", {})
    marks = {w: "." for w in cues.get("termination", ())} | {w: "," for w in cues.get("pseudo", ())}
    if not marks:
        return text
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(marks, key=len, reverse=True))
                         + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: marks[" ".join(m.group(0).lower().split())].ljust(len(m.group(0))), text)


def _dated_past(text: str, tokens: list[Token], m: Mention, today: date) -> bool:
    """Whether a year before this one follows a condition in its clause ("breast cancer in 2019", "ca (2015)")."""
    year = _YEAR.match(text[tokens[m.end - 1].end:])
    return year is not None and int(year.group(1)) < today.year


def _status(m: Mention, c: Context, narrator_is_patient: bool) -> str:
    if c.negated:
        return "negated"
    if c.hypothetical:
        return "hypothetical"
    if (c.family or c.relative) and narrator_is_patient:
        return "family"
    if c.historical:
        return "past"
    if c.possible or m.match == "fuzzy" or m.scope in ("broad", "related"):
        return "possible"
    return "present"


def _is_cancer(engine: Engine, iri: str) -> bool:
    """A cancer of the person: a primary cancer elsewhere, a malignant or metastatic spinal tumor, a cancer
    history, or a treatment given almost only for tumors (chemotherapy, radiotherapy): read as a cancer history,
    the safer reading."""
    idx = engine.index
    return any(idx.is_a(iri, str(SKG[c])) for c in ("Cancer", "CancerHistory", "MalignantSpinalTumor",
                                                     "SecondarySpinalTumor", "Chemotherapy", "RadiationTherapy"))


def _later(a: str, b: str) -> str:
    order = ("none", "previous", "current")
    return a if order.index(a) >= order.index(b) else b


def _narrator_is_patient(low: str) -> bool:
    """Whether the writer tells their own story ("my back hurts", "I've had pain") rather than a relative's
    ("my wife's legs are numb"); a clinician's note ("58M, ...") is the patient's."""
    if re.match(r"\s*\d{1,3}\s*(?:yo|y/o|yrs?|m|f)\b", low) or re.search(r"\b(?:c/o|pmh|hx|o/e|fh|fhx|pt)\b", low):
        return True
    # the story opens on a relative ("My partner is 30 and ...", "Mum is 78.", "writing this for my daughter")
    # (a relative who *had* a disease or died of one, opening the story, is family history: "My mum had breast cancer")
    kin = (r"(?:my |our )?(?:mum|mom|mother|dad|father|husband|wife|partner|son|daughter|boyfriend|girlfriend|gran|granny|"
           r"grandma|grandad|grandpa|brother|sister|friend|fianc[eé]e?)\b")
    own = re.search(r"\bmy own\b", low)   # "my sister is having chemo ... now my own back hurts"
    # after a greeting ("Sir,", "Dear doctor,", "Good morning."), and an age after the relative ("my wife age 36 is")
    greeting = r"\W*(?:(?:hi|hello|hey|hiya|dear|sir|madam|doctor|doc|dr|good|morning|afternoon|evening|day|there)\b\W*)*"
    aged = r"(?:\s*,?\s*\(?\s*(?:age|aged)?\s*\d{1,3}\s*(?:y/?o|yrs?|years?(?: old)?|age)?\s*\)?\s*,?)?"
    if not own and re.match(greeting + r"(?:i'm |i am )?(?:writing|asking|messaging|posting)(?: this)? "
                r"(?:for|on behalf of|about) " + kin, low) or \
            not own and re.match(greeting + kin + aged + r"(?:\s*,?\s*(?:she|he|they)\b)?\s*"
                     r"(?:is|'s|has been|has got|has had|have|having|keeps|can't|cannot|can not|woke|hurt|fell|needs|says|"
                     r"just|now|\d)", low) or \
            not own and re.match(greeting + kin + aged.removesuffix("?") + r"\s*has\b", low):   # "my father aged 74 has"
        return False
    if re.search(r"\b(my|me|i've|ive|i have|i'm|im|i am|i)\b.{0,40}\b(back|backache|neck|spine|leg|legs|pain|sore|hurt|hurts|ache|"
                 r"aching|numb|bladder|bowels?|walk|feel)\b", low):
        return True
    return not re.search(r"\b(she|he|her|his|mum|mom|mother|dad|father|husband|wife|partner|son|daughter|gran|"
                         r"grandma|grandad|brother|sister|aunt|uncle)\b", low)


_SOMEONE_ELSES = re.compile(r"\b(?:my|our|your|his|her|their)\s+(?:[a-z]+\s+)?$")   # "my poorly 2 year old"
_YOUNG = re.compile(r"\b(\d{2})\s+(?:years?|yrs?)\s+young\b")   # "47 years young"
# a number of years that ends its phrase, not after a word of duration: an age ("My father 70 year, he ...")
_BARE_YEARS = re.compile(r"(?<!for )(?<!since )(?<!past )(?<!last )(?<!over )(?<!about )(?<!in )(?<!almost )(?<!nearly )"
                         r"\b([2-9]\d|1[01]\d)\s+(?:years?|yrs?)\s*(?=[,.;]|$)")


def _age(low: str, today: date, narrator_is_patient: bool = True) -> int | None:
    dob = _DOB.search(low)
    born = None if dob is None else int(dob.group(1).lstrip("'"))
    if born is not None and born < 100:   # a year of two digits: this century's if it has come, else the last
        born += 2000 if 2000 + born <= today.year else 1900
    if born is not None and born <= today.year:
        return today.year - born   # a year of birth: the age this year (a year too old before the birthday)
    for pattern in (*_AGE, _YOUNG, _BARE_YEARS):
        for m in pattern.finditer(low):
            n = int(m.group(1))
            after = re.match(r"\W*([a-z]+)", low[m.end():])
            if narrator_is_patient and _SOMEONE_ELSES.search(low[max(0, m.start() - 24):m.start()]) \
                    and (after is None or after.group(1) in FUNCTION):
                continue   # the writer's own back, and the age of someone of theirs ("carrying my 4-year-old round")
            if 1 <= n <= 110:
                return n
    off = _YEARS_OFF.search(low)   # "I'm four years off ninety"
    if off and (n := _COUNTS.get(off.group(1)) or (int(off.group(1)) if off.group(1).isdigit() else 0)):
        return _ROUND_AGES[off.group(2)] - int(n)
    idiom = _AGE_IDIOM.search(low)   # "the big five-oh", "three score years and five"
    if idiom:
        return _AGE_IDIOMS[idiom.group(1)] if idiom.group(1) in _AGE_IDIOMS else 60 + int(_COUNTS.get(idiom.group(2), 0))
    decade = _DECADE.search(low)
    if decade:
        word = decade.group(1)
        return _DECADES.get(word) or int(word[:-1]) + 5
    return None


def _duration(low: str, tokens: list[Any], mentions: list[Mention], engine: Engine, today: date) -> float | None:
    """How long the back pain has lasted: the longest duration stated near a mention of pain."""
    idx = engine.index
    pain_at = [tokens[m.start].start for m in mentions
               if any(idx.is_a(i, str(SKG.BackPain)) or idx.is_a(i, str(SKG.PainCharacteristic)) for i in m.iris)]
    pain_at += [m.start() for m in re.finditer(r"\b(pain|ache|aching|sore|hurt|hurts|hurting|lbp|bp|back|neck)\b", low)]
    strict = [m.start() for m in _PAIN_WORD.finditer(low)]
    found: list[float] = []
    for m in _DURATION.finditer(low):
        count = _COUNTS.get(m.group(1), None) if not m.group(1)[0].isdigit() else float(m.group(1))
        if count is None:
            continue
        if _dates_event(low, m):
            continue
        days = float(count) * _UNITS[m.group(2)]
        if _is_age(low, m) or re.search(r"\b(?:once|twice|times|every|per|episodes?|flares?|bouts?|attacks?|\d+\s*-\s*\d+)\s+$",
                                        low[max(0, m.start() - 12):m.start()]):
            continue   # an age, or how often ("about once a year")
        if _GAP.search(low[max(0, m.start() - 60):m.start()]):
            continue   # a gap, not a duration ("my first spin class in like 5 yrs")
        if _NOT_THE_PAIN.search(low[max(0, m.start() - 30):m.start()]):
            continue   # how long the writer has worked, lived or been married somewhere, not the pain
        # "two years ago" dates an event; it is the pain's duration only when said of the pain
        if m.group(3) and not _near(m.start(), strict, low, window=40):
            continue
        if _near(m.start(), pain_at, low) or not pain_at:
            found.append(days)
    for m in _SLASHED.finditer(low):
        if _near(m.start(), pain_at, low, window=40) and not low[m.end():m.end() + 4].strip().startswith("ago"):
            found.append(float(m.group(1)) * _SLASH[m.group(2)])
    for m in _SINCE.finditer(low):
        found.append({"yesterday": 1, "last night": 1, "this morning": 0.5, "today": 0.5, "last week": 7,
                      "last month": 30, "last year": 365}[m.group(1)])
    now = _NOW_MONTH.search(low)
    if now:
        month = _MONTHS[now.group(1)]
        today = date(today.year if month <= today.month else today.year - 1, month, 15)
    for m in _SINCE_DATE.finditer(low):
        day, month = int(m.group(1)), int(m.group(2))
        if month > 12 >= day:
            day, month = month, day   # a US date
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0) if m.group(3) else today.year
        try:
            start = date(year, month, day)
        except ValueError:
            continue
        if start > today and not m.group(3):
            start = date(year - 1, month, day)
        if start <= today:
            found.append(float((today - start).days))
    for m in _ON_DAY.finditer(low):   # "started on the 3rd of last month"
        month = today.month - (1 if m.group(2) == "last" else 0) or 12
        year = today.year - (1 if month > today.month else 0)
        try:
            found.append(float((today - date(year, month, int(m.group(1)))).days))
        except ValueError:
            continue
    for m in _SINCE_DAY_MONTH.finditer(low):
        month = _MONTHS[m.group(2) or m.group(3)]
        try:
            start = date(today.year, month, int(m.group(1) or m.group(4)))
        except ValueError:
            continue
        if start > today:
            start = start.replace(year=today.year - 1)
        found.append(float((today - start).days))
    for m in _SINCE_NAMED.finditer(low):   # a month from its 1st (5th, 15th, 25th: early, mid, late)
        if pain_at and not _near(m.start(), pain_at, low) and not _BACK_TO_IT.search(low[max(0, m.start() - 40):m.start()]):
            continue   # "lost 6 kilos since January": not the pain's start (but "it's been like this since October")
        if m.group(2) in _MONTHS:
            month = _MONTHS[m.group(2)]
            day = {"early": 5, "the start of": 3, "the beginning of": 3, "mid": 15, "late": 25, "the end of": 28}.get(
                m.group(1) or "", 1)
        else:
            month, day = _SEASONS[m.group(2)]
        start = date(today.year, month, day)
        if start > today:   # "since early December" on the 3rd: since the 1st; else last year's
            start = date(today.year, month, 1) if month == today.month and m.group(2) in _MONTHS else \
                date(today.year - 1, month, day)
        found.append(float((today - start).days))
    if not found:   # "Three weeks." on its own: a duration that dates no other event
        found = [float(_COUNTS.get(m.group(1), 0) if not m.group(1)[0].isdigit() else float(m.group(1))) *
                 _UNITS[m.group(2)] for m in _DURATION.finditer(low) if not m.group(3) and not _is_age(low, m)
                 and not _dates_event(low, m) and not _GAP.search(low[max(0, m.start() - 60):m.start()])
                 and not _NOT_THE_PAIN.search(low[max(0, m.start() - 30):m.start()])]
        found = [f for f in found if f > 0]
    if _EPISODIC.search(low):
        current = [float(m.group(1)) * _SLASH[m.group(2)] for m in _CURRENT_SLASHED.finditer(low)]
        if current or found:
            return min(current or found)
    return max(found) if found else None


_NOT_THE_PAIN = re.compile(r"\b(?:work|works|worked|working|job|married|lived|living|live|retired|moved here|been here|"
                           r"in (?:the )?(?:uk|england|country))\b[^.,;]{0,20}$")
_BACK_TO_IT = re.compile(r"\b(?:it's been|it has been|it's|it has|been like this|like this|it started|it began|this started)\b[^.;,]*$")
_GAP = re.compile(r"\b(?:first|1st)\b[^.,;!?]{0,40}\bin\s+(?:like\s+|about\s+|over\s+|almost\s+|nearly\s+|the\s+last\s+)?$")


def _dates_event(low: str, m: re.Match[str]) -> bool:
    """Whether "last year", "past week" dates an event ("had cancer last year") rather than lasting ("for the last year")."""
    return m.group(1) in ("last", "past") and not low[max(0, m.start() - 4):m.start()].endswith("the ")


def _is_age(low: str, m: re.Match[str]) -> bool:
    """Whether a number of years is the writer's age ("I am 36 years", "I have 28 year"), not a duration."""
    return m.group(2) in ("year", "yr") and not m.group(3) and (
        bool(re.search(r"\b(?:i am|i'm|im|i have|aged?)\s*$", low[max(0, m.start() - 9):m.start()]))
        or any(b.start() <= m.start() < b.end() for b in _BARE_YEARS.finditer(low)))


def _near(at: int, pain_at: list[int], low: str, window: int = 80) -> bool:
    """Whether a duration at ``at`` is in the same sentence as, and close to, a mention of pain."""
    for p in pain_at:
        a, b = sorted((at, p))
        if b - a <= window and not re.search(r"[.!?]\s", low[a:b]):
            return True
    return False
