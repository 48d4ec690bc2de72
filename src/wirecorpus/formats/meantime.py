"""Texts of NewsReader MEANTIME documents, rebuilt from their tokens.

MEANTIME (CC BY 4.0) ships each Wikinews article as CAT-style XML: a
``<Document>`` of ``<token t_id sentence number>`` elements and markables
anchored to token ids, with no character offsets and no original spacing.
This module rebuilds a readable text and the character span of every token,
so that token-anchored annotations can be turned into stand-off spans and the
text can be run through a pipeline.

Rebuilding rules (the original spacing is lost, so these are conventions):

- tokens are joined by one space, except that closing punctuation (``, . ; :
  ! ? % ) ] ...``), clitics (``'s``, ``n't``) and closing quotes attach to the
  token before, and opening brackets, quotes and currency signs attach to the
  token after; ``/`` and the typographic apostrophe attach on both sides;
- the treebank quotes ``\\`\\``` and ``''`` are written as ``"``; straight ``"``
  opens and closes in turn within a document;
- a sentence ends with a space, or with a newline when it has no final
  punctuation (the headline, the date line), so those stay lines of their own.

Every token's span covers its own characters: ``text[start:end]`` is the
token, with the treebank quotes read as ``"``.

Gold markables for scoring (:func:`read_document`), mapped to the wirecorpus
schema as follows; the mapping is approximate, because the two schemes differ:

- ``ENTITY_MENTION`` -> an entity mention. Its type is the ``ent_type`` of the
  ``ENTITY`` instance it ``REFERS_TO``; :data:`ENTITY_LABELS` maps each type to
  the OntoNotes labels that cover it (PER -> PERSON, ORG -> ORG, LOC -> GPE, LOC
  or FAC, PRO -> PRODUCT or WORK_OF_ART; FIN, financial objects, has none).
  MEANTIME marks nominal and pronominal mentions too and extends a name's span
  over its determiner and modifiers (``the Moscone West center in San
  Francisco``); ``syntactic_type`` NAM or PRE.NAM marks a name.
- ``EVENT_MENTION`` -> an event trigger. MEANTIME events are untyped in the
  wirecorpus inventory (its ``class`` is OTHER, SPEECH_COGNITIVE, ...).
- ``HAS_PARTICIPANT`` from an event mention to an entity mention -> an
  argument; its PropBank ``sem_role`` (Arg0, Arg1, Argm-LOC...) is kept as is.
  Links to VALUE markables are not arguments in wirecorpus and are left out;
  links naming a markable the file lacks are listed in ``skipped``.
- A mention's span runs from its first to its last token, also when the
  tokens are not contiguous (a few are).
- MEANTIME annotates only the first sentences of each article (the headline,
  the date line and the first body sentences). The annotated sentences are
  taken to be sentence 0 up to the last sentence holding any markable.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExternalFileError

# How treebank-style quote tokens are written in the rebuilt text.
QUOTE_FORMS = {"``": '"', "''": '"'}

_ATTACH_LEFT = frozenset({",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "...", "'", "”", "’", "/"})
_ATTACH_RIGHT = frozenset({"(", "[", "{", "$", "£", "€", "#", "“", "`", "’", "/"})
_CLITICS = ("'s", "'re", "'ve", "'ll", "'d", "'m", "n't")
_SENTENCE_FINAL = (".", "!", "?", '"', "”", "'", ")")


@dataclass(frozen=True, slots=True)
class Token:
    """One MEANTIME token and the characters it covers in the rebuilt text."""

    t_id: str
    sentence: int
    start: int
    end: int


@dataclass(frozen=True)
class MeantimeText:
    """A MEANTIME document's rebuilt text and where each of its tokens lies."""

    doc_name: str
    url: str
    text: str
    tokens: tuple[Token, ...]

    def offsets(self) -> dict[str, tuple[int, int]]:
        """Token id -> (start, end) character offsets into :attr:`text`."""
        return {token.t_id: (token.start, token.end) for token in self.tokens}


