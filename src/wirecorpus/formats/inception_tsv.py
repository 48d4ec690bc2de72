r"""WebAnno TSV 3.1-3.3, as INCEpTION and WebAnno export it, read into a ToolDocument.

The rules follow INCEpTION's own reader (``Tsv3XDeserializer``), so that the
offsets mean what they meant in the tool:

- **Header.** Line 1 is ``#FORMAT=WebAnno TSV 3.x``; then one line per layer,
  ``#T_SP=`` (span), ``#T_RL=`` (relation) or ``#T_CH=`` (chain), up to the
  first blank line: the type name and its columns, separated by ``|``. A layer
  without features has one placeholder column. In a span layer,
  ``ROLE_<type>:<feature>_<link type>`` is the role column of a slot feature
  and the column after it (a type name) holds the slots' targets; a relation
  layer ends with ``BT_<type>``, the governor column.
- **Text.** Each ``#Text=`` line is unescaped (``\\ \t \n \r \f \b`` and a
  backslash before a control character, and the Java escapes ``\" \' \uXXXX``
  that version 3.1 wrote) and ends with a line break, so a sentence written on
  several lines keeps its line breaks. A sentence is put at the offset of its
  first token: the gap before it is the line break ending the previous sentence
  and then spaces; a sentence that starts right where the previous one ends
  loses that line break. The document text is this rebuilt text, ending with a
  line break, exactly as INCEpTION rebuilds it (the whitespace between the
  original sentences is not in a TSV file). ``#Sentence.id=`` lines are
  structure; other ``#`` lines in a sentence header are reported as Problems.
- **Offsets** count UTF-16 code units (INCEpTION is Java) and are turned into
  code points. Token offsets place the annotations; the token column only
  informs: a token whose text differs from what its offsets cover in the
  ``#Text`` lines is a Problem, and the ``#Text`` lines win (as in INCEpTION).
- **Cells.** ``_`` is no annotation, ``*`` an annotation whose feature is not
  set; stacked annotations are separated by an unescaped ``|``; a suffix
  ``[n]`` names an annotation over several tokens (or sentences): it begins at
  the first unit (token or sub-token like ``2-31.1``) naming it and ends at the
  end of the last one, as INCEpTION extends it. Values are unescaped
  (``\\ \[ \] \| \_ \-> \; \t \n \*``).
- **Relations** sit on the line of their dependent: the governor column holds
  the governor's unit (``3-1``) and ``[governor_dependent]`` ids, 0 meaning the
  only annotation of the base layer on that unit. They become
  ``ToolLink(trigger=None, arguments=(("Governor", id), ("Dependent", id)))``.
- **Slots**: the role column lists ``;``-separated roles, the target column
  the ``;``-separated target units (``1-2`` or ``1-2[5]``); the span owning
  them becomes the trigger of a ToolLink labelled like it, with (role, target
  span id) arguments (also when no slot is filled: it is still an event).
- **Layers** are taken in as :mod:`.inception_layers` says: NamedEntity and
  ``webanno.custom.*`` are read; POS, lemma, dependency and other structure
  layers are skipped; each annotation of any other layer is a Problem, as is
  a relation or slot that reaches one.
- **Chains** have no place in the schema: one Problem per chain.
- Spans get the ids ``T1, T2, ...`` and relations ``R1, R2, ...`` in file
  order; a slot link has the id of its trigger span. Every ``where`` is
  ``file:line`` of the first unit.

A file that breaks these rules raises FormatError naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import FormatError
from .base import Problem, ToolDocument, ToolLink, ToolSpan, Utf16Offsets
from .inception_layers import NAMED_ENTITY, is_known_layer, is_structure, label_and_attributes, short_name

FORMAT_LINE = re.compile(r"#FORMAT=WebAnno TSV 3\.[123]")
LAYER_PREFIXES = {"#T_SP=": "span", "#T_RL=": "relation", "#T_CH=": "chain"}
UNIT_ID = re.compile(r"\d+-\d+(\.\d+)?")
UNIT_OFFSETS = re.compile(r"(\d+)-(\d+)")
CHAIN_SUFFIX = re.compile(r"->(\d+)-(\d+)$")
ID_SUFFIX = re.compile(r"\[(\d+(?:_\d+)?)\]$")
NO_ANNOTATION = "_"
NOT_SET = "*"

VALUE_ESCAPES = {"\\": "\\", "[": "[", "]": "]", "|": "|", "_": "_", "->": "->", ";": ";", "t": "\t", "n": "\n", "*": "*"}
VALUE_ESCAPE = re.compile(r"\\(->|[\\\[\]|_;tn*])")
TEXT_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b", '"': '"', "'": "'"}
TEXT_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\\tnrfb\"'\x00-\x1f])")


def unescape_value(value: str) -> str:
    """A feature value or token as written in a cell, unescaped."""
    return VALUE_ESCAPE.sub(lambda m: VALUE_ESCAPES[m.group(1)], value)


def unescape_text(text: str) -> str:
    r"""A ``#Text=`` line unescaped; ``\uXXXX`` surrogate pairs become one character (ValueError if unpaired)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return TEXT_ESCAPES.get(code, code)  # a backslash before a control character stands for it

    unescaped = TEXT_ESCAPE.sub(one, text)
    # \uXXXX escapes of an astral character are two UTF-16 surrogates: join them.
    return unescaped.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def split_cell(value: str, separator: str) -> list[str]:
    """Split at each ``separator`` that no backslash escapes (escapes are kept for :func:`unescape_value`).

    A backslash escapes the one character after it, so ``a\\\\|b`` (an escaped
    backslash, then a separator) splits; INCEpTION's own reader does not split
    there and so misreads a value ending in a backslash.
    """
    parts: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(value):
        if value[position] == "\\":
            current.append(value[position : position + 2])
            position += 2
        elif value.startswith(separator, position):
            parts.append("".join(current))
            current = []
            position += len(separator)
        else:
            current.append(value[position])
            position += 1
    parts.append("".join(current))
    return parts


