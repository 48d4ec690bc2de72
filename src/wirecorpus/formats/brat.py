"""brat standoff: a collection of ``<doc>.txt`` texts and ``<doc>.ann`` annotations.

Reading (:func:`read`)

- Every ``.ann`` is paired with its text: ``<same folder>/<same stem>.txt`` if that exists;
  otherwise the ``.txt`` among those given (directly or under given folders) whose stem is the
  ``.ann`` stem, or else the longest prefix of it followed by ``_``, ``-`` or ``.``. The rest of
  the ``.ann`` stem is then the annotator: PolNeAR's ``attributions/<name>_4e07.ann`` with
  ``text/<name>.txt`` is annotator ``4e07``. An ``.ann`` with no text is a FormatError.
  The document's name is the text's stem.
- A ``.txt`` that no ``.ann`` pairs with is no document: nobody annotated it, and reading it as
  a document with no annotations would say that its text has none. So a folder of all the texts
  can be given with one annotator's ``.ann`` files (PolNeAR's ``text/`` and ``attributions/*_4e07.ann``).
- Texts are read as UTF-8 with ``\\r\\n`` kept as is: brat offsets count every character, and
  they are code points (Python string indices), so no offset is converted.
- A T line stores its text, the fragments' texts joined by one space. A span whose stored text
  is not that, or whose offsets lie outside the text, is a Problem and is left out. A span keeps
  its fragments in text order, though the line may list them otherwise (PolNeAR has some whose
  stored text follows the listed order: ``Content 1039 1090;993 1001``).
- E lines are links with a trigger, R lines links without one; arguments keep brat's roles
  (``Org-Arg2`` stays ``Org-Arg2``). An argument that is another link (an event as argument) is
  kept as is, for the mapping to report. An argument that names nothing in the file, or a span
  left out, is a Problem and is dropped from its link; a link whose trigger is missing is left out.
- A and M lines become attributes of their target, with the value ``true`` when the line has none.
- N (normalisation), ``#`` (note) and ``*`` (equivalence) lines are Problems: the schema has no
  place for them.
- Problems, spans and links name ``<ann path>:<line>`` (1-based); a line that does not parse is a
  FormatError naming the same.

Writing (:func:`write`)

- ``<article-id>.txt`` is the article text exactly; ``<article-id>.ann`` holds T lines, then E
  lines, then A lines. Entities keep their ``T`` ids; the spans of quotes and events are numbered
  after them, quotes first, then events, each in file order, so the output is deterministic.
- A quote is a ``Content`` span, a ``Quote`` trigger span over the same text, a ``Cue`` span and
  a ``Speaker`` span when it has them, an event ``Quote:T Content:T Cue:T Speaker:T`` and an
  attribute ``Kind``. The speaker is the speaker span when there is one, with the entity it
  stands for as ``SpeakerEntity``; else the entity.
- An event is a trigger span labelled with :func:`brat_type` of its type and an event line;
  a role that comes again is numbered as brat does (``Entity``, ``Entity2``, ``Entity3``).
- brat keeps a T line's text on one line, and its editor splits a span at line breaks and tabs;
  the writer does the same, so a span over a line break becomes a discontinuous one.
- ``annotation.conf`` declares these types, and ``map.json`` is the MAP that imports the export back.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import ExportError, FormatError
from ..storage import write_new_files
from .base import Fragment, Problem, ToolDocument, ToolLink, ToolSpan, files_under

ANNOTATOR_SEPARATORS = "_-."
# What brat cannot keep inside a T line: every line break str.splitlines knows, and the tab.
BREAKS = "\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_UNBROKEN = re.compile(f"[^{re.escape(BREAKS)}]+")
_FRAGMENT = re.compile(r"([0-9]+) ([0-9]+)")
_T_ID = re.compile(r"T[0-9]+")
TRUE = "true"  # the value of an attribute line that gives none (a binary attribute)

# The types of the export's own making (annotation.conf, map.json).
QUOTE, CONTENT, CUE, SPEAKER, SPEAKER_ENTITY, KIND = "Quote", "Content", "Cue", "Speaker", "SpeakerEntity", "Kind"
_NO_PLACE = {
    "N": "a normalisation (a link to a knowledge base)",
    "#": "a note",
    "*": "an equivalence",
}


# --------------------------------------------------------------------------
# Reading


def read(paths: Sequence[Path]) -> list[ToolDocument]:
    """The documents of a brat collection: ``.ann`` files, ``.txt`` files and folders of them."""
    files = files_under(paths, (".ann", ".txt"))
    for path in files:
        if path.suffix not in (".ann", ".txt") or not path.is_file():
            raise FormatError(f"{path}: not a brat .ann or .txt file, nor a folder of them")
    texts = [path for path in files if path.suffix == ".txt"]
    return [_read_annotated(ann, *_text_of(ann, texts)) for ann in files if ann.suffix == ".ann"]


def _annotator(ann_stem: str, text_stem: str) -> str | None:
    """What an .ann stem adds to a text stem: "" for the same stem, the annotator after a
    separator, or None when the .ann is not named after that text."""
    if ann_stem == text_stem:
        return ""
    rest = ann_stem[len(text_stem) :]
    if ann_stem.startswith(text_stem) and len(rest) > 1 and rest[0] in ANNOTATOR_SEPARATORS:
        return rest[1:]
    return None


def _text_of(ann: Path, texts: Sequence[Path]) -> tuple[Path, str | None]:
    """The text of an .ann file and the annotator its name gives, if any."""
    sibling = ann.with_suffix(".txt")
    if sibling.is_file():
        return sibling, None
    named = [text for text in texts if _annotator(ann.stem, text.stem) is not None]
    if not named:
        raise FormatError(
            f"{ann}: no text for it: no {sibling.name} beside it, and no .txt given whose name begins its name"
        )
    longest = max(len(text.stem) for text in named)
    best = [text for text in named if len(text.stem) == longest]
    if len(best) > 1:
        raise FormatError(f"{ann}: more than one text could be its own: {', '.join(map(str, best))}")
    return best[0], _annotator(ann.stem, best[0].stem) or None


def _read_text(path: Path) -> str:
    """A file's text as UTF-8, line ends as they are (brat offsets count them)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: cannot be read as UTF-8 text ({exc})") from None


