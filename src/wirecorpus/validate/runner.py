"""Run the checks: each file level by level, a lower level's errors gating the higher ones.

Units of files (an article and its annotation files) are independent. They
are checked a batch at a time: first by the screen (:mod:`.screen`), which
passes a batch with nothing to report in bulk, and, for a batch it is not
sure of, unit by unit, level by level, which is where every finding comes
from. A large corpus is checked by worker processes (:class:`~wirecorpus.executor.LocalExecutor`); the
corpus checks (splits, duplicate texts) are the calling process's, made once
every unit is checked from each checked article's id and text hash, so that a
worker holds nothing of the corpus but its batch. Whatever the calling process
must see of every article (the files to check, the ids on disk and in
corpus/splits.json, the checked articles and their text hashes) goes to rows
sorted in runs on disk (:mod:`wirecorpus.sorted_runs`) and is matched as
sorted streams, a block at a time, so that its memory does not grow with the
corpus.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from .. import layout, schema, splits
from ..executor import LocalExecutor, Task, available_cpus
from ..rows import parse_records, read_bytes
from ..sorted_ids import SortedIds, json_name_blocks
from .annotations import (
    ArticleText,
    check_article_link,
    check_identity,
    check_ids,
    check_layers,
    check_overlaps,
    check_references,
    check_schema_version,
    check_spans,
)
from .articles import check_article
from .corpus_checks import (
    SplitsListing,
    TextRegister,
    check_splits_members,
    check_splits_shape,
    check_unique_text,
    report_misplaced,
    report_split_missing,
)
from .files import read_json_file
from .gold_checks import check_gold_file
from .registry import Collector, Finding
from .screen import Batch, ScreenedArticles, screen_batch
from .shapes import Shape, check_record, compile_shape
from .splits_file import NotPlain, recorded_blocks
from .targets import ANNOTATION, ARTICLE, Targets, collect, regular

# Below this many units a pool costs more to start than it saves.
POOL_MIN_UNITS = 2000
# Units screened together: large enough for the array checks to pay, small enough to stay light.
BATCH_UNITS = 250


@dataclass
class ValidationReport:
    """The findings of a run, sorted by file and line, and how many files were checked."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass(frozen=True)
class Context:
    """What every check of a run needs; each worker process makes its own from the same inputs."""

    root: Path
    inventory: schema.Inventory
    article_shape: Shape
    annotation_shape: Shape

    @classmethod
    def create(cls, root: Path, inventory: schema.Inventory) -> Context:
        shape = functools.partial(compile_shape, inventory=inventory)
        return cls(root, inventory, shape(schema.Article), shape(schema.AnnotationFile))

    def relative(self, path: str) -> str:
        prefix = str(self.root) + os.sep
        return path[len(prefix) :].replace(os.sep, "/") if path.startswith(prefix) else Path(path).as_posix()


@dataclass
class UnitResult:
    findings: list[Finding] = field(default_factory=list)
    articles: list[tuple[str, str, str]] = field(default_factory=list)  # (id, path, text hash) past level 3


def validate(paths: list[Path] | None = None, *, root: Path, workers: int | None = None) -> ValidationReport:
    """Check files or folders (None: the whole repository) and report every finding.

    Never modifies anything. ``workers`` is the number of processes for a
    large run (default: the CPUs available to this process).
    """
    root = Path(root).resolve()
    inventory = schema.Inventory.load(root)
    with contextlib.ExitStack() as held:
        targets = held.enter_context(collect(paths, root))
        report = ValidationReport(files=targets.files)
        for path in targets.missing:
            found = Collector(path)
            read_json_file(Path(path), found)
            report.findings += found.findings()
        listing = None
        if targets.splits or targets.gold:
            with article_ids_on_disk(root) as article_ids:
                if targets.splits:
                    listing = _check_splits_file(root, report, article_ids)
                    held.enter_context(listing or contextlib.nullcontext())
                if targets.gold:
                    report.files += 1
                    report.findings += check_gold_file(root, article_ids)
        context = Context.create(root, inventory)
        texts, checked = held.enter_context(TextRegister()), held.enter_context(SortedIds())
        with _cycle_collector_paused():
            for result in _results(targets, context, workers):
                report.findings += result.findings
                checked.add([article_id for article_id, _, _ in result.articles])
                for article_id, _, text_hash in result.articles:
                    texts.add(article_id, text_hash)
        if listing is not None:
            report.findings += _split_findings(listing.unassigned(checked), root)
        for article_id, first_id in texts.repeated():
            # An article past level 3 lies where its id says.
            found = Collector(layout.article_relpath_of_id(article_id))
            check_unique_text(article_id, first_id, found)
            report.findings += found.findings()
    for path in targets.misplaced:
        found = Collector(context.relative(path))
        report_misplaced(found)
        report.findings += found.findings()
    report.findings.sort(key=lambda f: (f.path, f.line or 0, f.level, f.id))
    return report


