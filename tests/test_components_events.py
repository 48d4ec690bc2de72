"""The event component on Docs built by hand: triggers, conservative refusals, arguments, lexicon checks."""

from __future__ import annotations

import json
import shutil

import pytest
import spacy
from conftest import REPO
from docs_by_hand import doc_from_lines, run_components, seed_doc

from wirecorpus.components import add_components, events
from wirecorpus.components.lexicons import EVENT_TRIGGERS, TriggerLexicon
from wirecorpus.errors import SchemaError
from wirecorpus.schema import Inventory


@pytest.fixture(scope="module")
def nlp():
    return add_components(spacy.blank("en"), root=REPO)


def found_events(nlp, doc):
    doc = run_components(nlp, doc)
    text = doc.text

    def span(offsets):
        return text[offsets[0] : offsets[1]]

    return [
        (e["type"], span(e["trigger"]), [(a["role"], span(a["entity"])) for a in e["arguments"]])
        for e in doc._.get(events.EXTENSION)
    ]


PATTERNS = {
    "verb with subject and object": (
        "Aer Lingus buys twelve new Airbus jets.",
        """
        Aer     PROPN  Aer     compound  1  B-ORG
        Lingus  PROPN  Lingus  nsubj     2  I-ORG
        buys    VERB   buy     ROOT      2
        twelve  NUM    twelve  nummod    6  B-CARDINAL
        new     ADJ    new     amod      6
        Airbus  PROPN  Airbus  compound  6  B-ORG
        jets    NOUN   jet     dobj      2
        .       PUNCT  .       punct     2
        """,
        [("Transaction:Transfer-Ownership", "buys", [("Buyer", "Aer Lingus"), ("Artifact", "Airbus")])],
    ),
    "conjoined parties, place and time": (
        "Putin and Lukashenko met in Sochi on Monday.",
        """
        Putin       PROPN  Putin       nsubj  3  B-PERSON
        and         CCONJ  and         cc     0
        Lukashenko  PROPN  Lukashenko  conj   0  B-PERSON
        met         VERB   meet        ROOT   3
        in          ADP    in          prep   3
        Sochi       PROPN  Sochi       pobj   4  B-GPE
        on          ADP    on          prep   3
        Monday      PROPN  Monday      pobj   6  B-DATE
        .           PUNCT  .           punct  3
        """,
        [("Contact:Meet", "met", [("Entity", "Putin"), ("Entity", "Lukashenko"), ("Place", "Sochi"), ("Time", "Monday")])],
    ),
    "nominal trigger with a clear pattern": (
        "They held talks between Putin and Lukashenko.",
        """
        They        PRON   they        nsubj  1
        held        VERB   hold        ROOT   1
        talks       NOUN   talk        dobj   1  -  NNS
        between     ADP    between     prep   2
        Putin       PROPN  Putin       pobj   3  B-PERSON
        and         CCONJ  and         cc     4
        Lukashenko  PROPN  Lukashenko  conj   4  B-PERSON
        .           PUNCT  .           punct  1
        """,
        [("Contact:Meet", "talks", [("Entity", "Putin"), ("Entity", "Lukashenko")])],
    ),
    "passive with a by-agent": (
        "The initiative was supported by Putin.",
        """
        The         DET    the         det        1
        initiative  NOUN   initiative  nsubjpass  3
        was         AUX    be          auxpass    3
        supported   VERB   support     ROOT       3
        by          ADP    by          agent      3
        Putin       PROPN  Putin       pobj       4  B-PERSON
        .           PUNCT  .           punct      3
        """,
        [("Policy:Support", "supported", [("Agent", "Putin")])],
    ),
    "meeting a demand is no meeting": (
        "The planes will meet demand.",
        """
        The     DET    the     det    1
        planes  NOUN   plane   nsubj  3
        will    AUX    will    aux    3
        meet    VERB   meet    ROOT   3
        demand  NOUN   demand  dobj   3
        .       PUNCT  .       punct  3
        """,
        [],
    ),
    "killing a deal is no death": (
        "The Pentagon killed the deal.",
        """
        The       DET    the       det    1  B-ORG
        Pentagon  PROPN  Pentagon  nsubj  2  I-ORG
        killed    VERB   kill      ROOT   2
        the       DET    the       det    4
        deal      NOUN   deal      dobj   2
        .         PUNCT  .         punct  2
        """,
        [],
    ),
    "a single talk is no meeting": (
        "The talk was long.",
        """
        The   DET    the   det    1
        talk  NOUN   talk  nsubj  2
        was   AUX    be    ROOT   2
        long  ADJ    long  acomp  2
        .     PUNCT  .     punct  2
        """,
        [],
    ),
    "tell X to buy: X buys": (
        "Djamal told airlines not to buy aircraft.",
        """
        Djamal    PROPN  Djamal    nsubj  1  B-PERSON
        told      VERB   tell      ROOT   1
        airlines  NOUN   airline   dobj   1
        not       PART   not       neg    5
        to        PART   to        aux    5
        buy       VERB   buy       xcomp  1
        aircraft  NOUN   aircraft  dobj   5
        .         PUNCT  .         punct  1
        """,
        [("Transaction:Transfer-Ownership", "buy", [])],
    ),
}


@pytest.mark.parametrize("name", PATTERNS)
def test_components_events_pattern(nlp, name):
    text, lines, expected = PATTERNS[name]
    assert found_events(nlp, doc_from_lines(text, lines)) == expected


# Every trigger found in the seed is one of its hand annotation's (annotations/hand/a1).
SEED_EVENTS = [
    ("Contact:Meet", "talks", [("Place", "Sochi")]),
    ("Policy:Directive", "instructed", [("Agent", "Vladimir Putin"), ("Agent", "Alexander Lukashenko")]),
    ("Policy:Directive", "ordered", []),
    ("Contact:Meet", "talks", [("Entity", "Putin"), ("Entity", "Lukashenko")]),
    ("Contact:Meet", "talks", [("Place", "Sochi")]),
    ("Economy:Change", "dropped", [("Value", "more than 21%")]),
    ("Policy:Support", "supported", [("Agent", "Putin")]),
    ("Contact:Meet", "talks", []),
]


def test_components_events_seed(nlp):
    assert found_events(nlp, seed_doc()) == SEED_EVENTS


def test_components_events_roles_in_inventory(nlp):
    inventory = Inventory.load(REPO)
    for event_type, _, arguments in found_events(nlp, seed_doc()):
        assert {role for role, _ in arguments} <= set(inventory.event_roles[event_type])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["frames"]["meet"].update({"subj": "Victim"}), "role 'Victim' of frame 'meet' is not a role of Contact:Meet"),
        (lambda d: d["triggers"][0].update({"type": "Contact:Wave"}), "event type 'Contact:Wave' is not in annotations/schema.json"),
        (lambda d: d["triggers"][0].update({"frame": "nothing"}), "frame 'nothing' is not defined under 'frames'"),
        (lambda d: d["frames"]["meet"].update({"iobj": "Entity"}), "frame slot 'iobj' is not one of"),
        (lambda d: d["role_labels"].update({"Place": ["CITY"]}), "entity labels ['CITY'] are not in annotations/schema.json"),
        (lambda d: d.pop("frames"), "missing or malformed field"),
    ],
)
def test_components_events_lexicon_errors(empty_repo, change, message):
    shutil.copytree(REPO / "annotations" / "lexicons", empty_repo / "annotations" / "lexicons")
    path = empty_repo / EVENT_TRIGGERS
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError, match="event_triggers.json") as error:
        TriggerLexicon.load(empty_repo, Inventory.load(empty_repo))
    assert message in str(error.value)