def _read_annotated(ann: Path, text_path: Path, annotator: str | None) -> ToolDocument:
    text = _read_text(text_path)
    lines = _AnnLines(text)
    for number, line in enumerate(_read_text(ann).split("\n"), 1):
        line = line.removesuffix("\r")
        if line.strip():
            lines.add(f"{ann}:{number}", line)
    spans, links = lines.resolved()
    return ToolDocument(
        name=text_path.stem,
        text=text,
        where=str(ann),
        spans=spans,
        links=links,
        problems=lines.problems,
        annotator=annotator,
    )


class _AnnLines:
    """The lines of one .ann file, collected, then resolved (a brat line may refer to a later one)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[str, ToolSpan] = {}
        self.links: dict[str, ToolLink] = {}
        self.lines: dict[str, str] = {}
        self.attributes: list[tuple[str, str, str, str, str]] = []  # where, line, target, name, value
        self.problems: list[Problem] = []

    def add(self, where: str, line: str) -> None:
        ident, tab, rest = line.partition("\t")
        if not tab or not ident or any(char.isspace() for char in ident):
            raise FormatError(f"{where}: not a brat line (an id, a tab, the annotation): {line!r}")
        handler = _HANDLERS.get(ident[0])
        if handler is None:
            raise FormatError(f"{where}: unknown kind of annotation {ident!r} (brat has T, E, R, A, M, N, # and *)")
        if ident in self.lines and ident[0] in "TERAM":
            raise FormatError(f"{where}: the id {ident} is used twice")
        self.lines[ident] = line
        handler(self, where, ident, rest)

    def _textbound(self, where: str, ident: str, rest: str) -> None:
        data, tab, stored = rest.partition("\t")
        if not tab:
            raise FormatError(f"{where}: a T line needs the span's text after a second tab")
        label, fragments = _textbound_data(where, data)
        line = self.lines[ident]
        found = " ".join(self.text[start:end] for start, end in fragments)
        if any(end > len(self.text) for _, end in fragments):
            why = f"offsets outside the text ({len(self.text)} characters); left out"
            self.problems.append(Problem(where, line, why))
        elif found != stored:
            why = f"the text at these offsets is {found!r}, not its text; left out"
            self.problems.append(Problem(where, line, why))
        else:
            self.spans[ident] = ToolSpan(ident, label, tuple(sorted(fragments)), where)

    def _event(self, where: str, ident: str, rest: str) -> None:
        arguments = _arguments(where, self._untailed(where, ident, rest).split())
        if not arguments:
            raise FormatError(f"{where}: an E line needs 'Type:<trigger id>' and its arguments")
        (label, trigger), *roles = arguments
        self.links[ident] = ToolLink(ident, label, trigger, tuple(roles), where)

    def _relation(self, where: str, ident: str, rest: str) -> None:
        label, *tokens = self._untailed(where, ident, rest).split() or [""]
        arguments = _arguments(where, tokens)
        if not label or ":" in label or len(arguments) != 2:
            raise FormatError(f"{where}: an R line needs 'Label Arg1:<id> Arg2:<id>'")
        self.links[ident] = ToolLink(ident, label, None, tuple(arguments), where)

    def _attribute(self, where: str, ident: str, rest: str) -> None:
        tokens = self._untailed(where, ident, rest).split()
        if len(tokens) not in (2, 3):
            raise FormatError(f"{where}: an {ident[0]} line needs 'Name <id>' or 'Name <id> Value'")
        name, target, *value = tokens
        self.attributes.append((where, self.lines[ident], target, name, value[0] if value else TRUE))

    def _no_place(self, where: str, ident: str, rest: str) -> None:
        why = f"{_NO_PLACE[ident[0]]}: the schema has no place for it; left out"
        self.problems.append(Problem(where, self.lines[ident], why))

    def _untailed(self, where: str, ident: str, rest: str) -> str:
        """The arguments of an E, R, A or M line; text after a further tab has no place."""
        data, _, tail = rest.partition("\t")
        if tail.strip():
            why = f"the text after the arguments ({tail!r}) is left out"
            self.problems.append(Problem(where, self.lines[ident], why))
        return data

    def resolved(self) -> tuple[list[ToolSpan], list[ToolLink]]:
        """The spans and links with their attributes, every reference checked."""
        links = [link for link in map(self._checked_link, self.links.values()) if link is not None]
        targets: dict[str, ToolSpan | ToolLink] = {**self.spans, **{link.id: link for link in links}}
        for where, line, target, name, value in self.attributes:
            if target not in targets:
                why = f"{target} is not a span or link of this file (or was left out)"
                self.problems.append(Problem(where, line, why))
                continue
            item = targets[target]
            targets[target] = dataclasses.replace(item, attributes=(*item.attributes, (name, value)))
        self.problems.sort(key=lambda problem: int(problem.where.rsplit(":", 1)[1]))
        return [targets[ident] for ident in self.spans], [targets[link.id] for link in links]

    def _checked_link(self, link: ToolLink) -> ToolLink | None:
        if link.trigger is not None and link.trigger not in self.spans:
            why = f"its trigger {link.trigger} is not a span of this file (or was left out); left out"
            self.problems.append(Problem(link.where, self.lines[link.id], why))
            return None
        kept = []
        for role, target in link.arguments:
            if target in self.spans or target in self.links:
                kept.append((role, target))
            else:
                why = f"{target} is not a span or link of this file (or was left out); argument dropped from {link.id}"
                self.problems.append(Problem(link.where, f"{role}:{target}", why))
        return dataclasses.replace(link, arguments=tuple(kept))


_HANDLERS = {
    "T": _AnnLines._textbound,
    "E": _AnnLines._event,
    "R": _AnnLines._relation,
    "A": _AnnLines._attribute,
    "M": _AnnLines._attribute,
    "N": _AnnLines._no_place,
    "#": _AnnLines._no_place,
    "*": _AnnLines._no_place,
}


def _textbound_data(where: str, data: str) -> tuple[str, tuple[Fragment, ...]]:
    """``Label 0 5;7 9`` -> ("Label", ((0, 5), (7, 9)))."""
    label, _, offsets = data.partition(" ")
    fragments = []
    for piece in offsets.split(";"):
        match = _FRAGMENT.fullmatch(piece)
        if not label or match is None:
            raise FormatError(f"{where}: a T line needs 'Label start end[;start end...]', not {data!r}")
        start, end = int(match[1]), int(match[2])
        if end < start:
            raise FormatError(f"{where}: the fragment '{piece}' ends before it starts")
        fragments.append((start, end))
    return label, tuple(fragments)


def _arguments(where: str, tokens: Sequence[str]) -> list[tuple[str, str]]:
    """``Role:T3`` tokens as (role, id) pairs."""
    pairs = [token.partition(":") for token in tokens]
    for token, (role, colon, target) in zip(tokens, pairs):
        if not (role and colon and target):
            raise FormatError(f"{where}: '{token}' is not 'Role:<id>'")
    return [(role, target) for role, _, target in pairs]


# --------------------------------------------------------------------------
# Writing


def brat_type(event_type: str) -> str:
    """An event type as a brat type name (``Conflict:Attack`` -> ``Conflict_Attack``): brat
    separates a type from its trigger with ``:``."""
    return event_type.replace(":", "_")


def write(
    pairs: Sequence[tuple[schema.Article, schema.AnnotationFile]], *, out: Path, inventory: schema.Inventory
) -> list[Path]:
    """Write a brat collection to ``out``: a ``.txt`` and ``.ann`` per article, ``annotation.conf``
    and ``map.json``. Nothing is written if a file there already holds something else."""
    out = Path(out)
    files: dict[Path, str] = {}
    for article, annotation in pairs:
        ann = dumps(tool_document(article, annotation))
        for path, content in ((out / f"{article.id}.txt", article.text), (out / f"{article.id}.ann", ann)):
            if path in files:
                why = f"article {article.id} comes twice; export each annotation set to its own folder"
                raise ExportError(f"{path}: {why}")
            files[path] = content
    files[out / "annotation.conf"] = annotation_conf(inventory)
    files[out / "map.json"] = json.dumps(import_map(inventory), ensure_ascii=False, indent=2) + "\n"
    return write_new_files({path: content.encode("utf-8") for path, content in files.items()}, error=ExportError)


def dumps(document: ToolDocument) -> str:
    """The ``.ann`` text of a document: its spans as T lines, its links as E lines (with a trigger)
    or R lines, then the attributes of both as A lines, in the document's order."""
    lines = [_textbound_line(document.text, span) for span in document.spans]
    lines += [_link_line(link) for link in document.links]
    items = (*document.spans, *document.links)
    attributes = [(item.id, name, value) for item in items for name, value in item.attributes]
    for number, (target, name, value) in enumerate(attributes, 1):
        lines.append(f"A{number}\t{name} {target}" + ("" if value == TRUE else f" {value}"))
    return "".join(f"{line}\n" for line in lines)


