"""Release rows as Arrow tables, read straight from the repository's files.

The statistics walk the corpus through :func:`iter_chunks`, the build through
its steps (:func:`chunk_work`, :func:`chunk_paths`, :func:`read_files`, :func:`parse_chunk`,
:func:`chunk_columns`, :func:`assemble_chunk`) in worker processes: split by
split, a chunk of articles (sorted by id) at a time, each chunk giving one
table per config. Rows of ``hand`` and ``model`` are ordered by article id,
then annotation set name. A ``hand`` row's ``gold`` column, which no file
holds, says whether ``annotations/gold.json`` names its set for its article.

Files are parsed whole by Arrow's JSON reader against their record types
(:func:`parse_records`), which is many times faster than ``json.loads`` plus
records, and strict, so the validator's screen checks the very same tables.
The files are the validator's business: a file Arrow cannot read is named,
with a pointer to ``wirecorpus validate``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from . import gold, layout, schema, splits
from .article_ids import ArticleIds, byte_array, encoded
from .errors import RepositoryError

ARTICLE_CONFIG = "articles"
ANNOTATION_CONFIGS = tuple(c for c in schema.RECORD_CONFIGS if c != ARTICLE_CONFIG)  # named after annotator kinds
# Article fields outside the rows that the statistics and the dataset card report.
ARTICLE_META_FIELDS = ("lang", "license")
CHUNK_ARTICLES = 2000
# Fixed so that the chunk layout of parsed tables, and so every output byte, is reproducible.
JSON_BLOCK_BYTES = 1 << 22
READ_BLOCK_BYTES = 1 << 16  # more than most files hold, so a file takes one read and one at its end


@dataclass(frozen=True)
class ArticleRecords:
    """Where each article record is: its id (sorted) and, beside it, the index of its folder."""

    ids: ArticleIds
    folder_of: np.ndarray  # int32, one per id
    folders: list[str]

    @classmethod
    def list(cls, root: Path) -> ArticleRecords:
        """The records in the layout, from the file names alone; a later path wins an id found twice."""
        listed = [(folder, byte_array([encoded(name[: -len(".json")]) for name in names]))
                  for folder, names in layout.article_record_names(root)]
        folders = sorted(folder for folder, _ in listed)
        if not listed:
            return cls(ArticleIds(np.array([], dtype="S1")), np.array([], dtype=np.int32), folders)
        rank = {folder: index for index, folder in enumerate(folders)}
        ids = np.concatenate([found for _, found in listed])
        folder_of = np.concatenate([np.full(len(found), rank[folder], dtype=np.int32) for folder, found in listed])
        order = np.lexsort((folder_of, ids))
        ids, folder_of = ids[order], folder_of[order]
        last = np.append(ids[1:] != ids[:-1], True)
        return cls(ArticleIds(ids[last]), folder_of[last], folders)

    def paths(self, article_ids: list[str]) -> list[str]:
        """The record of each article (every one of them in the listing)."""
        folders = self.folder_of[self.ids.positions(article_ids)]
        return [f"{self.folders[folder]}{os.sep}{article}.json" for folder, article in zip(folders.tolist(), article_ids)]


@dataclass(frozen=True)
class Plan:
    """What the rows will be: article ids per split, where their files are, who annotated what.

    The ids are kept in arrays (:class:`~wirecorpus.article_ids.ArticleIds`): a plan
    of a million articles takes some 100 MB, where sets and dicts of str took 500.
    """

    root: Path
    splits: dict[str, ArticleIds]
    articles: ArticleRecords
    sets: dict[str, dict[str, ArticleIds]]  # kind -> set name -> ids of the articles it covers
    gold: dict[str, str]  # article id -> its gold hand set (annotations/gold.json)

    def annotation_paths(self, kind: str, article_ids: list[str]) -> tuple[list[int], list[str]]:
        """For each annotation row of ``kind`` over ``article_ids``: the article's index and the file."""
        indices, paths = [], []
        folders = {name: f"{layout.set_folder(self.root, kind=kind, name=name)}{os.sep}" for name in self.sets[kind]}
        covered = {name: articles.contains(article_ids).tolist() for name, articles in self.sets[kind].items()}
        for index, article in enumerate(article_ids):
            for name in self.sets[kind]:
                if covered[name][index]:
                    indices.append(index)
                    paths.append(f"{folders[name]}{article}.json")
        return indices, paths


