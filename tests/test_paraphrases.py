"""Paraphrase robustness of ``kg.ask``.

Every public competency question is asked in two user-style rewordings (a patient,
a student or a clinician might type them). A rewording must give the same answer
as the original: every name in ``must_include`` matches some answer and no name in
``must_exclude`` does. Entities that are defensible either way are simply not
listed, so extra answers are not penalised.

The module is self-contained: the expected names are copied here and the name
matcher below re-implements the scoring rules (lower-case, drop punctuation and
generic words, singularise plurals, also accept the text inside / outside a
parenthesis).
"""
from __future__ import annotations

import re

import pytest

import spineKG

# --------------------------------------------------------------------------- matcher

_IGNORED_WORDS = frozenset({
    "spinal", "spine", "tumor", "tumors", "tumour", "tumours", "the", "a", "an", "of",
    "neoplasm", "neoplasms", "about", "approximately", "roughly",
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PAREN = re.compile(r"^(.*?)\((.*?)\)(.*)$")


def _to_singular(word: str) -> str:
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith("ae"):
        return word[:-1]
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _canonical(text: str) -> str:
    tokens = _NON_ALNUM.sub(" ", text.lower()).split()
    content = [t for t in tokens if t not in _IGNORED_WORDS] or tokens
    return " ".join(_to_singular(t) for t in content)


def name_forms(text: str) -> set[str]:
    """All normalised forms under which ``text`` may match."""
    forms = {_canonical(text)}
    paren = _PAREN.match(text)
    if paren:
        before, inside, after = paren.groups()
        forms.add(_canonical(f"{before} {after}"))
        forms.add(_canonical(inside))
    forms.discard("")
    return forms


def _forms_of_answer(answer: dict) -> set[str]:
    texts = [answer.get("label", "")] + list(answer.get("synonyms") or [])
    out: set[str] = set()
    for t in texts:
        if isinstance(t, str):
            out |= name_forms(t)
    return out


def name_matches(expected: str, answers: list[dict]) -> bool:
    wanted = name_forms(expected)
    return any(wanted & _forms_of_answer(a) for a in answers)


# --------------------------------------------------------------------------- cases
# (id, question, must_include, must_exclude); ids are <public id>-a / -b.

CASES: list[tuple[str, str, list[str], list[str]]] = [
    # ---- classification
    ("pub-cls-01-a", "Spinal tumors fall into which two broad categories?",
     ["primary tumor", "secondary tumor"],
     ["hemangioma", "meningioma", "extradural tumor", "intramedullary tumor"]),
    ("pub-cls-01-b", "Into what two basic groups are tumors of the spine divided?",
     ["primary tumor", "secondary tumor"],
     ["hemangioma", "meningioma", "extradural tumor", "intramedullary tumor"]),

    ("pub-cls-02-a", "Which tumors of the spine are malignant?",
     ["metastatic tumor", "osteosarcoma", "multiple myeloma"],
     ["hemangioma", "schwannoma", "neurofibroma"]),
    ("pub-cls-02-b", "What kinds of spine tumor count as cancer?",
     ["metastatic tumor", "osteosarcoma", "multiple myeloma"],
     ["hemangioma", "schwannoma", "neurofibroma"]),

    ("pub-cls-03-a", "Which spine tumors are typically not cancerous?",
     ["hemangioma", "meningioma", "schwannoma", "neurofibroma"],
     ["osteosarcoma", "multiple myeloma", "metastatic tumor"]),
    ("pub-cls-03-b", "What types of tumor in the spine are generally benign?",
     ["hemangioma", "meningioma", "schwannoma", "neurofibroma"],
     ["osteosarcoma", "multiple myeloma", "metastatic tumor"]),

    ("pub-cls-04-a", "Which tumors that start in the spine itself are cancerous?",
     ["osteosarcoma", "multiple myeloma"],
     ["metastatic tumor", "hemangioma"]),
    ("pub-cls-04-b", "What cancerous tumors originate in the spinal column rather than spreading there from elsewhere?",
     ["osteosarcoma", "multiple myeloma"],
     ["metastatic tumor", "hemangioma"]),

    ("pub-cls-05-a", "Which kind of spinal tumor is seen most often?",
     ["metastatic tumor"],
     ["hemangioma", "osteosarcoma", "multiple myeloma", "meningioma"]),
    ("pub-cls-05-b", "What type of tumor do doctors find most frequently in the spine?",
     ["metastatic tumor"],
     ["hemangioma", "osteosarcoma", "multiple myeloma", "meningioma"]),

    ("pub-cls-06-a", "Which tumors originate in the spine itself?",
     ["hemangioma", "osteosarcoma", "multiple myeloma", "meningioma", "schwannoma",
      "neurofibroma", "astrocytoma", "ependymoma"],
     ["metastatic tumor"]),
    ("pub-cls-06-b", "List the tumor types that begin in the spinal column instead of spreading to it from another organ.",
     ["hemangioma", "osteosarcoma", "multiple myeloma", "meningioma", "schwannoma",
      "neurofibroma", "astrocytoma", "ependymoma"],
     ["metastatic tumor"]),

    ("pub-cls-07-a", "What cancers commonly metastasize to the spine?",
     ["lung cancer", "breast cancer", "prostate cancer"],
     ["osteosarcoma", "multiple myeloma", "hemangioma"]),
    ("pub-cls-07-b", "Which types of cancer are most likely to spread to the backbone?",
     ["lung cancer", "breast cancer", "prostate cancer"],
     ["osteosarcoma", "multiple myeloma", "hemangioma"]),

    # ---- location
    ("pub-loc-01-a", "In which spinal region are tumors found most often?",
     ["thoracic spine"],
     ["cervical spine", "lumbar spine"]),
    ("pub-loc-01-b", "Are spinal tumors most common in the neck, the upper or middle back, or the lower back?",
     ["thoracic spine"],
     ["cervical spine", "lumbar spine"]),

    ("pub-loc-02-a", "What share of spinal tumors occur in the lower back?",
     ["20%"],
     ["70%", "10%"]),
    ("pub-loc-02-b", "Roughly what percent of tumors of the spine are found in the lumbar region?",
     ["20%"],
     ["70%", "10%"]),

    ("pub-loc-03-a", "Which spinal region is the most frequent site of intramedullary tumors?",
     ["cervical spine"],
     ["thoracic spine", "lumbar spine"]),
    ("pub-loc-03-b", "Are tumors inside the spinal cord most often found in the neck, the mid back or the lower back?",
     ["cervical spine"],
     ["thoracic spine", "lumbar spine"]),

    ("pub-loc-04-a", "Do spinal metastases usually sit outside the dura, inside the dura, or within the spinal cord itself?",
     ["extradural"],
     ["intramedullary", "intradural-extramedullary"]),
    ("pub-loc-04-b", "Relative to the spinal cord and its dural covering, where are secondary spinal tumors typically located?",
     ["extradural"],
     ["intramedullary", "intradural-extramedullary"]),

    ("pub-loc-05-a", "Which spinal tumors are intradural but extramedullary?",
     ["meningioma", "schwannoma", "neurofibroma"],
     ["astrocytoma", "hemangioma", "osteosarcoma", "multiple myeloma"]),
    ("pub-loc-05-b", "What tumors develop within the dural sac yet outside the cord itself?",
     ["meningioma", "schwannoma", "neurofibroma"],
     ["astrocytoma", "hemangioma", "osteosarcoma", "multiple myeloma"]),

    ("pub-loc-06-a", "What are the most frequent types of tumor that grow within the spinal cord?",
     ["astrocytoma", "ependymoma"],
     ["meningioma", "schwannoma", "neurofibroma", "hemangioma", "osteosarcoma",
      "multiple myeloma", "metastatic tumor"]),
    ("pub-loc-06-b", "Which intramedullary tumors are seen most often?",
     ["astrocytoma", "ependymoma"],
     ["meningioma", "schwannoma", "neurofibroma", "hemangioma", "osteosarcoma",
      "multiple myeloma", "metastatic tumor"]),

    ("pub-loc-07-a", "Which tumors grow outside the dura mater?",
     ["metastatic tumor", "hemangioma", "osteosarcoma", "multiple myeloma"],
     ["astrocytoma"]),
    ("pub-loc-07-b", "What kinds of spinal tumor are epidural?",
     ["metastatic tumor", "hemangioma", "osteosarcoma", "multiple myeloma"],
     ["astrocytoma"]),

    ("pub-loc-08-a", "From which type of cell do tumors inside the spinal cord develop?",
     ["glial cells"],
     ["nerve roots", "meninges"]),
    ("pub-loc-08-b", "Intramedullary tumors originate from what kind of cells?",
     ["glial cells"],
     ["nerve roots", "meninges"]),

    # ---- symptoms
    ("pub-sym-01-a", "What does spinal tumor pain feel like?",
     ["deep ache", "sharp or shock-like pain", "night pain", "morning pain",
      "pain worse with touch or compression"],
     ["unplanned weight loss", "fever"]),
    ("pub-sym-01-b", "How would a patient describe the back pain caused by a tumor in the spine?",
     ["deep ache", "sharp or shock-like pain", "night pain", "morning pain",
      "pain worse with touch or compression"],
     ["unplanned weight loss", "fever"]),

    ("pub-sym-02-a", "Which warning signs alongside back pain mean I should get medical help right away?",
     ["loss of appetite", "unplanned weight loss", "nausea", "vomiting", "fever", "chills", "shakes"],
     ["deep ache", "morning pain"]),
    ("pub-sym-02-b", "If back pain comes with which other symptoms should it be checked by a doctor urgently?",
     ["loss of appetite", "unplanned weight loss", "nausea", "vomiting", "fever", "chills", "shakes"],
     ["deep ache", "morning pain"]),

    ("pub-sym-03-a", "What kinds of neurological damage can be caused by a tumor on the spine?",
     ["radiculopathy", "myelopathy", "cauda equina syndrome"],
     ["fever", "unplanned weight loss"]),
    ("pub-sym-03-b", "A spine tumor can lead to which neurologic deficits?",
     ["radiculopathy", "myelopathy", "cauda equina syndrome"],
     ["fever", "unplanned weight loss"]),

    ("pub-sym-04-a", "What symptoms indicate cauda equina syndrome?",
     ["saddle numbness", "walking difficulty", "loss of bowel control", "loss of bladder control"],
     ["fever", "loss of appetite"]),
    ("pub-sym-04-b", "How does cauda equina syndrome show itself in a patient?",
     ["saddle numbness", "walking difficulty", "loss of bowel control", "loss of bladder control"],
     ["fever", "loss of appetite"]),

    ("pub-sym-05-a", "If a tumor in the lower back presses on a nerve root, where might the symptoms spread?",
     ["legs"],
     ["chest", "arms"]),
    ("pub-sym-05-b", "Where in the body are radicular symptoms from a lumbar spine tumor felt?",
     ["legs"],
     ["chest", "arms"]),

    # ---- mechanisms
    ("pub-mech-01-a", "Why does a tumor in the spine make your back hurt?",
     ["bone expansion", "bone weakening", "vertebral fracture", "spinal cord compression",
      "nerve root compression", "spinal instability"],
     ["unplanned weight loss", "night pain"]),
    ("pub-mech-01-b", "By what mechanisms do spinal tumors produce back pain?",
     ["bone expansion", "bone weakening", "vertebral fracture", "spinal cord compression",
      "nerve root compression", "spinal instability"],
     ["unplanned weight loss", "night pain"]),

    ("pub-mech-02-a", "Why does myelopathy happen?",
     ["spinal cord compression"],
     ["nerve root compression"]),
    ("pub-mech-02-b", "How does a spinal tumor bring about myelopathy?",
     ["spinal cord compression"],
     ["nerve root compression"]),

    # ---- risk factors
    ("pub-risk-01-a", "What raises a person's risk of having a malignant spinal tumor?",
     ["age over 50", "cancer history"],
     ["night pain", "deep ache"]),
    ("pub-risk-01-b", "Which people are more likely to get a cancerous tumor in the spine?",
     ["age over 50", "cancer history"],
     ["night pain", "deep ache"]),

    ("pub-risk-02-a", "Which people are most likely to develop a meningioma of the spine?",
     ["female sex", "middle age or older"],
     ["male sex"]),
    ("pub-risk-02-b", "Spinal meningiomas tend to affect what kind of patients?",
     ["female sex", "middle age or older"],
     ["male sex"]),

    # ---- diagnostics
    ("pub-dx-01-a", "What steps do doctors go through to diagnose a tumor in the spine?",
     ["patient history", "physical exam", "medical imaging", "biopsy"],
     ["radiation therapy", "chemotherapy"]),
    ("pub-dx-01-b", "What is involved in the diagnostic workup for a suspected spinal tumor?",
     ["patient history", "physical exam", "medical imaging", "biopsy"],
     ["radiation therapy", "chemotherapy"]),

    ("pub-dx-02-a", "What scans might a doctor order if they think I have a spine tumor?",
     ["mri", "ct scan", "pet scan", "bone scan"],
     ["blood test", "percutaneous needle biopsy"]),
    ("pub-dx-02-b", "Which kinds of imaging are used to look for a tumor in the spine?",
     ["mri", "ct scan", "pet scan", "bone scan"],
     ["blood test", "percutaneous needle biopsy"]),

    ("pub-dx-03-a", "What scan can tell whether a spinal tumor is within the cord or outside it?",
     ["gadolinium-enhanced mri"],
     ["ct scan", "pet scan", "bone scan", "blood test"]),
    ("pub-dx-03-b", "How can doctors determine if a tumor lies inside the spinal cord versus outside of it?",
     ["gadolinium-enhanced mri"],
     ["ct scan", "pet scan", "bone scan", "blood test"]),

    ("pub-dx-04-a", "Which scan shows bone in more detail than an X-ray and is now often the first test for spine problems?",
     ["ct scan"],
     ["x-ray", "pet scan", "bone scan"]),
    ("pub-dx-04-b", "What imaging test is increasingly ordered first for suspected spine problems because it shows the bones better than plain X-rays?",
     ["ct scan"],
     ["x-ray", "pet scan", "bone scan"]),

    ("pub-dx-05-a", "Which kind of biopsy is most often done for a spinal tumor?",
     ["percutaneous needle biopsy"],
     ["open biopsy", "incisional biopsy", "excisional biopsy"]),
    ("pub-dx-05-b", "What biopsy technique is used most frequently for tumors of the spine?",
     ["percutaneous needle biopsy"],
     ["open biopsy", "incisional biopsy", "excisional biopsy"]),

    ("pub-dx-06-a", "How can doctors confirm that a spinal metastasis started as breast or prostate cancer?",
     ["blood test"],
     ["strength", "reflexes"]),
    ("pub-dx-06-b", "What test helps show whether cancer that spread to the spine originally came from the breast or prostate?",
     ["blood test"],
     ["strength", "reflexes"]),

    ("pub-dx-07-a", "When a doctor takes my medical history for a suspected spine tumor, what will they ask about?",
     ["current symptoms", "pre-existing conditions", "past illnesses", "injuries", "medications",
      "diet and lifestyle", "family history"],
     ["reflexes", "mri"]),
    ("pub-dx-07-b", "What topics does a patient history cover?",
     ["current symptoms", "pre-existing conditions", "past illnesses", "injuries", "medications",
      "diet and lifestyle", "family history"],
     ["reflexes", "mri"]),

    # ---- treatments
    ("pub-tx-01-a", "How are spinal tumors treated?",
     ["surgery", "radiation therapy", "chemotherapy", "immunotherapy"],
     ["mri", "percutaneous needle biopsy"]),
    ("pub-tx-01-b", "What treatments are available for a tumor in the spine?",
     ["surgery", "radiation therapy", "chemotherapy", "immunotherapy"],
     ["mri", "percutaneous needle biopsy"]),

    ("pub-tx-02-a", "What does surgery for a spine tumor aim to achieve?",
     ["tumor removal", "preserve neurological function", "maintain spinal stability"],
     ["tumor shrinkage"]),
    ("pub-tx-02-b", "What is the purpose of operating on a tumor of the spine?",
     ["tumor removal", "preserve neurological function", "maintain spinal stability"],
     ["tumor shrinkage"]),

    ("pub-tx-03-a", "What kinds of radiotherapy are used to treat tumors of the spine?",
     ["external beam radiation therapy", "stereotactic radiosurgery"],
     ["pet scan", "bone scan", "chemotherapy"]),
    ("pub-tx-03-b", "Which forms of radiation treatment exist for spinal tumors?",
     ["external beam radiation therapy", "stereotactic radiosurgery"],
     ["pet scan", "bone scan", "chemotherapy"]),

    ("pub-tx-04-a", "What painkillers are given for spinal tumor pain?",
     ["nerve pain medication", "opioids", "nsaids"],
     ["chemotherapy", "immunotherapy"]),
    ("pub-tx-04-b", "What medicines are used to control the pain from a tumor in the spine?",
     ["nerve pain medication", "opioids", "nsaids"],
     ["chemotherapy", "immunotherapy"]),

    ("pub-tx-05-a", "Which surgery is among the most frequently performed for tumors of the spinal cord?",
     ["laminectomy"],
     ["stereotactic radiosurgery", "percutaneous needle biopsy"]),
    ("pub-tx-05-b", "What operation is commonly done to remove a spinal cord tumor?",
     ["laminectomy"],
     ["stereotactic radiosurgery", "percutaneous needle biopsy"]),

    ("pub-tx-06-a", "If a spine tumor can't be removed surgically, what treatment can be used?",
     ["radiation therapy"],
     ["surgery", "laminectomy"]),
    ("pub-tx-06-b", "What is an option for treating a spinal tumor when an operation isn't possible?",
     ["radiation therapy"],
     ["surgery", "laminectomy"]),

    ("pub-tx-07-a", "How are epidural spinal metastases treated?",
     ["surgery", "radiation therapy", "external beam radiation therapy", "stereotactic radiosurgery",
      "corticosteroids", "pain medication", "chemotherapy", "immunotherapy", "palliative care",
      "rehabilitation"],
     ["mri", "bone scan", "percutaneous needle biopsy"]),
    ("pub-tx-07-b", "What therapies are used for cancer that has spread to the spine and sits outside the dura?",
     ["surgery", "radiation therapy", "external beam radiation therapy", "stereotactic radiosurgery",
      "corticosteroids", "pain medication", "chemotherapy", "immunotherapy", "palliative care",
      "rehabilitation"],
     ["mri", "bone scan", "percutaneous needle biopsy"]),

    ("pub-tx-08-a", "Which spine tumors may be treated with chemotherapy?",
     ["metastatic tumor", "osteosarcoma", "multiple myeloma"],
     ["hemangioma", "schwannoma"]),
    ("pub-tx-08-b", "Chemo may be part of the treatment plan for which tumors of the spine?",
     ["metastatic tumor", "osteosarcoma", "multiple myeloma"],
     ["hemangioma", "schwannoma"]),

    ("pub-tx-09-a", "What helps patients regain nerve function after an operation for spinal metastases?",
     ["rehabilitation"],
     ["chemotherapy", "opioids"]),
    ("pub-tx-09-b", "After surgery on a spinal tumor that has spread from elsewhere, what aids neurological recovery?",
     ["rehabilitation"],
     ["chemotherapy", "opioids"]),

    # ---- urgency
    ("pub-urg-01-a", "My back has hurt for two weeks even though I've been resting. What kind of specialist should I see?",
     ["neurosurgeon", "orthopedic spine surgeon"],
     []),
    ("pub-urg-01-b", "Which type of doctor should evaluate back pain that persists despite a couple of weeks of self-care?",
     ["neurosurgeon", "orthopedic spine surgeon"],
     []),

    ("pub-urg-02-a", "I've been losing weight without trying and my back hurts. How quickly should I see a doctor?",
     ["immediate medical evaluation"],
     ["self-care", "doctor visit"]),
    ("pub-urg-02-b", "How urgent is a medical check for back pain accompanied by unintentional weight loss?",
     ["immediate medical evaluation"],
     ["self-care", "doctor visit"]),

    ("pub-urg-03-a", "I was treated for breast cancer years ago and my back has just started hurting. When should I get it checked?",
     ["immediate medical evaluation"],
     ["self-care", "doctor visit"]),
    ("pub-urg-03-b", "How quickly does new back pain need to be evaluated in someone who previously had cancer?",
     ["immediate medical evaluation"],
     ["self-care", "doctor visit"]),

    ("pub-urg-04-a", "My back hurts and I can no longer control my bladder. How soon do I need to see a doctor?",
     ["immediate medical evaluation"],
     ["self-care", "doctor visit"]),
    ("pub-urg-04-b", "How urgent is back pain together with new loss of bladder control?",
     ["immediate medical evaluation"],
     ["self-care", "doctor visit"]),

    # ---- properties
    ("pub-prop-01-a", "What is the typical growth rate of intradural-extramedullary tumors?",
     ["slow-growing"],
     ["fast-growing"]),
    ("pub-prop-01-b", "Do tumors inside the dura but outside the spinal cord tend to grow slowly or quickly?",
     ["slow-growing"],
     ["fast-growing"]),

    # ---- multi-hop
    ("pub-mh-01-a", "Which spinal tumors in the neck region can cause myelopathy?",
     ["astrocytoma", "ependymoma"],
     ["spinal cord compression", "cauda equina syndrome", "lumbar spine"]),
    ("pub-mh-01-b", "What kinds of tumor produce myelopathy in the cervical region of the spine?",
     ["astrocytoma", "ependymoma"],
     ["spinal cord compression", "cauda equina syndrome", "lumbar spine"]),
]


# --------------------------------------------------------------------------- tests

@pytest.fixture(scope="module")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


def test_matcher_rules() -> None:
    assert name_forms("Metastatic Tumors") == {"metastatic"}
    assert name_matches("cervical spine", [{"label": "cervical", "synonyms": []}])
    assert name_matches("laminae", [{"label": "lamina", "synonyms": []}])
    assert name_matches("ct scan", [{"label": "computed tomography (CT scan)", "synonyms": []}])
    assert name_matches("secondary tumor", [{"label": "metastatic tumor", "synonyms": ["secondary tumor"]}])
    assert not name_matches("myelopathy", [{"label": "radiculopathy", "synonyms": ["nerve root pain"]}])


def test_every_public_question_has_two_rewordings() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids)) == 92
    stems = {i[:-2] for i in ids}
    assert len(stems) == 46
    assert all({f"{s}-a", f"{s}-b"} <= set(ids) for s in stems)


