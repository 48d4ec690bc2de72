"""Level 4: the corpus as a whole, and corpus/splits.json.

Uniqueness of article ids and of one file per annotation set and article
follows from the layout: a record's path is made of its id
(``article-path-mismatch``) and an annotation file's of its set and article
(``annotation-path-mismatch``), and one folder cannot hold two files of one
name. What the layout cannot rule out is checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from .. import layout, splits
from ..sorted_ids import SortedIds, decoded, held_each, id_array, id_rows
from ..sorted_runs import ExternalSort, distinct, left_join, run_starts
from .registry import Collector, check
from .shapes import json_type


@check(2)
def check_splits_shape(data: Any, found: Collector) -> dict[str, list[str]] | None:
    """corpus/splits.json maps each split to a list of article ids; returns it, or None when it does not.

    Emits:
        splits-shape (error): corpus/splits.json is not an object with exactly the splits train and test, each a list of article ids.
    """
    expected = ", ".join(f'"{name}": [ids]' for name in splits.SPLITS)
    if type(data) is not dict or set(data) != set(splits.SPLITS):
        shown = f"the keys {', '.join(map(repr, data))}" if type(data) is dict else json_type(data)
        found.add("splits-shape", f"the file holds {shown}, expected {{{expected}}}")
        return None
    for name in splits.SPLITS:
        ids = data[name]
        if type(ids) is not list or not all(type(i) is str for i in ids):
            found.add("splits-shape", f"{name} is not a list of article ids, expected {{{expected}}}", at=(name,))
            return None
    return data


def _first_rows(first: np.ndarray) -> np.ndarray:
    """For each row of a sorted block, the row that starts its run (``first``: see run_starts), -1 for a
    run that began in a block before."""
    return np.maximum.accumulate(np.where(first, np.arange(len(first)), -1))


def _entry_rows(width: int) -> np.dtype:
    """An id listed in corpus/splits.json: its split (a number, in the order of splits.SPLITS), its
    place in the split, and its line (0 when not known)."""
    return np.dtype([("id", f"S{width}"), ("split", "u1"), ("index", "<i8"), ("line", "<i8")])


class SplitsListing(AbstractContextManager):
    """The ids corpus/splits.json lists, each with its place, sorted by id in runs on disk (the ids the
    arrays cannot hold, see :func:`wirecorpus.sorted_ids.held`, in a list); a context manager whose exit
    deletes the runs."""

    def __init__(self) -> None:
        self._rows = ExternalSort()
        self._others: list[tuple[int, int, int, str]] = []  # (split, index, line, id)
        self._counts = dict.fromkeys(splits.SPLITS, 0)

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._rows.close()

    def add(self, split: str, ids: list[str], lines: list[int] | None) -> None:
        """The next ids of a split, in the file's order, with their lines when known."""
        start, number = self._counts[split], splits.SPLITS.index(split)
        self._counts[split] += len(ids)
        held = held_each(ids)
        places = np.flatnonzero(held)
        keys = id_array([ids[place] for place in places.tolist()])
        rows = np.zeros(len(keys), dtype=_entry_rows(keys.itemsize))
        rows["id"], rows["split"], rows["index"] = keys, number, start + places
        if lines is not None:
            rows["line"] = np.asarray(lines, dtype=np.int64)[places]
        self._rows.add(rows)
        for place in np.flatnonzero(~held).tolist():
            self._others.append((number, start + place, lines[place] if lines is not None else 0, ids[place]))

    def assigned(self) -> Iterator[np.ndarray]:
        """The ids held in the arrays, sorted, each once, a block at a time (the others are never an article's)."""
        return (rows["id"] for rows in distinct(self._rows.blocks(), key="id"))

    def unassigned(self, article_ids: SortedIds) -> Iterator[str]:
        """The ids of ``article_ids`` that no split lists, sorted (those the arrays hold first)."""
        for block, found, _ in left_join(article_ids.blocks(), self.assigned()):
            yield from decoded(block[~found])
        yield from sorted(article_ids.others.difference(article_id for *_, article_id in self._others))

    def faults(self, article_ids: SortedIds) -> Iterator[tuple[int, int, int, str, int | None]]:
        """``(split, index, line, id, first split)`` for each id listed again (first split: where it was listed
        first) or that is not in ``article_ids`` (first split None), in no particular order."""
        last, last_split = None, 0
        known_rows = (id_rows(ids) for ids in article_ids.blocks())
        for rows, known, _ in left_join(self._rows.blocks(), known_rows, key="id"):
            first = run_starts(rows["id"], last)
            # The split of the first listing of each row's id: the row's own, or carried from the block before.
            firsts = _first_rows(first)
            first_split = np.where(firsts >= 0, rows["split"][np.maximum(firsts, 0)], last_split)
            last, last_split = rows["id"][-1], int(first_split[-1])
            # ``known`` is taken only for the first listing of an id (a repeat is reported as such).
            for row in np.flatnonzero(~first | ~known).tolist():
                split, index, line = int(rows["split"][row]), int(rows["index"][row]), int(rows["line"][row])
                yield split, index, line, rows["id"][row].decode("utf-8", "surrogateescape"), None if first[row] else int(first_split[row])
        firsts: dict[str, int] = {}
        for split, index, line, article_id in sorted(self._others):
            if article_id in firsts:
                yield split, index, line, article_id, firsts[article_id]
            else:
                firsts[article_id] = split
                if article_id not in article_ids.others:
                    yield split, index, line, article_id, None


