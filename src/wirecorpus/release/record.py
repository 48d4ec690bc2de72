"""What a release held, kept in the repository: ``releases/<version>.json``.

The next release is compared with this record, not with the old release
folder (which need not be at hand), so the record holds everything the diff
needs down to single spans::

    {
      "record": 1,
      "version": "0.2.0", "date": "2026-11-30", "previous": "0.1.0",
      "schema": {"version": "1.1", "entity_labels": [...], "quote_kinds": [...],
                 "event_types": {"Contact:Meet": ["Entity", "Time", "Place"], ...},
                 "descriptions": {"": "<digest>", "entity_labels PERSON": "<digest>", ...}},
      "card_sha256": "<SHA-256 of DATASET_CARD.md>",
      "manifest": [{"path": "README.md", "size": 5012, "sha256": "..."}, ...],
      "articles": {"<id>": {"text_sha256": "...", "meta": "<digest>", "split": "test"}, ...},
      "annotations": {"hand/a1/<id>": {"sha256": "<of the file>", "meta": "<digest>",
                                       "layers": ["entities", "quotes", "events"],
                                       "entities": {"GPE": "0-6 334-339", ...},
                                       "quotes": {"direct": "881-1005:4be1c2d0", ...},
                                       "events": {"Contact:Meet": "40-43:9a0d77e1", ...}}, ...}
    }

``manifest`` is the built release's ``MANIFEST.json`` file list. An article's
``meta`` is a digest of what its record says besides the text (dateline,
language, licence); an annotation file's ``meta`` a digest of its annotator and
schema version. A layer's items are grouped by label (entity label, quote
kind, event type), each written ``start-end`` at its anchor (the entity
span, the quote's content, the event's trigger), and for quotes and events
``:`` and a digest of the rest (cue, speaker and speaker span; the arguments'
roles and entity spans), since ids are renumbered in text order and so do not
identify an item across releases. Digests are truncated SHA-256 of canonical
JSON (16 hex digits for ``meta``, 8 for an item, which only has to differ from
the items at the same anchor).

Size, measured: the seed repository's record is 9 KB, 5.5 KB of it the
schema's inventories; its 122 annotated items take 18 bytes each with their
files' digests. The synthetic corpus of ``benchmarks/bench_build.py`` (a model
set of 40 entities, 5 quotes and 5 events per article) needs 1.17 KB per
article: 117 MB at 100,000 articles, a ninth of the 1 GB of annotation files
it describes; git keeps it zlib-compressed, at about a third of that (gzip
makes 3.6 MB of the 11.7 MB of 10,000 articles). Reading the repository for
it takes about 7 s per 10,000 articles in one process (parsing the JSON), in
worker processes here; the snapshot holds 16 MB per 10,000 articles in
memory. Keeping a digest per file only would take a tenth of the space, but
the diff could then say that a file changed, not which spans; keeping the
annotations themselves would take as much again as the repository. The
record is written an article and an annotation file per line, sorted, so a
release's record is a small line-wise delta of the last one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import layout, schema, splits
from ..card import BODY_PATH
from ..errors import ReleaseError
from ..executor import available_cpus
from .versioning import parse_version

RECORD_FORMAT = 1
META_HEX = 16
ITEM_HEX = 8
SNAPSHOT_CHUNK = 2000  # files a worker reads at a time


@dataclass(frozen=True)
class Snapshot:
    """What the diff compares: the repository's data, in the record's form.

    An annotation file's entry is kept as its line of the record (compact
    JSON): half the memory of the parsed entry, and two entries are
    the same file exactly when their lines are equal, so the diff parses only
    the lines that differ.
    """

    schema: dict[str, Any]
    card_sha256: str | None
    articles: dict[str, dict[str, str]]
    annotations: dict[str, str]  # "<kind>/<set>/<article id>" -> the entry as compact JSON


@dataclass(frozen=True)
class Record:
    """A release as ``releases/<version>.json`` keeps it."""

    version: str
    date: str
    previous: str | None
    manifest: list[dict[str, Any]]
    snapshot: Snapshot


def digest(value: Any, length: int) -> str:
    """The first ``length`` hex digits of the SHA-256 of a value's canonical JSON."""
    return hashlib.sha256(compact(value, separators=(",", ":")).encode("utf-8")).hexdigest()[:length]


def compact(value: Any, *, separators: tuple[str, str] = (", ", ": ")) -> str:
    """A value as one line of canonical JSON (keys sorted, UTF-8 as is)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=separators)


# --------------------------------------------------------------------------
# The repository now.


def take_snapshot(root: Path) -> Snapshot:
    """Read the repository's schema, card body, articles and annotation files (in worker processes)."""
    root = Path(root)
    card = root / BODY_PATH
    articles = _in_chunks(_article_entries, root, layout.article_files(root))
    assignment = splits.assignment(root)
    for article, entry in articles.items():
        if article not in assignment:
            raise ReleaseError(f"{layout.article_relpath_of_id(article) or article}: the article is in no split of {layout.SPLITS_PATH}; run `wirecorpus validate`")
        entry["split"] = assignment[article]
    return Snapshot(
        schema=schema_entry(root),
        card_sha256=hashlib.sha256(card.read_bytes()).hexdigest() if card.is_file() else None,
        articles=articles,
        annotations=_in_chunks(_annotation_entries, root, layout.annotation_files(root)),
    )


