"""Bring annotations in from annotation tools: ``wirecorpus import``.

An import reads a tool's export (:mod:`wirecorpus.formats`), matches each document
to an article by its text (:mod:`wirecorpus.formats.projection`), or with ``ingest``
adds it as a new article, turns the tool's labels into the layers a MAP names
(:mod:`wirecorpus.formats.mapping`) and writes one annotation file per document:
``annotations/<hand|model>/<annotator>/<article-id>.json``, with ``layers`` set to the
layers of the MAP. Ids are numbered in text order (T1.., Q1.., E1..), as the
guidelines ask.

Nothing is dropped silently. Everything that cannot be converted is a problem with
its file and line (or id) and why; with any problem the import writes nothing,
unless ``skip_unconvertible``, when the report lists all that was skipped. Every file
is checked by the validator's own checks before anything is written, an existing
annotation file with other content is never overwritten unless ``replace``, and
``dry_run`` writes nothing at all. The writes run under the repository lock.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus, layout, schema, storage
from .errors import ImportRefused, WriteError
from .formats import IMPORT_FORMATS, format_module
from .formats.base import Problem, ToolDocument
from .formats.mapping import Converted, LabelMap, convert
from .formats.projection import Located, locate
from .ingest import IngestError, Prepared, prepare_text, store_prepared
from .validate.runner import Context, check_annotation

ANNOTATOR_PLACEHOLDER = "{annotator}"
_ISO_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


@dataclass(frozen=True)
class NewArticles:
    """How documents that match no article become articles (``wirecorpus import --ingest``)."""

    source: str
    license: str = "other"
    lang: str = "en"
    date: datetime.date | None = None  # else the ISO date in the document's name


@dataclass
class DocumentResult:
    """What became of one document of the export."""

    name: str
    where: str
    article: str | None = None
    target: str | None = None  # the annotation file, relative to the repository
    status: str = "refused"  # written, unchanged, replaced, refused
    new_article: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportReport:
    documents: list[DocumentResult] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    dry_run: bool = False
    skip_unconvertible: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [p for d in self.documents for p in d.problems]

    @property
    def refused(self) -> bool:
        """Whether nothing was (or, in a dry run, would be) written because of problems."""
        return bool(self.problems) and not self.skip_unconvertible

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)


def reader(format: str):
    """The module of ``wirecorpus.formats`` that reads a tool's exports."""
    return format_module(format, IMPORT_FORMATS, error=ImportRefused)


def import_annotations(
    format: str,
    paths: Sequence[Path],
    *,
    root: Path,
    annotator: str,
    map_path: Path | None = None,
    new_articles: NewArticles | None = None,
    skip_unconvertible: bool = False,
    dry_run: bool = False,
    replace: bool = False,
) -> ImportReport:
    """Import a tool's export as annotation sets; see the module docstring for the rules."""
    root = Path(root).resolve()
    inventory = schema.Inventory.load(root)
    label_map = LabelMap.load(map_path, inventory) if map_path else LabelMap.default(inventory)
    _check_annotator(annotator)
    documents = reader(format).read([Path(p) for p in paths])
    if not documents:  # an empty export, or the wrong folder: either way, nothing to say "imported" about
        raise ImportRefused(f"{', '.join(map(str, paths))}: no {format} document to import (no annotated document in the export)")
    report = ImportReport(layers=label_map.layers, dry_run=dry_run, skip_unconvertible=skip_unconvertible)
    context = Context.create(root, inventory)
    with storage.repository_lock(root):
        plan = _Plan(root, inventory, label_map, context, annotator, new_articles, replace)
        for document in documents:
            report.documents.append(plan.document(document))
        plan.refuse_clashes(report.documents)
        if not dry_run and not report.refused:
            plan.write(report.documents)
    return report


def _check_annotator(annotator: str) -> None:
    sample = annotator.replace(ANNOTATOR_PLACEHOLDER, "x")
    if not layout.SET_NAME_PATTERN.match(sample):
        raise ImportRefused(
            f"--annotator {annotator!r}: a set name is letters, digits, '.', '_' and '-' "
            f"(it may hold {ANNOTATOR_PLACEHOLDER} for the annotator the tool names)"
        )