@check(4)
def check_splits_members(listing: SplitsListing, article_ids: SortedIds, found: Collector) -> None:
    """Every id in corpus/splits.json names an article, once.

    Emits:
        splits-unknown-article (error): corpus/splits.json names an article that has no record in corpus/.
        splits-duplicate (error): corpus/splits.json lists an article more than once (twice in a split, or in both).
    """
    for split, index, line, article_id, already in sorted(listing.faults(article_ids)):
        at = (splits.SPLITS[split], index)
        if already is not None:
            message = f"{article_id!r} is listed again; it is already in {splits.SPLITS[already]}, expected exactly one split"
            found.add("splits-duplicate", message, at=at, line=line or None)
        else:
            found.add("splits-unknown-article", f"{article_id!r} has no article record in corpus/", at=at, line=line or None)


@check(4)
def report_split_missing(article_id: str, found: Collector) -> None:
    """An article is assigned to a split.

    Emits:
        split-missing (error): an article is in no split of corpus/splits.json; `wirecorpus ingest` (even with no FILE) gives it its split.
    """
    found.add(
        "split-missing",
        f"{article_id!r} is in no split of {layout.SPLITS_PATH.as_posix()}; expected it in exactly one of {', '.join(splits.SPLITS)}. "
        "Run `wirecorpus ingest` (with no FILE, it only repairs the splits) to give it its split",
        at=("id",),
    )


@check(4)
def check_unique_text(article_id: str, first_id: str, found: Collector) -> None:
    """No two articles have the same text; of those that do, the one with the smallest id is the first.

    Emits:
        duplicate-text (error): an article has the same text as another article of the corpus.
    """
    found.add("duplicate-text", f"the text of {article_id!r} is the text of {first_id!r} ({layout.article_relpath_of_id(first_id)}); expected each text once", at=("text",))


# Articles held as Python strings before they go to the sorter: few, as each costs some 200 bytes.
_TEXT_CHUNK = 4096


class TextRegister(AbstractContextManager):
    """The text hash and id of every article that passed level 3, sorted by hash in runs on disk, for
    finding the texts seen twice once every article is checked; a context manager whose exit deletes the runs."""

    def __init__(self) -> None:
        self._rows = ExternalSort()
        self._pending: list[tuple[str, str]] = []

    def __exit__(self, *exc: object) -> None:
        self._rows.close()

    def add(self, article_id: str, text_sha256: str) -> None:
        self._pending.append((article_id, text_sha256))
        if len(self._pending) == _TEXT_CHUNK:
            self._flush()

    def repeated(self) -> Iterator[tuple[str, str]]:
        """Each article whose text an article with a smaller id has, with that id (the first)."""
        self._flush()
        last, carried = None, b""  # the last hash of the block before, and the first id of its run
        for rows in self._rows.blocks():
            first = run_starts(rows["digest"], last)
            # Rows of a hash are sorted by id: the first of each run has the smallest.
            firsts = _first_rows(first)
            for row in np.flatnonzero(~first).tolist():
                first_id = rows["id"][firsts[row]] if firsts[row] >= 0 else carried
                if rows["id"][row] != first_id:
                    yield rows["id"][row].decode("ascii"), first_id.decode("ascii")
            last, carried = rows["digest"][-1], rows["id"][firsts[-1]] if firsts[-1] >= 0 else carried

    def _flush(self) -> None:
        if self._pending:
            ids, hashes = zip(*self._pending)
            # The ids passed the id rule, so they are ASCII.
            keys = id_array(list(ids))
            rows = np.zeros(len(keys), dtype=[("digest", "S32"), ("id", keys.dtype)])
            rows["digest"], rows["id"] = np.frombuffer(bytes.fromhex("".join(hashes)), dtype="S32"), keys
            self._rows.add(rows)
            self._pending.clear()


@check(4)
def report_misplaced(found: Collector) -> None:
    """A JSON file lies under corpus/ or annotations/ where the layout has no place for it.

    Emits:
        misplaced-file (error): a .json file under corpus/ or annotations/ outside the layout (corpus/<source>/<YYYY>/<id>.json, annotations/<kind>/<name>/<article>.json, annotations/schema.json, gold.json, ner_tags.json, lexicons/*.json), so the build would skip it.
    """
    found.add(
        "misplaced-file",
        "the layout has no place for this file: articles go to corpus/<source>/<YYYY>/<id>.json, annotations to "
        "annotations/<hand|model>/<name>/<article-id>.json (besides them, annotations/ holds only schema.json, gold.json, ner_tags.json and lexicons/*.json)",
    )
