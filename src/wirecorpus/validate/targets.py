"""Which files a validation run checks, and in what groups.

Files are grouped by article id into units: the article record and every
annotation file named after it. A unit is checked in one go, so an article's
text is read once and held only while its annotations are checked.

The listing of a large corpus is held as names in arrays (a record: its
name's length and 4 bytes; an annotation file: 8 bytes), not as paths: a
unit's paths are made as it is checked.
Folders are listed with ``os.scandir`` a chunk of names at a time, as a
folder of annotation files holds one per article.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import layout
from ..article_ids import found_in
from .sorted_ids import CHUNK, SortedIds, as_array, in_array

ARTICLE, ANNOTATION, LOOSE = "article", "annotation", "loose"
# Names taken from the layout once: they are compared for every file of the corpus.
_CORPUS, _ANNOTATIONS = layout.CORPUS_DIR.name, layout.ANNOTATIONS_DIR.name
_SPLITS_PARTS = layout.SPLITS_PATH.parts
# The files the layout names one by one; every other file's place follows from its folder.
_GOLD_PARTS = layout.GOLD_PATH.parts
_NAMED_FILES = frozenset({_SPLITS_PARTS, _GOLD_PARTS, layout.SCHEMA_PATH.parts, layout.NER_TAGS_PATH.parts})
_SUFFIX = len(".json")
_UNIT_CHUNK = 4096


def _no_rows() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class Targets:
    """The files of one run, by unit, and the rest.

    Article records whose names :func:`.sorted_ids.in_array` holds are in
    ``names`` (sorted, without .json) with their folders; the annotation files
    named after one of them are in ``annotation_rows`` (that record's row, sorted)
    with their folders. Every other unit is in ``groups``. ``files`` leaves out
    corpus/splits.json and annotations/gold.json, which are counted when checked.
    """

    names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="S1"))
    article_folders: list[str] = field(default_factory=list)
    article_folder_of: np.ndarray = field(default_factory=_no_rows)
    annotation_rows: np.ndarray = field(default_factory=_no_rows)
    annotation_folders: list[str] = field(default_factory=list)
    annotation_folder_of: np.ndarray = field(default_factory=_no_rows)
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # loose files, other names, annotation files of no listed record
    splits: bool = False  # whether corpus/splits.json is checked
    gold: bool = False  # whether annotations/gold.json is checked
    misplaced: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named paths that do not exist

    @property
    def files(self) -> int:
        return len(self.names) + len(self.annotation_rows) + sum(map(len, self.groups.values())) + len(self.misplaced) + len(self.missing)

    @property
    def unit_count(self) -> int:
        return len(self.groups) + len(self._run_starts())

    def units(self) -> Iterator[tuple[tuple[str, str], ...]]:
        """Each unit's files ((kind, absolute path), ...), articles first, so that their annotation files find them checked.

        The order of the units does not change a report: its findings are sorted, and a text seen twice names the smallest id.
        """
        for key in sorted(self.groups):
            yield _unit(self.groups[key])
        starts = self._run_starts()
        bounds = np.append(starts, len(self.names))
        annotation_bounds = np.searchsorted(self.annotation_rows, bounds)
        # A chunk of units at a time: lists of Python ints for every unit would cost 100 bytes a unit.
        for first in range(0, len(starts), _UNIT_CHUNK):
            ends = bounds[first : first + _UNIT_CHUNK + 1].tolist()
            annotation_ends = annotation_bounds[first : first + _UNIT_CHUNK + 1].tolist()
            names = self.names[ends[0] : ends[-1]].tolist()
            for index in range(len(ends) - 1):
                name = f"{names[ends[index] - ends[0]].decode('ascii')}.json"
                files = [(ARTICLE, f"{self.article_folders[self.article_folder_of[row]]}{os.sep}{name}") for row in range(ends[index], ends[index + 1])]
                files += [
                    (ANNOTATION, f"{self.annotation_folders[self.annotation_folder_of[row]]}{os.sep}{name}")
                    for row in range(annotation_ends[index], annotation_ends[index + 1])
                ]
                yield _unit(files)

    def all_regular(self) -> bool:
        """Whether every unit is :func:`regular`."""
        return all(regular(_unit(files)) for files in self.groups.values()) and len(self._run_starts()) == len(self.names)

    def article_ids(self) -> SortedIds:
        """The names of the article records, as ids."""
        others = {key for key, files in self.groups.items() if any(kind == ARTICLE for kind, _ in files)}
        return SortedIds(np.unique(self.names), others)

    def _run_starts(self) -> np.ndarray:
        """The first row of each name (a name is in several folders when a record is misplaced)."""
        return np.flatnonzero(np.concatenate(([True], self.names[1:] != self.names[:-1]))) if len(self.names) else _no_rows()


def regular(unit: tuple[tuple[str, str], ...]) -> bool:
    """An article record with the annotation files named after it."""
    return unit[0][0] == ARTICLE and all(kind == ANNOTATION for kind, _ in unit[1:])


def _unit(files: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(files, key=lambda item: (item[0] != ARTICLE, item[1])))


def layout_kind(parts: tuple[str, ...]) -> str | None:
    """What a repository-relative path is in the layout: article, annotation, splits, gold, misplaced, or None.

    None: not a record, as it lies outside corpus/ and annotations/ or is one
    of annotations/'s own data files (schema.json, lexicons/*.json). Every
    other JSON file under those two folders is a record, splits.json,
    gold.json, or misplaced.
    """
    if not parts or not parts[-1].endswith(".json"):
        return None
    if parts[0] == _CORPUS:
        if parts == _SPLITS_PARTS:
            return "splits"
        return ARTICLE if len(parts) == 4 else "misplaced"
    if parts == _GOLD_PARTS:
        return "gold"
    if parts[0] == _ANNOTATIONS:
        if len(parts) > 1 and parts[1] in layout.ANNOTATOR_KINDS:
            return ANNOTATION if len(parts) == 4 else "misplaced"
        return None if layout.is_schema_data(parts) else "misplaced"
    return None


def collect(paths: list[Path] | None, root: Path) -> Targets:
    """The targets of ``paths`` (files or folders), or of the whole repository when None."""
    root = root.resolve()
    if paths is None:
        paths = [root / layout.CORPUS_DIR, root / layout.ANNOTATIONS_DIR]
    listing = _Listing(str(root) + os.sep)
    for path in paths:
        path = Path(path).resolve()
        if not path.exists():
            listing.targets.missing.append(str(path))
        if path.is_file():
            listing.add_named(str(path.parent), path.name)
        else:
            listing.add_tree(str(path))
    return listing.finish()


class _Listing:
    """Files placed in the layout as they are listed.

    Article records go to arrays of names; annotation files are matched to
    them at the end, their folders listed a second time rather than their
    names kept meanwhile. A file is listed once: a folder is listed whole
    once, and a file named on its own is left out of its folder's listing.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.targets = Targets()
        self.listed: set[str] = set()  # folders listed whole
        self.named: set[str] = set()  # files named on their own
        self.article_folders: dict[str, int] = {}
        self.article_chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self.pending: list[tuple[str, int]] = []  # article names not yet in a chunk, with their folder
        self.annotation_folders: dict[str, set[str] | None] = {}  # folder -> its files named on their own (None: all its files)

    def add_named(self, folder: str, name: str) -> None:
        file = f"{folder}{os.sep}{name}"
        in_listing = folder in self.listed and name.endswith(".json") and not name.startswith(".")
        if not in_listing and file not in self.named:
            self.named.add(file)
            self._place(folder, [name], named=True)

    def add_tree(self, top: str) -> None:
        current, skip = None, False
        for folder, names in _folders(top):
            if folder != current:
                current, skip = folder, folder in self.listed
                self.listed.add(folder)
            if not skip:
                self._place(folder, [n for n in names if f"{folder}{os.sep}{n}" not in self.named] if self.named else names, named=False)

    def finish(self) -> Targets:
        targets = self.targets
        self._flush()
        names = np.concatenate([names for names, _ in self.article_chunks]) if self.article_chunks else targets.names
        folder_of = np.concatenate([folders for _, folders in self.article_chunks]) if self.article_chunks else _no_rows()
        self.article_chunks.clear()
        order = np.argsort(names, kind="stable")
        targets.names, targets.article_folder_of, targets.article_folders = names[order], folder_of[order], list(self.article_folders)
        rows, folders = [], []
        for index, (folder, only) in enumerate(self.annotation_folders.items()):
            targets.annotation_folders.append(folder)
            for chunk in [sorted(only)] if only is not None else (names for _, names in _folders(folder, recurse=False)):
                rows.append(self._match_annotations(folder, chunk).astype(np.int32))
                folders.append(np.full(len(rows[-1]), index, dtype=np.int32))
        if rows:
            all_rows = np.concatenate(rows)
            order = np.argsort(all_rows, kind="stable")
            targets.annotation_rows, targets.annotation_folder_of = all_rows[order], np.concatenate(folders)[order]
        targets.splits = targets.splits or len(targets.names) > 0 or any(kind == ARTICLE for files in targets.groups.values() for kind, _ in files)
        return targets

    def _place(self, folder: str, names: list[str], *, named: bool) -> None:
        # A folder's files share their place in the layout, bar the files it names: worked out once.
        folder_parts = tuple(folder[len(self.prefix) :].split(os.sep)) if folder.startswith(self.prefix) else None
        kinds: dict[str, str | None] = {}
        for name in names:
            parts = () if folder_parts is None else (*folder_parts, name)
            key = name if parts in _NAMED_FILES else ""
            kind = kinds[key] if key in kinds else kinds.setdefault(key, layout_kind(parts))
            if kind == ARTICLE and in_array(name[:-_SUFFIX]):
                self.pending.append((name[:-_SUFFIX], self.article_folders.setdefault(folder, len(self.article_folders))))
                if len(self.pending) == CHUNK:
                    self._flush()
            elif kind == ANNOTATION and named:
                only = self.annotation_folders.setdefault(folder, set())
                if only is not None:
                    only.add(name)
            elif kind == ANNOTATION:
                self.annotation_folders[folder] = None  # listed again, whole, once the records are known
                return
            else:
                _place(f"{folder}{os.sep}{name}", parts, kind, self.targets, named=named)

    def _flush(self) -> None:
        if self.pending:
            names, folders = zip(*self.pending)
            self.article_chunks.append((as_array(list(names)), np.array(folders, dtype=np.int32)))
            self.pending.clear()

    def _match_annotations(self, folder: str, names: list[str]) -> np.ndarray:
        """The record rows of the annotation files named after a listed record; each of the others goes to its group."""
        keys = [name[:-_SUFFIX] for name in names]
        rows = np.full(len(keys), -1, dtype=np.int64)
        held = np.array([row for row, key in enumerate(keys) if in_array(key)], dtype=np.int64)
        if len(held):
            array_keys = as_array([keys[row] for row in held])
            found = found_in(self.targets.names, array_keys)
            rows[held[found]] = np.searchsorted(self.targets.names, array_keys[found])
        for row in np.flatnonzero(rows < 0).tolist():
            self.targets.groups.setdefault(keys[row], []).append((ANNOTATION, f"{folder}{os.sep}{names[row]}"))
        return rows[rows >= 0]


def _folders(top: str, *, recurse: bool = True) -> Iterator[tuple[str, list[str]]]:
    """The JSON files under ``top``, by folder, in chunks of names (hidden ones left out), as :func:`os.walk` finds them:
    folders linked to are not entered, and a folder that cannot be listed is passed over."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError:
            continue
        subfolders, names = [], []
        with listing:
            for entry in listing:
                if _is_folder(entry):
                    if not entry.name.startswith(".") and not entry.is_symlink():
                        subfolders.append(entry.path)
                elif entry.name.endswith(".json") and not entry.name.startswith("."):
                    names.append(entry.name)
                    if len(names) == CHUNK:
                        yield folder, names
                        names = []
        if names:
            yield folder, names
        if recurse:
            stack += sorted(subfolders, reverse=True)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _place(file: str, parts: tuple[str, ...], kind: str | None, targets: Targets, *, named: bool) -> None:
    if kind == "splits":
        targets.splits = True
    elif kind == "gold":
        targets.gold = True
    elif kind == "misplaced":
        targets.misplaced.append(file)
    elif kind in (ARTICLE, ANNOTATION):
        targets.groups.setdefault(parts[-1][:-_SUFFIX], []).append((kind, file))
    elif not parts or (named and parts[0] not in (_CORPUS, _ANNOTATIONS)):
        # A file outside the data folders (a contribution not yet in place): told apart by its content.
        targets.groups.setdefault(f"\x00{file}", []).append((LOOSE, file))
