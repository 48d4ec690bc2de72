"""Which files a validation run checks, and in what groups.

Files are grouped by article id into units: the article record and every
annotation file named after it. A unit is checked in one go, so an article's
text is read once and held only while its annotations are checked; memory
stays bounded by a unit, not by the corpus.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout, splits

ARTICLE, ANNOTATION, LOOSE = "article", "annotation", "loose"
# Names taken from the layout once: they are compared for every file of the corpus.
_CORPUS, _ANNOTATIONS = layout.CORPUS_DIR.name, layout.ANNOTATIONS_DIR.name
_SPLITS_PARTS = layout.SPLITS_PATH.parts
# The files the layout names one by one; every other file's place follows from its folder.
_GOLD_PARTS = layout.GOLD_PATH.parts
_NAMED_FILES = frozenset({_SPLITS_PARTS, _GOLD_PARTS, layout.SCHEMA_PATH.parts, layout.NER_TAGS_PATH.parts})


@dataclass
class Targets:
    """The files of one run: units of article and annotation files, and the rest.

    ``files`` leaves out corpus/splits.json and annotations/gold.json, which are counted when checked.
    """

    units: list[tuple[tuple[str, str], ...]] = field(default_factory=list)  # ((kind, absolute path), ...)
    splits: bool = False  # whether corpus/splits.json is checked
    gold: bool = False  # whether annotations/gold.json is checked
    misplaced: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named paths that do not exist

    @property
    def files(self) -> int:
        return sum(len(unit) for unit in self.units) + len(self.misplaced) + len(self.missing)


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
    groups: dict[str, list[tuple[str, str]]] = {}
    targets = Targets()
    seen: set[str] = set()
    prefix = str(root) + os.sep
    for path in paths:
        path = Path(path).resolve()
        if not path.exists():
            targets.missing.append(str(path))
        named = path.is_file()
        for folder, names in _folders(path):
            # A folder's files share their place in the layout, bar the files it names: worked out once.
            folder_parts = tuple(folder[len(prefix) :].split(os.sep)) if folder.startswith(prefix) else None
            kinds: dict[str, str | None] = {}
            for name in names:
                file = f"{folder}{os.sep}{name}"
                if file in seen:
                    continue
                seen.add(file)
                parts = () if folder_parts is None else (*folder_parts, name)
                key = name if parts in _NAMED_FILES else ""
                kind = kinds[key] if key in kinds else kinds.setdefault(key, layout_kind(parts))
                _place(file, parts, kind, groups, targets, named=named)
    # Articles first in each unit, so that their annotation files find them checked.
    targets.units = [tuple(sorted(groups[key], key=lambda item: (item[0] != ARTICLE, item[1]))) for key in sorted(groups)]
    targets.splits = targets.splits or any(kind == ARTICLE for unit in targets.units for kind, _ in unit)
    return targets


def _folders(path: Path) -> Iterator[tuple[str, list[str]]]:
    """The JSON files under ``path`` (or ``path`` itself), by folder, sorted; hidden ones left out."""
    if path.is_file():
        yield str(path.parent), [path.name]
        return
    for folder, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield folder, sorted(name for name in names if name.endswith(".json") and not name.startswith("."))


def _place(file: str, parts: tuple[str, ...], kind: str | None, groups: dict[str, list[tuple[str, str]]], targets: Targets, *, named: bool) -> None:
    if kind == "splits":
        targets.splits = True
    elif kind == "gold":
        targets.gold = True
    elif kind == "misplaced":
        targets.misplaced.append(file)
    elif kind in (ARTICLE, ANNOTATION):
        groups.setdefault(parts[-1][: -len(".json")], []).append((kind, file))
    elif not parts or (named and parts[0] not in (_CORPUS, _ANNOTATIONS)):
        # A file outside the data folders (a contribution not yet in place): told apart by its content.
        groups.setdefault(f"\x00{file}", []).append((LOOSE, file))
