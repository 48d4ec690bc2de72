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
and renamed into place at the end; an existing release folder is replaced
only once the new one is whole.

Builds are incremental. Each build leaves a record of what it read and made
(:mod:`.record`, beside the release folder). The next one lists the inputs
(:mod:`.inputs`): if nothing changed, the release is up to date and nothing
is read; else only the chunks of rows whose articles' files changed are made
from the files (:mod:`.reuse`), the other rows are taken from the last
build's shards, and a shard with no changed row is the old file again. The
result is byte for byte what a full build writes.

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from .. import card, heap, layout, ner, rows, schema, storage
from .._version import __version__
from ..article_ids import ArticleIds
from ..errors import BuildError, ExportError, RepositoryError, ValidationFailed
from ..executor import LocalExecutor, Task, available_cpus
from ..sorted_ids import shares_an_id
from ..release import croissant
from ..sorted_runs import groups, merge_sorted
from ..splits import SPLITS
from ..stats import Stats, count_chunk
from ..validate.runner import Context, survey
from ..validate.screen import Batch, screen_batch
from . import inputs, record
from .reuse import Reuse, plan_reuse
from .shards import BackgroundWrites, ShardWriter, parquet_metadata
from .texts import ChunkTexts

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
    If nothing the release is made of changed since its last build, it is
    left as it is (up to date); else it is rebuilt, taking again what the
    changes do not touch (see the module docstring).
    """
    root = Path(root).resolve()
    target = layout.release_path(root, version, out)
    heap.keep_large_blocks_mapped()  # else the heap grows with every chunk of rows (see wirecorpus.heap)
    inventory = schema.Inventory.load(root)
    code = inputs.fingerprint(version)
    with storage.repository_lock(root):
        listing = inputs.list_inputs(root)
        if _up_to_date(record.read_record(target), code, listing):
            listing.close()
            return target
        corpus_plan = _plan(root)
    tagger = ner.Tagger.load(root, inventory, corpus_plan.gold)
    with corpus_plan, listing, storage.file_lock(target.parent / BUILD_LOCK_NAME, holder=f"another build into {target.parent}"):
        for stale in stale_staging(target):
            shutil.rmtree(stale, ignore_errors=True)
        previous = record.read_record(target)
        if _up_to_date(previous, code, listing):  # another build made it meanwhile
            return target
        work = rows.chunk_work(corpus_plan)
        reuse = plan_reuse(root, target, previous, listing, code, corpus_plan, work)
        chunks = ScreenedChunks(corpus_plan, Context.create(root, inventory), tagger, work, reuse, listing)
        staging = storage.new_hidden_folder(target)
        try:
            made = _write_release(root, corpus_plan, staging, chunks, progress=progress, version=version)
            _move_into_place(staging, target)
            record.write_record(target, fingerprint=code, listing=listing.digest, inputs=listing.batches(root, reuse.recorded_inputs),
                                chunks=made.chunks, texts=chunks.texts, shards=made.shards, scores=made.scores)
        finally:
            chunks.texts_made.close()
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _plan(root: Path) -> rows.Plan:
    try:
        corpus_plan = rows.plan(root)
    except (RepositoryError, ValueError, TypeError, AttributeError):
        # An article in no split, or a corpus/splits.json that is not one: validate names the problem.
        _require_valid(root)
        raise
    if not any(corpus_plan.splits.values()):
        raise BuildError(f"{root}: the corpus has no articles, so there is nothing to release; add some with `wirecorpus ingest`")
    return corpus_plan


def _up_to_date(previous: record.BuildRecord | None, code: str, listing: inputs.Listing) -> bool:
    return previous is not None and previous.fingerprint == code and previous.listing == listing.digest


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
    """The rows of the chunks this build makes from the files, each chunk's files screened as they are parsed.

    Worker processes read, parse and screen the chunks ahead of the writer,
    while this process surveys the layout and corpus/splits.json (every article
    of the plan is in a split, so the screen leaves splits out). The first time
    the survey or the screen is not sure (or a text is seen twice), the full
    validator runs over the repository, and the build stops if it finds errors;
    so the build refuses exactly what ``wirecorpus validate`` reports.
    ``context`` None: the repository has been validated in full. Each chunk
    comes with its ``ner`` rows, which the workers make too. The chunks taken
    from the last build (``reuse``) were checked then: their texts are known,
    and the survey is needed again only if a path was added or removed. A text
    in two chunks is looked for once all are made (:meth:`check_texts`).

    The SHA-256 of each file a worker read goes to the ``listing``
    (:meth:`inputs.Listing.add_read`), for the record; the text hashes of each
    chunk go to disk as they come (:class:`.texts.ChunkTexts`).
    """

    corpus_plan: rows.Plan
    context: Context | None
    tagger: ner.Tagger
    work: list[tuple[str, rows.ChunkSpan]]
    reuse: Reuse
    listing: inputs.Listing
    texts_made: ChunkTexts = field(default_factory=ChunkTexts)
    texts: pa.Table | None = None  # every article's text hash, once checked (:meth:`check_texts`)

    def __iter__(self) -> Iterator[tuple[rows.Chunk, ner.SentenceRows]]:
        positions = [position for position in range(len(self.work)) if self.reuse.makes(position)]
        if not positions:
            return
        if self.reuse.texts is None:
            self._validate_in_full()
        # One chunk (one file changed) is made here: starting worker processes would take longer.
        workers = min(available_cpus(), len(positions)) if len(positions) > 1 else 0
        screen = None if self.context is None else (self.context.root, self.context.inventory)
        task = Task(functools.partial(_start_worker, self.corpus_plan.root, screen, self.tagger, workers > 0), _prepare_chunks)
        # Each job names its files, so that the workers never touch the plan.
        jobs = rows.chunk_jobs(self.corpus_plan, self.work, positions)
        with LocalExecutor(workers, ahead=AHEAD_PER_WORKER * workers).run(task, jobs) as prepared:
            # The workers have started on the first chunks: survey meanwhile.
            if self.context is not None and self.reuse.survey and survey(self.corpus_plan.root) is None:
                self._validate_in_full()
            for position, made in zip(positions, prepared):
                yield self._admit(position, made)

    def check_texts(self) -> None:
        """Once all chunks are made: validate in full (and so refuse the build) if a text is in the
        corpus twice; keep every article's text hash by chunk for the record (:attr:`texts`)."""
        known = self.context is not None and self.reuse.texts is not None and self.texts_made.known
        if known and self.texts_made.repeated(self.reuse.texts):
            self._validate_in_full()
        self.texts = self.texts_made.table(self.reuse.texts) if known and self.context is not None else None

    def _validate_in_full(self) -> None:
        _require_valid(self.corpus_plan.root)
        self.context = None

    def _admit(self, position: int, made: PreparedChunk) -> tuple[rows.Chunk, ner.SentenceRows]:
        if self.context is not None and made.texts is None:
            self._validate_in_full()
        self.texts_made.add(position, made.texts if self.context is not None else None)
        if made.problem is not None:
            raise made.problem
        self.listing.add_read(*made.files)
        chunk_parts, sentences = made.parts
        return rows.assemble_chunk(*chunk_parts, self.corpus_plan.gold), sentences


