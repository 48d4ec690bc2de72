"""Which files a validation run checks, and in what groups.

Files are grouped by article id into units: the article record and every
annotation file named after it. A unit is checked in one go, so an article's
text is read once and held only while its annotations are checked.

The files of a large corpus are not held: each is a row (its name, kind and
folder number) in an :class:`~wirecorpus.sorted_runs.ExternalSort`, and the
units are made from the rows read back sorted by name, a block at a time, as
they are checked. Folders are listed with ``os.scandir`` a chunk of names at a
time, as a folder of annotation files holds one per article.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import layout
from ..sorted_ids import BLOCK, held, id_array
from ..sorted_runs import ExternalSort, distinct, run_starts

ARTICLE, ANNOTATION, LOOSE = "article", "annotation", "loose"
# Names taken from the layout once: they are compared for every file of the corpus.
_CORPUS, _ANNOTATIONS = layout.CORPUS_DIR.name, layout.ANNOTATIONS_DIR.name
_SPLITS_PARTS = layout.SPLITS_PATH.parts
# The files the layout names one by one; every other file's place follows from its folder.
_GOLD_PARTS = layout.GOLD_PATH.parts
_NAMED_FILES = frozenset({_SPLITS_PARTS, _GOLD_PARTS, layout.SCHEMA_PATH.parts, layout.NER_TAGS_PATH.parts})
_SUFFIX = len(".json")


# Kinds in a row: a record sorts before the annotation files named after it.
_KIND_CODES = {ARTICLE: 0, ANNOTATION: 1}
_KINDS = (ARTICLE, ANNOTATION)


def _file_rows(width: int) -> np.dtype:
    return np.dtype([("name", f"S{width}"), ("kind", "u1"), ("folder", "<i4")])


@dataclass
class Targets(AbstractContextManager):
    """The files of one run, by unit, and the rest; a context manager whose exit deletes the rows' runs.

    Article records and annotation files whose names :func:`wirecorpus.sorted_ids.held`
    holds are ``rows`` (name without .json, kind, folder number in ``folders``);
    every other unit is in ``groups``. ``files`` leaves out corpus/splits.json and
    annotations/gold.json, which are counted when checked.
    """

    rows: ExternalSort = field(default_factory=ExternalSort)
    folders: list[str] = field(default_factory=list)
    article_rows: int = 0
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # loose files, other names
    splits: bool = False  # whether corpus/splits.json is checked
    gold: bool = False  # whether annotations/gold.json is checked
    misplaced: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named paths that do not exist

    def __exit__(self, *exc: object) -> None:
        self.rows.close()

    @property
    def files(self) -> int:
        return len(self.rows) + sum(map(len, self.groups.values())) + len(self.misplaced) + len(self.missing)

    def has_units(self, count: int) -> bool:
        """Whether there are at least ``count`` units (the sorted rows are read only as far as that takes)."""
        found = len(self.groups)
        for firsts in distinct(self.rows.blocks(), key="name"):
            found += len(firsts)
            if found >= count:
                break
        return found >= count

    def units(self) -> Iterator[tuple[tuple[str, str], ...]]:
        """Each unit's files ((kind, absolute path), ...), articles first, so that their annotation files find them checked.

        The order of the units does not change a report: its findings are sorted, and a text seen twice names the smallest id.
        """
        for key in sorted(self.groups):
            yield _unit(self.groups[key])
        carried = None  # the rows of the last name of a block, which may go on in the next
        for block in self.rows.blocks():
            if not len(block):
                continue
            if carried is not None:
                block = np.concatenate((carried, block.astype(np.result_type(carried.dtype, block.dtype), copy=False)))
            starts = np.flatnonzero(run_starts(block["name"]))
            yield from self._units_of(block[: starts[-1]], starts[:-1])
            carried = block[starts[-1] :]
        if carried is not None:
            yield from self._units_of(carried, np.zeros(1, dtype=np.int64))

    def all_regular(self) -> bool:
        """Whether every unit is :func:`regular`: each name has one article record, the first of its rows."""
        names = 0
        for firsts in distinct(self.rows.blocks(), key="name"):
            if np.any(firsts["kind"] != _KIND_CODES[ARTICLE]):
                return False
            names += len(firsts)
        return names == self.article_rows and all(regular(_unit(files)) for files in self.groups.values())

    def _units_of(self, rows: np.ndarray, starts: np.ndarray) -> Iterator[tuple[tuple[str, str], ...]]:
        """The units of rows sorted by name, each name's rows starting at one of ``starts``."""
        # Lists of Python values for a block of rows at a time: for every unit they would cost 100 bytes a unit.
        bounds = [*starts.tolist(), len(rows)]
        names, kinds, folders = rows["name"][starts].tolist(), rows["kind"].tolist(), rows["folder"].tolist()
        for index, name in enumerate(names):
            file = f"{name.decode('utf-8', 'surrogateescape')}.json"
            yield _unit([(_KINDS[kinds[row]], f"{self.folders[folders[row]]}{os.sep}{file}") for row in range(bounds[index], bounds[index + 1])])


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

    Article records and annotation files go to the sorted rows a chunk at a
    time. A file is listed once: a folder is listed whole once, and a file
    named on its own is left out of its folder's listing.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.targets = Targets()
        self.listed: set[str] = set()  # folders listed whole
        self.named: set[str] = set()  # files named on their own
        self.folders: dict[str, int] = {}
        self.pending: list[tuple[str, int, int]] = []  # (name, kind, folder) not yet in the rows

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
        targets.folders = list(self.folders)
        targets.splits = targets.splits or targets.article_rows > 0 or any(kind == ARTICLE for files in targets.groups.values() for kind, _ in files)
        return targets

    def _place(self, folder: str, names: list[str], *, named: bool) -> None:
        # A folder's files share their place in the layout, bar the files it names: worked out once.
        folder_parts = tuple(folder[len(self.prefix) :].split(os.sep)) if folder.startswith(self.prefix) else None
        kinds: dict[str, str | None] = {}
        for name in names:
            parts = () if folder_parts is None else (*folder_parts, name)
            key = name if parts in _NAMED_FILES else ""
            kind = kinds[key] if key in kinds else kinds.setdefault(key, layout_kind(parts))
            if kind in _KIND_CODES and held(name[:-_SUFFIX]):
                self.pending.append((name[:-_SUFFIX], _KIND_CODES[kind], self.folders.setdefault(folder, len(self.folders))))
                self.targets.article_rows += kind == ARTICLE
                if len(self.pending) == BLOCK:
                    self._flush()
            else:
                _place(f"{folder}{os.sep}{name}", parts, kind, self.targets, named=named)

    def _flush(self) -> None:
        if self.pending:
            names, kinds, folders = zip(*self.pending)
            keys = id_array(list(names))
            rows = np.zeros(len(keys), dtype=_file_rows(keys.itemsize))
            rows["name"], rows["kind"], rows["folder"] = keys, kinds, folders
            self.targets.rows.add(rows)
            self.pending.clear()


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
                    if len(names) == BLOCK:
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