def _in_chunks(read: Callable[[Path, list[Path]], dict], root: Path, paths: list[Path]) -> dict:
    """``read`` over chunks of ``paths``, in worker processes when there is more than one chunk; the results merged."""
    chunks = [paths[i : i + SNAPSHOT_CHUNK] for i in range(0, len(paths), SNAPSHOT_CHUNK)]
    workers = min(available_cpus(), len(chunks))
    merged: dict = {}
    if workers <= 1:
        for chunk in chunks:
            merged.update(read(root, chunk))
        return merged
    with ProcessPoolExecutor(workers) as pool:
        for part in pool.map(read, [root] * len(chunks), chunks):
            merged.update(part)
    return merged


def schema_entry(root: Path) -> dict[str, Any]:
    """The inventories of ``annotations/schema.json``, and digests of its descriptions."""
    inventory = schema.Inventory.load(root)
    about = json.loads((Path(root) / layout.SCHEMA_PATH).read_text(encoding="utf-8")).get("description")
    return {
        "version": inventory.schema_version,
        "entity_labels": sorted(inventory.entity_labels),
        "quote_kinds": sorted(inventory.quote_kinds),
        "event_types": {name: list(roles) for name, roles in sorted(inventory.event_roles.items())},
        "descriptions": _description_digests(about, inventory),
    }


def _description_digests(about: str | None, inventory: schema.Inventory) -> dict[str, str]:
    """A digest per description (the file's own under ``""``), so a new label is not a changed description."""
    digests = {"": digest(about, ITEM_HEX)}
    for name, described in sorted(inventory.descriptions.items()):
        for value, text in sorted(described.items()):
            source = inventory.event_sources.get(value) if name == "event_types" else None
            digests[f"{name} {value}"] = digest([text, source], ITEM_HEX)
    return digests


def _article_entries(root: Path, paths: list[Path]) -> dict[str, dict[str, str]]:
    """Article id -> the digests of its text and of the rest of its record."""
    entries = {}
    for path in paths:
        _, data = _read(root, path)
        try:
            text, meta = data["text"], {name: data[name] for name in ("dateline", "lang", "license")}
            entries[data["id"]] = {"text_sha256": layout.text_sha256(text), "meta": digest(meta, META_HEX)}
        except (KeyError, TypeError, AttributeError) as exc:
            raise _unreadable(root, path, exc) from None
    return entries


def _annotation_entries(root: Path, paths: list[Path]) -> dict[str, str]:
    return {_annotation_key(path): compact(annotation_entry(root, path)) for path in paths}


def _annotation_key(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.stem}"


def annotation_entry(root: Path, path: Path) -> dict[str, Any]:
    """An annotation file's entry: its SHA-256, metadata digest, layers and items."""
    raw, data = _read(root, path)
    try:
        annotator = schema.to_dict(schema.from_dict(schema.Annotator, data["annotator"]))
        entry = {
            "sha256": hashlib.sha256(raw).hexdigest(),
            "meta": digest([annotator, data["schema_version"]], META_HEX),
            "layers": list(data.get("layers", schema.LAYERS)),
        }
        entry.update(layer_items(data))
    except (KeyError, TypeError, AttributeError) as exc:
        raise _unreadable(root, path, exc) from None
    return entry