def read_text(path: Path) -> MeantimeText:
    """Rebuild one MEANTIME XML file's text and token offsets."""
    path = Path(path)
    return _text_of(_parse(path), path)


def _parse(path: Path) -> Any:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise ExternalFileError(f"{path}: not a readable MEANTIME XML file: {exc}") from None
    if root.tag != "Document":
        raise ExternalFileError(f"{path}: the root element is <{root.tag}>, expected <Document>")
    return root


def _text_of(root: Any, path: Path) -> MeantimeText:
    raw_tokens = []
    for position, element in enumerate(root.iter("token"), start=1):
        try:
            raw_tokens.append((element.attrib["t_id"], int(element.attrib["sentence"]), element.text or ""))
        except (KeyError, ValueError):
            raise ExternalFileError(
                f"{path}: token {position} has no t_id or no integer sentence attribute: {element.attrib}"
            ) from None
    text, tokens = detokenize(raw_tokens)
    return MeantimeText(root.get("doc_name") or path.stem, root.get("url", ""), text, tokens)


def document_paths(folder: Path) -> list[Path]:
    """Every ``*.xml`` document under a folder (recursively), sorted by path."""
    paths = sorted(Path(folder).rglob("*.xml"))
    if not paths:
        raise ExternalFileError(f"{folder}: no MEANTIME .xml files found")
    return paths


def iter_texts(folder: Path) -> Iterator[MeantimeText]:
    """The text of every document under a folder, in path order."""
    return map(read_text, document_paths(folder))


def detokenize(raw_tokens: list[tuple[str, int, str]]) -> tuple[str, tuple[Token, ...]]:
    """Join ``(t_id, sentence, token text)`` triples into a text and token spans."""
    parts: list[str] = []
    tokens: list[Token] = []
    length = 0
    previous: tuple[int, str, bool] | None = None
    quote_open = False
    for t_id, sentence, form in raw_tokens:
        form = QUOTE_FORMS.get(form, form)
        straight_quote = form == '"'
        opening = straight_quote and not quote_open
        if previous is not None:
            gap = _gap(previous, sentence, form, opening=opening)
            parts.append(gap)
            length += len(gap)
        tokens.append(Token(t_id, sentence, length, length + len(form)))
        parts.append(form)
        length += len(form)
        quote_open ^= straight_quote
        previous = (sentence, form, opening)
    return "".join(parts), tuple(tokens)


def _gap(previous: tuple[int, str, bool], sentence: int, form: str, *, opening: bool) -> str:
    """What goes between the previous token and this one: '', ' ' or a newline."""
    previous_sentence, previous_form, previous_opening = previous
    if sentence != previous_sentence:
        return " " if previous_form.endswith(_SENTENCE_FINAL) else "\n"
    if previous_form in _ATTACH_RIGHT or previous_opening:
        return ""
    if form in _ATTACH_LEFT or form.lower() in _CLITICS or (form == '"' and not opening):
        return ""
    return " "


# --------------------------------------------------------------------------
# Gold markables: entity and event mentions and their participants.

# MEANTIME entity type -> the OntoNotes labels that cover it (approximately).
ENTITY_LABELS: dict[str, tuple[str, ...]] = {
    "PER": ("PERSON",),
    "ORG": ("ORG",),
    "LOC": ("GPE", "LOC", "FAC"),
    "PRO": ("PRODUCT", "WORK_OF_ART"),
    "FIN": (),
}
NAME_TYPES = frozenset({"NAM", "PRE.NAM"})


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity or event mention: the characters from its first to its last token."""

    m_id: str
    start: int
    end: int
    text: str
    sentence: int
    syntactic_type: str = ""
    ent_type: str | None = None  # entities: the type of the instance it refers to

    @property
    def is_name(self) -> bool:
        return self.syntactic_type in NAME_TYPES


@dataclass(frozen=True, slots=True)
class Participant:
    """A HAS_PARTICIPANT link: an entity mention takes part in an event mention."""

    event: str
    entity: str
    role: str


@dataclass(frozen=True)
class MeantimeDocument:
    """A MEANTIME document's text with its gold entity and event mentions."""

    text: MeantimeText
    annotated_sentences: int
    entities: tuple[Mention, ...]
    events: tuple[Mention, ...]
    participants: tuple[Participant, ...]
    skipped: tuple[str, ...]

    @property
    def annotated_end(self) -> int:
        """Where the annotated sentences end in the text."""
        return max((t.end for t in self.text.tokens if t.sentence < self.annotated_sentences), default=0)


