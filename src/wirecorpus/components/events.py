"""The ``wirecorpus_events`` component: event triggers of the schema's types and their arguments.

One pass over the tokens looks each (lemma, POS) up in the trigger lexicon
(``annotations/lexicons/event_triggers.json``); a trigger is kept only when
its rule's dependency conditions hold, since a wrong event costs more than a
missed one. Arguments come from the trigger's dependants as its frame maps
them to roles, plus DATE/TIME entities (Time) and located entities (Place) of
its clause, each mapped to an entity mention of a label the role allows.

Results are stored on ``Doc._.wirecorpus_events`` as plain dicts of character
offsets, so they survive ``nlp.pipe(..., n_process=N)``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..schema import Inventory
from .lexicons import PREP_SLOT, SpeechLexicon, TriggerLexicon, TriggerRule, repository_root
from .mentions import Mentions
from .tokens import LemmaLookup

VERSION = "1.0.0"
EXTENSION = "wirecorpus_events"

# How many steps up the parse an entity may sit from the trigger it belongs to.
CLAUSE_DEPTH = 4
# Passing a verb or a noun means the entity belongs to another clause or phrase.
CLAUSE_BREAK_POS = frozenset({"VERB", "AUX", "NOUN", "PROPN"})
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
THIRD_PERSON = frozenset({"he", "she", "it", "they"})

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=[])


class EventFinder:
    """The component: finds events in a Doc and stores them as character offsets."""

    def __init__(self, name: str, lexicon: TriggerLexicon, speech: SpeechLexicon) -> None:
        self.name = name
        self.version = VERSION
        self.lexicon = lexicon
        self.speech = speech
        self.triggers = trigger_lookup(lexicon)

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, find_events(doc, self.lexicon, self.speech, self.triggers))
        return doc


def trigger_lookup(lexicon: TriggerLexicon) -> LemmaLookup[tuple[TriggerRule, ...] | None]:
    """The trigger rules of a token's (lowercased lemma, POS), cached by their ids."""
    return LemmaLookup(lambda lemma, pos: lexicon.rules.get((lemma, pos)), pos={pos for _, pos in lexicon.rules})


def find_events(doc: Doc, lexicon: TriggerLexicon, speech: SpeechLexicon, triggers: LemmaLookup) -> list[dict]:
    """Every event in a Doc, in text order, as dicts of character offsets."""
    events = []
    mentions = None
    for i, rules in triggers.found(doc).items():
        token = doc[i]
        slots = dependant_slots(token)
        mentions = mentions_for(doc, mentions)
        rule = next((r for r in rules if _matches(r, token, slots, speech, mentions)), None)
        if rule is None:
            continue
        arguments = _arguments(token, rule, slots, lexicon, speech, mentions)
        events.append(
            {
                "type": rule.type,
                "trigger": [token.idx, token.idx + len(token)],
                "arguments": [{"role": role, "entity": _offsets(mentions, n)} for role, n in arguments],
            }
        )
    return events


def mentions_for(doc: Doc, mentions: Mentions | None) -> Mentions:
    """The Doc's mention index, built the first time a trigger needs it."""
    return mentions if mentions is not None else Mentions(doc)