# Rewordings the question parser does not understand yet. They are expected to fail; strict=True turns
# a fixed one into a failure, so whoever fixes it moves it out of this list. (27 of 92 on 2026-11-27
# morning, none by the end of that session.)
KNOWN_GAPS: set[str] = set()


@pytest.mark.parametrize(
    ("question", "must_include", "must_exclude"),
    [pytest.param(*c[1:], id=c[0], marks=[pytest.mark.xfail(strict=True, reason="known gap in question understanding")]
                  if c[0] in KNOWN_GAPS else []) for c in CASES],
)
def test_paraphrase(kg: spineKG.KnowledgeGraph, question: str,
                    must_include: list[str], must_exclude: list[str]) -> None:
    answers = kg.ask(question).to_dict().get("answers", [])
    missing = [n for n in must_include if not name_matches(n, answers)]
    wrong = [n for n in must_exclude if name_matches(n, answers)]
    got = [a.get("label") for a in answers]
    assert not missing and not wrong, (
        f"{question!r}: missing={missing} wrong={wrong} got={got}"
    )


# A second set of rewordings, written without looking at the parser (held out while it was being built:
# 52 of 92 passed at first). Ids end in -c and -d.
CASES_MORE: list[tuple[str, str, list[str], list[str]]] = [
    ('pub-cls-01-c', 'Name the two main classes of spinal tumour.',
     ['primary tumor', 'secondary tumor'],
     ['hemangioma', 'meningioma', 'extradural tumor', 'intramedullary tumor']),
    ('pub-cls-01-d', 'My doctor said spine tumours come in two kinds depending on where they started. What are the two kinds?',
     ['primary tumor', 'secondary tumor'],
     ['hemangioma', 'meningioma', 'extradural tumor', 'intramedullary tumor']),
    ('pub-cls-02-c', 'List the cancerous tumours that can occur in the spine.',
     ['metastatic tumor', 'osteosarcoma', 'multiple myeloma'],
     ['hemangioma', 'schwannoma', 'neurofibroma']),
    ('pub-cls-02-d', 'malignant spine tumors',
     ['metastatic tumor', 'osteosarcoma', 'multiple myeloma'],
     ['hemangioma', 'schwannoma', 'neurofibroma']),
    ('pub-cls-03-c', 'Name the spinal tumors that are noncancerous in most cases.',
     ['hemangioma', 'meningioma', 'schwannoma', 'neurofibroma'],
     ['osteosarcoma', 'multiple myeloma', 'metastatic tumor']),
    ('pub-cls-03-d', 'As a nursing student I need to know: which spine tumours tend to be benign?',
     ['hemangioma', 'meningioma', 'schwannoma', 'neurofibroma'],
     ['osteosarcoma', 'multiple myeloma', 'metastatic tumor']),
    ('pub-cls-04-c', 'Name the malignant tumors that arise primarily in the spine.',
     ['osteosarcoma', 'multiple myeloma'],
     ['metastatic tumor', 'hemangioma']),
    ('pub-cls-04-d', 'primary malignant spinal tumors',
     ['osteosarcoma', 'multiple myeloma'],
     ['metastatic tumor', 'hemangioma']),
    ('pub-cls-05-c', 'Name the most prevalent kind of spinal tumour.',
     ['metastatic tumor'],
     ['hemangioma', 'osteosarcoma', 'multiple myeloma', 'meningioma']),
    ('pub-cls-05-d', 'most common spinal tumor',
     ['metastatic tumor'],
     ['hemangioma', 'osteosarcoma', 'multiple myeloma', 'meningioma']),
    ('pub-cls-06-c', 'What are some examples of primary spine tumours?',
     ['hemangioma', 'osteosarcoma', 'multiple myeloma', 'meningioma', 'schwannoma', 'neurofibroma', 'astrocytoma', 'ependymoma'],
     ['metastatic tumor']),
    ('pub-cls-06-d', 'list of primary spinal tumors',
     ['hemangioma', 'osteosarcoma', 'multiple myeloma', 'meningioma', 'schwannoma', 'neurofibroma', 'astrocytoma', 'ependymoma'],
     ['metastatic tumor']),
    ('pub-cls-07-c', 'Name the cancers that most frequently metastasise to the vertebrae.',
     ['lung cancer', 'breast cancer', 'prostate cancer'],
     ['osteosarcoma', 'multiple myeloma', 'hemangioma']),
    ('pub-cls-07-d', 'main sources of spinal metastases',
     ['lung cancer', 'breast cancer', 'prostate cancer'],
     ['osteosarcoma', 'multiple myeloma', 'hemangioma']),
    ('pub-loc-01-c', 'Which section of the backbone do tumours affect most often: cervical, thoracic or lumbar?',
     ['thoracic spine'],
     ['cervical spine', 'lumbar spine']),
    ('pub-loc-01-d', 'spinal tumors most common region',
     ['thoracic spine'],
     ['cervical spine', 'lumbar spine']),
    ('pub-loc-02-c', 'Of all spine tumors, what fraction arise in the lumbar vertebrae?',
     ['20%'],
     ['70%', '10%']),
    ('pub-loc-02-d', 'percentage of spine tumors in lower back',
     ['20%'],
     ['70%', '10%']),
    ('pub-loc-03-c', 'Which level of the spine (cervical, thoracic or lumbar) is most often affected by intramedullary tumours?',
     ['cervical spine'],
     ['thoracic spine', 'lumbar spine']),
    ('pub-loc-03-d', 'intramedullary tumors most common spinal region',
     ['cervical spine'],
     ['thoracic spine', 'lumbar spine']),
    ('pub-loc-04-c', 'Are spinal metastases usually extradural, intradural-extramedullary or intramedullary?',
     ['extradural'],
     ['intramedullary', 'intradural-extramedullary']),
    ('pub-loc-04-d', 'Which compartment of the spine do metastatic tumours usually occupy?',
     ['extradural'],
     ['intramedullary', 'intradural-extramedullary']),
    ('pub-loc-05-c', 'Name the tumours found in the intradural-extramedullary space.',
     ['meningioma', 'schwannoma', 'neurofibroma'],
     ['astrocytoma', 'hemangioma', 'osteosarcoma', 'multiple myeloma']),
    ('pub-loc-05-d', 'intradural extramedullary tumor examples',
     ['meningioma', 'schwannoma', 'neurofibroma'],
     ['astrocytoma', 'hemangioma', 'osteosarcoma', 'multiple myeloma']),
    ('pub-loc-06-c', 'Name the two commonest tumours that grow in the spinal cord itself.',
     ['astrocytoma', 'ependymoma'],
     ['meningioma', 'schwannoma', 'neurofibroma', 'hemangioma', 'osteosarcoma', 'multiple myeloma', 'metastatic tumor']),
    ('pub-loc-06-d', 'common intramedullary tumor types',
     ['astrocytoma', 'ependymoma'],
     ['meningioma', 'schwannoma', 'neurofibroma', 'hemangioma', 'osteosarcoma', 'multiple myeloma', 'metastatic tumor']),
    ('pub-loc-07-c', 'Which spine tumors are located outside the dural sac?',
     ['metastatic tumor', 'hemangioma', 'osteosarcoma', 'multiple myeloma'],
     ['astrocytoma']),
    ('pub-loc-07-d', 'extradural spinal tumor examples',
     ['metastatic tumor', 'hemangioma', 'osteosarcoma', 'multiple myeloma'],
     ['astrocytoma']),
    ('pub-loc-08-c', 'What is the cell of origin of tumours growing inside the spinal cord?',
     ['glial cells'],
     ['nerve roots', 'meninges']),
    ('pub-loc-08-d', 'Which type of cell gives rise to intramedullary tumours?',
     ['glial cells'],
     ['nerve roots', 'meninges']),
    ('pub-sym-01-c', 'Describe the characteristics of pain caused by a spinal tumour.',
     ['deep ache', 'sharp or shock-like pain', 'night pain', 'morning pain', 'pain worse with touch or compression'],
     ['unplanned weight loss', 'fever']),
    ('pub-sym-01-d', 'My dad has a tumour on his spine. What kind of pain would he typically have?',
     ['deep ache', 'sharp or shock-like pain', 'night pain', 'morning pain', 'pain worse with touch or compression'],
     ['unplanned weight loss', 'fever']),
    ('pub-sym-02-c', 'Name the red flags that, together with back pain, require urgent medical care.',
     ['loss of appetite', 'unplanned weight loss', 'nausea', 'vomiting', 'fever', 'chills', 'shakes'],
     ['deep ache', 'morning pain']),
    ('pub-sym-02-d', 'back pain red flag symptoms',
     ['loss of appetite', 'unplanned weight loss', 'nausea', 'vomiting', 'fever', 'chills', 'shakes'],
     ['deep ache', 'morning pain']),
    ('pub-sym-03-c', 'Which nerve-related complications may result from a tumor in the spine?',
     ['radiculopathy', 'myelopathy', 'cauda equina syndrome'],
     ['fever', 'unplanned weight loss']),
    ('pub-sym-03-d', 'neurological deficits caused by spinal tumors',
     ['radiculopathy', 'myelopathy', 'cauda equina syndrome'],
     ['fever', 'unplanned weight loss']),
    ('pub-sym-04-c', 'How can a nurse recognise cauda equina syndrome?',
     ['saddle numbness', 'walking difficulty', 'loss of bowel control', 'loss of bladder control'],
     ['fever', 'loss of appetite']),
    ('pub-sym-04-d', 'cauda equina syndrome clinical signs',
     ['saddle numbness', 'walking difficulty', 'loss of bowel control', 'loss of bladder control'],
     ['fever', 'loss of appetite']),
    ('pub-sym-05-c', 'A lumbar spine tumour is compressing a nerve root. To which part of the body does the pain radiate?',
     ['legs'],
     ['chest', 'arms']),
    ('pub-sym-05-d', 'Which body part does radiculopathy from a tumor in the lower spine affect?',
     ['legs'],
     ['chest', 'arms']),
    ('pub-mech-01-c', 'Explain how a spinal tumour can lead to back pain.',
     ['bone expansion', 'bone weakening', 'vertebral fracture', 'spinal cord compression', 'nerve root compression', 'spinal instability'],
     ['unplanned weight loss', 'night pain']),
    ('pub-mech-01-d', 'mechanisms of back pain in spinal tumors',
     ['bone expansion', 'bone weakening', 'vertebral fracture', 'spinal cord compression', 'nerve root compression', 'spinal instability'],
     ['unplanned weight loss', 'night pain']),
    ('pub-mech-02-c', 'Explain what leads to myelopathy.',
     ['spinal cord compression'],
     ['nerve root compression']),
    ('pub-mech-02-d', 'mechanism of myelopathy',
     ['spinal cord compression'],
     ['nerve root compression']),
    ('pub-risk-01-c', 'Name the risk factors for a malignant spine tumour.',
     ['age over 50', 'cancer history'],
     ['night pain', 'deep ache']),
    ('pub-risk-01-d', 'cancerous spinal tumor risk factors',
     ['age over 50', 'cancer history'],
     ['night pain', 'deep ache']),
    ('pub-risk-02-c', 'Name the groups of people in whom spinal meningioma is most common.',
     ['female sex', 'middle age or older'],
     ['male sex']),
    ('pub-risk-02-d', 'Is spinal meningioma more frequent in men or women, and at what age?',
     ['female sex', 'middle age or older'],
     ['male sex']),
    ('pub-dx-01-c', 'How is a spinal tumor diagnosed?',
     ['patient history', 'physical exam', 'medical imaging', 'biopsy'],
     ['radiation therapy', 'chemotherapy']),
    ('pub-dx-01-d', 'spinal tumor diagnosis steps',
     ['patient history', 'physical exam', 'medical imaging', 'biopsy'],
     ['radiation therapy', 'chemotherapy']),
    ('pub-dx-02-c', 'Name the imaging studies used to detect spinal tumours.',
     ['mri', 'ct scan', 'pet scan', 'bone scan'],
     ['blood test', 'percutaneous needle biopsy']),
    ('pub-dx-02-d', 'imaging for suspected spinal tumor',
     ['mri', 'ct scan', 'pet scan', 'bone scan'],
     ['blood test', 'percutaneous needle biopsy']),
    ('pub-dx-03-c', 'Which imaging study distinguishes intramedullary from extramedullary tumors?',
     ['gadolinium-enhanced mri'],
     ['ct scan', 'pet scan', 'bone scan', 'blood test']),
    ('pub-dx-03-d', 'test to tell if a tumor is in the spinal cord or outside it',
     ['gadolinium-enhanced mri'],
     ['ct scan', 'pet scan', 'bone scan', 'blood test']),
    ('pub-dx-04-c', 'Name the test that gives more bone detail than an X-ray and is becoming the first-line imaging for spinal problems.',
     ['ct scan'],
     ['x-ray', 'pet scan', 'bone scan']),
    ('pub-dx-04-d', 'Compared with a plain X-ray, which scan better shows the vertebrae and is increasingly done first?',
     ['ct scan'],
     ['x-ray', 'pet scan', 'bone scan']),
    ('pub-dx-05-c', 'Name the biopsy type used most commonly for spinal tumours.',
     ['percutaneous needle biopsy'],
     ['open biopsy', 'incisional biopsy', 'excisional biopsy']),
    ('pub-dx-05-d', 'most common spinal tumor biopsy method',
     ['percutaneous needle biopsy'],
     ['open biopsy', 'incisional biopsy', 'excisional biopsy']),
    ('pub-dx-06-c', 'Is there a test that helps identify whether cancer in the spine spread from the breast or the prostate?',
     ['blood test'],
     ['strength', 'reflexes']),
    ('pub-dx-06-d', 'test to confirm breast or prostate origin of spinal metastasis',
     ['blood test'],
     ['strength', 'reflexes']),
    ('pub-dx-07-c', 'List what a doctor asks about when taking a patient history.',
     ['current symptoms', 'pre-existing conditions', 'past illnesses', 'injuries', 'medications', 'diet and lifestyle', 'family history'],
     ['reflexes', 'mri']),
    ('pub-dx-07-d', 'patient history components',
     ['current symptoms', 'pre-existing conditions', 'past illnesses', 'injuries', 'medications', 'diet and lifestyle', 'family history'],
     ['reflexes', 'mri']),
    ('pub-tx-01-c', 'Name the ways a spinal tumour can be treated.',
     ['surgery', 'radiation therapy', 'chemotherapy', 'immunotherapy'],
     ['mri', 'percutaneous needle biopsy']),
    ('pub-tx-01-d', "I've been diagnosed with a spine tumor. What are my treatment choices?",
     ['surgery', 'radiation therapy', 'chemotherapy', 'immunotherapy'],
     ['mri', 'percutaneous needle biopsy']),
    ('pub-tx-02-c', 'Why would a surgeon operate on a spine tumour? What are the aims?',
     ['tumor removal', 'preserve neurological function', 'maintain spinal stability'],
     ['tumor shrinkage']),
    ('pub-tx-02-d', 'goals of spinal tumor surgery',
     ['tumor removal', 'preserve neurological function', 'maintain spinal stability'],
     ['tumor shrinkage']),
    ('pub-tx-03-c', 'Name the radiation treatments used for spinal tumours.',
     ['external beam radiation therapy', 'stereotactic radiosurgery'],
     ['pet scan', 'bone scan', 'chemotherapy']),
    ('pub-tx-03-d', 'radiation therapy types for spine tumors',
     ['external beam radiation therapy', 'stereotactic radiosurgery'],
     ['pet scan', 'bone scan', 'chemotherapy']),
    ('pub-tx-04-c', 'Name the drugs used to relieve pain caused by a spinal tumour.',
     ['nerve pain medication', 'opioids', 'nsaids'],
     ['chemotherapy', 'immunotherapy']),
    ('pub-tx-04-d', 'pain medication for spinal tumor pain',
     ['nerve pain medication', 'opioids', 'nsaids'],
     ['chemotherapy', 'immunotherapy']),
    ('pub-tx-05-c', 'Name a common surgical procedure for tumours of the spinal cord.',
     ['laminectomy'],
     ['stereotactic radiosurgery', 'percutaneous needle biopsy']),
    ('pub-tx-05-d', 'common spinal cord tumor operation',
     ['laminectomy'],
     ['stereotactic radiosurgery', 'percutaneous needle biopsy']),
    ('pub-tx-06-c', 'Name a treatment option for an inoperable spinal tumour.',
     ['radiation therapy'],
     ['surgery', 'laminectomy']),
    ('pub-tx-06-d', 'If surgery is ruled out for a tumor on the spine, what can treat it?',
     ['radiation therapy'],
     ['surgery', 'laminectomy']),
    ('pub-tx-07-c', 'Name the treatments for extradural metastatic tumours of the spine.',
     ['surgery', 'radiation therapy', 'external beam radiation therapy', 'stereotactic radiosurgery', 'corticosteroids', 'pain medication', 'chemotherapy', 'immunotherapy', 'palliative care', 'rehabilitation'],
     ['mri', 'bone scan', 'percutaneous needle biopsy']),
    ('pub-tx-07-d', 'treatment of extradural spinal metastases',
     ['surgery', 'radiation therapy', 'external beam radiation therapy', 'stereotactic radiosurgery', 'corticosteroids', 'pain medication', 'chemotherapy', 'immunotherapy', 'palliative care', 'rehabilitation'],
     ['mri', 'bone scan', 'percutaneous needle biopsy']),
    ('pub-tx-08-c', 'Name the spinal tumours for which chemotherapy may be used.',
     ['metastatic tumor', 'osteosarcoma', 'multiple myeloma'],
     ['hemangioma', 'schwannoma']),
    ('pub-tx-08-d', 'spinal tumors treated with chemotherapy',
     ['metastatic tumor', 'osteosarcoma', 'multiple myeloma'],
     ['hemangioma', 'schwannoma']),
    ('pub-tx-09-c', 'Name the therapy that improves nerve function once a metastatic spine tumour has been operated on.',
     ['rehabilitation'],
     ['chemotherapy', 'opioids']),
    ('pub-tx-09-d', 'neurological recovery after spinal metastasis surgery',
     ['rehabilitation'],
     ['chemotherapy', 'opioids']),
    ('pub-urg-01-c', 'Back pain not better after 2 weeks of rest: which specialist?',
     ['neurosurgeon', 'orthopedic spine surgeon'],
     []),
    ('pub-urg-01-d', 'My lower back still aches after resting for 15 days. Who should I make an appointment with?',
     ['neurosurgeon', 'orthopedic spine surgeon'],
     []),
    ('pub-urg-02-c', 'Back pain and unexplained weight loss: is it urgent?',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-02-d', "I have back pain and I've dropped a lot of weight without dieting. Should I wait or see someone now?",
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-03-c', 'New back pain with a past history of cancer: how soon to see a doctor?',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-03-d', 'I finished treatment for prostate cancer last year and now my back aches. Can I wait a few weeks to see if it goes away?',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-04-c', 'back pain with loss of bladder control, urgency?',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-04-d', "My back hurts and since yesterday I can't hold my urine. How soon should I see someone?",
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-prop-01-c', 'intradural extramedullary tumor growth speed',
     ['slow-growing'],
     ['fast-growing']),
    ('pub-prop-01-d', 'Do tumours in the intradural-extramedullary space grow quickly or slowly, as a rule?',
     ['slow-growing'],
     ['fast-growing']),
    ('pub-mh-01-c', 'Which tumours cause cervical myelopathy?',
     ['astrocytoma', 'ependymoma'],
     ['spinal cord compression', 'cauda equina syndrome', 'lumbar spine']),
    ('pub-mh-01-d', 'A patient has myelopathy from a tumour in the cervical spine. What kind of tumour could it be?',
     ['astrocytoma', 'ependymoma'],
     ['spinal cord compression', 'cauda equina syndrome', 'lumbar spine']),
]
KNOWN_GAPS_MORE = {'pub-cls-01-d', 'pub-cls-07-d', 'pub-sym-04-c', 'pub-risk-02-d', 'pub-dx-07-c'}