def read_document(path: Path) -> MeantimeDocument:
    """One MEANTIME XML file: its rebuilt text and its gold markables."""
    path = Path(path)
    root = _parse(path)
    text = _text_of(root, path)
    markables, relations = root.find("Markables"), root.find("Relations")
    if markables is None:
        raise ExternalFileError(f"{path}: no <Markables> element")
    links = list(relations) if relations is not None else []
    types = _entity_types(markables, links)
    tokens = {token.t_id: token for token in text.tokens}
    entities = tuple(
        _mention(path, text.text, tokens, element, types.get(element.get("m_id")))
        for element in markables.iter("ENTITY_MENTION")
    )
    events = tuple(_mention(path, text.text, tokens, element, None) for element in markables.iter("EVENT_MENTION"))
    participants, skipped = _participants(links, entities, events, {m.get("m_id") for m in markables})
    anchored = [tokens[a.get("t_id")].sentence for a in markables.iter("token_anchor") if a.get("t_id") in tokens]
    return MeantimeDocument(text, max(anchored, default=-1) + 1, entities, events, participants, skipped)


def iter_documents(folder: Path) -> Iterator[MeantimeDocument]:
    """The text and gold markables of every document under a folder, in path order."""
    return map(read_document, document_paths(folder))


def _entity_types(markables: Any, links: list[Any]) -> dict[str, str]:
    """Entity mention id -> the ``ent_type`` of the instance it refers to."""
    instances = {e.get("m_id"): e.get("ent_type") for e in markables.iter("ENTITY")}
    types = {}
    for link in links:
        target = link.find("target")
        if link.tag != "REFERS_TO" or target is None or target.get("m_id") not in instances:
            continue
        for source in link.findall("source"):
            types[source.get("m_id")] = instances[target.get("m_id")]
    return types


def _mention(path: Path, text: str, tokens: dict[str, Token], element: Any, ent_type: str | None) -> Mention:
    m_id = element.get("m_id", "")
    anchors = [a.get("t_id") for a in element.findall("token_anchor")]
    unknown = [t_id for t_id in anchors if t_id not in tokens]
    if not anchors or unknown:
        problem = f"anchors unknown tokens {unknown}" if unknown else "has no token_anchor"
        raise ExternalFileError(f"{path}: <{element.tag} m_id={m_id!r}> {problem}")
    first = min((tokens[t] for t in anchors), key=lambda token: token.start)
    last = max((tokens[t] for t in anchors), key=lambda token: token.end)
    syntactic_type = element.get("syntactic_type") or ""
    return Mention(m_id, first.start, last.end, text[first.start : last.end], first.sentence, syntactic_type, ent_type)


def _participants(
    links: list[Any], entities: tuple[Mention, ...], events: tuple[Mention, ...], known: set[str]
) -> tuple[tuple[Participant, ...], tuple[str, ...]]:
    entity_ids, event_ids = {m.m_id for m in entities}, {m.m_id for m in events}
    participants, skipped = [], []
    for link in links:
        if link.tag != "HAS_PARTICIPANT":
            continue
        source, target = (link.find(end) for end in ("source", "target"))
        event, entity = (end.get("m_id") if end is not None else None for end in (source, target))
        if event in event_ids and entity in entity_ids:
            participants.append(Participant(event, entity, link.get("sem_role", "")))
        elif event not in known or entity not in known:
            skipped.append(f"HAS_PARTICIPANT r_id={link.get('r_id')}: names a markable the file lacks ({event} -> {entity})")
    return tuple(participants), tuple(skipped)
