"""The repository layout: where articles and annotation sets live, and their identity rules.

    corpus/<source>/<YYYY>/<id>.json                 article records
    corpus/splits.json                               article id -> train|test
    annotations/schema.json                          inventories
    annotations/hand/<annotator>/<article-id>.json   hand annotation sets
    annotations/model/<pipeline>/<article-id>.json   model annotation sets
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from . import schema
from .errors import RepositoryError, WirecorpusError

CORPUS_DIR = Path("corpus")
ANNOTATIONS_DIR = Path("annotations")
ANNOTATOR_KINDS = ("hand", "model")

# <source>-<YYYYMMDD>-<first 8 hex digits of the text's SHA-256>
ID_PATTERN = re.compile(r"^(?P<source>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<date>\d{8})-(?P<hash>[0-9a-f]{8})$")
SOURCE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SET_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


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
        if (folder / schema.SCHEMA_PATH).is_file():
            return folder
    raise RepositoryError(
        f"{here}: not inside a wirecorpus repository (no {schema.SCHEMA_PATH} here or above); "
        "run the command from the repository or pass --root"
    )


def article_path(root: Path, article: schema.Article) -> Path:
    return root / CORPUS_DIR / article.source / f"{article.date.year:04d}" / f"{article.id}.json"


def annotation_path(root: Path, *, kind: str, name: str, article_id: str) -> Path:
    return root / ANNOTATIONS_DIR / kind / name / f"{article_id}.json"


def article_files(root: Path) -> list[Path]:
    """Every article record, sorted by path."""
    return sorted((root / CORPUS_DIR).glob("*/*/*.json"))


def annotation_files(root: Path, kind: str | None = None) -> list[Path]:
    """Every annotation file (of one kind, or of both), sorted by path."""
    kinds = (kind,) if kind else ANNOTATOR_KINDS
    return sorted(p for k in kinds for p in (root / ANNOTATIONS_DIR / k).glob("*/*.json"))


def annotation_sets(root: Path, kind: str) -> list[str]:
    """The names of the annotation sets of one kind, sorted."""
    folder = root / ANNOTATIONS_DIR / kind
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_article(path: Path) -> schema.Article:
    """An article record from a file the validator has passed."""
    return schema.from_dict(schema.Article, read_json(path))


def read_annotation(path: Path) -> schema.AnnotationFile:
    """An annotation set from a file the validator has passed."""
    return schema.from_dict(schema.AnnotationFile, read_json(path))


_RECORD_NAMES = {schema.Article: "article record", schema.AnnotationFile: "annotation file"}


def read_record(root: Path, path: Path, record: type, *, error: type[WirecorpusError]):
    """A record from a file that should be valid; otherwise ``error``, naming the file."""
    try:
        return schema.from_dict(record, read_json(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise error(
            f"{relative(root, path)}: not a readable {_RECORD_NAMES[record]} ({type(exc).__name__}: {exc}); "
            "run `wirecorpus validate` for the details"
        ) from None


def iter_articles(root: Path) -> Iterator[schema.Article]:
    for path in article_files(root):
        yield read_article(path)


def relative(root: Path, path: Path) -> str:
    """A path as shown to users: relative to the repository, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
