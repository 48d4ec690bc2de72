"""The layout's listing of article records agrees with its glob pattern."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from wirecorpus import layout

FILES = [
    "corpus/tass/2020/tass-20200101-0000000a.json",
    "corpus/tass/2021/tass-20210101-0000000b.json",
    "corpus/xinhua/2021/xinhua-20210101-0000000c.json",
    "corpus/tass/2020/.tass-20200101-0000000d.json",  # hidden
    "corpus/tass/2020/.tass-20200101-0000000a.json.x1y2",  # a write's temporary sibling
    "corpus/tass/2020/notes.txt",
    "corpus/.trash/2020/tass-20200101-0000000e.json",  # in a hidden folder
    "corpus/tass/tass-20200101-0000000f.json",  # not in a year folder
    "corpus/splits.json",
]


def test_layout_article_ids_are_the_names_the_glob_matches(tmp_path: Path) -> None:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "corpus" / "tass" / "README").write_text("a file where a year folder would be\n")
    globbed = sorted(os.path.basename(path)[: -len(".json")] for path in glob.iglob(layout.article_glob(tmp_path)))
    assert sorted(layout.iter_article_ids(tmp_path)) == globbed == ["tass-20200101-0000000a", "tass-20210101-0000000b", "xinhua-20210101-0000000c"]


def test_layout_article_ids_of_a_repository_without_corpus(tmp_path: Path) -> None:
    assert list(layout.iter_article_ids(tmp_path)) == []
