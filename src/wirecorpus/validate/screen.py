"""The screen: a fast test, in bulk, that a batch of files has nothing to report.

Nearly every file of a large corpus is clean. The screen parses a batch of
article records and annotation files with Arrow's JSON reader against the
record types of :mod:`wirecorpus.schema` (strictly: an unknown field, a
repeated field or a value of the wrong type fails the parse) and checks the
batch as arrays: levels 1 to 3 (the corpus checks of level 4 are the calling
process's). It answers only "clean" or "not sure"; it never makes a finding. A
batch it is not sure of goes to the level-by-level checks, which alone say what
is wrong, so every message is theirs.

Arrow reads a missing key as null, like an explicit null. That is harmless for a
field that must be present and not null (any null fails the screen) and for one
that may be left out or null. Where the two differ, a field that must be present
but may be null (``cue``, ``speaker``, ``dateline``) or one that may be left out
but not be null (``components``, the layers), and the batch has nulls in it, the
screen counts the field's keys in the raw bytes.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import layout, schema
from .annotations import ID_PREFIXES, LAYER_SPANS, check_identity
from .articles import check_article
from .registry import Collector
from .shapes import is_iso_date

@dataclass(frozen=True)
class ScreenedArticles:
    """The articles of a batch that passed the screen: ids, paths, texts and text hashes, by row."""

    ids: list[str]
    paths: list[str]
    texts: list[str]
    hashes: list[str]


@dataclass(frozen=True)
class Batch:
    """Files of one kind, parsed: their paths (relative), bytes and table; for annotation files, each one's article row."""

    paths: list[str]
    contents: list[bytes]
    table: pa.Table
    article_rows: list[int] | None = None


def screen_batch(articles: Batch, annotations: list[Batch], inventory: schema.Inventory) -> ScreenedArticles | None:
    """The articles of a batch of files that has nothing to report up to level 3; None when the screen is not sure."""
    screened = screen_articles(articles.table, articles.paths, articles.contents, inventory)
    if screened is None:
        return None
    for batch in annotations:
        if not screen_annotations(batch.table, batch.paths, batch.contents, batch.article_rows, screened, inventory):
            return None
    return screened


def screen_articles(table: pa.Table, paths: list[str], contents: list[bytes], inventory: schema.Inventory) -> ScreenedArticles | None:
    """Article records with nothing to report up to level 3; else None."""
    if not _files_pass(table, contents, schema.Article, inventory):
        return None
    columns = {name: table.column(name).to_pylist() for name in ("id", "source", "date", "text", "text_sha256")}
    hashes = [layout.text_sha256(text) for text in columns["text"]]
    for row, path in enumerate(paths):
        data = {name: values[row] for name, values in columns.items()}
        found = Collector(path)
        if not is_iso_date(data["date"]):
            return None
        check_article(data, path, hashes[row], found)
        if found.pending:
            return None
    return ScreenedArticles(columns["id"], list(paths), columns["text"], hashes)


def screen_annotations(table: pa.Table, paths: list[str], contents: list[bytes], article_rows: list[int], articles: ScreenedArticles, inventory: schema.Inventory) -> bool:
    """Whether annotation files have nothing to report; ``article_rows`` gives each file's article in ``articles``."""
    if not _files_pass(table, contents, schema.AnnotationFile, inventory):
        return False
    if table.num_rows == 0:
        return True
    versions = pa.array(sorted(inventory.compatible_versions))
    if not pc.all(pc.is_in(table.column("schema_version"), value_set=versions)).as_py() or not _layers_pass(table):
        return False
    if not _identity_passes(table, paths, article_rows, articles):
        return False
    layers = {layer: _records(table.column(layer)) for layer in ID_PREFIXES}
    article_of_file = np.asarray(article_rows, dtype=np.int64)
    return (
        _ids_pass(layers)
        and _references_pass(layers, inventory)
        and _spans_pass(layers, article_of_file, articles.texts)
    )


_SPACE = re.compile(r"\s")


# --------------------------------------------------------------------------
# Levels 1 and 2.


def _files_pass(table: pa.Table, contents: list[bytes], record: type, inventory: schema.Inventory) -> bool:
    """Every file is UTF-8 in NFC, gives one row, and its rows have the fields, types and values of ``record``."""
    if table.num_rows != len(contents):
        return False
    for raw in contents:
        if raw.startswith(codecs.BOM_UTF8) or not raw.strip():
            return False
        try:
            if not unicodedata.is_normalized("NFC", raw.decode("utf-8")):
                return False
        except UnicodeDecodeError:
            return False
    if not table.num_rows:
        return True
    keys = _KeyCounts()
    rows = pa.StructArray.from_arrays([column.combine_chunks() for column in table.columns], names=table.column_names)
    if not _records_pass(rows, record, inventory, keys) or keys.needed & keys.uncountable:
        return False
    data = b"\n".join(contents) if keys.needed else b""
    return all(data.count(b'"%s":' % name.encode()) == keys.expected[name] for name in keys.needed)


