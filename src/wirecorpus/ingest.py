"""Ingest raw wire articles into canonical article records.

A raw file is: optional leading whitespace, a header ``date YYYY-MM-DD``
(followed by a newline, or by the text on the same line), then the article.
The article ``text`` that every offset refers to is what follows the header,
in Unicode NFC, with ``\\r\\n`` turned into ``\\n`` and outer whitespace
stripped; nothing else is changed.

Every article can be traced to the exact bytes it came from (its ``origin``):
a raw file inside the repository is named by its own path; the bytes of one
from anywhere else, or of a text a caller has in hand (:func:`ingest_text`,
for an importer, with the date from the caller and no header), are kept under
``raw/<source>/``, named by their SHA-256 (:func:`layout.raw_relpath`), and
never overwritten.

Files are taken in batches of :data:`BATCH_SIZE`, so that a run's memory does
not grow with the number of files. Two commands may ingest at once. A batch is
read and parsed without the lock; what to write is decided and written under
the repository lock: whether an article is new (its record path is made of its
id) or its text is already in the corpus under another id (found by the file
names, which carry the first 8 hex digits of the text's hash, so only records
sharing them are read). The batch's files are written with one flush to disk
(:func:`storage.write_files_durably`), then its splits. Under the same lock
every batch gives each article on disk that is in no split its hashed split,
so a split lost in any way is repaired by the next run.
"""

from __future__ import annotations

import datetime
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import corpus, layout, schema, splits, storage
from .errors import IngestError
from .ingest_listing import Listing

HEADER = re.compile(r"date[ \t]+(?P<date>\S+)(?:[ \t]*\n|[ \t]+|[ \t]*$)")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# MOSCOW, September 20. /TASS/.  |  SEOUL, Nov. 30 (Xinhua) --  |  SALVADOR, Feb 26 -
DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*)"
    rf"(?:,[ \t]*(?P<month>{_MONTH})[ \t]+(?P<day>\d{{1,2}}))?"
    r"\.?[ \t]*"
    r"(?:/(?P<slash_agency>[^/\n]{1,40})/|\((?P<paren_agency>[^)\n]{1,40})\))?"
    r"[ \t]*(?P<separator>--|[-—–.:])(?=\s)"
)
# A BCP 47 language tag's shape (en, pt-BR, zh-Hant): the card's language list is made of them.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# Control characters that never occur in text (tab, newline, form feed and carriage return do).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
T = TypeVar("T")
# Files read and parsed, then stored under the lock, at a time: a run holds one batch in memory,
# and one flush to disk serves the whole batch.
BATCH_SIZE = 2000


@dataclass(frozen=True)
class RawArticle:
    """What a raw file says: its date and its normalised text."""

    date: datetime.date
    text: str


@dataclass(frozen=True)
class Ingested:
    """What ingest made of one text: its article record, and whether this run added it (False: it was there)."""

    article: schema.Article
    added: bool


@dataclass
class IngestReport:
    """What one ingest run did with each file, and the splits it gave to articles that had none."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    repaired: dict[str, str] = field(default_factory=dict)  # article id -> split, for articles already on disk

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass(frozen=True)
class Prepared:
    """A parsed text, ready to be stored: its record, and the bytes to keep at its origin (None: nothing to keep)."""

    name: str
    article: schema.Article
    raw: bytes | None


def normalize_text(body: str) -> str:
    """The offset rule: NFC, ``\\r\\n`` -> ``\\n``, outer whitespace stripped."""
    return unicodedata.normalize("NFC", body.replace("\r\n", "\n")).strip()


def parse_raw(data: bytes, *, name: str, date: datetime.date | None = None) -> RawArticle:
    """Read a raw file's bytes; an :class:`IngestError` says what is wrong with it.

    With ``date``, the bytes are the article alone, without a date header.
    """
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not valid UTF-8 (byte {exc.start + 1}: {data[exc.start:exc.start + 1]!r})") from None
    binary = _BINARY.search(raw)
    if binary:
        raise IngestError(f"{name}: binary content (control character {binary.group()!r} at character {binary.start() + 1})")
    has_header = date is None
    if has_header:
        date, raw = _split_header(raw.replace("\r\n", "\n").lstrip(), name=name)
    text = normalize_text(raw)
    if not text:
        raise IngestError(f"{name}: the article body{' after the date header' if has_header else ''} is empty")
    return RawArticle(date=date, text=text)


def _split_header(raw: str, *, name: str) -> tuple[datetime.date, str]:
    """The date of the header at the start of ``raw``, and what follows the header."""
    header = HEADER.match(raw)
    if not header:
        raise IngestError(f"{name}: no date header; the file must start with 'date YYYY-MM-DD'")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", header["date"]):
            raise ValueError
        return datetime.date.fromisoformat(header["date"]), raw[header.end():]
    except ValueError:
        raise IngestError(f"{name}: the date header says {header['date']!r}, expected a real date as YYYY-MM-DD") from None


def parse_dateline(text: str) -> schema.Dateline:
    """Place and agency from the start of the text; both None when it does not parse."""
    match = DATELINE.match(text)
    if not match or not (match["month"] or match["slash_agency"] or match["paren_agency"]):
        return schema.Dateline(place=None, agency=None)
    agency = match["slash_agency"] or match["paren_agency"]
    return schema.Dateline(place=match["place"], agency=agency.strip() if agency else None)


def source_name(agency: str | None) -> str | None:
    """A source name from an agency: lower case, runs of other characters as '-'."""
    if not agency:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", agency.lower()).strip("-")
    return slug or None


def article_source(raw: RawArticle, source: str | None, *, name: str) -> str:
    """The source of an article: ``source`` if given, else the dateline's agency; refused if neither makes a source name."""
    source = source or source_name(parse_dateline(raw.text).agency)
    if not source:
        raise IngestError(f"{name}: cannot tell the source from the dateline; pass --source NAME")
    if not layout.SOURCE_PATTERN.match(source):
        raise IngestError(f"{name}: source {source!r} must be lower-case letters and digits joined by '-'")
    return source