def strip_id(value: str) -> tuple[str, str | None]:
    """``LIT[4]`` -> (``LIT``, ``4``); ``3-1[6_1]`` -> (``3-1``, ``6_1``); an escaped ``\\[`` opens no id."""
    match = ID_SUFFIX.search(value)
    if match and not escaped(value, match.start()):
        return value[: match.start()], match.group(1)
    return value, None


def escaped(value: str, position: int) -> bool:
    """Whether the character at ``position`` follows an escaping backslash (an odd run of them)."""
    run = len(value[:position]) - len(value[:position].rstrip("\\"))
    return run % 2 == 1


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class Column:
    """One annotation column of a layer.

    ``kind``: feature, placeholder, role (slot roles), target (slot targets),
    governor (a relation's governor) or chain. ``feature`` is the feature it
    holds (for role and target columns, the slot feature); ``refers_to`` the
    type a target or governor column points at.
    """

    kind: str
    feature: str
    index: int
    refers_to: str = ""


@dataclass
class Layer:
    kind: str  # span, relation or chain
    type_name: str
    columns: list[Column] = field(default_factory=list)


@dataclass(frozen=True)
class Unit:
    """A token or sub-token line."""

    id: str
    begin: int  # UTF-16
    end: int
    line: int


@dataclass
class SpanDraft:
    """A span annotation while its units are read (offsets in UTF-16 units)."""

    layer: Layer
    line: int
    begin: int
    end: int
    values: dict[str, str | None] = field(default_factory=dict)
    roles: dict[str, list[str | None]] = field(default_factory=dict)  # slot feature -> roles
    targets: dict[str, list[str]] = field(default_factory=dict)  # slot feature -> target references
    id: str = ""