@dataclass
class _Plan:
    """The files an import will write, worked out document by document."""

    root: Path
    inventory: schema.Inventory
    label_map: LabelMap
    context: Context
    annotator: str
    new_articles: NewArticles | None
    replace: bool
    articles: dict[str, schema.Article] = field(default_factory=dict)  # text sha256 -> article
    files: dict[str, str] = field(default_factory=dict)  # target -> file text
    added: dict[str, Prepared] = field(default_factory=dict)  # new article id -> what ingest stores

    def __post_init__(self) -> None:
        for article in corpus.iter_articles(self.root, error=ImportRefused):
            self.articles[article.text_sha256] = article

    def document(self, document: ToolDocument) -> DocumentResult:
        result = DocumentResult(document.name, document.where)
        set_name = self._set_name(document, result)
        found = locate(document.text, lambda body: self.articles.get(layout.text_sha256(body)))
        if found is None:
            found = self._new_article(document, result)
        if found is None or set_name is None:
            return result
        article, located = found
        result.article = article.id
        converted = convert(document, self.label_map, inventory=self.inventory, text=article.text, project=located.project)
        result.problems += converted.problems
        kind = document.kind
        record = self._record(article, converted, kind=kind, name=set_name, version=document.annotator if kind == "model" else None)
        result.counts = {layer: len(getattr(record, layer)) for layer in self.label_map.layers}
        result.target = layout.annotation_relpath(kind=kind, name=set_name, article_id=article.id)
        self._check(record, result, article)
        return result

    def _set_name(self, document: ToolDocument, result: DocumentResult) -> str | None:
        if ANNOTATOR_PLACEHOLDER not in self.annotator:
            return self.annotator
        if not document.annotator or not layout.SET_NAME_PATTERN.match(document.annotator):
            why = "the tool names no annotator" if not document.annotator else f"the tool's annotator {document.annotator!r} is not usable in a set name"
            result.problems.append(Problem(document.where, document.name, f"{why}, so --annotator {self.annotator} cannot be filled in"))
            return None
        return self.annotator.replace(ANNOTATOR_PLACEHOLDER, document.annotator)

    def _new_article(self, document: ToolDocument, result: DocumentResult) -> tuple[schema.Article, Located] | None:
        if self.new_articles is None:
            result.problems.append(Problem(document.where, document.name, "no article of the corpus has this text (also without leading lines); pass --ingest to add it as a new article"))
            return None
        date = self.new_articles.date or _date_in_name(document.name)
        if date is None:
            result.problems.append(Problem(document.where, document.name, "a new article needs a date: the name holds no YYYY-MM-DD date; pass --date"))
            return None
        try:
            prepared = prepare_text(
                document.text.encode("utf-8"), name=document.where.split(":")[0], source=self.new_articles.source,
                lang=self.new_articles.lang, license=self.new_articles.license, date=date,
            )
        except IngestError as exc:
            result.problems.append(Problem(document.where, document.name, str(exc)))
            return None
        article = prepared.article
        self.articles[article.text_sha256] = article
        self.added[article.id] = prepared
        result.new_article = True
        return locate(document.text, lambda body: self.articles.get(layout.text_sha256(body)))

    def _record(self, article: schema.Article, converted: Converted, *, kind: str, name: str, version: str | None) -> schema.AnnotationFile:
        layers = self.label_map.layers
        entities, quotes, events = numbered(converted)
        return schema.AnnotationFile(
            article=article.id,
            text_sha256=article.text_sha256,
            annotator=schema.Annotator(kind=kind, name=name, version=version),
            schema_version=self.inventory.schema_version,
            layers=layers,
            entities=entities,
            quotes=quotes,
            events=events,
        )

    def _check(self, record: schema.AnnotationFile, result: DocumentResult, article: schema.Article) -> None:
        """The validator's checks on the file to be written, and whether a different file is there."""
        text = schema.dumps(record)
        findings = check_annotation(schema.to_dict(record), path=result.target, article=article, context=self.context)
        for finding in findings:
            result.problems.append(Problem(result.where, finding.place or result.name, f"would fail validation: [{finding.id}] {finding.message}"))
        if findings:
            return  # never written, even when problems are skipped
        try:
            there = storage.existing_bytes(self.root / result.target)
        except WriteError as exc:
            result.problems.append(Problem(result.where, result.target, str(exc)))
            return
        if there not in (None, text.encode("utf-8")) and not self.replace:
            result.status = "refused"
            result.problems.append(Problem(result.where, result.target, "an annotation file with other content is there already; pass --replace to overwrite it"))
            return
        result.status = "written" if there is None else "unchanged" if there == text.encode("utf-8") else "replaced"
        self.files[result.target] = text

    def refuse_clashes(self, results: list[DocumentResult]) -> None:
        """Two documents that would write one file: neither is written."""
        targets = Counter(r.target for r in results if r.target)
        for result in results:
            if result.target and targets[result.target] > 1:
                result.status = "refused"
                result.problems.append(Problem(result.where, result.target, f"{targets[result.target]} documents of this import would write this file (the same article and annotator)"))

    def write(self, results: list[DocumentResult]) -> None:
        targets = {self.root / r.target: self.files[r.target] for r in results if r.status in ("written", "replaced") and r.target in self.files}
        for folder in dict.fromkeys(path.parent for path in targets):
            storage.check_folder(folder)  # first: a folder in the way stops the import before anything is written
        refused = [r for r in store_prepared(self.root, list(self.added.values())) if isinstance(r, IngestError)]
        if refused:  # decided under the same lock as the plan, so only a broken repository gets here
            raise ImportRefused(f"new articles were refused, so no annotation file was written: {refused[0]}")
        for path, text in targets.items():
            storage.write_text_atomic(path, text)


