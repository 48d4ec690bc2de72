"""Release rows as Arrow tables, read straight from the repository's files.

The statistics walk the corpus through :func:`iter_chunks`, the build through
its steps (:func:`chunk_work`, :func:`chunk_jobs`, :func:`read_files`, :func:`parse_chunk`,
:func:`chunk_columns`, :func:`assemble_chunk`) in worker processes: split by
split, a chunk of articles (sorted by id) at a time, each chunk giving one
table per config. The plan (:func:`plan`) keeps no list of every id: the
splits, the records and the sets are sorted on disk, and each chunk's ids
and files are cut from their streams as the chunks are made; what it keeps
per chunk is its first and last id (:class:`ChunkSpan`). Rows of ``hand`` and ``model`` are ordered by article id,
then annotation set name. A ``hand`` row's ``gold`` column, which no file
holds, says whether ``annotations/gold.json`` names its set for its article.

Files are parsed whole by Arrow's JSON reader against their record types
(:func:`parse_records`), which is many times faster than ``json.loads`` plus
records, and strict, so the validator's screen checks the very same tables.
The files are the validator's business: a file Arrow cannot read is named,
with a pointer to ``wirecorpus validate``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from . import gold, layout, schema, splits
from .article_ids import ArticleIds, encoded, found_in
from .errors import RepositoryError
from .sorted_ids import SortedIds, decoded, found_blocks, id_array, id_rows, json_name_blocks
from .sorted_runs import ExternalSort, distinct, left_join, merge_sorted

ARTICLE_CONFIG = "articles"
ANNOTATION_CONFIGS = tuple(c for c in schema.RECORD_CONFIGS if c != ARTICLE_CONFIG)  # named after annotator kinds
# Article fields outside the rows that the statistics and the dataset card report.
ARTICLE_META_FIELDS = ("lang", "license")
CHUNK_ARTICLES = 2000
# Fixed so that the chunk layout of parsed tables, and so every output byte, is reproducible.
JSON_BLOCK_BYTES = 1 << 22
READ_BLOCK_BYTES = 1 << 16  # more than most files hold, so a file takes one read and one at its end


@dataclass
class ArticleRecords:
    """Where each article record is: rows of its id and the number of its folder, sorted by id on disk."""

    rows: ExternalSort
    folders: list[str]  # sorted

    @classmethod
    def list(cls, root: Path) -> ArticleRecords:
        """The records in the layout, from the file names alone, each folder listed a block at a time."""
        folders = sorted(layout.article_record_folders(root))
        rows = ExternalSort()
        for number, folder in enumerate(folders):
            for names in json_name_blocks(folder, visible_only=True):
                ids = id_array(names)
                found = np.empty(len(ids), dtype=[("id", ids.dtype), ("folder", np.uint32)])
                found["id"], found["folder"] = ids, number
                rows.add(found)
        return cls(rows, folders)

    def blocks(self) -> Iterator[np.ndarray]:
        """The rows, sorted, each id once: of two records of one id, the later path's."""
        return distinct(self.rows.blocks(), key="id", keep="last")

    def ids(self) -> Iterator[np.ndarray]:
        return (block["id"] for block in self.blocks())

    def folders_of(self, chunks: Iterable[ArticleIds]) -> Iterator[np.ndarray]:
        """For each of a sorted stream of chunks of ids (each id in the listing), the folder number of each id."""
        for _, _, matched in left_join((id_rows(ids.array) for ids in chunks), self.blocks(), key="id", right_dtype=_RECORD_ROW):
            yield matched["folder"]

    def paths(self, articles: list[str], folders: np.ndarray) -> list[str]:
        """The records of some ids, given their folder numbers (:meth:`folders_of`)."""
        return [f"{self.folders[number]}{os.sep}{article}.json" for number, article in zip(folders.tolist(), articles)]


_RECORD_ROW = np.dtype([("id", "S1"), ("folder", np.uint32)])


