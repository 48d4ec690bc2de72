"""Level 4: the corpus as a whole, and corpus/splits.json.

Uniqueness of article ids and of one file per annotation set and article
follows from the layout: a record's path is made of its id
(``article-path-mismatch``) and an annotation file's of its set and article
(``annotation-path-mismatch``), and one folder cannot hold two files of one
name. What the layout cannot rule out is checked here.
"""

from __future__ import annotations

from typing import Any

from .. import layout, splits
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


@check(4)
def check_splits_members(data: dict[str, list[str]], article_ids: set[str], found: Collector) -> dict[str, str]:
    """Every id in corpus/splits.json names an article, once; returns article id -> split.

    Emits:
        splits-unknown-article (error): corpus/splits.json names an article that has no record in corpus/.
        splits-duplicate (error): corpus/splits.json lists an article more than once (twice in a split, or in both).
    """
    assignment: dict[str, str] = {}
    for name in splits.SPLITS:
        for index, article_id in enumerate(data[name]):
            if article_id in assignment:
                found.add("splits-duplicate", f"{article_id!r} is listed again; it is already in {assignment[article_id]}, expected exactly one split", at=(name, index))
                continue
            assignment[article_id] = name
            if article_id not in article_ids:
                found.add("splits-unknown-article", f"{article_id!r} has no article record in corpus/", at=(name, index))
    return assignment


@check(4)
def check_split_member(article_id: str, assignment: dict[str, str], found: Collector) -> None:
    """An article is assigned to a split.

    Emits:
        split-missing (error): an article is in no split of corpus/splits.json; `wirecorpus ingest` (even with no FILE) gives it its split.
    """
    if article_id not in assignment:
        found.add(
            "split-missing",
            f"{article_id!r} is in no split of {layout.SPLITS_PATH.as_posix()}; expected it in exactly one of {', '.join(splits.SPLITS)}. "
            "Run `wirecorpus ingest` (with no FILE, it only repairs the splits) to give it its split",
            at=("id",),
        )


@check(4)
def check_unique_text(article_id: str, text_sha256: str, first_by_text: dict[str, tuple[str, str]], found: Collector) -> None:
    """No two articles have the same text; the first seen (by path) is kept in ``first_by_text``.

    Emits:
        duplicate-text (error): an article has the same text as another article of the corpus.
    """
    first = first_by_text.setdefault(text_sha256, (article_id, found.path))
    if first[0] != article_id:
        found.add("duplicate-text", f"the text of {article_id!r} is the text of {first[0]!r} ({first[1]}); expected each text once", at=("text",))


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
