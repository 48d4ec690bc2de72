"""ArticleIds behaves as the sorted sequence of distinct str it stands for, whatever the ids."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus import article_ids
from wirecorpus.article_ids import ArticleIds

# Any text a file name can hold, but a NUL (which no file name has, and a byte array drops at the end).
ids = st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), min_size=1, max_size=12)


@given(st.lists(ids))
def test_article_ids_as_a_sorted_sequence(found: list[str]) -> None:
    kept = ArticleIds.of(found)
    expected = sorted(set(found), key=lambda article: article.encode())
    assert list(kept) == expected
    assert len(kept) == len(expected) and bool(kept) == bool(expected)
    assert [kept[index] for index in range(len(kept))] == expected
    assert list(kept[1:3]) == expected[1:3]


def test_article_ids_are_read_a_block_at_a_time(monkeypatch) -> None:
    monkeypatch.setattr(article_ids, "_BLOCK", 3)
    made = ArticleIds.of(f"tass-2020010{n % 9}-{n:08x}" for n in range(10))
    assert len(made) == 10 and made.array.dtype == np.dtype("S22")
    assert list(made) == sorted(f"tass-2020010{n % 9}-{n:08x}" for n in range(10))