@dataclass
class Plan:
    """What the rows will be: article ids per split, where their files are, who annotated what.

    Every listing of ids is sorted in runs on disk and read back a block at a time
    (:class:`~wirecorpus.sorted_ids.SortedIds`), so the plan holds no array of every id;
    a chunk is cut from its split's stream when it is made (:func:`chunk_jobs`). A context
    manager whose exit deletes the runs.
    """

    root: Path
    splits: dict[str, SortedIds]
    articles: ArticleRecords
    sets: dict[str, dict[str, SortedIds]]  # kind -> set name -> ids of the articles it covers
    gold: dict[str, str]  # article id -> its gold hand set (annotations/gold.json)
    _asked: tuple[tuple[str, ...], dict[str, frozenset[str]]] | None = field(default=None, repr=False)

    def __enter__(self) -> Plan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.articles.rows.close()
        for listing in [*self.splits.values(), *(found for kind in self.sets.values() for found in kind.values())]:
            listing.close()

    def splits_of(self, articles: tuple[str, ...]) -> dict[str, frozenset[str]]:
        """The splits each of some ids is in, from a pass over each split's ids; the last answer is
        kept, since the incremental build asks it of every chunk (:meth:`ChunkSpan.contains`)."""
        if self._asked is None or self._asked[0] != articles:
            wanted = np.unique(id_array(list(articles)))
            found: dict[bytes, set[str]] = {}
            for split, ids in self.splits.items():
                for block in ids.blocks():
                    for article in wanted[found_in(block, wanted)].tolist():
                        found.setdefault(article, set()).add(split)
            self._asked = (articles, {article: frozenset(found.get(encoded(article), ())) for article in articles})
        return self._asked[1]


def plan(root: Path) -> Plan:
    """List the repository's articles, splits and annotation sets (names only; nothing is parsed)."""
    root = Path(root)
    recorded = {name: SortedIds() for name in splits.SPLITS}
    corpus_plan = Plan(root, recorded, ArticleRecords.list(root), {kind: {} for kind in ANNOTATION_CONFIGS}, {})
    try:
        for name, ids in splits.iter_recorded(root):
            recorded[name].add(ids)
        _require_one_place_each(corpus_plan)
        for kind in ANNOTATION_CONFIGS:
            for name in layout.annotation_sets(root, kind):
                corpus_plan.sets[kind][name] = SortedIds.in_folder(layout.set_folder(root, kind=kind, name=name))
        corpus_plan.gold.update(gold.read_gold(root))
    except BaseException:
        corpus_plan.close()
        raise
    return corpus_plan


def _require_one_place_each(corpus_plan: Plan) -> None:
    """Every article in a split has a record, and every record is in a split (matched as sorted streams)."""
    def listed() -> Iterator[np.ndarray]:
        return distinct(merge_sorted([ids.blocks() for ids in corpus_plan.splits.values()]))

    missing, first = _not_found(listed(), corpus_plan.articles.ids())
    # Strings the arrays do not hold (see sorted_ids.held) are no file's name.
    apart = sorted(set().union(*(ids.others for ids in corpus_plan.splits.values())))
    missing, first = missing + len(apart), first if first is not None else next(iter(apart), None)
    if missing:
        raise RepositoryError(
            f"{layout.SPLITS_PATH}: lists {missing} article(s) with no file under corpus/, e.g. {first}; run `wirecorpus validate`"
        )
    unassigned, first = _not_found(corpus_plan.articles.ids(), listed())
    if unassigned:
        raise RepositoryError(f"{layout.SPLITS_PATH}: {unassigned} article(s) are in no split, e.g. {first}; run `wirecorpus validate`")


def _not_found(ids: Iterator[np.ndarray], among: Iterator[np.ndarray]) -> tuple[int, str | None]:
    """How many of a sorted stream of ids another has not, and the first of them."""
    count, first = 0, None
    for block, found in found_blocks(ids, among):
        if first is None and not found.all():
            first = decoded(block[~found][:1])[0]
        count += int((~found).sum())
    return count, first


@dataclass(frozen=True)
class ChunkSpan:
    """A chunk's articles as the plan keeps them: its split, first and last id and how many (not every
    id). Read as the sequence of its ids for ``span[0]``, ``span[-1]`` and ``len(span)``."""

    split: str
    first: str
    last: str
    articles: int
    splits_of: Callable[[tuple[str, ...]], dict[str, frozenset[str]]] = field(compare=False, repr=False)

    def __len__(self) -> int:
        return self.articles

    def __getitem__(self, index: int) -> str:
        if index not in (0, -1):
            raise IndexError(f"a chunk's span knows its first (0) and last (-1) id, not id {index}")
        return self.first if index == 0 else self.last

    def contains(self, articles: Iterable[str]) -> np.ndarray:
        """For each id, whether it is one of the chunk's: in its split, from its first id to its last."""
        articles = tuple(articles)
        in_splits, low, high = self.splits_of(articles), encoded(self.first), encoded(self.last)
        return np.array([self.split in in_splits[article] and low <= encoded(article) <= high for article in articles], dtype=bool)


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
        reads = ((split, reader.submit(read_files, paths)) for split, _, paths in chunk_jobs(corpus_plan, work, range(len(work))))
        pending = next(reads, None)
        while pending is not None:
            split, files = pending[0], pending[1].result()
            pending = next(reads, None)
            yield make_chunk(split, files, parse_chunk(corpus_plan.root, files), corpus_plan.gold)


