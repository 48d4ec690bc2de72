"""annotations/gold.json: which hand set of an article is its gold (see :mod:`wirecorpus.gold`).

The file is an object of article id -> hand set name (``"a1"``, not ``"hand/a1"``:
only a hand set can be gold). Its shape is checked at level 2; that each article
exists and its set has a file for it, at level 4, since that takes the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import layout
from ..sorted_ids import SortedIds
from .files import read_json_file
from .registry import Collector, Finding, check

_EXPECTED = '{"<article id>": "<hand set name>", ...}, e.g. {"tass-20200920-693f2c16": "a1"}'


@check(2)
def check_gold_shape(data: Any, found: Collector) -> dict[str, str] | None:
    """annotations/gold.json maps article ids to hand set names; returns it, or None when it does not.

    Emits:
        gold-shape (error): annotations/gold.json is not an object of article id -> hand set name (a name such as a1, not hand/a1).
    """
    if type(data) is not dict:
        found.add("gold-shape", f"the file holds a {type(data).__name__}, expected an object {_EXPECTED}")
        return None
    for article_id, name in data.items():
        if type(name) is not str or not layout.SET_NAME_PATTERN.match(name):
            found.add("gold-shape", f"{article_id!r} -> {name!r} is not a hand set name (letters, digits, '.', '_' and '-'); expected {_EXPECTED}", at=(article_id,))
            return None
    return data


@check(4)
def check_gold_members(gold: dict[str, str], article_ids: SortedIds, root: Path, found: Collector) -> None:
    """Every article annotations/gold.json names exists, and the hand set it names has a file for it.

    Emits:
        gold-unknown-article (error): annotations/gold.json names an article that has no record in corpus/.
        gold-set-missing (error): the hand set annotations/gold.json names for an article has no file for it.
    """
    for (article_id, name), known in zip(gold.items(), article_ids.contains_each(list(gold)).tolist()):
        if not known:
            found.add("gold-unknown-article", f"{article_id!r} has no article record in corpus/", at=(article_id,))
            continue
        expected = layout.annotation_relpath(kind="hand", name=name, article_id=article_id)
        if not (root / expected).is_file():
            found.add("gold-set-missing", f"the gold of {article_id!r} is hand/{name}, but there is no {expected}", at=(article_id,))


def check_gold_file(root: Path, article_ids: SortedIds) -> list[Finding]:
    """The findings for annotations/gold.json (there is one when this is called); ``article_ids``: the articles on disk."""
    found = Collector(layout.GOLD_PATH.as_posix())
    text, data = read_json_file(root / layout.GOLD_PATH, found)
    gold = None if data is None else check_gold_shape(data, found)
    if gold is not None:
        check_gold_members(gold, article_ids, root, found)
    return found.findings(text=text, data=data)