@dataclass
class RelationDraft:
    layer: Layer
    line: int
    values: dict[str, str | None]
    governor: tuple[str, int]  # (unit id, disambiguation id; 0: none)
    dependent: tuple[str, int]


def parse_schema(lines: list[str], where: str) -> tuple[list[Layer], int]:
    """The layers declared in the header and the number of the line that ends it."""
    if not lines or not FORMAT_LINE.fullmatch(lines[0]):
        raise FormatError(f"{where}:1: not a WebAnno TSV 3.1-3.3 file (expected '#FORMAT=WebAnno TSV 3.3')")
    layers: list[Layer] = []
    index = 0
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            return layers, number
        parts = [part for part in line[6:].split("|") if part]
        if line[:6] not in LAYER_PREFIXES or not parts:
            raise FormatError(f"{where}:{number}: not a layer declaration: {line!r}")
        layer = Layer(LAYER_PREFIXES[line[:6]], parts[0])
        for declaration in parts[1:] or [""]:
            layer.columns.append(parse_column(layer, declaration, index, f"{where}:{number}"))
            index += 1
        layers.append(layer)
    raise FormatError(f"{where}: the header never ends (no blank line after the layer declarations)")


def parse_column(layer: Layer, declaration: str, index: int, where: str) -> Column:
    if not declaration:
        return Column("placeholder", "", index)
    if layer.kind == "chain":
        return Column("chain", declaration, index)
    if layer.kind == "relation" and declaration.startswith("BT_"):
        return Column("governor", "", index, declaration.removeprefix("BT_"))
    if layer.kind == "span" and declaration.startswith("ROLE_"):
        # ROLE_<host type>:<feature>_<link type>
        return Column("role", declaration.split("_")[1].partition(":")[2], index)
    if layer.kind == "span" and "." in declaration:
        if not layer.columns or layer.columns[-1].kind != "role":
            raise FormatError(f"{where}: slot target column {declaration} does not follow a ROLE_ column")
        return Column("target", layer.columns[-1].feature, index, declaration)
    return Column("feature", declaration, index)


def stacked_cells(layer: Layer, fields: list[str]) -> dict[int, dict[Column, str]]:
    """The layer's cells on one line, grouped by stack position (``A[1]|B[2]``: positions 0 and 1)."""
    stacks: dict[int, dict[Column, str]] = {}
    for column in layer.columns:
        value = fields[3 + column.index]
        if value == NO_ANNOTATION:
            continue
        for position, part in enumerate(split_cell(value, "|")):
            stacks.setdefault(position, {})[column] = part
    return stacks