@dataclass
class _KeyCounts:
    """How often each field's key must occur in the files, for telling a missing key from a null."""

    expected: dict[str, int] = field(default_factory=dict)
    needed: set[str] = field(default_factory=set)  # fields with nulls, some of which may be missing keys
    uncountable: set[str] = field(default_factory=set)  # fields that may be null or left out alike

    def add(self, spec: schema.FieldSpec, records: int, present: int) -> None:
        if spec.optional and spec.nullable:
            self.uncountable.add(spec.name)
            return
        self.expected[spec.name] = self.expected.get(spec.name, 0) + (present if spec.optional else records)
        if present < records:
            self.needed.add(spec.name)


def _records_pass(records: pa.StructArray, record: type, inventory: schema.Inventory, keys: _KeyCounts) -> bool:
    """Records (none null) have no null where the schema forbids one, and only inventory values."""
    for spec in schema.field_specs(record):
        values = records.field(spec.name)
        keys.add(spec, len(records), len(values) - values.null_count)
        if values.null_count:
            if not (spec.nullable or spec.optional):
                return False
            values = values.filter(values.is_valid())
        if spec.kind == "record" and not _records_pass(values, spec.record, inventory, keys):
            return False
        if spec.kind == "list":
            items = values.flatten()
            if items.null_count or (spec.record is not None and not _records_pass(items, spec.record, inventory, keys)):
                return False
        named = values.flatten() if spec.kind == "list" else values
        if spec.inventory and not pc.all(pc.is_in(named, value_set=pa.array(sorted(inventory.values(spec.inventory)))), min_count=0).as_py():
            return False
    return True


# --------------------------------------------------------------------------
# Level 3: identity, ids and references, spans.