@dataclass(frozen=True)
class PreparedChunk:
    """What a worker made of a chunk: the parts for :func:`rows.assemble_chunk` and its ``ner`` rows, or why
    they cannot be made; the text hashes of its articles if the screen passed its files; the files'
    paths in the repository and their SHA-256s, one after the other."""

    parts: tuple | None
    problem: Exception | None
    texts: pa.Array | None
    files: tuple[list[str], bytes] = ([], b"")


@dataclass(frozen=True)
class _Worker:
    """What a worker needs to prepare chunks; ``context`` None: no screening (the repository has been validated in full)."""

    root: Path
    tagger: ner.Tagger
    context: Context | None


def _start_worker(root: Path, screen: tuple | None, tagger: ner.Tagger, own_process: bool) -> _Worker:
    if own_process:
        pa.set_cpu_count(1)  # the workers are the parallelism; Arrow threads in each only add overhead
    return _Worker(root, tagger, None if screen is None else Context.create(*screen))


def _prepare_chunks(worker: _Worker, work: list[tuple[str, ArticleIds, rows.ChunkPaths]]) -> list[PreparedChunk]:
    return [_prepare_chunk(worker, *job) for job in work]


def _prepare_chunk(worker: _Worker, split: str, ids: ArticleIds, paths: rows.ChunkPaths) -> PreparedChunk:
    """A chunk's parts, ``ner`` rows, text hashes and file hashes (see :class:`PreparedChunk`).

    The parts hold each article's text once; the rows that repeat it are made by the writer.
    """
    root, context = worker.root, worker.context
    try:
        files = rows.read_files(paths)
    except OSError as problem:
        where = layout.relative(root, Path(problem.filename)) if problem.filename else f"articles {ids[0]} to {ids[-1]}"
        return PreparedChunk(None, RepositoryError(f"{where}: cannot be read ({problem.strerror or problem}); run `wirecorpus validate`"), None)
    try:
        parsed = rows.parse_chunk(root, files)
    except RepositoryError as problem:
        return PreparedChunk(None, problem, None)
    screened = None if context is None else _screen_chunk(context, files, parsed)
    try:
        columns = rows.chunk_columns(parsed)
    except pa.ArrowInvalid as problem:  # a value the screen would not pass, such as a date that is no date
        return PreparedChunk(None, RepositoryError(f"articles {ids[0]} to {ids[-1]}: cannot be converted ({problem}); run `wirecorpus validate`"), None)
    try:
        sentences = worker.tagger.chunk_rows(files)
    except BuildError as problem:  # a gold set with no file
        return PreparedChunk(None, problem, screened)
    except (ExportError, ValueError, TypeError, KeyError, AttributeError) as problem:  # a record the screen would not pass
        return PreparedChunk(None, RepositoryError(f"articles {ids[0]} to {ids[-1]}: cannot be tagged for the ner config ({problem}); run `wirecorpus validate`"), screened)
    prefix = len(str(root)) + 1  # the paths are the plan's, under its root
    paths = [path[prefix:] for found in files.values() for path in found.paths]
    digests = b"".join(inputs.content_digest(data) for found in files.values() for data in found.contents)
    return PreparedChunk(((split, {kind: files[kind].indices for kind in rows.ANNOTATION_CONFIGS}, columns), sentences), None, screened, (paths, digests))


