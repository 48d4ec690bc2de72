"""Level 4: the corpus as a whole, and corpus/splits.json.

Uniqueness of article ids and of one file per annotation set and article
follows from the layout: a record's path is made of its id
(``article-path-mismatch``) and an annotation file's of its set and article
(``annotation-path-mismatch``), and one folder cannot hold two files of one
name. What the layout cannot rule out is checked here.
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterator
from typing import Any

import numpy as np

from .. import layout, splits
from .registry import Collector, check
from .shapes import json_type
from .sorted_ids import SortedIds, as_array, in_array_each


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


@check(4)
def check_splits_members(data: dict[str, list[str]], article_ids: SortedIds, found: Collector) -> SortedIds:
    """Every id in corpus/splits.json names an article, once; returns the ids it lists.

    Emits:
        splits-unknown-article (error): corpus/splits.json names an article that has no record in corpus/.
        splits-duplicate (error): corpus/splits.json lists an article more than once (twice in a split, or in both).
    """
    listed = [article_id for name in splits.SPLITS for article_id in data[name]]
    starts = np.cumsum([0] + [len(data[name]) for name in splits.SPLITS])
    first, assigned = _first_listing(listed)
    repeated = first != np.arange(len(listed))
    unknown = ~article_ids.contains_each(listed)
    for position in np.flatnonzero(repeated | unknown).tolist():
        split = int(np.searchsorted(starts, position, side="right")) - 1
        at = (splits.SPLITS[split], position - int(starts[split]))
        article_id = listed[position]
        if repeated[position]:
            already = splits.SPLITS[int(np.searchsorted(starts, first[position], side="right")) - 1]
            found.add("splits-duplicate", f"{article_id!r} is listed again; it is already in {already}, expected exactly one split", at=at)
        else:
            found.add("splits-unknown-article", f"{article_id!r} has no article record in corpus/", at=at)
    return assigned


def _first_listing(listed: list[str]) -> tuple[np.ndarray, SortedIds]:
    """For each position, the first position of the same id (from a sort of the ids, not a dict of them); and the ids."""
    first = np.arange(len(listed))
    held = in_array_each(listed)
    rows = np.flatnonzero(held)
    keys = as_array(list(itertools.compress(listed, held)))
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    # The sort is stable: each run of one id starts at its first position.
    starts_run = np.concatenate(([True], keys[1:] != keys[:-1]))[: len(keys)]
    first[rows] = rows[starts_run][np.cumsum(starts_run) - 1]
    others: dict[str, int] = {}
    for row in np.flatnonzero(~held).tolist():
        first[row] = others.setdefault(listed[row], row)
    return first, SortedIds(keys[starts_run], set(others))


@check(4)
def check_split_member(article_id: str, assigned: Container[str], found: Collector) -> None:
    """An article is assigned to a split.

    Emits:
        split-missing (error): an article is in no split of corpus/splits.json; `wirecorpus ingest` (even with no FILE) gives it its split.
    """
    if article_id not in assigned:
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


# Articles held as Python strings before they go to the arrays: few, as each costs some 200 bytes.
_TEXT_CHUNK = 4096


class TextRegister:
    """The text hash and id of every article that passed level 3, in arrays (32 bytes and the id's length each),
    for finding the texts seen twice once every article is checked."""

    def __init__(self) -> None:
        self._digests: list[np.ndarray] = []
        self._ids: list[np.ndarray] = []
        self._pending: list[tuple[str, str]] = []

    def add(self, article_id: str, text_sha256: str) -> None:
        self._pending.append((article_id, text_sha256))
        if len(self._pending) == _TEXT_CHUNK:
            self._flush()

    def repeated(self) -> Iterator[tuple[str, str]]:
        """Each article whose text an article with a smaller id has, with that id (the first)."""
        self._flush()
        if not self._digests:
            return
        digests = np.concatenate(self._digests)
        self._digests = [digests]
        order = np.argsort(digests, kind="stable")
        ordered = digests[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1])
        groups: dict[bytes, list[str]] = {}
        for at in np.unique(np.concatenate((same, same + 1))).tolist():
            groups.setdefault(bytes(ordered[at]), []).append(self._id(int(order[at])))
        for ids in groups.values():
            first = min(ids)
            yield from ((article_id, first) for article_id in ids if article_id != first)

    def _flush(self) -> None:
        if self._pending:
            ids, hashes = zip(*self._pending)
            # The ids passed the id rule, so they are ASCII.
            self._ids.append(as_array(list(ids)))
            self._digests.append(np.frombuffer(bytes.fromhex("".join(hashes)), dtype="S32"))
            self._pending.clear()

    def _id(self, row: int) -> str:
        return self._ids[row // _TEXT_CHUNK][row % _TEXT_CHUNK].decode("ascii")


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