def plan(root: Path) -> Plan:
    """List the repository's articles, splits and annotation sets (names only; nothing is parsed)."""
    root = Path(root)
    articles = ArticleRecords.list(root)
    recorded = {name: _article_ids(ids) for name, ids in splits.RecordedSplits.read(root).ids.items()}
    listed = functools.reduce(ArticleIds.union, recorded.values())
    missing = listed.difference(articles.ids)
    if missing:
        raise RepositoryError(
            f"{layout.SPLITS_PATH}: lists {len(missing)} article(s) with no file under corpus/, "
            f"e.g. {missing[0]}; run `wirecorpus validate`"
        )
    unassigned = articles.ids.difference(listed)
    if unassigned:
        raise RepositoryError(
            f"{layout.SPLITS_PATH}: {len(unassigned)} article(s) are in no split, e.g. {unassigned[0]}; "
            "run `wirecorpus validate`"
        )
    sets = {
        kind: {name: ArticleIds.in_folder(layout.set_folder(root, kind=kind, name=name)) for name in layout.annotation_sets(root, kind)}
        for kind in ANNOTATION_CONFIGS
    }
    return Plan(root, recorded, articles, sets, gold.read_gold(root))


def _article_ids(recorded: np.ndarray) -> ArticleIds:
    """A split's recorded ids as :class:`ArticleIds` (the array is of ``str`` objects when an id has no bytes form)."""
    return ArticleIds(np.unique(recorded)) if recorded.dtype.kind == "S" else ArticleIds.of(recorded.tolist())


@dataclass(frozen=True)
class Chunk:
    """The rows of every config for a run of consecutive articles of one split."""

    split: str
    tables: dict[str, pa.Table]
    article_meta: pa.Table  # ARTICLE_META_FIELDS of the chunk's articles


def iter_chunks(corpus_plan: Plan, *, chunk_articles: int = CHUNK_ARTICLES) -> Iterator[Chunk]:
    """Every split's rows, chunk by chunk; the next chunk's files are read while this one is parsed."""
    work = chunk_work(corpus_plan, chunk_articles=chunk_articles)
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(read_files, chunk_paths(corpus_plan, work[0][1])) if work else None
        for position, (split, ids) in enumerate(work):
            files = pending.result()
            if position + 1 < len(work):
                pending = reader.submit(read_files, chunk_paths(corpus_plan, work[position + 1][1]))
            yield make_chunk(split, files, parse_chunk(corpus_plan.root, files), corpus_plan.gold)


def chunk_work(corpus_plan: Plan, *, chunk_articles: int = CHUNK_ARTICLES) -> list[tuple[str, ArticleIds]]:
    """The chunks in row order: (split, article ids)."""
    return [
        (split, ids[start : start + chunk_articles])
        for split, ids in corpus_plan.splits.items()
        for start in range(0, len(ids), chunk_articles)
    ]


@dataclass(frozen=True)
class ChunkFiles:
    """The files of one kind in a chunk: for each, its article's index in the chunk, its path and its bytes."""

    indices: list[int]
    paths: list[str]
    contents: list[bytes]


ChunkPaths = dict[str, tuple[list[int], list[str]]]  # config -> each file's article index in the chunk, and its path


def chunk_paths(corpus_plan: Plan, ids: ArticleIds) -> ChunkPaths:
    """Per config, the files a chunk of articles is made of (articles, then each annotator kind)."""
    ids = list(ids)
    paths = {ARTICLE_CONFIG: (list(range(len(ids))), corpus_plan.articles.paths(ids))}
    for kind in ANNOTATION_CONFIGS:
        paths[kind] = corpus_plan.annotation_paths(kind, ids)
    return paths


