"""Which hand set of an article is its gold: ``annotations/gold.json``.

The file maps an article id to the name of one of its hand sets
(``{"tass-20200920-693f2c16": "a1"}``), so an article has at most one gold set.
An article that is not listed has no gold set; ``wirecorpus adjudicate`` writes
a set that people can then name here. The validator checks the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import layout


def read_gold(root: Path) -> dict[str, str]:
    """Article id -> its gold hand set's name; {} when there is no file. The validator checks the file's shape."""
    path = Path(root) / layout.GOLD_PATH
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(article): str(name) for article, name in data.items()} if isinstance(data, dict) else {}


def render_gold(gold: dict[str, str]) -> str:
    """The file text: one article per line, sorted, so that a review diff shows each change."""
    return json.dumps(dict(sorted(gold.items())), indent=2, ensure_ascii=False) + "\n"
