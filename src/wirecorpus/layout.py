"""Where everything lives in a wirecorpus repository, and the identity rules of what lives there.

    annotations/schema.json                          inventories (the schema's data)
    annotations/lexicons/<name>.json                 word lists the model components read
    corpus/<source>/<YYYY>/<id>.json                 article records
    corpus/splits.json                               article id -> train|test
    raw/<source>/<sha256 of the bytes, 16 hex>.<ext> raw files ingested from outside the repository
    annotations/<kind>/<set>/<article-id>.json       annotation sets; kind is hand or model
    annotations/gold.json                            article id -> its gold hand set (at most one)
    annotations/ner_tags.json                        the ner config's IOB2 tags, in their fixed order
    releases/<version>.json                          what each release held
    dist/wirecorpus-<version>/                       a built release

This module is the one place that knows these paths. It builds and lists them
and says who may be where (the annotator kinds, checked against the schema's
inventory); reading and writing the files is for the modules that use them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import RepositoryError, SchemaError, WirecorpusError

CORPUS_DIR = Path("corpus")
ANNOTATIONS_DIR = Path("annotations")
RAW_DIR = Path("raw")
RELEASES_DIR = Path("releases")
DIST_DIR = Path("dist")
# The folders that hold the dataset itself: nothing a command writes for people or other tools goes there.
DATA_DIRS = (CORPUS_DIR, ANNOTATIONS_DIR, RAW_DIR, RELEASES_DIR)
SCHEMA_PATH = ANNOTATIONS_DIR / "schema.json"
LEXICONS_DIR = ANNOTATIONS_DIR / "lexicons"
SPLITS_PATH = CORPUS_DIR / "splits.json"
GOLD_PATH = ANNOTATIONS_DIR / "gold.json"  # article id -> the name of its gold hand set
NER_TAGS_PATH = ANNOTATIONS_DIR / "ner_tags.json"  # the ner config's tags; a tag's id is its position
ANNOTATOR_KINDS = ("hand", "model")
RELEASE_PREFIX = "wirecorpus-"

# <source>-<YYYYMMDD>-<first 8 hex digits of the text's SHA-256>
ID_PATTERN = re.compile(r"^(?P<source>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<date>\d{8})-(?P<hash>[0-9a-f]{8})$")
SOURCE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SET_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
RAW_NAME_HEX = 16
_RAW_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


def text_sha256(text: str) -> str:
    """The SHA-256 of an article text, as UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id(*, source: str, date: str, sha256: str) -> str:
    """The id rule: ``tass-20200920-0b007ee1`` from source, ISO date and text hash."""
    return f"{source}-{date.replace('-', '')}-{sha256[:8]}"


def find_root(start: Path | str | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``annotations/schema.json``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SCHEMA_PATH).is_file():
            return folder
    raise RepositoryError(
        f"{here}: not inside a wirecorpus repository (no {SCHEMA_PATH} here or above); "
        "run the command from the repository or pass --root"
    )


def check_annotator_kinds(kinds: Iterable[str]) -> None:
    """The schema's annotator kinds must be the folders of annotations/ this code knows."""
    if set(kinds) != set(ANNOTATOR_KINDS):
        raise SchemaError(
            f"{SCHEMA_PATH}: annotator_kinds are {', '.join(sorted(kinds))}, but the repository layout has "
            f"folders for {', '.join(ANNOTATOR_KINDS)} (annotations/<kind>/<set>/)"
        )


# --------------------------------------------------------------------------
# Articles.


def article_relpath(*, source: str, date: str, article_id: str) -> str:
    """Where an article record belongs, relative to the repository (``date`` ISO or YYYYMMDD)."""
    return f"{CORPUS_DIR.as_posix()}/{source}/{date[:4]}/{article_id}.json"


def article_path(root: Path, article: Any) -> Path:
    """The file of an article record (anything with ``id``, ``source`` and ``date``)."""
    return Path(root) / article_relpath(source=article.source, date=article.date.isoformat(), article_id=article.id)


def article_relpath_of_id(article_id: str) -> str | None:
    """Where the record of an article id belongs; None for an id that breaks the id rule."""
    match = ID_PATTERN.match(article_id)
    return article_relpath(source=match["source"], date=match["date"], article_id=article_id) if match else None


def article_files(root: Path) -> list[Path]:
    """Every article record, sorted by path."""
    return sorted((Path(root) / CORPUS_DIR).glob("*/*/*.json"))


def iter_article_ids(root: Path) -> Iterator[str]:
    """The ids of the article records in the layout, one at a time, from the file names alone
    (ingest lists the corpus once a run, and again when another command wrote to it)."""
    for _, names in article_record_names(root):
        yield from (name[: -len(".json")] for name in names)


def article_record_folders(root: Path) -> Iterator[str]:
    """The year folders of the corpus, ``corpus/<source>/<YYYY>/`` (hidden ones left out)."""
    return _visible_folders(_visible_folders(Path(root) / CORPUS_DIR))


def article_record_names(root: Path) -> Iterator[tuple[str, list[str]]]:
    """Each year folder of the corpus and the names of the records in it: the names :func:`article_glob`
    matches (hidden names left out), listed with ``os.scandir``, a third of the time of :mod:`glob`
    on a folder of 70,000 records."""
    for year in article_record_folders(root):
        with os.scandir(year) as listing:
            yield year, [entry.name for entry in listing if entry.name.endswith(".json") and not entry.name.startswith(".")]


