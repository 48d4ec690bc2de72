"""What a review page shows: the article, the annotation sets chosen for it and their files.

Sets are named ``<kind>/<name>`` (:func:`wirecorpus.layout.parse_set_name`).
Without a choice, every set that has a file for the article is a candidate:
the first two by name are shown (``hand/...`` sorts before ``model/...``) and
the others are named on the page. A choice names one or two sets, each of
which must have a file for the article; the other sets that have one are
named on the page too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import corpus, layout, schema
from ..compare.sets import all_sets
from ..errors import ReviewError

# Two sets side by side is what a page can show readably; a third would need a
# third column per layer. More are named, and --sets picks the pair.
SHOWN_SETS = 2


@dataclass(frozen=True)
class SetFile:
    """One annotation set's file for the article, or why it could not be read."""

    name: str  # kind/name
    path: Path
    annotation: schema.AnnotationFile | None
    unreadable: str | None = None


@dataclass(frozen=True)
class Selection:
    """The files of one page, chosen but not read: the article and the set files shown beside it."""

    article_id: str
    article_path: Path
    shown: tuple[tuple[str, Path], ...]  # (kind/name, path)
    not_shown: tuple[str, ...]  # the other sets that have a file for the article

    @property
    def paths(self) -> list[Path]:
        """The files the page shows, for the validator."""
        return [self.article_path, *(path for _, path in self.shown)]


@dataclass(frozen=True)
class Review:
    """A selection read: the article record and the annotation files shown."""

    selection: Selection
    article: schema.Article
    shown: tuple[SetFile, ...]


def article_path(root: Path, article_id: str) -> Path:
    """The record file of an article id; an id that breaks the id rule or has no record is refused."""
    relpath = layout.article_relpath_of_id(article_id)
    if relpath is None:
        raise ReviewError(f"{article_id!r} is not an article id (expected <source>-<YYYYMMDD>-<8 hex digits>)")
    path = Path(root) / relpath
    if not path.is_file():
        raise ReviewError(f"article {article_id} does not exist (no {relpath})")
    return path


def all_article_ids(root: Path) -> list[str]:
    """Every article of the corpus, sorted by id."""
    return sorted(path.stem for path in layout.article_files(root))


def check_sets(root: Path, names: Sequence[str]) -> list[str]:
    """The chosen set names, checked: well formed, existing, at most two, no repeats."""
    if not 1 <= len(names) <= SHOWN_SETS or len(set(names)) != len(names):
        raise ReviewError(
            f"choose one or two different annotation sets to show side by side, not {', '.join(names) or 'none'}"
        )
    known = all_sets(root)
    for name in names:
        layout.parse_set_name(name, error=ReviewError)
        if name not in known:
            raise ReviewError(f"annotation set {name!r} does not exist; known sets: {', '.join(known) or 'none'}")
    return list(names)


def _set_file_path(root: Path, name: str, article_id: str) -> Path:
    kind, set_name = layout.parse_set_name(name, error=ReviewError)
    return layout.annotation_path(root, kind=kind, name=set_name, article_id=article_id)


def sets_with_article(root: Path, names: Sequence[str], article_id: str) -> list[str]:
    """Those of ``names`` that have a file for the article."""
    return [name for name in names if _set_file_path(root, name, article_id).is_file()]


def select(root: Path, article_id: str, sets: Sequence[str] | None) -> Selection:
    """The files of an article's page (``sets`` already checked, or None for the default)."""
    path = article_path(root, article_id)
    candidates = sets_with_article(root, all_sets(root), article_id)
    if sets is None:
        chosen = candidates[:SHOWN_SETS]
    else:
        missing = [name for name in sets if name not in candidates]
        if missing:
            raise ReviewError(f"{', '.join(missing)}: no file for article {article_id}")
        chosen = list(sets)
    shown = tuple((name, _set_file_path(root, name, article_id)) for name in chosen)
    return Selection(article_id, path, shown, tuple(name for name in candidates if name not in chosen))


def read(root: Path, selection: Selection) -> Review:
    """Read the files of a selection. Without a readable article record there is no page; an
    unreadable annotation file is shown as such, beside the validator's findings on it."""
    article = corpus.read_record(root, selection.article_path, schema.Article, error=ReviewError)
    return Review(selection, article, tuple(_read_set_file(root, name, path) for name, path in selection.shown))


def _read_set_file(root: Path, name: str, path: Path) -> SetFile:
    try:
        return SetFile(name, path, corpus.read_record(root, path, schema.AnnotationFile, error=ReviewError))
    except ReviewError as exc:
        return SetFile(name, path, None, str(exc))