@pytest.mark.parametrize(
    ("question", "must_include", "must_exclude"),
    [pytest.param(*c[1:], id=c[0], marks=[pytest.mark.xfail(strict=True, reason="known gap in question understanding")]
                  if c[0] in KNOWN_GAPS_MORE else []) for c in CASES_MORE],
)
def test_paraphrase_more(kg: spineKG.KnowledgeGraph, question: str,
                         must_include: list[str], must_exclude: list[str]) -> None:
    test_paraphrase(kg, question, must_include, must_exclude)


# A third set, written fresh by someone who had not seen the parser; run after it was tuned on the first two.
CASES_FRESH = [
    ('pub-cls-01-e', 'Broadly speaking, what are the 2 main kinds of spine tumours?',
     ['primary tumor', 'secondary tumor'],
     ['hemangioma', 'meningioma', 'extradural tumor', 'intramedullary tumor']),
    ('pub-cls-02-e', 'Is there a list of the malignant tumours that can show up in the spine?',
     ['metastatic tumor', 'osteosarcoma', 'multiple myeloma'],
     ['hemangioma', 'schwannoma', 'neurofibroma']),
    ('pub-cls-03-e', 'spine tumors that are generally noncancerous',
     ['hemangioma', 'meningioma', 'schwannoma', 'neurofibroma'],
     ['osteosarcoma', 'multiple myeloma', 'metastatic tumor']),
    ('pub-cls-04-e', 'Out of the tumors that begin in the spine, which ones are cancer?',
     ['osteosarcoma', 'multiple myeloma'],
     ['metastatic tumor', 'hemangioma']),
    ('pub-cls-05-e', "What's the commonest spinal tumour type overall?",
     ['metastatic tumor'],
     ['hemangioma', 'osteosarcoma', 'multiple myeloma', 'meningioma']),
    ('pub-cls-06-e', 'As a student I need to list every tumor that originates within the spinal column - which are they?',
     ['hemangioma', 'osteosarcoma', 'multiple myeloma', 'meningioma', 'schwannoma', 'neurofibroma', 'astrocytoma', 'ependymoma'],
     ['metastatic tumor']),
    ('pub-cls-07-e', 'My aunt has cancer - which cancers usually end up spreading into the spine?',
     ['lung cancer', 'breast cancer', 'prostate cancer'],
     ['osteosarcoma', 'multiple myeloma', 'hemangioma']),
    ('pub-loc-01-e', 'spinal tumors most frequent region',
     ['thoracic spine'],
     ['cervical spine', 'lumbar spine']),
    ('pub-loc-02-e', 'How many percent of spine tumours sit in the lumbar area?',
     ['20%'],
     ['70%', '10%']),
    ('pub-loc-03-e', 'Where along the spine do intramedullary tumours show up most of the time?',
     ['cervical spine'],
     ['thoracic spine', 'lumbar spine']),
    ('pub-loc-04-e', 'Compartment where spinal metastases are usually found?',
     ['extradural'],
     ['intramedullary', 'intradural-extramedullary']),
    ('pub-loc-05-e', "Which tumours are found within the dura but don't invade the cord?",
     ['meningioma', 'schwannoma', 'neurofibroma'],
     ['astrocytoma', 'hemangioma', 'osteosarcoma', 'multiple myeloma']),
    ('pub-loc-06-e', 'Name the two commonest tumours arising inside the spinal cord.',
     ['astrocytoma', 'ependymoma'],
     ['meningioma', 'schwannoma', 'neurofibroma', 'hemangioma', 'osteosarcoma', 'multiple myeloma', 'metastatic tumor']),
    ('pub-loc-07-e', 'extradural spinal tumors list',
     ['metastatic tumor', 'hemangioma', 'osteosarcoma', 'multiple myeloma'],
     ['astrocytoma']),
    ('pub-loc-08-e', 'Which cell type gives rise to intramedullary tumours?',
     ['glial cells'],
     ['nerve roots', 'meninges']),
    ('pub-sym-01-e', 'What kind of pain would someone with a tumour in their spine usually have?',
     ['deep ache', 'sharp or shock-like pain', 'night pain', 'morning pain', 'pain worse with touch or compression'],
     ['unplanned weight loss', 'fever']),
    ('pub-sym-02-e', 'red flags with back pain requiring urgent evaluation',
     ['loss of appetite', 'unplanned weight loss', 'nausea', 'vomiting', 'fever', 'chills', 'shakes'],
     ['deep ache', 'morning pain']),
    ('pub-sym-03-e', 'What types of nerve deficit might a patient with a spinal tumor develop?',
     ['radiculopathy', 'myelopathy', 'cauda equina syndrome'],
     ['fever', 'unplanned weight loss']),
    ('pub-sym-04-e', 'As a nurse, what signs should I watch for that suggest cauda equina syndrome?',
     ['saddle numbness', 'walking difficulty', 'loss of bowel control', 'loss of bladder control'],
     ['fever', 'loss of appetite']),
    ('pub-sym-05-e', 'A tumor in my lower back is pinching a nerve root - where would I feel that pain spreading?',
     ['legs'],
     ['chest', 'arms']),
    ('pub-mech-01-e', 'What are the ways a tumour in the spine can produce back pain?',
     ['bone expansion', 'bone weakening', 'vertebral fracture', 'spinal cord compression', 'nerve root compression', 'spinal instability'],
     ['unplanned weight loss', 'night pain']),
    ('pub-mech-02-e', 'What is the underlying cause of myelopathy?',
     ['spinal cord compression'],
     ['nerve root compression']),
    ('pub-risk-01-e', 'risk factors for malignant spinal tumor',
     ['age over 50', 'cancer history'],
     ['night pain', 'deep ache']),
    ('pub-risk-02-e', 'Which patients tend to get meningiomas of the spine?',
     ['female sex', 'middle age or older'],
     ['male sex']),
    ('pub-dx-01-e', 'How is a spinal tumour diagnosed, step by step?',
     ['patient history', 'physical exam', 'medical imaging', 'biopsy'],
     ['radiation therapy', 'chemotherapy']),
    ('pub-dx-02-e', 'What imaging might be ordered to check for a tumor in the spine?',
     ['mri', 'ct scan', 'pet scan', 'bone scan'],
     ['blood test', 'percutaneous needle biopsy']),
    ('pub-dx-03-e', 'What test tells doctors if a spinal tumor is inside the cord or outside it?',
     ['gadolinium-enhanced mri'],
     ['ct scan', 'pet scan', 'bone scan', 'blood test']),
    ('pub-dx-04-e', 'Which scan shows the vertebrae better than plain x-rays and is more and more often the first one done for back problems?',
     ['ct scan'],
     ['x-ray', 'pet scan', 'bone scan']),
    ('pub-dx-05-e', 'spinal tumor biopsy most common method',
     ['percutaneous needle biopsy'],
     ['open biopsy', 'incisional biopsy', 'excisional biopsy']),
    ('pub-dx-06-e', 'What test is used to check whether a spinal metastasis originated in the breast or prostate?',
     ['blood test'],
     ['strength', 'reflexes']),
    ('pub-dx-07-e', "What questions are covered in a patient's medical history?",
     ['current symptoms', 'pre-existing conditions', 'past illnesses', 'injuries', 'medications', 'diet and lifestyle', 'family history'],
     ['reflexes', 'mri']),
    ('pub-tx-01-e', 'What are the options for treating a spine tumour?',
     ['surgery', 'radiation therapy', 'chemotherapy', 'immunotherapy'],
     ['mri', 'percutaneous needle biopsy']),
    ('pub-tx-02-e', 'Why do surgeons operate on spinal tumours - what are they trying to achieve?',
     ['tumor removal', 'preserve neurological function', 'maintain spinal stability'],
     ['tumor shrinkage']),
    ('pub-tx-03-e', 'radiation therapy types for spinal tumors',
     ['external beam radiation therapy', 'stereotactic radiosurgery'],
     ['pet scan', 'bone scan', 'chemotherapy']),
    ('pub-tx-04-e', 'Which drugs are used to relieve spinal tumour pain?',
     ['nerve pain medication', 'opioids', 'nsaids'],
     ['chemotherapy', 'immunotherapy']),
    ('pub-tx-05-e', 'What is a common surgical procedure for tumors of the spinal cord?',
     ['laminectomy'],
     ['stereotactic radiosurgery', 'percutaneous needle biopsy']),
    ('pub-tx-06-e', 'What can be done for a spinal tumour that surgeons are unable to remove?',
     ['radiation therapy'],
     ['surgery', 'laminectomy']),
    ('pub-tx-07-e', 'How do you treat an extradural metastatic tumor?',
     ['surgery', 'radiation therapy', 'external beam radiation therapy', 'stereotactic radiosurgery', 'corticosteroids', 'pain medication', 'chemotherapy', 'immunotherapy', 'palliative care', 'rehabilitation'],
     ['mri', 'bone scan', 'percutaneous needle biopsy']),
    ('pub-tx-08-e', 'Which tumours of the spine can be treated with chemo?',
     ['metastatic tumor', 'osteosarcoma', 'multiple myeloma'],
     ['hemangioma', 'schwannoma']),
    ('pub-tx-09-e', 'After an operation for a spinal metastasis, what helps restore nerve function?',
     ['rehabilitation'],
     ['chemotherapy', 'opioids']),
    ('pub-urg-01-e', "My back pain hasn't gone away after resting for 2 weeks. Which doctor should I go to?",
     ['neurosurgeon', 'orthopedic spine surgeon'],
     []),
    ('pub-urg-02-e', 'Back pain plus unexplained weight loss - how urgently should it be evaluated?',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-03-e', 'I had cancer in the past and my back started to hurt recently. Do I need to see a doctor right away?',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-urg-04-e', 'back pain with loss of bladder control urgency',
     ['immediate medical evaluation'],
     ['self-care', 'doctor visit']),
    ('pub-prop-01-e', 'Are intradural-extramedullary tumours slow or fast growing?',
     ['slow-growing'],
     ['fast-growing']),
    ('pub-mh-01-e', 'What tumours can cause myelopathy in the neck?',
     ['astrocytoma', 'ependymoma'],
     ['spinal cord compression', 'cauda equina syndrome', 'lumbar spine']),
]
KNOWN_GAPS_FRESH = {'pub-tx-04-e'}   # 'relieve spinal tumour pain': a goal split by the tumor's name


@pytest.mark.parametrize(
    ("question", "must_include", "must_exclude"),
    [pytest.param(*c[1:], id=c[0], marks=[pytest.mark.xfail(strict=True, reason="known gap in question understanding")]
                  if c[0] in KNOWN_GAPS_FRESH else []) for c in CASES_FRESH],
)
def test_paraphrase_fresh(kg: spineKG.KnowledgeGraph, question: str,
                          must_include: list[str], must_exclude: list[str]) -> None:
    test_paraphrase(kg, question, must_include, must_exclude)