def _layers_pass(table: pa.Table) -> bool:
    """Listed layers are named once each, at least one, and a layer not listed is empty (no list: all three)."""
    listed = table.column("layers").combine_chunks()
    present = listed.is_valid().to_numpy(zero_copy_only=False)
    if not np.all(pc.list_value_length(listed).to_numpy(zero_copy_only=False)[present] > 0):
        return False
    codes = pc.index_in(listed.flatten(), value_set=pa.array(schema.LAYERS)).to_numpy()
    keys = pc.list_parent_indices(listed).to_numpy() * len(schema.LAYERS) + codes
    if len(np.unique(keys)) < len(keys):
        return False
    covered = np.ones((len(listed), len(schema.LAYERS)), dtype=bool)
    covered[present] = False
    covered[keys // len(schema.LAYERS), keys % len(schema.LAYERS)] = True
    for index, layer in enumerate(schema.LAYERS):
        filled = pc.list_value_length(table.column(layer).combine_chunks()).to_numpy(zero_copy_only=False) > 0
        if np.any(filled & ~covered[:, index]):
            return False
    return True


def _identity_passes(table: pa.Table, paths: list[str], article_rows: list[int], articles: ScreenedArticles) -> bool:
    """Each file lies where its annotator and article say, names its article and was made on its text."""
    annotator = table.column("annotator").combine_chunks()
    kinds, names, versions = (annotator.field(name).to_pylist() for name in ("kind", "name", "version"))
    article_ids, hashes = table.column("article").to_pylist(), table.column("text_sha256").to_pylist()
    for row, path in enumerate(paths):
        article = article_rows[row]
        if article_ids[row] != articles.ids[article] or hashes[row] != articles.hashes[article]:
            return False
        found = Collector(path)
        data = {"article": article_ids[row], "annotator": {"kind": kinds[row], "name": names[row], "version": versions[row]}}
        check_identity(data, path, found)
        if found.pending:
            return False
    return True


@dataclass(frozen=True)
class _Records:
    """One layer's records of a batch, flattened, with the file (row) each belongs to."""

    records: pa.StructArray
    file: np.ndarray


def _records(column: pa.ChunkedArray) -> _Records:
    lists = column.combine_chunks()
    return _Records(lists.flatten(), pc.list_parent_indices(lists).to_numpy())


def _keyed(file: np.ndarray, values: pa.Array, dictionary: pa.Array) -> np.ndarray | None:
    """Each value as a number unique to it and its file; None if a value is not in ``dictionary``."""
    codes = pc.index_in(values, value_set=dictionary)
    if codes.null_count:
        return None
    return file.astype(np.int64) * len(dictionary) + codes.to_numpy()


def _ids_pass(layers: dict[str, _Records]) -> bool:
    """Ids are unique across a file and start with their layer's letter."""
    for layer, prefix in ID_PREFIXES.items():
        if not pc.all(pc.starts_with(layers[layer].records.field("id"), prefix), min_count=0).as_py():
            return False
    files = np.concatenate([layers[layer].file for layer in ID_PREFIXES])
    ids = pa.concat_arrays([layers[layer].records.field("id") for layer in ID_PREFIXES])
    keys = np.sort(_keyed(files, ids, pc.unique(ids)))
    return bool((keys[1:] != keys[:-1]).all())


def _references_pass(layers: dict[str, _Records], inventory: schema.Inventory) -> bool:
    """Speakers and arguments are entities of their file; roles are allowed for their event type."""
    entities, quotes, events = layers["entities"], layers["quotes"], layers["events"]
    entity_ids = entities.records.field("id")
    dictionary = pc.unique(entity_ids)
    entity_keys = _keyed(entities.file, entity_ids, dictionary)
    speakers = quotes.records.field("speaker")
    named = speakers.is_valid().to_numpy(zero_copy_only=False)
    arguments = events.records.field("arguments")
    event_of_argument = pc.list_parent_indices(arguments).to_numpy()
    flat = arguments.flatten()
    for files, references in ((quotes.file[named], speakers.filter(named)), (events.file[event_of_argument], flat.field("entity"))):
        keys = _keyed(files, references, dictionary)
        if keys is None or not np.isin(keys, entity_keys).all():
            return False
    kinds = sorted(inventory.event_roles)
    roles = sorted(inventory.roles)
    allowed = np.array([kinds.index(kind) * len(roles) + roles.index(role) for kind, kind_roles in inventory.event_roles.items() for role in kind_roles])
    kind_codes = pc.index_in(events.records.field("type"), value_set=pa.array(kinds)).to_numpy()[event_of_argument]
    role_codes = pc.index_in(flat.field("role"), value_set=pa.array(roles)).to_numpy(zero_copy_only=False)
    return bool(np.isin(kind_codes * len(roles) + role_codes, allowed).all())


def _spans_pass(layers: dict[str, _Records], article_of_file: np.ndarray, texts: list[str]) -> bool:
    """Every span lies in its text, covers the text it says, has no outer whitespace; entities do not overlap."""
    spans = []
    for layer, (is_span, span_fields) in LAYER_SPANS.items():
        found = layers[layer]
        if is_span:
            spans.append((found.records, found.file))
        for name in span_fields:
            span = found.records.field(name)
            present = span.is_valid().to_numpy(zero_copy_only=False)
            spans.append((span.filter(present), found.file[present]))
    starts = np.concatenate([s.field("start").to_numpy() for s, _ in spans]).astype(np.int64)
    ends = np.concatenate([s.field("end").to_numpy() for s, _ in spans]).astype(np.int64)
    covered = pa.concat_arrays([s.field("text") for s, _ in spans])
    article = article_of_file[np.concatenate([file for _, file in spans])]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    if not (np.all(starts >= 0) and np.all(starts < ends) and np.all(ends <= lengths[article])):
        return False
    widths = pc.utf8_length(covered).to_numpy().astype(np.int64)
    if not np.array_equal(widths, ends - starts):
        return False
    text_points = _code_points("".join(texts))
    span_points = _code_points(_joined(covered))
    text_base = np.cumsum(lengths) - lengths
    span_base = np.cumsum(widths) - widths
    gather = np.repeat(text_base[article] + starts - span_base, widths) + np.arange(len(span_points))
    if not np.array_equal(text_points[gather], span_points):
        return False
    edges = np.concatenate((span_points[span_base], span_points[span_base + widths - 1]))
    if _has_space(edges):
        return False
    entities = layers["entities"]
    return _no_overlap(entities.records, entities.file, int(lengths.max()) + 1)


def _no_overlap(entities: pa.StructArray, file: np.ndarray, bound: int) -> bool:
    # Each file's spans moved to a stretch of its own, so one running maximum serves all files.
    starts = file * bound + entities.field("start").to_numpy()
    ends = file * bound + entities.field("end").to_numpy()
    order = np.lexsort((ends, starts))
    reach = np.maximum.accumulate(ends[order])
    return bool(np.all(starts[order][1:] >= reach[:-1]))


def _joined(strings: pa.Array) -> str:
    return pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(strings)], pa.int32()), strings), "")[0].as_py() or ""


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _has_space(points: np.ndarray) -> bool:
    """Whether any of these code points is one that ``str.strip`` removes (``\\s`` of ``re`` is that set)."""
    try:
        return _SPACE.search(points.astype("<u4").tobytes().decode("utf-32-le")) is not None
    except UnicodeDecodeError:  # not characters at all (surrogates): no clean span holds them
        return True