def _date_in_name(name: str) -> datetime.date | None:
    found = _ISO_DATE_IN_NAME.findall(name)
    if len(found) != 1:
        return None
    try:
        return datetime.date.fromisoformat(found[0])
    except ValueError:
        return None


def numbered(converted: Converted) -> tuple[list[schema.Entity], list[schema.Quote], list[schema.Event]]:
    """The layers with ids in text order (T1.., Q1.., E1..) and references following the entities."""
    entities = sorted(converted.entities, key=lambda e: (e.start, e.end))
    entity_ids = {e.id: f"T{n}" for n, e in enumerate(entities, start=1)}
    renamed = [schema.Entity(entity_ids[e.id], e.start, e.end, e.text, e.label) for e in entities]
    quotes = [
        schema.Quote(f"Q{n}", q.kind, q.content, q.cue, entity_ids.get(q.speaker) if q.speaker else None, q.speaker_span)
        for n, q in enumerate(sorted(converted.quotes, key=lambda q: (q.content.start, q.content.end)), start=1)
    ]
    events = [
        schema.Event(f"E{n}", e.type, e.trigger, [schema.Argument(a.role, entity_ids[a.entity]) for a in e.arguments])
        for n, e in enumerate(sorted(converted.events, key=lambda e: (e.trigger.start, e.trigger.end, e.type)), start=1)
    ]
    return renamed, quotes, events


_WOULD = {"written": "to write", "replaced": "to replace", "unchanged": "unchanged", "refused": "refused"}


def render_report(report: ImportReport, *, verbose: bool = False) -> str:
    """What came in and what was reported: a line per problem, per document (verbose), and the totals."""
    lines = [f"problem: {problem}" for problem in report.problems]
    if verbose:
        for d in report.documents:
            counts = ", ".join(f"{n} {layer}" for layer, n in d.counts.items())
            new = " (new article)" if d.new_article else ""
            lines.append(f"{d.status}: {d.target or d.name}{new}: {counts or 'nothing'}; {len(d.problems)} problem(s)")
    totals = Counter()
    for d in report.documents:
        if d.status != "refused":
            totals.update(d.counts)
    lines.append(f"layers: {', '.join(report.layers)}; came in: " + ", ".join(f"{totals[layer]} {layer}" for layer in report.layers))
    wrote = not (report.refused or report.dry_run)
    files = ", ".join(f"{report.count(s)} {s if wrote else _WOULD[s]}" for s in ("written", "replaced", "unchanged", "refused"))
    new = sum(1 for d in report.documents if d.new_article and d.status != "refused")
    lines.append(f"{len(report.documents)} document(s): {files} annotation file(s); {new} new article(s); {len(report.problems)} problem(s)")
    if report.refused:
        lines.append("nothing was written: fix the problems above, or pass --skip-unconvertible to write what converts")
    elif report.dry_run:
        lines.append("dry run: nothing was written")
    return "\n".join(lines) + "\n"
