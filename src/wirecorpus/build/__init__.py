"""Build the release: ``wirecorpus build``.

A release is a Hugging Face dataset repository with no code::

    dist/wirecorpus-<version>/
        README.md                                        dataset card (YAML header + body)
        data/<config>/<split>-NNNNN-of-NNNNN.parquet     rows, sharded by row count
        croissant.json                                   Croissant 1.0 description (:mod:`wirecorpus.release.croissant`)
        MANIFEST.json                                    size and SHA-256 of every other file

The build refuses a repository the validator finds errors in. It checks the
files as it reads them: worker processes read, parse and screen
(:mod:`wirecorpus.validate.screen`) each chunk of files once, and the full
validator runs only if the screen is not sure of one. Rows are
streamed chunk by chunk (:mod:`wirecorpus.rows`) into shards of at most
:data:`SHARD_ROWS` rows, so memory is bounded by a shard, not by the corpus. A
split with no rows (say the ``model`` config before any model annotations)
has no shard and is left out of the card's ``configs``, since ``datasets``
cannot load an empty split; :func:`wirecorpus.load.load` gives it as an empty
dataset with the config's features. The same inputs give byte-identical files: rows in a
fixed order, no timestamps, Parquet writer options pinned. Everything is
written to a hidden staging folder beside the release (``.<release>.XXXXXXXX``)
and renamed into place at the end; an existing release is never overwritten.

Builds into one folder run one at a time, under the lock file ``.build.lock``
there; so a staging folder found by a build that holds the lock was left by a
killed build, and is removed. The article list and splits are read under the
repository lock, so that an ingest running meanwhile is seen whole or not at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from .. import card, layout, ner, rows, schema, storage
from .._version import __version__
from ..errors import BuildError, ExportError, RepositoryError, ValidationFailed
from ..executor import LocalExecutor, Task, available_cpus
from ..release import croissant
from ..splits import SPLITS
from ..stats import Stats, count_chunk
from ..validate.runner import Context, survey
from ..validate.screen import Batch, screen_batch
from .shards import BackgroundWrites, ShardWriter, parquet_metadata

MANIFEST_NAME = "MANIFEST.json"
# Chunks each worker may prepare ahead of the writer, so that a pause of the writer (a shard
# being written, a slow first import) does not idle the workers; each holds about 10 MB, and as much again in ner rows.
AHEAD_PER_WORKER = 3
CARD_NAME = "README.md"
BUILD_LOCK_NAME = ".build.lock"
# What tempfile.mkdtemp adds to the staging folder's prefix.
_STAGING_SUFFIX = re.compile(r"[a-z0-9_]{8}")


def release_path(root: Path, out: Path | None = None) -> Path:
    """Where this version's build goes: ``out``, else its folder under ``dist/`` (:func:`layout.release_path`)."""
    return layout.release_path(root, __version__, out)


def build(*, root: Path, out: Path | None = None, progress: bool = False, version: str = __version__) -> Path:
    """Validate the repository and write its release; return the release folder.

    ``version`` is the release's version, in its folder name, card and
    manifest: the package's by default; ``wirecorpus release`` passes the
    version it is cutting, before the package's own has been rewritten.
    If the release folder exists and holds exactly what this build would
    write, it is left as it is (up to date); if it differs, the build is refused.
    """
    root = Path(root).resolve()
    target = layout.release_path(root, version, out)
    inventory = schema.Inventory.load(root)
    try:
        with storage.repository_lock(root):
            corpus_plan = rows.plan(root)
    except (RepositoryError, ValueError, TypeError, AttributeError):
        # An article in no split, or a corpus/splits.json that is not one: validate names the problem.
        _require_valid(root)
        raise
    if not any(corpus_plan.splits.values()):
        raise BuildError(f"{root}: the corpus has no articles, so there is nothing to release; add some with `wirecorpus ingest`")
    tagger = ner.Tagger.load(root, inventory, corpus_plan.gold)
    with storage.file_lock(target.parent / BUILD_LOCK_NAME, holder=f"another build into {target.parent}"):
        for stale in stale_staging(target):
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            chunks = ScreenedChunks(corpus_plan, Context.create(root, inventory, None), tagger)
            _write_release(root, corpus_plan, staging, chunks, progress=progress, version=version)
            _move_into_place(staging, target, version)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def stale_staging(target: Path) -> list[Path]:
    """The staging folders beside ``target`` of builds of it, or of any release, that did not finish.

    Only meaningful under the build lock: then no build is running there.
    """
    if not target.parent.is_dir():
        return []
    found = []
    for entry in target.parent.iterdir():
        stem, _, suffix = entry.name[1:].rpartition(".")
        ours = stem == target.name or stem.startswith(layout.RELEASE_PREFIX)
        if entry.name.startswith(".") and ours and _STAGING_SUFFIX.fullmatch(suffix) and entry.is_dir() and not entry.is_symlink():
            found.append(entry)
    return sorted(found)


