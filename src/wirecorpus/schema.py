"""The wirecorpus schema: the one source of truth for every record.

The record types below are plain dataclasses. Everything else derives from
them by walking their fields: the L2 checks of the validator
(:func:`field_specs`), the Arrow schema and the ``datasets`` features of the
release (:func:`arrow_schema`, :func:`features`) and so the ``dataset_info``
of the dataset card. Label, type and role inventories are data, kept in
``annotations/schema.json`` and read by :class:`Inventory`. The token-level
``ner`` config is made of sentences, not records: its columns are
:data:`NER_ROW_FIELDS`.

Offsets are Python string indices (code points) into an article's ``text``,
0-based and end-exclusive; every span also stores the text it covers.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .errors import SchemaError
from .layout import SCHEMA_PATH, check_annotator_kinds


# Field metadata keys: which inventory a string value must come from, and
# whether a field may be left out of a JSON file (it then takes its default).
INVENTORY = "inventory"
OPTIONAL = "optional"


def _inventory(name: str) -> dict[str, Any]:
    return {INVENTORY: name}


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of article text: ``text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A named-entity mention with an OntoNotes label."""

    id: str
    start: int
    end: int
    text: str
    label: str = field(metadata=_inventory("entity_labels"))

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct, indirect or mixed quote: what was said, the cue, who said it."""

    id: str
    kind: str = field(metadata=_inventory("quote_kinds"))
    content: Span
    cue: Span | None
    speaker: str | None
    speaker_span: Span | None = field(default=None, metadata={OPTIONAL: True})


@dataclass(frozen=True, slots=True)
class Argument:
    """An event participant: a role filled by an entity mention (by id)."""

    role: str = field(metadata=_inventory("roles"))
    entity: str


@dataclass(frozen=True, slots=True)
class Event:
    """An event mention: its trigger, type and arguments."""

    id: str
    type: str = field(metadata=_inventory("event_types"))
    trigger: Span
    arguments: list[Argument]


@dataclass(frozen=True, slots=True)
class Annotator:
    """Who made an annotation set, and for a model, with what."""

    kind: str = field(metadata=_inventory("annotator_kinds"))
    name: str
    version: str | None = field(default=None, metadata={OPTIONAL: True})
    spacy_version: str | None = field(default=None, metadata={OPTIONAL: True})
    components: list[str] = field(default_factory=list, metadata={OPTIONAL: True})
    wirecorpus_version: str | None = field(default=None, metadata={OPTIONAL: True})


LAYERS = ("entities", "quotes", "events")


def all_layers() -> list[str]:
    return list(LAYERS)


@dataclass(frozen=True, slots=True)
class AnnotationFile:
    """One annotation set's layers over one article (one JSON file).

    ``layers`` names the layers the set covers (schema 1.1); left out, it is all
    three. A layer it does not cover is empty, and says nothing about the article.
    """

    article: str
    text_sha256: str
    annotator: Annotator
    schema_version: str
    layers: list[str] = field(default_factory=all_layers, metadata={OPTIONAL: True, INVENTORY: "layer_names"})
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Dateline:
    """Where and by whom an article was filed; either part may be unknown."""

    place: str | None = None
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A canonical article record (``corpus/<source>/<YYYY>/<id>.json``)."""

    id: str
    source: str
    date: datetime.date
    dateline: Dateline | None
    text: str
    text_sha256: str
    origin: str
    lang: str
    license: str


# The article fields that every row of every config carries.
ARTICLE_ROW_FIELDS = ("id", "source", "date", "dateline", "text")


@dataclass(frozen=True, slots=True)
class GoldMark:
    """What a ``hand`` row says beyond its file: whether its set is the article's gold set
    (``annotations/gold.json``). No file holds it; the build makes it."""

    gold: bool = False


# Columns of a config's rows that no file holds (after the file's fields), by config.
ROW_ONLY = {"hand": GoldMark}


# --------------------------------------------------------------------------
# Field specs: the dataclasses seen as a tree of typed fields.


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record type, resolved from its type hint."""

    name: str
    kind: str  # "string" | "int" | "bool" | "date" | "record" | "list"
    nullable: bool = False
    optional: bool = False
    inventory: str | None = None
    record: type | None = None  # for "record", and "list" of records
    item_kind: str | None = None  # for "list": "string" or "record"
    default: Any = None  # what an optional field left out of a file stands for


_SCALAR_KINDS = {str: "string", int: "int", bool: "bool", datetime.date: "date"}


def _strip_none(hint: Any) -> tuple[Any, bool]:
    """``X | None`` -> (X, True); anything else -> (hint, False)."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {hint!r}")
        return args[0], True
    return hint, False


@functools.cache
def field_specs(record: type) -> tuple[FieldSpec, ...]:
    """The fields of a record type, in declaration order (resolved once per type)."""
    hints = typing.get_type_hints(record)
    return tuple(_resolve(f, hints[f.name]) for f in dataclasses.fields(record))


def _default(fld: dataclasses.Field) -> Any:
    if fld.default_factory is not dataclasses.MISSING:
        return fld.default_factory()
    return None if fld.default is dataclasses.MISSING else fld.default