def _textbound_line(text: str, span: ToolSpan) -> str:
    stored = " ".join(text[start:end] for start, end in span.fragments)
    if any(char in BREAKS for char in stored):
        raise ExportError(f"{span.where}: span {span.id} runs over a line break or tab, which a T line cannot hold")
    offsets = ";".join(f"{start} {end}" for start, end in span.fragments)
    return f"{span.id}\t{span.label} {offsets}\t{stored}"


def _link_line(link: ToolLink) -> str:
    head = [link.label] if link.trigger is None else [f"{link.label}:{link.trigger}"]
    return f"{link.id}\t" + " ".join(head + [f"{role}:{target}" for role, target in link.arguments])


def tool_document(article: schema.Article, annotation: schema.AnnotationFile) -> ToolDocument:
    """An annotation file as the brat document :func:`write` writes (see the module docstring)."""
    if annotation.article != article.id or annotation.text_sha256 != article.text_sha256:
        raise ExportError(
            f"{annotation.article}: annotation set {annotation.annotator.name} "
            f"was not made on the text of article {article.id}"
        )
    builder = _DocumentBuilder(article, annotation)
    for entity in annotation.entities:
        builder.span(entity.label, entity.span, ident=builder.entity(entity.id))
    for quote in annotation.quotes:
        builder.quote(quote)
    for event in annotation.events:
        builder.event(event)
    return ToolDocument(article.id, article.text, annotation.article, spans=builder.spans, links=builder.links)