def _require_valid(root: Path) -> None:
    from ..validate import validate

    report = validate(None, root=root)
    errors = sum(1 for finding in report.findings if finding.severity == "error")
    if errors:
        raise ValidationFailed(
            f"the repository has {errors} validation error(s), so no release was built; "
            "run `wirecorpus validate` to see them"
        )


# --------------------------------------------------------------------------
# Reading, checking and converting the files: one pass, in worker processes.


@dataclass
class ScreenedChunks:
    """The release rows chunk by chunk, each chunk's files screened as they are parsed.

    Worker processes read, parse and screen the chunks ahead of the writer,
    while this process surveys the layout and corpus/splits.json (every article
    of the plan is in a split, so the screen leaves splits out). The first time
    the survey or the screen is not sure (or a text is seen twice), the full
    validator runs over the repository, and the build stops if it finds errors;
    so the build refuses exactly what ``wirecorpus validate`` reports.
    ``context`` None: the repository has been validated in full. Each chunk
    comes with its ``ner`` rows, which the workers make too.
    """

    corpus_plan: rows.Plan
    context: Context | None
    tagger: ner.Tagger
    texts: set[str] = field(default_factory=set)

    def __iter__(self) -> Iterator[tuple[rows.Chunk, ner.SentenceRows]]:
        work = rows.chunk_work(self.corpus_plan)
        workers = min(available_cpus(), max(len(work), 1))
        screen = None if self.context is None else (self.context.root, self.context.inventory, self.context.assignment)
        task = Task(functools.partial(_start_worker, self.corpus_plan, screen, self.tagger), _prepare_chunks)
        with LocalExecutor(workers, ahead=AHEAD_PER_WORKER * workers).run(task, work) as prepared:
            # The workers have started on the first chunks: survey meanwhile.
            if self.context is not None and survey(self.corpus_plan.root) is None:
                self._validate_in_full()
            for parts, problem, hashes in prepared:
                yield self._admit(parts, problem, hashes)

    def _validate_in_full(self) -> None:
        _require_valid(self.corpus_plan.root)
        self.context = None

    def _admit(self, parts: tuple | None, problem: Exception | None, hashes: list[str] | None) -> tuple[rows.Chunk, ner.SentenceRows]:
        if self.context is not None and (hashes is None or not self.texts.isdisjoint(hashes) or len(set(hashes)) < len(hashes)):
            self._validate_in_full()
        if self.context is not None:
            self.texts.update(hashes)
        if problem is not None:
            raise problem
        chunk_parts, sentences = parts
        return rows.assemble_chunk(*chunk_parts, self.corpus_plan.gold), sentences


@dataclass(frozen=True)
class _Worker:
    """What a worker needs to prepare chunks; ``context`` None: no screening (the repository has been validated in full)."""

    plan: rows.Plan
    tagger: ner.Tagger
    context: Context | None


def _start_worker(corpus_plan: rows.Plan, screen: tuple | None, tagger: ner.Tagger) -> _Worker:
    pa.set_cpu_count(1)  # the workers are the parallelism; Arrow threads in each only add overhead
    return _Worker(corpus_plan, tagger, None if screen is None else Context.create(*screen))


def _prepare_chunks(worker: _Worker, work: list[tuple[str, list[str]]]) -> list[tuple[tuple | None, Exception | None, list[str] | None]]:
    return [_prepare_chunk(worker, split, ids) for split, ids in work]


def _prepare_chunk(worker: _Worker, split: str, ids: list[str]) -> tuple[tuple | None, Exception | None, list[str] | None]:
    """A chunk's parts for :func:`rows.assemble_chunk` and its ``ner`` rows (or why they cannot be made) and,
    if the screen passes its files, their text hashes.

    The parts hold each article's text once; the rows that repeat it are made by the writer.
    """
    corpus_plan, context = worker.plan, worker.context
    try:
        files = rows.read_files(corpus_plan, ids)
    except OSError as problem:
        where = layout.relative(corpus_plan.root, Path(problem.filename)) if problem.filename else f"articles {ids[0]} to {ids[-1]}"
        return None, RepositoryError(f"{where}: cannot be read ({problem.strerror or problem}); run `wirecorpus validate`"), None
    try:
        parsed = rows.parse_chunk(corpus_plan.root, files)
    except RepositoryError as problem:
        return None, problem, None
    screened = None if context is None else _screen_chunk(context, files, parsed)
    try:
        columns = rows.chunk_columns(parsed)
    except pa.ArrowInvalid as problem:  # a value the screen would not pass, such as a date that is no date
        return None, RepositoryError(f"articles {ids[0]} to {ids[-1]}: cannot be converted ({problem}); run `wirecorpus validate`"), None
    try:
        sentences = worker.tagger.chunk_rows(files)
    except BuildError as problem:  # a gold set with no file
        return None, problem, screened
    except (ExportError, ValueError, TypeError, KeyError, AttributeError) as problem:  # a record the screen would not pass
        return None, RepositoryError(f"articles {ids[0]} to {ids[-1]}: cannot be tagged for the ner config ({problem}); run `wirecorpus validate`"), screened
    return ((split, {kind: files[kind].indices for kind in rows.ANNOTATION_CONFIGS}, columns), sentences), None, screened