@contextlib.contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """JSON values hold no reference cycles, so the collector's many passes over them are wasted."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def article_ids_on_disk(root: Path) -> SortedIds:
    """The ids of the article records in the layout (as :func:`.layout.iter_article_ids` finds them), sorted,
    listed a block of names at a time: a year folder of the corpus holds a record per article of its year."""
    ids = SortedIds()
    for year in layout.article_record_folders(root):
        for names in json_name_blocks(year, visible_only=True):
            ids.add(names)
    return ids


def _check_splits_file(root: Path, report: ValidationReport, article_ids: SortedIds) -> SplitsListing | None:
    """Check corpus/splits.json against the ids of the articles on disk; return what it lists (nothing
    when there is no file), or None when it is unusable.

    The file is read as a stream; only one that is not plainly sound is read whole, to say what is wrong where.
    """
    path = root / layout.SPLITS_PATH
    listing = SplitsListing()
    if not path.exists():
        return listing
    report.files += 1
    found = Collector(layout.SPLITS_PATH.as_posix())
    text = data = None
    try:
        for split, ids, lines in recorded_blocks(path):
            listing.add(split, ids, lines)
    except NotPlain:
        listing.close()
        listing = SplitsListing()
        text, data = read_json_file(path, found)
        # text None: the file failed level 1; data None with a text: it holds JSON null.
        if text is None or check_splits_shape(data, found) is None:
            report.findings += found.findings(text=text, data=data)
            listing.close()
            return None
        for split in splits.SPLITS:
            listing.add(split, data[split], None)
    check_splits_members(listing, article_ids, found)
    report.findings += found.findings(text=text, data=data)
    return listing


def _split_findings(unassigned: Iterator[str], root: Path) -> list[Finding]:
    """split-missing for each article (past level 3, so where its id puts it) that is in no split."""
    findings = []
    for article_id in unassigned:
        path = layout.article_relpath_of_id(article_id)
        found = Collector(path)
        report_split_missing(article_id, found)
        # The finding's line is that of the id: the file is read again for it, where a worker would send every file's lines.
        text, data = read_json_file(root / path, Collector(path))
        findings += found.findings(text=text, data=data)
    return findings


def _results(targets: Targets, context: Context, workers: int | None) -> Iterable[UnitResult]:
    workers = workers or available_cpus()
    units = targets.units()
    if workers <= 1 or not targets.has_units(POOL_MIN_UNITS):
        batches = iter(lambda: list(itertools.islice(units, BATCH_UNITS)), [])
        return (result for batch in batches for result in check_batch(batch, context))
    return _pooled(units, context, workers)


def _pooled(units: Iterator[tuple[tuple[str, str], ...]], context: Context, workers: int) -> Iterator[UnitResult]:
    # The shapes hold generated functions, which do not pickle: each worker makes its own.
    setup = functools.partial(_worker_context, context.root, context.inventory)
    with LocalExecutor(workers).run(Task(setup, _check_units), units, batch_size=BATCH_UNITS) as results:
        yield from results


def _worker_context(root: Path, inventory: schema.Inventory) -> Context:
    gc.disable()  # as in _cycle_collector_paused; a worker does nothing else
    pa.set_cpu_count(1)  # the workers are the parallelism; Arrow threads in each only add overhead
    return Context.create(root, inventory)


def _check_units(context: Context, units: list[tuple[tuple[str, str], ...]]) -> list[UnitResult]:
    return check_batch(units, context)


def check_batch(units: list[tuple[tuple[str, str], ...]], context: Context) -> list[UnitResult]:
    """Check units: all at once if the screen passes them, else each level by level."""
    screened = _screen(units, context)
    if screened is None:
        return [check_unit(unit, context) for unit in units]
    return [UnitResult(articles=[(screened.ids[row], screened.paths[row], screened.hashes[row])]) for row in range(len(units))]


def _screen(units: list[tuple[tuple[str, str], ...]], context: Context) -> ScreenedArticles | None:
    """The articles of units that have nothing to report, or None when the screen is not sure."""
    if not all(map(regular, units)):
        return None
    article_paths = [unit[0][1] for unit in units]
    annotation_paths = [path for unit in units for _, path in unit[1:]]
    article_rows = [row for row, unit in enumerate(units) for _ in unit[1:]]
    try:
        article_bytes = [read_bytes(path) for path in article_paths]
        annotation_bytes = [read_bytes(path) for path in annotation_paths]
        articles = Batch([context.relative(p) for p in article_paths], article_bytes, parse_records(article_bytes, schema.Article))
        annotations = Batch([context.relative(p) for p in annotation_paths], annotation_bytes, parse_records(annotation_bytes, schema.AnnotationFile), article_rows)
    except (OSError, pa.ArrowInvalid):
        return None
    return screen_batch(articles, [annotations], context.inventory)


def check_unit(unit: tuple[tuple[str, str], ...], context: Context) -> UnitResult:
    """Check one unit's files; its articles come first, so their texts serve its annotations."""
    result = UnitResult()
    texts: dict[str, ArticleText] = {}
    for kind, path in unit:
        relative = context.relative(path)
        found = Collector(relative)
        text, data = read_json_file(Path(path), found)
        if text is not None:  # read as JSON, though perhaps a null or a list: the shape checks say so
            as_annotation = kind == ANNOTATION or (kind != ARTICLE and type(data) is dict and "annotator" in data)
            if as_annotation:
                _annotation_levels(data, relative, context, found, texts)
            else:
                _article_levels(data, relative, context, found, texts, result)
        elif kind == ARTICLE:
            texts[relative] = ArticleText(relative, None, None)
        result.findings += found.findings(text=text, data=data)
    return result