def read_files(paths: ChunkPaths) -> dict[str, ChunkFiles]:
    """The bytes of a chunk's files (:func:`chunk_paths`)."""
    return {config: ChunkFiles(indices, files, [read_bytes(p) for p in files]) for config, (indices, files) in paths.items()}


def read_bytes(path: str) -> bytes:
    """A file's bytes: plain reads until the end, without the size query and buffering of ``open``."""
    handle = os.open(path, os.O_RDONLY)
    try:
        blocks = []
        while block := os.read(handle, READ_BLOCK_BYTES):
            blocks.append(block)
    finally:
        os.close(handle)
    return blocks[0] if len(blocks) == 1 else b"".join(blocks)


def parse_chunk(root: Path, files: dict[str, ChunkFiles]) -> dict[str, pa.Table]:
    """Per config, its files parsed whole, one row per file (see :func:`parse_records`)."""
    return {config: _parse_all(root, found.paths, found.contents, _RECORDS[config]) for config, found in files.items()}


def make_chunk(split: str, files: dict[str, ChunkFiles], parsed: dict[str, pa.Table], gold_sets: dict[str, str]) -> Chunk:
    """A chunk's rows from its parsed files (``gold_sets``: article id -> its gold hand set)."""
    return assemble_chunk(split, {kind: files[kind].indices for kind in ANNOTATION_CONFIGS}, chunk_columns(parsed), gold_sets)