def dependant_slots(token: Token) -> dict[str, list[Token]]:
    """The trigger's dependants by frame slot (and by raw dependency label)."""
    slots: dict[str, list[Token]] = {}
    for child in token.children:
        dep = child.dep_
        slots.setdefault(dep, []).append(child)
        if dep == "nsubj":
            slots.setdefault("subj", []).append(child)
        elif dep in ("dobj", "nsubjpass"):
            slots.setdefault("obj", []).append(child)
        elif dep in ("prep", "agent"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            slots.setdefault(PREP_SLOT + child.lower_, []).extend(objects)
            if dep == "agent":
                slots.setdefault("subj", []).extend(objects)
    return slots


def _matches(rule: TriggerRule, token: Token, slots: dict[str, list[Token]], speech, mentions: Mentions) -> bool:
    if rule.tags and token.tag_ not in rule.tags:
        return False
    if rule.requires_child and not any(slots.get(dep) for dep in rule.requires_child):
        return False
    if any(slots.get(dep) for dep in rule.forbids_child):
        return False
    objects = slots.get("obj", [])
    lemmas = {o.lemma_.lower() for o in objects}
    if rule.object_lemmas and not lemmas & rule.object_lemmas or lemmas & rule.excluded_object_lemmas:
        return False
    if rule.object_labels and not any(mentions.labels_at(o.i) in rule.object_labels for o in objects):
        return False
    if rule.subject_lemmas or rule.subject_labels:
        subject = acting_subject(token)
        if subject is None or rule.subject_lemmas and subject.lemma_.lower() not in rule.subject_lemmas:
            return False
        if rule.subject_labels and _resolve(subject, rule.subject_labels, speech, mentions) is None:
            return False
    if rule.modifier_lemmas:
        modifiers = (c for c in token.children if c.dep_ in MODIFIER_DEPS)
        if not any(m.lemma_.lower() in rule.modifier_lemmas for m in modifiers):
            return False
    return True


def _arguments(token, rule, slots, lexicon, speech, mentions) -> list[tuple[str, int]]:
    """(role, entity index) pairs, each entity once, in the order found."""
    arguments: list[tuple[str, int]] = []
    seen: set[int] = set()

    def add(role: str, number: int | None) -> None:
        if number is not None and number not in seen:
            seen.add(number)
            arguments.append((role, number))

    for slot, role in rule.frame.items():
        fillers = list(slots.get(slot, ()))
        if slot == "subj" and not fillers and token.dep_ in ("xcomp", "conj"):
            subject = acting_subject(token)
            fillers = [subject] if subject is not None else []
        for filler in _with_conjuncts(fillers):
            add(role, _resolve(filler, lexicon.labels_for(role), speech, mentions))
    allowed = lexicon.event_roles[rule.type]
    for number in _clause_entities(token, mentions):
        role = _setting_role(mentions, number, lexicon)
        if role in allowed:
            add(role, number)
    return arguments


def acting_subject(verb: Token) -> Token | None:
    """Who does what a verb says: its subject or by-agent; under "tell X to buy", X; else its head's."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    if verb.dep_ == "xcomp":
        controller = next((c for c in verb.head.children if c.dep_ in ("dobj", "dative")), None)
        return controller if controller is not None else acting_subject(verb.head)
    if verb.dep_ == "conj" and verb.head.pos_ in CLAUSE_BREAK_POS:
        return acting_subject(verb.head)
    return None


def _resolve(token: Token, labels: frozenset[str], speech: SpeechLexicon, mentions: Mentions) -> int | None:
    """The entity a filler names; a pronoun only in the third person, as "we" speaks from a quote."""
    if token.pos_ != "PRON":
        return mentions.entity_near(token, labels)
    if token.lower_ not in THIRD_PERSON:
        return None
    return mentions.resolve(token, labels, speech.pronouns).entity


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    """The tokens and the conjuncts chained to them ("Putin and Lukashenko")."""
    out = []
    stack = list(reversed(tokens))
    while stack:
        token = stack.pop()
        out.append(token)
        stack.extend(reversed([c for c in token.children if c.dep_ == "conj"]))
    return out


def _clause_entities(trigger: Token, mentions: Mentions) -> list[int]:
    """Entities of the trigger's sentence whose head reaches the trigger without crossing another verb."""
    doc = trigger.doc
    start, end = (trigger.sent.start, trigger.sent.end) if doc.has_annotation("SENT_START") else (0, len(doc))
    found = []
    for number, ent in enumerate(mentions.ents):
        if ent.start < start or ent.end > end or ent.start <= trigger.i < ent.end:
            continue
        node = ent.root
        for _ in range(CLAUSE_DEPTH):
            if node.head == node:
                break
            node = node.head
            if node == trigger:
                found.append(number)
                break
            if node.pos_ in CLAUSE_BREAK_POS:
                break
    return found


def _setting_role(mentions: Mentions, number: int, lexicon: TriggerLexicon) -> str | None:
    """Time for a date or time; Place for a location under a place preposition."""
    label = mentions.labels[number]
    if label in lexicon.labels_for("Time"):
        return "Time"
    root = mentions.ents[number].root
    if label in lexicon.labels_for("Place") and root.dep_ == "pobj" and root.head.lower_ in lexicon.place_prepositions:
        return "Place"
    return None


def _offsets(mentions: Mentions, number: int) -> list[int]:
    ent = mentions.ents[number]
    return [ent.start_char, ent.end_char]


@Language.factory(
    "wirecorpus_events",
    default_config={"root": None},
    requires=["token.dep", "token.pos", "token.lemma", "doc.ents"],
    assigns=[f"doc._.{EXTENSION}"],
)
def make_event_finder(nlp: Language, name: str, root: str | None) -> EventFinder:
    """Build the event component from the trigger lexicon of a repository."""
    folder = repository_root(root)
    inventory = Inventory.load(folder)
    return EventFinder(name, TriggerLexicon.load(folder, inventory), SpeechLexicon.load(folder, inventory))