class _DocumentBuilder:
    """Spans and links of one annotation file, numbered after its entity ids."""

    def __init__(self, article: schema.Article, annotation: schema.AnnotationFile) -> None:
        self.text = article.text
        self.where = f"{annotation.annotator.kind}/{annotation.annotator.name}/{annotation.article}"
        self.spans: list[ToolSpan] = []
        self.links: list[ToolLink] = []
        taken = [int(entity.id[1:]) for entity in annotation.entities if _T_ID.fullmatch(entity.id)]
        self.next = {"T": max(taken, default=0) + 1, "E": 1}
        self.entity_ids = {
            entity.id: entity.id if _T_ID.fullmatch(entity.id) else self._new_id("T") for entity in annotation.entities
        }

    def _new_id(self, letter: str) -> str:
        self.next[letter] += 1
        return f"{letter}{self.next[letter] - 1}"

    def entity(self, ident: str) -> str:
        """The T id of an entity the annotation file refers to."""
        if ident not in self.entity_ids:
            raise ExportError(f"{self.where}: refers to entity {ident}, which is not in the file")
        return self.entity_ids[ident]

    def span(self, label: str, span: schema.Span, *, ident: str | None = None) -> str:
        ident = ident or self._new_id("T")
        pieces = tuple((m.start(), m.end()) for m in _UNBROKEN.finditer(self.text, span.start, span.end))
        if not pieces:
            raise ExportError(f"{self.where}: the span {span.start}-{span.end} holds nothing but line breaks")
        self.spans.append(ToolSpan(ident, label, pieces, f"{self.where}#{ident}"))
        return ident

    def link(self, label: str, trigger: str, arguments: list[tuple[str, str]], attributes=()) -> None:
        ident = self._new_id("E")
        self.links.append(ToolLink(ident, label, trigger, tuple(arguments), f"{self.where}#{ident}", attributes))

    def quote(self, quote: schema.Quote) -> None:
        arguments = [(CONTENT, self.span(CONTENT, quote.content))]
        trigger = self.span(QUOTE, quote.content)
        if quote.cue is not None:
            arguments.append((CUE, self.span(CUE, quote.cue)))
        if quote.speaker_span is not None:
            arguments.append((SPEAKER, self.span(SPEAKER, quote.speaker_span)))
            if quote.speaker is not None:
                arguments.append((SPEAKER_ENTITY, self.entity(quote.speaker)))
        elif quote.speaker is not None:
            arguments.append((SPEAKER, self.entity(quote.speaker)))
        self.link(QUOTE, trigger, arguments, attributes=((KIND, quote.kind),))

    def event(self, event: schema.Event) -> None:
        trigger = self.span(brat_type(event.type), event.trigger)
        seen: Counter[str] = Counter()
        arguments = []
        for argument in event.arguments:
            seen[argument.role] += 1
            number = seen[argument.role]
            arguments.append((argument.role + (str(number) if number > 1 else ""), self.entity(argument.entity)))
        self.link(brat_type(event.type), trigger, arguments)