def chunk_columns(parsed: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Per config, the columns its rows take from its files (see :func:`file_columns`)."""
    return {config: file_columns(table, config) for config, table in parsed.items()}


def assemble_chunk(split: str, indices: dict[str, list[int]], columns: dict[str, pa.Table], gold_sets: dict[str, str]) -> Chunk:
    """A chunk's rows: each annotation row joined to its article (``indices``: the article of each, per kind),
    with the columns no file holds (``gold_sets``: article id -> its gold hand set)."""
    source = columns[ARTICLE_CONFIG]
    articles = source.select(schema.ARTICLE_ROW_FIELDS)
    tables = {ARTICLE_CONFIG: articles}
    for kind in ANNOTATION_CONFIGS:
        taken = pa.array(indices[kind], pa.int64())
        joined = articles.take(taken)
        made = _row_only_columns(kind, articles.column("id"), taken, columns[kind], gold_sets)
        row = [joined.column(name) if name in schema.ARTICLE_ROW_FIELDS else made[name] if name in made else columns[kind].column(name)
               for name, _ in schema.row_fields(kind)]
        tables[kind] = pa.Table.from_arrays(row, schema=schema.arrow_schema(kind))
    return Chunk(split, tables, source.select(ARTICLE_META_FIELDS))


def _row_only_columns(kind: str, article_ids: pa.ChunkedArray, taken: pa.Array, files: pa.Table, gold_sets: dict[str, str]) -> dict[str, pa.Array]:
    """The columns of ``kind``'s rows that no file holds (:data:`wirecorpus.schema.ROW_ONLY`): ``gold`` for hand.

    A row's set is its annotator's name, which the validator holds to the set's folder.
    """
    if "gold" not in {spec.name for spec in schema.row_only_fields(kind)}:
        return {}
    gold_of_article = pa.array([gold_sets.get(article) for article in article_ids.to_pylist()], pa.string())
    names = pc.struct_field(files.column("annotator").combine_chunks(), "name")
    return {"gold": pc.fill_null(pc.equal(gold_of_article.take(taken), names), False)}


# --------------------------------------------------------------------------
# Parsing: whole records, strictly, then the fields a config takes from them.

_RECORDS = {config: schema.Article if config == ARTICLE_CONFIG else schema.AnnotationFile for config in schema.RECORD_CONFIGS}


def record_schema(record: type) -> pa.Schema:
    """The Arrow schema a record type's files are parsed with (dates as their ISO strings)."""
    return pa.schema([pa.field(s.name, pa.string() if s.kind == "date" else schema.arrow_type(s)) for s in schema.field_specs(record)])


def parse_records(contents: list[bytes], record: type) -> pa.Table:
    """One row per file's bytes; raises ``pa.ArrowInvalid`` for what does not fit ``record``.

    Strict: an unknown field, a field given twice or a value of the wrong type
    fails the parse, and so does a raw control character (a newline, say) in a string.
    """
    parse_schema = record_schema(record)
    if not contents:
        return parse_schema.empty_table()
    if not all(content.lstrip()[:1] == b"{" for content in contents):
        # Not one object per file; and a top-level null at the start crashes the reader (pyarrow 26).
        raise pa.ArrowInvalid("a file does not hold a JSON object")
    return pajson.read_json(
        pa.py_buffer(b"\n".join(contents)),
        read_options=pajson.ReadOptions(block_size=JSON_BLOCK_BYTES),
        parse_options=pajson.ParseOptions(explicit_schema=parse_schema, unexpected_field_behavior="error", newlines_in_values=True),
    )


def parse_files(root: Path, paths: list[Path] | list[str], contents: list[bytes], config: str) -> pa.Table:
    """The file-level columns of ``config`` for these files, one row per file, in order."""
    return file_columns(_parse_all(root, paths, contents, _RECORDS[config]), config)


def _parse_all(root: Path, paths: list[str], contents: list[bytes], record: type) -> pa.Table:
    try:
        table = parse_records(contents, record)
    except pa.ArrowInvalid:
        raise _unreadable(root, paths, contents, record) from None
    if table.num_rows != len(paths):
        raise _unreadable(root, paths, contents, record)
    return table


def _source_fields(config: str) -> list[tuple[str, schema.FieldSpec]]:
    """What is read from ``config``'s files: article files for articles (with the meta fields), else annotation files."""
    if config == ARTICLE_CONFIG:
        article = {s.name: s for s in schema.field_specs(schema.Article)}
        return [*schema.row_fields(config), *((name, article[name]) for name in ARTICLE_META_FIELDS)]
    row_only = {spec.name for spec in schema.row_only_fields(config)}
    return [(name, spec) for name, spec in schema.row_fields(config) if name not in schema.ARTICLE_ROW_FIELDS and name not in row_only]


def file_columns(table: pa.Table, config: str) -> pa.Table:
    """The columns ``config`` takes from a table of parsed files, as the release holds them."""
    columns = [_conform(table.column(name).combine_chunks(), spec) for name, spec in _source_fields(config)]
    return pa.Table.from_arrays(columns, names=[name for name, _ in _source_fields(config)])


def _unreadable(root: Path, paths: list[str], contents: list[bytes], record: type) -> RepositoryError:
    """Find the first file that does not parse alone, and say so."""
    for path, content in zip(paths, contents):
        try:
            if parse_records([content], record).num_rows == 1:
                continue
            problem = "not exactly one JSON object"
        except pa.ArrowInvalid as exc:
            problem = str(exc)
        return RepositoryError(f"{layout.relative(root, path)}: cannot be read ({problem}); run `wirecorpus validate`")
    return RepositoryError(f"{len(paths)} files could not be read together; run `wirecorpus validate`")


def _conform(array: pa.Array, spec: schema.FieldSpec) -> pa.Array:
    """Match :func:`wirecorpus.schema.to_row`: dates as dates, left-out lists as their defaults."""
    if spec.kind == "date":
        return pc.cast(array, pa.date32())
    if spec.kind == "list" and spec.optional and not spec.nullable:
        array = pc.fill_null(array, pa.scalar(spec.default, type=array.type))
    if spec.kind == "record" and _has_defaults(spec.record):
        children = [_conform(array.field(s.name), s) for s in schema.field_specs(spec.record)]
        return pa.StructArray.from_arrays(children, fields=list(array.type), mask=array.is_null())
    return array


def _has_defaults(record: type) -> bool:
    """Whether a record has a list field that may be left out of a file (so needs filling in)."""
    return any(
        (s.kind == "list" and not s.nullable and s.optional) or (s.kind == "record" and _has_defaults(s.record))
        for s in schema.field_specs(record)
    )