def _visible_folders(folders: Path | Iterable[str]) -> Iterator[str]:
    """The folders, not hidden, directly inside a folder (or inside each of several)."""
    for folder in [folders] if isinstance(folders, Path) else folders:
        try:
            with os.scandir(folder) as listing:
                found = [entry.path for entry in listing if not entry.name.startswith(".") and entry.is_dir()]
        except (FileNotFoundError, NotADirectoryError):
            continue
        yield from found


def article_glob(root: Path) -> str:
    """A glob pattern (a string, for :mod:`glob`) of every article record under ``root``."""
    import glob

    return os.path.join(glob.escape(str(root / CORPUS_DIR)), "*", "*", "*.json")


# --------------------------------------------------------------------------
# Annotation sets.


def set_folder(root: Path, *, kind: str, name: str) -> Path:
    return Path(root) / ANNOTATIONS_DIR / kind / name


def annotation_relpath(*, kind: str, name: str, article_id: str) -> str:
    return f"{ANNOTATIONS_DIR.as_posix()}/{kind}/{name}/{article_id}.json"


def annotation_path(root: Path, *, kind: str, name: str, article_id: str) -> Path:
    return Path(root) / annotation_relpath(kind=kind, name=name, article_id=article_id)


def annotation_files(root: Path, kind: str | None = None) -> list[Path]:
    """Every annotation file (of one kind, or of all), sorted by path."""
    kinds = (kind,) if kind else ANNOTATOR_KINDS
    return sorted(p for k in kinds for p in (Path(root) / ANNOTATIONS_DIR / k).glob("*/*.json"))


def annotation_sets(root: Path, kind: str) -> list[str]:
    """The names of the annotation sets of one kind, sorted."""
    folder = Path(root) / ANNOTATIONS_DIR / kind
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def set_files(root: Path, *, kind: str, name: str) -> dict[str, str]:
    """The paths of an annotation set's files, by article id (listed, not read; scandir, as a set may be large)."""
    folder = set_folder(root, kind=kind, name=name)
    return {entry.name[:-5]: entry.path for entry in os.scandir(folder) if entry.name.endswith(".json")}


def parse_set_name(name: str, *, error: type[Exception] = RepositoryError) -> tuple[str, str]:
    """``"hand/a1"`` -> ``("hand", "a1")``; anything else is refused with ``error``."""
    kind, _, set_name = name.partition("/")
    if kind not in ANNOTATOR_KINDS or not SET_NAME_PATTERN.match(set_name):
        raise error(
            f"{name!r} is not an annotation set name; expected <kind>/<name> with kind one of "
            f"{', '.join(ANNOTATOR_KINDS)} and a name of letters, digits, '.', '_' and '-', e.g. hand/a1"
        )
    return kind, set_name


def is_schema_data(parts: tuple[str, ...]) -> bool:
    """Whether a repository-relative path is annotations/schema.json, the ner tags or a lexicon: data of their own, not records."""
    return parts in (SCHEMA_PATH.parts, NER_TAGS_PATH.parts) or (len(parts) == len(LEXICONS_DIR.parts) + 1 and parts[:-1] == LEXICONS_DIR.parts)


# --------------------------------------------------------------------------
# Raw files and releases.


def raw_relpath(*, source: str, data: bytes, suffix: str) -> str:
    """Where a raw file's bytes are kept: named by their content, so nothing is ever overwritten."""
    digest = hashlib.sha256(data).hexdigest()[:RAW_NAME_HEX]
    extension = suffix.lower() if _RAW_SUFFIX.fullmatch(suffix) else ".txt"
    return f"{RAW_DIR.as_posix()}/{source}/{digest}{extension}"


def release_path(root: Path, version: str, out: Path | None = None) -> Path:
    """Where a build goes: ``out``, else ``dist/wirecorpus-<version>`` in the repository."""
    return Path(out) if out is not None else Path(root) / DIST_DIR / f"{RELEASE_PREFIX}{version}"


def build_record_path(release: Path) -> Path:
    """Where the record of the last build of a release folder is kept: a hidden folder beside it
    (``.wirecorpus-<version>.record``), so that the release holds only what is published."""
    return Path(release).parent / f".{Path(release).name}.record"


def article_of_input(relpath: str) -> str | None:
    """The article a repository file belongs to, if it is an article record or an annotation file
    in its place (``corpus/...`` or ``annotations/<kind>/<set>/<id>.json``); None for any other file."""
    parts = relpath.split("/")
    if not relpath.endswith(".json"):
        return None
    article_id = parts[-1][: -len(".json")]
    if parts[0] == CORPUS_DIR.as_posix():
        return article_id if article_relpath_of_id(article_id) == relpath else None
    in_set = len(parts) == 4 and parts[0] == ANNOTATIONS_DIR.as_posix() and parts[1] in ANNOTATOR_KINDS
    return article_id if in_set and SET_NAME_PATTERN.fullmatch(parts[2]) and ID_PATTERN.match(article_id) else None


def refuse_data_folder(root: Path, out: Path, *, option: str, error: type[WirecorpusError]) -> None:
    """``error`` if ``out`` lies in one of the folders that hold the dataset (corpus/, annotations/,
    raw/, releases/): an export or a page written there would sit among the data, unchecked."""
    resolved = Path(out).resolve()
    for folder in DATA_DIRS:
        data = Path(root).resolve() / folder
        if resolved == data or data in resolved.parents:
            raise error(f"{option} {out}: inside {folder.as_posix()}/, which holds the dataset itself; write it elsewhere, e.g. under {DIST_DIR.as_posix()}/")


def relative(root: Path, path: Path | str) -> str:
    """A path as shown to users: relative to the repository, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