def annotation_conf(inventory: schema.Inventory) -> str:
    """brat's ``annotation.conf`` for an export: the inventory's types and the export's own."""
    events = [f"{QUOTE}\t{CONTENT}:{CONTENT}, {CUE}?:{CUE}, {SPEAKER}?:<ENTITY>|{SPEAKER}, {SPEAKER_ENTITY}?:<ENTITY>"]
    for event_type, roles in inventory.event_roles.items():
        events.append(f"{brat_type(event_type)}\t" + ", ".join(f"{role}*:<ENTITY>" for role in roles))
    kinds = "|".join(sorted(inventory.quote_kinds))
    sections = {
        "entities": [*sorted(inventory.entity_labels), CONTENT, CUE, SPEAKER],
        "relations": [],
        "events": events,
        "attributes": [f"{KIND}\tArg:{QUOTE}, Value:{kinds}"],
    }
    return "\n".join(f"[{name}]\n" + "".join(f"{line}\n" for line in lines) for name, lines in sections.items())


def import_map(inventory: schema.Inventory) -> dict[str, Any]:
    """The MAP that imports an export of :func:`write` back into the three layers."""
    events: dict[str, Any] = {}
    for event_type, roles in inventory.event_roles.items():
        name = brat_type(event_type)
        if name in events:
            raise ExportError(f"event types {events[name]['type']} and {event_type} both become {name} in brat")
        events[name] = {"type": event_type, "roles": {role: role for role in roles}}
    return {
        "entities": {label: label for label in sorted(inventory.entity_labels)},
        "quotes": {
            "relation": QUOTE, "content": CONTENT, "cue": CUE, "speaker": SPEAKER, "speaker_entity": SPEAKER_ENTITY,
            "kind": KIND, "discontinuous_content": "outer-extent",
        },
        "events": events,
    }