def survey(root: Path) -> Context | None:
    """A context for screening the whole repository, or None when anything outside the files' contents needs the full checks.

    That is: every file has its place in the layout (no misplaced files, no
    annotation file without its article) and corpus/splits.json and
    annotations/gold.json are sound. The files themselves are then for the
    screen (:func:`.screen.screen_batch`).
    """
    root = Path(root).resolve()
    with collect(None, root) as targets:
        if targets.misplaced or targets.missing or not targets.all_regular():
            return None
    report = ValidationReport()
    with article_ids_on_disk(root) as article_ids:
        listing = _check_splits_file(root, report, article_ids)
        if listing is not None:
            listing.close()
        if targets.gold:
            report.findings += check_gold_file(root, article_ids)
    if report.findings or listing is None:
        return None
    return Context.create(root, schema.Inventory.load(root))


def _article_levels(data: Any, path: str, context: Context, found: Collector, texts: dict, result: UnitResult) -> None:
    check_record(context.article_shape, data, (), found)
    if found.errors():
        texts[path] = ArticleText(path, None, None)
        return
    text_hash = layout.text_sha256(data["text"])
    texts[path] = ArticleText(path, data["text"], text_hash)
    check_article(data, path, text_hash, found)
    if found.errors():
        return
    result.articles.append((data["id"], path, text_hash))


def _annotation_levels(data: Any, path: str, context: Context, found: Collector, texts: dict) -> None:
    check_record(context.annotation_shape, data, (), found)
    if found.errors():
        return
    check_schema_version(data, context.inventory, found)
    check_layers(data, found)
    if found.errors():
        return
    check_identity(data, path, found)
    ids = check_ids(data, found)
    check_references(data, ids, context.inventory, found)
    text = check_article_link(data, _article_for(data["article"], context, texts), found)
    if text is not None:
        check_spans(data, text, found)
        check_overlaps(data["entities"], len(text), found)


def _article_for(article_id: str, context: Context, texts: dict[str, ArticleText]) -> ArticleText | None:
    """The article an annotation names: from its unit, or read (quietly) from where its id puts it."""
    path = layout.article_relpath_of_id(article_id)
    if path is None:
        return None
    if path in texts:
        return texts[path]
    if not (context.root / path).is_file():
        return None
    quiet = Collector(path)
    text, data = read_json_file(context.root / path, quiet)
    if text is not None:
        check_record(context.article_shape, data, (), quiet)
    if text is None or quiet.errors():
        return ArticleText(path, None, None)
    return ArticleText(path, data["text"], layout.text_sha256(data["text"]))


@functools.lru_cache(maxsize=4)
def _record_context(root: Path, schema_stamp: tuple[int, int]) -> Context:
    """A context for checking single records, made once per state of annotations/schema.json."""
    return Context.create(root, schema.Inventory.load(root))


def record_errors(root: Path, text: str, data: Any, record: type, *, path: str, article: schema.Article | None = None) -> list[Finding]:
    """The errors the validator finds in one record read from ``path`` (relative to ``root``): its
    shape (level 2), and for an annotation file with ``article`` also its ids, references and spans
    against that article (level 3). An article's own level 3 (its id and place) is the corpus's
    business, not a reader's: a record with its fields in order can be read."""
    root = Path(root).resolve()
    stat = (root / layout.SCHEMA_PATH).stat() if (root / layout.SCHEMA_PATH).is_file() else None
    context = _record_context(root, (stat.st_mtime_ns, stat.st_size) if stat else (0, 0))
    if record is schema.AnnotationFile and article is not None:
        findings = check_annotation(data, path=path, article=article, context=context)
    else:
        found = Collector(path)
        check_record(context.article_shape if record is schema.Article else context.annotation_shape, data, (), found)
        findings = found.findings(text=text, data=data)
    return [finding for finding in findings if finding.severity == "error"]


def check_annotation(data: dict[str, Any], *, path: str, article: schema.Article, context: Context) -> list[Finding]:
    """The findings for an annotation file before it is written: ``path`` is where it will be
    (relative to the repository), ``article`` the record it annotates (on disk or about to be)."""
    found = Collector(path)
    article_path = layout.article_relpath(source=article.source, date=article.date.isoformat(), article_id=article.id)
    texts = {article_path: ArticleText(article_path, article.text, layout.text_sha256(article.text))}
    _annotation_levels(data, path, context, found, texts)
    return found.findings(data=data)