def layer_items(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Layer -> label -> the layer's items of that label (``start-end[:digest]``, space-separated, in text order)."""
    spans = {entity["id"]: _span(entity) for entity in data.get("entities", [])}
    keyed = {
        "entities": [(e["label"], _anchor(e), "") for e in data.get("entities", [])],
        "quotes": [(q["kind"], _anchor(q["content"]), _quote_rest(q, spans)) for q in data.get("quotes", [])],
        "events": [(e["type"], _anchor(e["trigger"]), _event_rest(e, spans)) for e in data.get("events", [])],
    }
    layers = {}
    for layer, items in keyed.items():
        by_label: dict[str, list[tuple[int, int, str]]] = {}
        for label, (start, end), rest in items:
            by_label.setdefault(label, []).append((start, end, rest))
        if by_label:
            layers[layer] = {label: " ".join(_item(*item) for item in sorted(found)) for label, found in sorted(by_label.items())}
    return layers


def _anchor(span: dict[str, Any]) -> tuple[int, int]:
    return int(span["start"]), int(span["end"])


def _span(span: dict[str, Any] | None) -> str:
    return "" if span is None else "{}-{}".format(*_anchor(span))


def _quote_rest(quote: dict[str, Any], spans: dict[str, str]) -> str:
    speaker = quote.get("speaker")
    speaker = None if speaker is None else spans.get(speaker, f"?{speaker}")
    return digest([_span(quote.get("cue")), speaker, _span(quote.get("speaker_span"))], ITEM_HEX)


def _event_rest(event: dict[str, Any], spans: dict[str, str]) -> str:
    arguments = sorted((a["role"], spans.get(a["entity"], f"?{a['entity']}")) for a in event.get("arguments", []))
    return digest(arguments, ITEM_HEX)


def _item(start: int, end: int, rest: str) -> str:
    return f"{start}-{end}:{rest}" if rest else f"{start}-{end}"


def parse_items(text: str) -> list[tuple[int, int, str]]:
    """``"0-6 8-20:ab12cd34"`` -> ``[(0, 6, ""), (8, 20, "ab12cd34")]``."""
    items = []
    for item in text.split():
        span, _, rest = item.partition(":")
        start, _, end = span.partition("-")
        items.append((int(start), int(end), rest))
    return items


def _read(root: Path, path: Path) -> tuple[bytes, dict[str, Any]]:
    """A file's bytes and its JSON object."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise _unreadable(root, path, exc) from None
    if not isinstance(data, dict):
        raise _unreadable(root, path, TypeError("not a JSON object"))
    return raw, data


def _unreadable(root: Path, path: Path, exc: Exception) -> ReleaseError:
    return ReleaseError(f"{layout.relative(root, path)}: not a readable record ({type(exc).__name__}: {exc}); run `wirecorpus validate`")


# --------------------------------------------------------------------------
# Records in releases/.


def record_relpath(version: str) -> str:
    return f"{layout.RELEASES_DIR.as_posix()}/{version}.json"


def recorded_versions(root: Path) -> list[str]:
    """The versions with a record in ``releases/``, oldest first."""
    folder = Path(root) / layout.RELEASES_DIR
    if folder.exists() and not folder.is_dir():
        raise ReleaseError(f"{layout.RELEASES_DIR.as_posix()}: a file where the folder of release records belongs")
    versions = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            parse_version(path.stem)
        except ReleaseError:
            raise ReleaseError(f"{record_relpath(path.stem)}: a release record is named <MAJOR.MINOR.PATCH>.json") from None
        versions.append(path.stem)
    return sorted(versions, key=parse_version)


def latest_record(root: Path) -> Record | None:
    """The record of the newest release, or None before the first."""
    versions = recorded_versions(root)
    return read_record(root, versions[-1]) if versions else None


def read_record(root: Path, version: str) -> Record:
    relpath = record_relpath(version)
    try:
        data = json.loads((Path(root) / relpath).read_text(encoding="utf-8"))
        if data["record"] != RECORD_FORMAT or data["version"] != version:
            raise ValueError(f"expected record format {RECORD_FORMAT} of version {version}")
        _check_entries(data)
        annotations = {key: compact(entry) for key, entry in data["annotations"].items()}
        snapshot = Snapshot(data["schema"], data["card_sha256"], data["articles"], annotations)
        return Record(data["version"], data["date"], data["previous"], data["manifest"], snapshot)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReleaseError(f"{relpath}: not a readable release record ({type(exc).__name__}: {exc})") from None


# The fields of each part of a record that the diff reads, with their types.
_SHAPES = {
    "schema": {"version": str, "entity_labels": list, "quote_kinds": list, "event_types": dict, "descriptions": dict},
    "articles": {"text_sha256": str, "meta": str, "split": str},
    "annotations": {"sha256": str, "meta": str, "layers": list},
}


def _check_entries(data: dict[str, Any]) -> None:
    """Raise ValueError, naming the entry, if a part of a record lacks a field the diff reads (say, after a hand edit)."""
    parts = {"schema": {"schema": data["schema"]}, "articles": data["articles"], "annotations": data["annotations"]}
    for part, entries in parts.items():
        for name, entry in entries.items():
            wrong = [field for field, kind in _SHAPES[part].items() if not isinstance(entry.get(field), kind)]
            if wrong:
                raise ValueError(f"{part} entry {name!r}: {', '.join(wrong)} missing or of another type")


def render_record(record: Record) -> str:
    """The record's file text: JSON, one manifest file, article or annotation file per line, keys sorted."""
    snapshot = record.snapshot
    heading = {"record": RECORD_FORMAT, "version": record.version, "date": record.date, "previous": record.previous}
    lines = [f"  {compact(key)}: {compact(value)}" for key, value in heading.items()]
    lines += [
        f'  "schema": {_block({key: compact(value) for key, value in snapshot.schema.items()})}',
        f'  "card_sha256": {compact(snapshot.card_sha256)}',
        f'  "manifest": {_block([compact(entry) for entry in record.manifest])}',
        f'  "articles": {_block({key: compact(entry) for key, entry in snapshot.articles.items()})}',
        f'  "annotations": {_block(snapshot.annotations)}',
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _block(items: dict[str, str] | list[str]) -> str:
    """A JSON object (keys sorted) or array of items already in JSON text, an item per line."""
    if isinstance(items, dict):
        lines, brackets = [f"    {compact(key)}: {value}" for key, value in sorted(items.items())], "{}"
    else:
        lines, brackets = [f"    {value}" for value in items], "[]"
    if not lines:
        return brackets
    return f"{brackets[0]}\n" + ",\n".join(lines) + f"\n  {brackets[1]}"