def _screen_chunk(context: Context, files: dict[str, rows.ChunkFiles], parsed: dict[str, pa.Table]) -> pa.Array | None:
    """The text hashes (32 bytes each) of the chunk's articles if the screen passes its files, else None."""
    batches = {config: Batch([context.relative(p) for p in found.paths], found.contents, parsed[config], found.indices) for config, found in files.items()}
    articles = batches.pop(rows.ARTICLE_CONFIG)
    screened = screen_batch(articles, list(batches.values()), context.inventory)
    return None if screened is None else pa.array([bytes.fromhex(text) for text in screened.hashes], record.TEXT_HASH)


def _move_into_place(staging: Path, target: Path) -> None:
    """Put the new release folder in place of the old one, if there is one and it differs.

    The old one is first renamed to a staging-like name beside it, so that if
    the build is killed between the two renames, the next build removes it.
    """
    if not target.exists():
        staging.rename(target)
        return
    old = target / MANIFEST_NAME
    if old.is_file() and old.read_bytes() == (staging / MANIFEST_NAME).read_bytes():
        return
    record.remove_record(target)
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


# --------------------------------------------------------------------------
# Writing.


@dataclass(frozen=True)
class Made:
    """What a build wrote, for its record: each chunk's rows and counts, each shard."""

    chunks: list[record.ChunkRecord]
    shards: dict[str, list[record.ShardRecord]]
    scores: record.Scores