def make_article(raw: RawArticle, *, source: str, origin: str, lang: str, license: str) -> schema.Article:
    """The canonical record of a parsed raw file, from a source :func:`article_source` accepts."""
    sha = layout.text_sha256(raw.text)
    return schema.Article(
        id=layout.article_id(source=source, date=raw.date.isoformat(), sha256=sha),
        source=source,
        date=raw.date,
        dateline=parse_dateline(raw.text),
        text=raw.text,
        text_sha256=sha,
        origin=origin,
        lang=lang,
        license=license,
    )


def ingest(
    paths: Iterable[Path | str],
    *,
    root: Path,
    source: str | None = None,
    lang: str = "en",
    license: str = "other",
) -> IngestReport:
    """Ingest raw files (or folders of them) into ``corpus/``; refused files are reported, the rest still go in.

    Never overwrites or deletes an article: re-ingesting the same text is a
    no-op, different text under an existing id or a text already in the
    corpus under another id is refused. With no paths, only gives a split to
    every article that has none. The report of the whole run; a caller that
    should not hold a report of a million files takes :func:`ingest_batches`.
    """
    report = IngestReport()
    for batch in ingest_batches(paths, root=root, source=source, lang=lang, license=license):
        report.added += batch.added
        report.unchanged += batch.unchanged
        report.refused += batch.refused
        report.repaired.update(batch.repaired)
    return report


def ingest_batches(
    paths: Iterable[Path | str],
    *,
    root: Path,
    source: str | None = None,
    lang: str = "en",
    license: str = "other",
    batch_size: int = BATCH_SIZE,
) -> Iterator[IngestReport]:
    """Ingest as :func:`ingest` does, ``batch_size`` files at a time; the report of each batch once it is stored.

    A batch is read and parsed without the lock, then decided on and written
    under it (with one flush to disk for all its files, and its splits), so
    memory holds one batch whatever the number of files, and a run that is
    killed leaves whole batches behind it. With no paths there is one empty
    batch, which repairs the splits.
    """
    root = Path(root).resolve()
    options = {"root": root, "source": source, "lang": lang, "license": license}
    files = raw_files(paths)
    batch = list(itertools.islice(files, batch_size))
    kept = None  # what the run knows of the corpus, kept from batch to batch
    try:
        while True:
            results, assigned, kept = _store(root, [_attempt(_read_file, path, **options) for path in batch], kept)
            yield _batch_report(batch, results, assigned)
            batch = list(itertools.islice(files, batch_size))
            if not batch:
                return
    finally:
        if kept is not None:
            kept.listing.close()


def _batch_report(paths: list[Path], results: list[Ingested | IngestError], assigned: dict[str, str]) -> IngestReport:
    report = IngestReport()
    for path, result in zip(paths, results):
        if isinstance(result, IngestError):
            report.refused.append((str(path), str(result)))
        elif result.added:
            report.added.append(result.article.id)
        else:
            report.unchanged.append(str(path))
    added = set(report.added)
    report.repaired = {article: split for article, split in assigned.items() if article not in added}
    return report


