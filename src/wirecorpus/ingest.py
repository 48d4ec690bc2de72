"""Ingest raw wire articles into canonical article records.

A raw file is: optional leading whitespace, a header ``date YYYY-MM-DD``
(followed by a newline, or by the text on the same line), then the article.
The article ``text`` that every offset refers to is what follows the header,
in Unicode NFC, with ``\\r\\n`` turned into ``\\n`` and outer whitespace
stripped; nothing else is changed.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus, layout, schema, splits, storage
from .errors import IngestError

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
# Control characters that never occur in text (tab, newline, form feed and carriage return do).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RawArticle:
    """What a raw file says: its date and its normalised text."""

    date: datetime.date
    text: str


@dataclass
class IngestReport:
    """What one ingest run did with each file."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def normalize_text(body: str) -> str:
    """The offset rule: NFC, ``\\r\\n`` -> ``\\n``, outer whitespace stripped."""
    return unicodedata.normalize("NFC", body.replace("\r\n", "\n")).strip()


def parse_raw(data: bytes, *, name: str) -> RawArticle:
    """Read a raw file's bytes; an :class:`IngestError` says what is wrong with it."""
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not valid UTF-8 (byte {exc.start + 1}: {data[exc.start:exc.start + 1]!r})") from None
    binary = _BINARY.search(raw)
    if binary:
        raise IngestError(f"{name}: binary content (control character {binary.group()!r} at character {binary.start() + 1})")
    raw = raw.replace("\r\n", "\n").lstrip()
    header = HEADER.match(raw)
    if not header:
        raise IngestError(f"{name}: no date header; the file must start with 'date YYYY-MM-DD'")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", header["date"]):
            raise ValueError
        date = datetime.date.fromisoformat(header["date"])
    except ValueError:
        raise IngestError(f"{name}: the date header says {header['date']!r}, expected a real date as YYYY-MM-DD") from None
    text = normalize_text(raw[header.end():])
    if not text:
        raise IngestError(f"{name}: the article body after the date header is empty")
    return RawArticle(date=date, text=text)


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


def make_article(raw: RawArticle, *, source: str | None, origin: str, lang: str, license: str, name: str) -> schema.Article:
    """The canonical record of a parsed raw file."""
    dateline = parse_dateline(raw.text)
    source = source or source_name(dateline.agency)
    if not source:
        raise IngestError(f"{name}: cannot tell the source from the dateline; pass --source NAME")
    if not layout.SOURCE_PATTERN.match(source):
        raise IngestError(f"{name}: source {source!r} must be lower-case letters and digits joined by '-'")
    sha = layout.text_sha256(raw.text)
    return schema.Article(
        id=layout.article_id(source=source, date=raw.date.isoformat(), sha256=sha),
        source=source,
        date=raw.date,
        dateline=dateline,
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
    """Ingest raw files into ``corpus/``; refused files are reported, the rest still go in.

    Never overwrites or deletes an article: re-ingesting the same text is a
    no-op, different text under an existing id or a text already in the
    corpus under another id is refused.
    """
    root = Path(root).resolve()
    report = IngestReport()
    known_texts = _known_texts(root)
    for raw_path in paths:
        name = str(raw_path)
        try:
            article = _ingest_one(Path(raw_path), root=root, source=source, lang=lang, license=license, known_texts=known_texts)
        except IngestError as exc:
            report.refused.append((name, str(exc)))
            continue
        if article is None:
            report.unchanged.append(name)
        else:
            known_texts[article.text_sha256] = article.id
            report.added.append(article.id)
    splits.record_new_articles(root, report.added)
    return report


def _known_texts(root: Path) -> dict[str, str]:
    """Text hash -> article id of the records already in corpus/.

    A record that cannot be read is passed over here: ingest never touches
    it, and ``wirecorpus validate`` reports it.
    """
    known = {}
    for path in layout.article_files(root):
        try:
            record = corpus.read_json(path)
            known[record["text_sha256"]] = record["id"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return known


def _ingest_one(path: Path, *, root: Path, source, lang, license, known_texts: dict[str, str]) -> schema.Article | None:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{name}: cannot read: {exc.strerror}") from None
    origin = layout.relative(root, path)
    if Path(origin).is_absolute():
        raise IngestError(f"{name}: lies outside the repository {root}; copy the raw file into it (e.g. seeds/) so its origin is recorded")
    article = make_article(parse_raw(data, name=name), source=source, origin=origin, lang=lang, license=license, name=name)
    target = layout.article_path(root, article)
    if target.exists():
        existing = corpus.read_json(target)
        if existing.get("text") == article.text:
            return None
        raise IngestError(f"{name}: {layout.relative(root, target)} already holds a different text under id {article.id}; refusing to overwrite it")
    if article.text_sha256 in known_texts:
        raise IngestError(f"{name}: the same text is already in the corpus as {known_texts[article.text_sha256]}")
    storage.write_text_atomic(target, schema.dumps(article))
    return article