def _resolve(fld: dataclasses.Field, hint: Any) -> FieldSpec:
    base, nullable = _strip_none(hint)
    common = dict(
        name=fld.name,
        nullable=nullable,
        optional=bool(fld.metadata.get(OPTIONAL)),
        inventory=fld.metadata.get(INVENTORY),
        default=_default(fld),
    )
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base)
        if dataclasses.is_dataclass(item):
            return FieldSpec(kind="list", item_kind="record", record=item, **common)
        return FieldSpec(kind="list", item_kind=_SCALAR_KINDS[item], **common)
    if dataclasses.is_dataclass(base):
        return FieldSpec(kind="record", record=base, **common)
    return FieldSpec(kind=_SCALAR_KINDS[base], **common)


# --------------------------------------------------------------------------
# Records from and to JSON-shaped dicts (already checked by the validator).


def from_dict(record: type, data: dict[str, Any]) -> Any:
    """Build a record from its JSON form; nested records are built too."""
    values = {}
    for spec in field_specs(record):
        if spec.name not in data:
            continue
        values[spec.name] = _value_from_json(spec, data[spec.name])
    return record(**values)


def _value_from_json(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if spec.kind == "record":
        return from_dict(spec.record, value)
    if spec.kind == "list" and spec.item_kind == "record":
        return [from_dict(spec.record, item) for item in value]
    if spec.kind == "list":
        return list(value)
    if spec.kind == "date":
        return datetime.date.fromisoformat(value)
    return value


def to_dict(record: Any) -> dict[str, Any]:
    """The JSON form of a record; optional fields left at their default (or empty) are omitted."""
    out: dict[str, Any] = {}
    for spec in field_specs(type(record)):
        value = getattr(record, spec.name)
        if spec.optional and value == spec.default:
            continue
        out[spec.name] = _value_to_json(spec, value)
    return out


def _value_to_json(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if spec.kind == "record":
        return to_dict(value)
    if spec.kind == "list" and spec.item_kind == "record":
        return [to_dict(item) for item in value]
    if spec.kind == "list":
        return list(value)
    if spec.kind == "date":
        return value.isoformat()
    return value


def dumps(record: Any) -> str:
    """Canonical file text of a record: 2-space JSON, UTF-8 as is, final newline."""
    return json.dumps(to_dict(record), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------
# Release rows, Arrow schema and datasets features.


# The token-level config is not a record of the repository: one row per sentence of an
# article (made by wirecorpus.ner), its columns listed here. ``ner_tags`` holds tag ids, a
# ClassLabel list whose names are annotations/ner_tags.json; Arrow stores a ClassLabel as int64.
NER_CONFIG = "ner"
TAG = "tag"  # the item kind of a list of ClassLabel ids
NER_ROW_FIELDS = (
    FieldSpec("id", "string"),  # <article id>-<sentence number, from 1>
    FieldSpec("article", "string"),
    FieldSpec("tokens", "list", item_kind="string"),
    FieldSpec("ner_tags", "list", item_kind=TAG),
    FieldSpec("token_starts", "list", item_kind="int"),  # offsets into the article text, like every span's
    FieldSpec("token_ends", "list", item_kind="int"),
    FieldSpec("annotator", "string"),  # the name of the hand set the tags come from
)


def row_fields(config: str) -> tuple[tuple[str, FieldSpec], ...]:
    """The columns of a config's rows, each with the spec it comes from."""
    if config == NER_CONFIG:
        return tuple((spec.name, spec) for spec in NER_ROW_FIELDS)
    article = {s.name: s for s in field_specs(Article)}
    columns = [(name, article[name]) for name in ARTICLE_ROW_FIELDS]
    if config != "articles":
        annotation = {s.name: s for s in field_specs(AnnotationFile)}
        columns += [(name, annotation[name]) for name in ("annotator", "layers", *LAYERS)]
    columns += [(spec.name, spec) for spec in row_only_fields(config)]
    return tuple(columns)


def row_only_fields(config: str) -> tuple[FieldSpec, ...]:
    """The columns of a config's rows that no file holds (:data:`ROW_ONLY`)."""
    return field_specs(ROW_ONLY[config]) if config in ROW_ONLY else ()


# The configs of the stand-off records: articles, then one per annotator kind.
RECORD_CONFIGS = ("articles", "hand", "model")
CONFIGS = (*RECORD_CONFIGS, NER_CONFIG)


def arrow_schema(config: str):
    """The pyarrow schema of a config's Parquet files."""
    import pyarrow as pa

    return pa.schema([pa.field(name, arrow_type(spec), nullable=True) for name, spec in row_fields(config)])


def arrow_type(spec: FieldSpec):
    """The pyarrow type of one field (also used to parse the JSON files)."""
    import pyarrow as pa

    scalar = {"string": pa.string(), "int": pa.int32(), "bool": pa.bool_(), "date": pa.date32(), TAG: pa.int64()}
    if spec.kind == "record":
        return _arrow_struct(spec.record)
    if spec.kind == "list":
        item = _arrow_struct(spec.record) if spec.item_kind == "record" else scalar[spec.item_kind]
        return pa.list_(item)
    return scalar[spec.kind]


def _arrow_struct(record: type):
    import pyarrow as pa

    return pa.struct([pa.field(s.name, arrow_type(s)) for s in field_specs(record)])


def features(config: str, *, ner_tags: Sequence[str] | None = None):
    """The ``datasets.Features`` of a config (lists of records are ``List``).

    The ``ner`` config's need ``ner_tags``, the names of its ClassLabel (``wirecorpus.ner.read_tags``).
    """
    import datasets

    if config == NER_CONFIG and ner_tags is None:
        raise ValueError("the features of the ner config need its tags (wirecorpus.ner.read_tags)")
    return datasets.Features({name: _feature(spec, ner_tags) for name, spec in row_fields(config)})


def _feature(spec: FieldSpec, ner_tags: Sequence[str] | None = None):
    import datasets

    scalar = {"string": "string", "int": "int32", "bool": "bool", "date": "date32"}
    if spec.kind == "record":
        return _feature_struct(spec.record)
    if spec.kind == "list" and spec.item_kind == TAG:
        return datasets.List(datasets.ClassLabel(names=list(ner_tags)))
    if spec.kind == "list":
        item = _feature_struct(spec.record) if spec.item_kind == "record" else datasets.Value(scalar[spec.item_kind])
        return datasets.List(item)
    return datasets.Value(scalar[spec.kind])


def _feature_struct(record: type) -> dict[str, Any]:
    return {s.name: _feature(s) for s in field_specs(record)}


def to_row(config: str, article: Article, annotation: AnnotationFile | None = None, *, gold: bool = False) -> dict[str, Any]:
    """One row of a record config as Python values matching :func:`arrow_schema`; ``gold``: the hand set is the article's gold."""
    row_only = {spec.name for spec in row_only_fields(config)}
    row = {}
    for name, spec in row_fields(config):
        source = article if name in ARTICLE_ROW_FIELDS else GoldMark(gold) if name in row_only else annotation
        row[name] = _row_value(spec, getattr(source, name))
    return row


def _row_value(spec: FieldSpec, value: Any) -> Any:
    """Like the JSON form, but dates stay dates and every struct field is present."""
    if value is None:
        return None
    if spec.kind == "record":
        return {s.name: _row_value(s, getattr(value, s.name)) for s in field_specs(spec.record)}
    if spec.kind == "list" and spec.item_kind == "record":
        return [{s.name: _row_value(s, getattr(item, s.name)) for s in field_specs(spec.record)} for item in value]
    if spec.kind == "list":
        return list(value)
    return value


# --------------------------------------------------------------------------
# Inventories (data, in annotations/schema.json).


@dataclass(frozen=True)
class Inventory:
    """The label, kind, type and role inventories of one schema version."""

    schema_version: str
    entity_labels: frozenset[str]
    quote_kinds: frozenset[str]
    annotator_kinds: frozenset[str]
    event_roles: dict[str, tuple[str, ...]]
    event_sources: dict[str, str]
    descriptions: dict[str, dict[str, str]]

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self.event_roles)

    @property
    def layer_names(self) -> frozenset[str]:
        return frozenset(LAYERS)

    @property
    def compatible_versions(self) -> frozenset[str]:
        """The schema versions a file may declare: this one and the earlier minor versions of its major version."""
        major, _, minor = self.schema_version.partition(".")
        if not minor.isdigit():
            return frozenset({self.schema_version})
        return frozenset(f"{major}.{m}" for m in range(int(minor) + 1))

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for roles in self.event_roles.values() for r in roles)

    def values(self, name: str) -> frozenset[str]:
        """The allowed values of the inventory a field names in its metadata."""
        return getattr(self, name)

    @classmethod
    def load(cls, root: Path) -> Inventory:
        """Read ``annotations/schema.json`` under a repository root."""
        path = Path(root) / SCHEMA_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls.from_json(data)
        except FileNotFoundError:
            raise SchemaError(f"{SCHEMA_PATH}: the schema file is missing; is {root} a wirecorpus repository?") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise SchemaError(f"{SCHEMA_PATH}: not a valid schema file: {exc}") from None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inventory:
        entity = {e["label"]: e["description"] for e in data["entity_labels"]}
        quote = {q["kind"]: q["description"] for q in data["quote_kinds"]}
        annot = {a["kind"]: a["description"] for a in data["annotator_kinds"]}
        check_annotator_kinds(annot)
        events = {e["type"]: e for e in data["event_types"]}
        return cls(
            schema_version=str(data["schema_version"]),
            entity_labels=frozenset(entity),
            quote_kinds=frozenset(quote),
            annotator_kinds=frozenset(annot),
            event_roles={t: tuple(e["roles"]) for t, e in events.items()},
            event_sources={t: e["source"] for t, e in events.items()},
            descriptions={
                "entity_labels": entity,
                "quote_kinds": quote,
                "annotator_kinds": annot,
                "event_types": {t: e["description"] for t, e in events.items()},
            },
        )