def raw_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The files to ingest: a file as given, a folder as every file under it, in path order.

    Hidden files and folders (a name starting with '.') inside a folder are
    passed over: editors and tools leave them there. Folders are listed as they
    are reached, so a million files never form one list.
    """
    for path in map(Path, paths):
        yield from _files_under(path) if path.is_dir() else (path,)


def _files_under(folder: Path) -> Iterator[Path]:
    with os.scandir(folder) as listing:
        entries = sorted((entry for entry in listing if not entry.name.startswith(".")), key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir():
            yield from _files_under(Path(entry.path))
        else:
            yield Path(entry.path)


def ingest_text(
    data: bytes,
    *,
    name: str,
    root: Path,
    source: str | None = None,
    lang: str = "en",
    license: str = "other",
    date: datetime.date | None = None,
) -> Ingested:
    """Ingest one text a caller has in hand (say an annotation tool's document); raise :class:`IngestError` if refused.

    ``data`` are the text's bytes: with ``date``, the article alone; without,
    a raw file with its date header. They are kept under ``raw/<source>/`` (the
    article's origin; ``name``, shown in messages, gives the file its suffix).
    A text already in the corpus under the same id gives its record back
    (``added`` False). The decisions and writes run under the repository lock,
    re-entered if the caller holds it, so that a caller may write what belongs
    to the new article (its annotations) under the same lock.
    """
    (result,) = store_prepared(root, [prepare_text(data, name=name, source=source, lang=lang, license=license, date=date)])
    if isinstance(result, IngestError):
        raise result
    return result


def prepare_text(
    data: bytes, *, name: str, source: str | None = None, lang: str = "en", license: str = "other", date: datetime.date | None = None
) -> Prepared:
    """The article a text would become, with its raw bytes to keep under raw/, nothing written (see :func:`ingest_text`)."""
    return _candidate(data, name=name, origin=None, suffix=Path(name).suffix, source=source, lang=lang, license=license, date=date)


def store_prepared(root: Path, prepared: list[Prepared]) -> list[Ingested | IngestError]:
    """Store prepared texts as :func:`ingest_text` does, under the repository lock; each result or its refusal."""
    results, _, kept = _store(Path(root).resolve(), list(prepared))
    kept.listing.close()
    return results


# --------------------------------------------------------------------------
# Reading and parsing, without the lock.


def _attempt(step: Callable[..., T], *args: Any, **kwargs: Any) -> T | IngestError:
    """The step's result, or the :class:`IngestError` that refused it (one refusal does not stop the others)."""
    try:
        return step(*args, **kwargs)
    except IngestError as refusal:
        return refusal


def _read_file(path: Path, *, root: Path, source: str | None, lang: str, license: str) -> Prepared:
    """A raw file's candidate: a file inside the repository is its own origin, one from elsewhere is kept under raw/."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read: {exc.strerror}") from None
    resolved = path.resolve()
    origin = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else None
    return _candidate(data, name=str(path), origin=origin, suffix=path.suffix, source=source, lang=lang, license=license, date=None)


def _candidate(
    data: bytes, *, name: str, origin: str | None, suffix: str, source: str | None, lang: str, license: str, date: datetime.date | None
) -> Prepared:
    """The article the bytes make; ``origin`` None: the bytes are to be kept under raw/, which is then the origin."""
    if not LANGUAGE_TAG.fullmatch(lang):
        raise IngestError(f"{name}: language {lang!r} is not a language tag such as en or pt-BR")
    if not license or license != license.strip() or any(char.isspace() for char in license):
        raise IngestError(f"{name}: licence {license!r} is not a licence id such as cc-by-4.0 or other")
    raw = parse_raw(data, name=name, date=date)
    source = article_source(raw, source, name=name)
    keep = None
    if origin is None:
        origin, keep = layout.raw_relpath(source=source, data=data, suffix=suffix), data
    return Prepared(name, make_article(raw, source=source, origin=origin, lang=lang, license=license), keep)


# --------------------------------------------------------------------------
# Deciding and writing, under the lock.


@dataclass
class _Batch:
    """What one batch needs to know of the disk, and the files it will write.

    ``by_hash`` holds the articles on disk whose text hash starts with the first
    8 hex digits of a text of the batch (found from the file names alone, see
    :class:`ingest_listing.Listing`); ``unsplit`` the articles on disk in no split. ``files`` and ``articles`` are what the batch writes, all at once.
    """

    root: Path
    by_hash: dict[str, list[str]]
    unsplit: list[str]
    files: dict[Path, bytes] = field(default_factory=dict)
    articles: dict[Path, schema.Article] = field(default_factory=dict)

    def add(self, target: Path, article: schema.Article) -> None:
        self.files[target] = schema.dumps(article).encode("utf-8")
        self.articles[target] = article
        self.by_hash.setdefault(article.text_sha256[:8], []).append(article.id)

    def holder_of_text(self, article: schema.Article) -> str | None:
        """Another article with the same text; records that cannot be read are passed over (validate reports them)."""
        for other in self.by_hash.get(article.text_sha256[:8], ()):
            path = self.root / layout.article_relpath_of_id(other)
            if other == article.id or not (path in self.articles or path.is_file()):
                continue
            try:
                other_sha = self.articles[path].text_sha256 if path in self.articles else corpus.read_json(path)["text_sha256"]
                if other_sha == article.text_sha256:
                    return other
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return None

    def keep_raw(self, path: Path, data: bytes, *, name: str) -> None:
        """Keep the raw bytes, named by their hash: a file of that name holds them already, or holds other bytes and is refused."""
        there = self.files[path] if path in self.files else path.read_bytes() if path.exists() else None
        if there is None:
            self.files[path] = data
        elif there != data:
            raise IngestError(f"{name}: {layout.relative(self.root, path)} holds other bytes than its name says; refusing to overwrite it")


@dataclass
class _Kept:
    """What one run knows of the corpus from batch to batch: its listing (tables on disk) and the form and stamp of its splits file."""

    listing: Listing
    recorded: splits.RecordedSplits


def _store(
    root: Path, prepared: list[Prepared | IngestError], kept: _Kept | None = None
) -> tuple[list[Ingested | IngestError], dict[str, str], _Kept]:
    """Write the new articles, then give every article on disk without a split its split; all under the lock.

    ``kept``: the corpus as the run's previous batch left it, each part read
    again if another command wrote to it since; returned with this batch's
    articles added. Only when the corpus is listed are the articles in no split
    looked for: every batch gives a split to each article it lists or adds.
    """
    with storage.repository_lock(root):
        # A splits file that cannot be read stops the run here, before anything is written.
        recorded = kept.recorded if kept is not None and kept.recorded.is_current(root) else splits.RecordedSplits.read(root)
        listing = kept.listing if kept is not None and kept.listing.is_current(root) else None
        unsplit: list[str] = []
        if listing is None:
            if kept is not None:
                kept.listing.close()
            listing, unsplit = Listing.take(root, recorded)
        prefixes = {item.article.text_sha256[:8] for item in prepared if isinstance(item, Prepared)}
        batch = _Batch(root, listing.with_hashes(prefixes), unsplit)
        results = [item if isinstance(item, IngestError) else _attempt(_store_one, item, batch) for item in prepared]
        storage.write_files_durably(batch.files)
        added = {article.id for article in batch.articles.values()}
        assigned = recorded.add_unassigned(root, added | set(unsplit))
        listing.add(root, added)
    return results, assigned, _Kept(listing, recorded)


def _store_one(candidate: Prepared, batch: _Batch) -> Ingested:
    article, name, root = candidate.article, candidate.name, batch.root
    target = layout.article_path(root, article)
    if target in batch.articles or target.exists():
        return Ingested(_existing_record(target, article, name=name, batch=batch), added=False)
    holder = batch.holder_of_text(article)
    if holder is not None:
        raise IngestError(f"{name}: the same text is already in the corpus as {holder}")
    if candidate.raw is not None:
        for folder in (target.parent, (root / article.origin).parent):  # first, so that a folder in the way leaves nothing behind
            storage.check_folder(folder)
        batch.keep_raw(root / article.origin, candidate.raw, name=name)
    batch.add(target, article)
    return Ingested(article, added=True)


def _existing_record(target: Path, article: schema.Article, *, name: str, batch: _Batch) -> schema.Article:
    """The record already under the article's id (on disk or earlier in the batch), when it holds the same text; refused otherwise."""
    where = layout.relative(batch.root, target)
    staged = batch.articles.get(target)
    if staged is not None and staged.text == article.text:
        return staged
    try:
        data = corpus.read_json(target) if staged is None else {}
        if data.get("text") == article.text:
            return schema.from_dict(schema.Article, data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IngestError(f"{name}: {where} holds a record that cannot be read ({type(exc).__name__}: {exc}); run `wirecorpus validate`") from None
    raise IngestError(f"{name}: {where} already holds a different text under id {article.id}; refusing to overwrite it")