def _write_release(root: Path, corpus_plan: rows.Plan, folder: Path, chunks: ScreenedChunks, *, progress: bool, version: str) -> Made:
    from tqdm.auto import tqdm

    stats, sentence_counts, tags, reuse = Stats(), ner.Summary(chunks.tagger.tags), chunks.tagger.tags, chunks.reuse
    made = iter(chunks)
    done = []
    with BackgroundWrites() as writes, tqdm(total=len(chunks.work), unit="chunk", desc="build", disable=not progress) as bar:
        writers = {(c, s): ShardWriter(folder, c, s, writes, parquet_metadata(c, tags), reuse.old_rows(c, s)) for c in schema.CONFIGS for s in SPLITS}
        # A split's last, partial shards are written once its last chunk is in, not held (up to a
        # shard's rows for each config) while the chunks of the other split are made.
        last_of_split = {split: position for position, (split, _) in enumerate(chunks.work)}
        for position, (split, ids) in enumerate(chunks.work):
            if reuse.makes(position):
                done.append(_add_chunk(writers, *next(made), ids, tags))
            else:
                done.append(reuse.previous.chunks[position])
                for config in schema.CONFIGS:
                    writers[config, split].add_old(reuse.old_range(config, position))
            if position == last_of_split[split]:
                for config in schema.CONFIGS:
                    writers[config, split].finish()
            stats.add(done[-1].stats)
            sentence_counts.merge(done[-1].sentences)
            bar.update()
        chunks.check_texts()  # before the card, which reads the files again
        writes.wait()
    outputs = [writer.output() for writer in writers.values()]
    scores = reuse.scores or record.Scores(_evaluations(root, corpus_plan), _agreement(root, corpus_plan))
    storage.write_text_atomic(folder / CARD_NAME, card.card_text(root, stats, outputs, scores.evaluations, sentence_counts, scores.agreement, version=version))
    known = {shard.path.relative_to(folder).as_posix(): shard.sha256 for writer in writers.values() for shard in writer.written}
    described = describe_files(folder, [CARD_NAME, *(path for output in outputs for path in output.files)], known=known)
    text = croissant.croissant_text(root, stats, outputs, described, corpus_plan.sets, version=version)
    storage.write_text_atomic(folder / croissant.CROISSANT_NAME, text)
    storage.write_text_atomic(folder / MANIFEST_NAME, manifest(folder, described, version=version))
    return Made(done, _shard_records(folder, writers, described), scores)


def _add_chunk(writers: dict[tuple[str, str], ShardWriter], chunk: rows.Chunk, sentences: ner.SentenceRows, ids: rows.ChunkSpan, tags: tuple[str, ...]) -> record.ChunkRecord:
    """Give a chunk made from the files to the writers; its record."""
    counts, summary = Stats(), ner.Summary(tags)
    count_chunk(counts, chunk)
    summary.add(chunk.split, sentences)
    tables = {**chunk.tables, ner.CONFIG: sentences.table}
    for config, table in tables.items():
        writers[config, chunk.split].add(table)
    return record.ChunkRecord(chunk.split, ids[0], ids[-1], len(ids), {c: t.num_rows for c, t in tables.items()}, counts, summary)


def _shard_records(folder: Path, writers: dict[tuple[str, str], ShardWriter], described: list[croissant.DescribedFile]) -> dict[str, list[record.ShardRecord]]:
    by_path = {file.path: file for file in described}
    shards = {}
    for (config, split), writer in writers.items():
        found = [by_path[shard.path.relative_to(folder).as_posix()] for shard in writer.written]
        shards[f"{config}/{split}"] = [record.ShardRecord(f.path, s.rows, f.size, f.sha256) for f, s in zip(found, writer.written)]
    return shards


def _evaluations(root: Path, corpus_plan: rows.Plan) -> list[str]:
    """Markdown scores of each model set against each hand set it shares articles with."""
    from .. import evaluate

    tables = []
    for hand, hand_articles in corpus_plan.sets["hand"].items():
        for model, model_articles in corpus_plan.sets["model"].items():
            if shares_an_id(hand_articles, model_articles):
                result = evaluate.evaluate(root=root, gold=f"hand/{hand}", pred=f"model/{model}")
                tables.append(f"### model/{model} against hand/{hand}\n\n{evaluate.render(result, format='markdown')}")
    return tables


def _agreement(root: Path, corpus_plan: rows.Plan) -> str | None:
    """Markdown agreement of the hand sets, if some article has two or more of them."""
    from .. import agree

    annotated = groups(merge_sorted([articles.blocks() for articles in corpus_plan.sets["hand"].values()]))
    if not any(bool((counts >= 2).any()) for _, counts in annotated):
        return None
    return agree.render(agree.agree(root=root), format="markdown")


def describe_files(folder: Path, paths: list[str], *, known: dict[str, str | None] | None = None) -> list[croissant.DescribedFile]:
    """Size and SHA-256 of files of the release, given by their paths in it; ``known``: SHA-256s not to compute again."""
    known = known or {}
    return [croissant.DescribedFile(path, (folder / path).stat().st_size, known.get(path) or file_sha256(folder / path)) for path in paths]


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