class TsvReader:
    """The body of one TSV file, fed line by line, then turned into a ToolDocument."""

    def __init__(self, where: str, layers: list[Layer]) -> None:
        self.where = where
        self.layers = [layer for layer in layers if not is_structure(layer.type_name)]
        self.width = 3 + sum(len(layer.columns) for layer in layers)
        self.pieces: list[str] = []  # the rebuilt text
        self.text_units = 0  # its length in UTF-16 units
        self.sentence: list[str] = []  # the #Text lines of the coming sentence, unescaped
        self.state = "between"  # between sentences, in a sentence header, or in its tokens
        self.tokens: list[tuple[Unit, str]] = []  # every unit and its token column
        self.spans: list[SpanDraft] = []
        self.by_id: dict[int, SpanDraft] = {}
        self.on_unit: dict[tuple[str, str], list[SpanDraft]] = {}  # (unit id, type) -> spans in stack order
        self.relations: list[RelationDraft] = []
        self.chains: dict[tuple[str, int], tuple[int, set[int]]] = {}  # (type, chain) -> (first line, elements)
        self.problems: list[Problem] = []

    def fail(self, line: int, why: str) -> FormatError:
        return FormatError(f"{self.where}:{line}: {why}")

    # Reading the lines

    def feed(self, number: int, line: str) -> None:
        if not line:
            if self.state == "header":
                raise self.fail(number, "blank line after a sentence header: the sentence has no tokens")
            self.state = "between"
        elif line.startswith("#") and self.state != "tokens":
            self.header_line(number, line)
            self.state = "header"
        elif self.state == "between":
            raise self.fail(number, f"expected a '#Text=' line before the tokens, found {line!r}")
        else:
            self.unit_line(number, line)
            self.state = "tokens"

    def header_line(self, number: int, line: str) -> None:
        if line.startswith("#Text="):
            try:
                self.sentence.append(unescape_text(line[len("#Text="):]) + "\n")
            except ValueError as exc:
                raise self.fail(number, f"unreadable escape in the text: {exc}") from exc
        elif not line.startswith("#Sentence.id="):
            self.problems.append(Problem(f"{self.where}:{number}", line, "sentence header line not understood; ignored"))

    def unit_line(self, number: int, line: str) -> None:
        fields = line.split("\t")
        if len(fields) < self.width or any(fields[self.width:]):
            raise self.fail(number, f"{len(fields)} columns where the header declares {self.width}: {line!r}")
        offsets = UNIT_OFFSETS.fullmatch(fields[1])
        if not UNIT_ID.fullmatch(fields[0]) or not offsets:
            raise self.fail(number, f"not a token line (sentence-token, begin-end, token, ...): {line!r}")
        unit = Unit(fields[0], int(offsets.group(1)), int(offsets.group(2)), number)
        if unit.begin > unit.end:
            raise self.fail(number, f"the token ends ({unit.end}) before it begins ({unit.begin})")
        if self.state == "header":
            if "." in unit.id:
                raise self.fail(number, f"sub-token {unit.id} before the first token of its sentence")
            self.start_sentence(unit)
        self.tokens.append((unit, unescape_value(fields[2])))
        for layer in self.layers:
            for cells in stacked_cells(layer, fields).values():
                if layer.kind == "chain":
                    self.chain_cells(layer, unit, cells)
                elif layer.kind == "relation":
                    self.relation(layer, unit, cells)
                else:
                    self.span_cells(layer, unit, cells)

    def start_sentence(self, unit: Unit) -> None:
        """Put the sentence's text at its first token, as INCEpTION does."""
        if self.text_units > unit.begin:
            if self.text_units != unit.begin + 1:
                raise self.fail(
                    unit.line,
                    f"the sentence begins at offset {unit.begin}, inside the text before it "
                    f"({self.text_units - 1} UTF-16 units): offsets must grow through the file",
                )
            self.pieces[-1] = self.pieces[-1][:-1]  # the sentences touch: no line break between them
            self.text_units -= 1
        text = " " * (unit.begin - self.text_units) + "".join(self.sentence)
        self.pieces.append(text)
        self.text_units += utf16_length(text)
        self.sentence = []

    def span_cells(self, layer: Layer, unit: Unit, cells: dict[Column, str]) -> None:
        ids = (strip_id(value)[1] for column, value in cells.items() if column.kind != "target")
        ident = next((int(i) for i in ids if i and i.isdigit()), 0)
        span = self.by_id.get(ident)
        if span is None:
            span = SpanDraft(layer, unit.line, unit.begin, unit.end)
            self.spans.append(span)
            if ident:
                self.by_id[ident] = span
        elif span.layer is not layer:
            raise self.fail(unit.line, f"[{ident}] already names a {span.layer.type_name} annotation")
        span.end = unit.end  # INCEpTION extends a named annotation to the end of its last unit
        self.on_unit.setdefault((unit.id, layer.type_name), []).append(span)
        for column, value in cells.items():
            if column.kind == "feature":
                text = strip_id(value)[0]
                span.values.setdefault(column.feature, None if text == NOT_SET else unescape_value(text))
            elif column.kind == "role":
                roles = split_cell(strip_id(value)[0], ";")
                span.roles.setdefault(column.feature, [None if role == NOT_SET else unescape_value(role) for role in roles])
            elif column.kind == "target":
                span.targets.setdefault(column.feature, split_cell(value, ";"))

    def relation(self, layer: Layer, unit: Unit, cells: dict[Column, str]) -> None:
        values: dict[str, str | None] = {}
        references = None
        for column, value in cells.items():
            text, ident = strip_id(value)
            if column.kind == "governor":
                governor_id, _, dependent_id = (ident or "0_0").partition("_")
                if not (UNIT_ID.fullmatch(text) and governor_id.isdigit() and dependent_id.isdigit()):
                    raise self.fail(unit.line, f"not a governor reference (sentence-token[id_id]): {value!r}")
                references = (text, int(governor_id)), (unit.id, int(dependent_id))
            elif column.kind == "feature":
                values[column.feature] = None if text == NOT_SET else unescape_value(text)
        if references is None:
            raise self.fail(unit.line, f"a {layer.type_name} relation without a governor")
        self.relations.append(RelationDraft(layer, unit.line, values, *references))

    def chain_cells(self, layer: Layer, unit: Unit, cells: dict[Column, str]) -> None:
        for value in cells.values():
            link = CHAIN_SUFFIX.search(value)
            if link:
                _, elements = self.chains.setdefault((layer.type_name, int(link.group(1))), (unit.line, set()))
                elements.add(int(link.group(2)))

    # Building the document

    def document(self, name: str, annotator: str | None) -> ToolDocument:
        if self.state == "header":
            raise FormatError(f"{self.where}: the last sentence header has no tokens")
        doc = ToolDocument(name=name, text="".join(self.pieces), where=self.where, annotator=annotator)
        doc.problems.extend(self.problems)
        index = Utf16Offsets(doc.text)
        self.check_tokens(doc, index)
        for number, span in enumerate(self.spans, start=1):
            span.id = f"T{number}"
            self.add_span(doc, index, span)
        labels = {span.id: span.label for span in doc.spans}
        for number, relation in enumerate(self.relations, start=1):
            self.add_relation(doc, f"R{number}", relation)
        for span in self.spans:
            if span.id in labels and any(column.kind == "role" for column in span.layer.columns):
                self.add_slots(doc, labels, span)
        for (type_name, chain), (line, elements) in sorted(self.chains.items()):
            why = f"a chain of {len(elements)} elements; chains have no place in the schema"
            doc.problems.append(Problem(f"{self.where}:{line}", f"{type_name} chain {chain}", why))
        return doc

    def code_points(self, index: Utf16Offsets, begin: int, end: int, line: int) -> tuple[int, int]:
        if end < begin:
            raise self.fail(line, f"the annotation ends ({end}) before it begins ({begin})")
        try:
            return index.code_point(begin), index.code_point(end)
        except ValueError as exc:
            raise self.fail(line, f"offsets {begin}-{end}: {exc}") from exc

    def check_tokens(self, doc: ToolDocument, index: Utf16Offsets) -> None:
        for unit, token in self.tokens:
            start, end = self.code_points(index, unit.begin, unit.end, unit.line)
            if doc.text[start:end] != token:
                why = f"the offsets cover {doc.text[start:end]!r} in the #Text lines, which are taken as the text"
                doc.problems.append(Problem(f"{self.where}:{unit.line}", f"{unit.id} {token!r}", why))

    def add_span(self, doc: ToolDocument, index: Utf16Offsets, span: SpanDraft) -> None:
        start, end = self.code_points(index, span.begin, span.end, span.line)
        where = f"{self.where}:{span.line}"
        type_name = span.layer.type_name
        if not is_known_layer(type_name):
            item = f"{type_name} {doc.text[start:end]!r}"
            doc.problems.append(Problem(where, item, "a layer with no place in the schema"))
            return
        label, attributes = label_and_attributes(type_name, span.values, span.values, named_entity=type_name == NAMED_ENTITY)
        doc.spans.append(ToolSpan(span.id, label, ((start, end),), where, attributes))

    def resolve(self, type_name: str, reference: tuple[str, int], line: int) -> SpanDraft:
        """The span a reference names: by its [id], else the first one of ``type_name`` on the unit."""
        unit_id, ident = reference
        if ident:
            if ident not in self.by_id:
                raise self.fail(line, f"[{ident}] names no annotation")
            return self.by_id[ident]
        on_unit = self.on_unit.get((unit_id, type_name))
        if not on_unit:
            raise self.fail(line, f"no {short_name(type_name)} annotation on {unit_id}")
        return on_unit[0]

    def add_relation(self, doc: ToolDocument, link_id: str, relation: RelationDraft) -> None:
        where = f"{self.where}:{relation.line}"
        type_name = relation.layer.type_name
        base = next(column.refers_to for column in relation.layer.columns if column.kind == "governor")
        label, attributes = label_and_attributes(type_name, relation.values, relation.values, named_entity=False)
        if not (is_known_layer(type_name) and is_known_layer(base)):
            item = f"{type_name} {label} {relation.governor[0]} -> {relation.dependent[0]}"
            doc.problems.append(Problem(where, item, f"a relation over {base}, which has no place in the schema"))
            return
        governor = self.resolve(base, relation.governor, relation.line)
        dependent = self.resolve(base, relation.dependent, relation.line)
        arguments = (("Governor", governor.id), ("Dependent", dependent.id))
        doc.links.append(ToolLink(link_id, label, None, arguments, where, attributes))

    def target_reference(self, target: str, line: int) -> tuple[str, int]:
        unit_id, ident = strip_id(target)
        if not UNIT_ID.fullmatch(unit_id) or (ident is not None and not ident.isdigit()):
            raise self.fail(line, f"not a slot target (sentence-token[id]): {target!r}")
        return unit_id, int(ident or 0)

    def add_slots(self, doc: ToolDocument, labels: dict[str, str], span: SpanDraft) -> None:
        """The span with slot features becomes the trigger of a link with its filled slots as arguments."""
        where = f"{self.where}:{span.line}"
        arguments = []
        for column in span.layer.columns:
            if column.kind != "target":
                continue
            roles, targets = span.roles.get(column.feature, []), span.targets.get(column.feature, [])
            if len(roles) != len(targets):
                raise self.fail(span.line, f"{len(targets)} slot targets for {len(roles)} roles in {column.feature}")
            for role, target in zip(roles, targets):
                item = f"{span.id} {column.feature}: {role} -> {target}"
                if target in (NOT_SET, NO_ANNOTATION) or not role:
                    doc.problems.append(Problem(where, item, "a slot without a role or without a target"))
                elif not is_known_layer(column.refers_to):
                    why = f"a slot filled by {column.refers_to}, which has no place in the schema"
                    doc.problems.append(Problem(where, item, why))
                else:
                    filler = self.resolve(column.refers_to, self.target_reference(target, span.line), span.line)
                    arguments.append((role, filler.id))
        doc.links.append(ToolLink(span.id, labels[span.id], span.id, tuple(arguments), where))


def read_tsv(data: bytes, where: str, name: str, annotator: str | None) -> ToolDocument:
    """One WebAnno TSV file (its bytes) as a ToolDocument; FormatError naming ``where`` and the line."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{where}: not UTF-8 text: {exc}") from exc
    # Split at line feeds only: str.splitlines would also split at characters a token may hold (U+2028, ...).
    lines = [line.removesuffix("\r") for line in content.split("\n")]
    layers, header_end = parse_schema(lines, where)
    reader = TsvReader(where, layers)
    for number, line in enumerate(lines[header_end:], start=header_end + 1):
        reader.feed(number, line)
    return reader.document(name, annotator)