def chunk_work(corpus_plan: Plan, *, chunk_articles: int = CHUNK_ARTICLES) -> list[tuple[str, ChunkSpan]]:
    """The chunks in row order: (split, the span of its article ids)."""
    return [
        (split, ChunkSpan(split, *decoded(chunk[[0, -1]]), len(chunk), corpus_plan.splits_of))
        for split, ids in corpus_plan.splits.items()
        for chunk in _regrouped(ids.blocks(), itertools.repeat(chunk_articles))
    ]


def chunk_ids(corpus_plan: Plan, work: list[tuple[str, ChunkSpan]]) -> Iterator[tuple[str, ArticleIds]]:
    """The ids of each chunk of ``work`` (:func:`chunk_work`), in order, cut from its split's sorted ids."""
    for split, ids in corpus_plan.splits.items():
        yield from ((split, ArticleIds(chunk)) for chunk in _regrouped(ids.blocks(), (span.articles for name, span in work if name == split)))


def _regrouped(blocks: Iterable[np.ndarray], sizes: Iterable[int]) -> Iterator[np.ndarray]:
    """A stream of blocks cut again into arrays of the given sizes (the last may be shorter)."""
    sizes = iter(sizes)
    pending, held, wanted = [], 0, next(sizes, 0)
    for block in blocks:
        while len(block) and wanted:
            taken, block = block[: wanted - held], block[wanted - held :]
            pending.append(taken)
            held += len(taken)
            if held == wanted:
                yield np.concatenate(pending)
                pending, held, wanted = [], 0, next(sizes, 0)
    if pending:
        yield np.concatenate(pending)


@dataclass(frozen=True)
class ChunkFiles:
    """The files of one kind in a chunk: for each, its article's index in the chunk, its path and its bytes."""

    indices: list[int]
    paths: list[str]
    contents: list[bytes]


ChunkPaths = dict[str, tuple[list[int], list[str]]]  # config -> each file's article index in the chunk, and its path


def chunk_jobs(corpus_plan: Plan, work: list[tuple[str, ChunkSpan]], positions: Iterable[int]) -> Iterator[tuple[str, ArticleIds, ChunkPaths]]:
    """The chunks of ``work`` at ``positions`` with their files, per config (articles, then each
    annotator kind): each chunk's ids are matched with the records' and each set's sorted ids as
    the streams go by, so nothing is looked up in a listing of every id."""
    wanted, position = set(positions), itertools.count()
    set_names = [(kind, name) for kind in ANNOTATION_CONFIGS for name in corpus_plan.sets[kind]]
    for _, chunks in itertools.groupby(chunk_ids(corpus_plan, work), key=lambda item: item[0]):
        streams = itertools.tee(chunks, 2 + len(set_names))
        folders = corpus_plan.articles.folders_of(ids for _, ids in streams[1])
        covered = [(found for _, found in found_blocks((ids.array for _, ids in stream), corpus_plan.sets[kind][name].blocks()))
                   for stream, (kind, name) in zip(streams[2:], set_names)]
        for (split, ids), folder_numbers, *founds in zip(streams[0], folders, *covered):
            if next(position) in wanted:
                yield split, ids, _chunk_paths(corpus_plan, ids, folder_numbers, dict(zip(set_names, founds)))


def _chunk_paths(corpus_plan: Plan, ids: ArticleIds, folders: np.ndarray, covered: dict[tuple[str, str], np.ndarray]) -> ChunkPaths:
    """Per config, the files of a chunk: its articles' records, then for each annotator kind each
    article's files in the order of the sets' names (``covered``: per set, whether it has each article)."""
    articles = list(ids)
    paths = {ARTICLE_CONFIG: (list(range(len(articles))), corpus_plan.articles.paths(articles, folders))}
    for kind in ANNOTATION_CONFIGS:
        names = list(corpus_plan.sets[kind])
        grid = np.array([covered[kind, name] for name in names], dtype=bool).reshape(len(names), len(articles))
        article_at, set_at = (found.tolist() for found in np.nonzero(grid.T))  # article by article, then set by set
        folders_of_sets = [f"{layout.set_folder(corpus_plan.root, kind=kind, name=name)}{os.sep}" for name in names]
        paths[kind] = (article_at, [f"{folders_of_sets[s]}{articles[a]}.json" for a, s in zip(article_at, set_at)])
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