def _screen_chunk(context: Context, files: dict[str, rows.ChunkFiles], parsed: dict[str, pa.Table]) -> list[str] | None:
    batches = {config: Batch([context.relative(p) for p in found.paths], found.contents, parsed[config], found.indices) for config, found in files.items()}
    articles = batches.pop(rows.ARTICLE_CONFIG)
    screened = screen_batch(articles, list(batches.values()), context.inventory, context.assignment)
    return None if screened is None else screened.hashes


def _move_into_place(staging: Path, target: Path, version: str) -> None:
    if not target.exists():
        staging.rename(target)
        return
    old = target / MANIFEST_NAME
    if old.is_file() and old.read_bytes() == (staging / MANIFEST_NAME).read_bytes():
        return
    raise BuildError(
        f"{target}: a release of version {version} already exists with different content; "
        "bump the version with `wirecorpus release --bump major|minor|patch` or remove the folder"
    )


# --------------------------------------------------------------------------
# Writing.


def _write_release(root: Path, corpus_plan: rows.Plan, folder: Path, chunks: ScreenedChunks, *, progress: bool, version: str) -> None:
    from tqdm.auto import tqdm

    stats, sentence_counts, tags = Stats(), ner.Summary(chunks.tagger.tags), chunks.tagger.tags
    total = sum(len(ids) for ids in corpus_plan.splits.values())
    with BackgroundWrites() as writes, tqdm(total=total, unit="article", desc="build", disable=not progress) as bar:
        writers = {(c, s): ShardWriter(folder, c, s, writes, parquet_metadata(c, tags)) for c in schema.CONFIGS for s in SPLITS}
        for chunk, sentences in chunks:
            count_chunk(stats, chunk)
            sentence_counts.add(chunk.split, sentences)
            for config, table in [*chunk.tables.items(), (ner.CONFIG, sentences.table)]:
                writers[config, chunk.split].add(table)
            bar.update(chunk.tables[rows.ARTICLE_CONFIG].num_rows)
        for writer in writers.values():
            writer.finish()
        writes.wait()
    outputs = [writer.output() for writer in writers.values()]
    evaluations = _evaluations(root, corpus_plan)
    agreement = _agreement(root, corpus_plan)
    storage.write_text_atomic(folder / CARD_NAME, card.card_text(root, stats, outputs, evaluations, sentence_counts, agreement, version=version))
    described = describe_files(folder, [CARD_NAME, *(path for output in outputs for path in output.files)])
    text = croissant.croissant_text(root, stats, outputs, described, corpus_plan.sets, version=version)
    storage.write_text_atomic(folder / croissant.CROISSANT_NAME, text)
    storage.write_text_atomic(folder / MANIFEST_NAME, manifest(folder, described, version=version))


def _evaluations(root: Path, corpus_plan: rows.Plan) -> list[str]:
    """Markdown scores of each model set against each hand set it shares articles with."""
    from .. import evaluate

    tables = []
    for hand, hand_articles in corpus_plan.sets["hand"].items():
        for model, model_articles in corpus_plan.sets["model"].items():
            if hand_articles & model_articles:
                result = evaluate.evaluate(root=root, gold=f"hand/{hand}", pred=f"model/{model}")
                tables.append(f"### model/{model} against hand/{hand}\n\n{evaluate.render(result, format='markdown')}")
    return tables


def _agreement(root: Path, corpus_plan: rows.Plan) -> str | None:
    """Markdown agreement of the hand sets, if some article has two or more of them."""
    from .. import agree

    annotated = Counter(article for articles in corpus_plan.sets["hand"].values() for article in articles)
    if not any(count >= 2 for count in annotated.values()):
        return None
    return agree.render(agree.agree(root=root), format="markdown")


def describe_files(folder: Path, paths: list[str]) -> list[croissant.DescribedFile]:
    """Size and SHA-256 of files of the release, given by their paths in it."""
    return [croissant.DescribedFile(path, (folder / path).stat().st_size, file_sha256(folder / path)) for path in paths]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: Path, described: list[croissant.DescribedFile], *, version: str = __version__) -> str:
    """``MANIFEST.json``: version, and path, size and SHA-256 of every other file, sorted by path.

    ``described``: files already hashed, not read again.
    """
    known = {f.path for f in described}
    others = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    files = sorted([*described, *describe_files(folder, [p for p in others if p not in known])], key=lambda f: f.path)
    entries = [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in files]
    return json.dumps({"name": card.PRETTY_NAME, "version": version, "files": entries}, indent=2) + "\n"
