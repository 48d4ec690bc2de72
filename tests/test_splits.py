"""corpus/splits.json kept in arrays and written from them: the same bytes and errors as reading it whole."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus import layout, sorted_runs, splits
from wirecorpus.errors import RepositoryError

IDS = st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12), max_size=30, unique=True)


@settings(max_examples=60, deadline=None)
@given(first=IDS, second=IDS)
def test_splits_merged_file_is_what_render_splits_writes(tmp_path_factory, first, second):
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    splits.record_new_articles(root, first)
    assigned = splits.record_new_articles(root, first + second)
    every = set(first) | set(second)
    assert assigned == {article: splits.split_for(article) for article in set(second) - set(first)}
    text = (root / layout.SPLITS_PATH).read_text(encoding="utf-8") if every else None
    assert text in (None, splits.render_splits({name: [a for a in every if splits.split_for(a) == name] for name in splits.SPLITS}))
    recorded = splits.RecordedSplits.read(root)
    assert recorded.add_unassigned(root, second) == {} and recorded.is_current(root)


# Printable ASCII: mostly ids json.dumps writes as they are (read and rendered by the arrays), with a quote or backslash now and then.
PLAIN_IDS = st.lists(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12), max_size=30, unique=True)


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(PLAIN_IDS, min_size=1, max_size=4))
def test_splits_kept_from_batch_to_batch_write_what_render_splits_writes(tmp_path_factory, batches):
    """One RecordedSplits read once and added to batch after batch, as an ingest run keeps it: each file as read whole and rendered."""
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    recorded, every = splits.RecordedSplits.read(root), set()
    for batch in batches:
        assert recorded.add_unassigned(root, batch) == {article: splits.split_for(article) for article in set(batch) - every}
        every |= set(batch)
        expected = {name: [a for a in every if splits.split_for(a) == name] for name in splits.SPLITS}
        assert not every or (root / layout.SPLITS_PATH).read_text(encoding="utf-8") == splits.render_splits(expected)
        assert splits.RecordedSplits.read(root).add_unassigned(root, every) == {}


def test_splits_hand_edited_file_is_read_whole_and_rendered(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / layout.SPLITS_PATH).write_text(json.dumps({"test": ["x"], "train": ["z", "y"]}), encoding="utf-8")
    assert splits.record_new_articles(tmp_path, ["y", "w"]) == {"w": "train"}
    assert (tmp_path / layout.SPLITS_PATH).read_text(encoding="utf-8") == splits.render_splits({"train": ["w", "y", "z"], "test": ["x"]})


@pytest.mark.parametrize(
    "content",
    [
        '{\n  "train": [\n    "b",\n    "a"\n  ],\n  "test": []\n}\n',
        '{\n  "train": [\n    "a",\n  ],\n  "test": []\n}\n',
        '{\n  "train": [\n    "a\tb",\n    "abc",\n    "z"\n  ],\n  "test": []\n}\n',
    ],
)
def test_splits_almost_rendered_file_is_read_whole(tmp_path, content):
    """Unsorted ids, a comma after the last, a raw tab in an id: not the rendered form, so the whole file is read (or refused) as JSON."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / layout.SPLITS_PATH).write_text(content, encoding="utf-8")
    try:
        expected = {name: json.loads(content)[name] for name in splits.SPLITS}
    except ValueError:
        with pytest.raises(RepositoryError, match="^corpus/splits.json: not a readable splits file"):
            splits.record_new_articles(tmp_path, ["c"])
        assert (tmp_path / layout.SPLITS_PATH).read_text(encoding="utf-8") == content
        return
    splits.record_new_articles(tmp_path, ["c"])
    expected[splits.split_for("c")].append("c")
    assert (tmp_path / layout.SPLITS_PATH).read_text(encoding="utf-8") == splits.render_splits(expected)


def _streamed(root, block=3) -> dict[str, list[str]]:
    found = {name: [] for name in splits.SPLITS}
    for name, ids in splits.iter_recorded(root, block=block):
        assert 0 < len(ids) <= block
        found[name].extend(ids)
    return found


@settings(max_examples=60, deadline=None)
@given(first=IDS, second=IDS, indent=st.sampled_from([None, 0, 2]), extra=st.booleans())
def test_splits_streamed_as_read_whole(tmp_path_factory, first, second, indent, extra):
    """Any well-formed file, rendered or hand-edited (other layouts, other keys): the same ids as json."""
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    data = {"test": first, "train": second, **({"note": {"train": [1]}} if extra else {})}
    (root / layout.SPLITS_PATH).write_text(json.dumps(data, indent=indent), encoding="utf-8")
    assert _streamed(root) == splits.read_splits(root)


@pytest.mark.parametrize(
    "content, problem",
    [
        ('["a"]', "expected an object"),
        ('{"train": "a"}', "train must be a list of article ids"),
        ('{"train": ["a", 1]}', "train must be a list of article ids"),
        ('{"test": [["a"]]}', "test must be a list of article ids"),
        ('{"train": ["a"], "train": ["b"]}', "train is given twice"),
        ('{"train": ["a"', "parse error|Incomplete"),
    ],
)
def test_splits_streamed_refuse_what_is_not_a_splits_file(tmp_path, content, problem):
    (tmp_path / "corpus").mkdir()
    (tmp_path / layout.SPLITS_PATH).write_text(content, encoding="utf-8")
    with pytest.raises(RepositoryError, match=f"^corpus/splits.json: not a readable splits file \\(.*({problem})"):
        _streamed(tmp_path)


def test_splits_streamed_without_a_file_are_empty(tmp_path):
    assert _streamed(tmp_path) == {name: [] for name in splits.SPLITS}


# Rows in runs of two on disk, merged two at a time.
TINY_RUNS = {"RUN_ROWS": 2, "BLOCK_ROWS": 2, "FAN_IN": 2}


@settings(max_examples=60, deadline=None)
@given(first=IDS, second=IDS, indent=st.sampled_from([None, 2]))
def test_splits_hand_edited_file_sorted_on_disk_gives_what_render_splits_writes(tmp_path_factory, first, second, indent):
    """A file not in the rendered form (unsorted, other layout, any id): its ids sorted in runs on disk, then merged and rendered."""
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    recorded = {name: [a for a in first if splits.split_for(a) == name][::-1] for name in splits.SPLITS}
    (root / layout.SPLITS_PATH).write_text(json.dumps(recorded, indent=indent), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for name, size in TINY_RUNS.items():
            patch.setattr(sorted_runs, name, size)
        assigned = splits.record_new_articles(root, second)
    assert assigned == {article: splits.split_for(article) for article in set(second) - set(first)}
    every = set(first) | set(second)
    expected = splits.render_splits({name: [a for a in every if splits.split_for(a) == name] for name in splits.SPLITS})
    assert (root / layout.SPLITS_PATH).read_text(encoding="utf-8") == (expected if assigned else json.dumps(recorded, indent=indent))


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(PLAIN_IDS, min_size=1, max_size=3), block=st.integers(1, 40))
def test_splits_rendered_file_read_a_few_bytes_at_a_time(tmp_path_factory, batches, block):
    """The rendered form read in blocks that end anywhere in a line (ids of many lengths): the same bytes as render_splits."""
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    every: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splits, "_BLOCK", block)
        for batch in batches:
            splits.record_new_articles(root, batch)
            every |= set(batch)
            expected = {name: [a for a in every if splits.split_for(a) == name] for name in splits.SPLITS}
            assert not every or (root / layout.SPLITS_PATH).read_text(encoding="utf-8") == splits.render_splits(expected)
            assert splits.RecordedSplits.read(root).rendered == all(map(_needs_no_escape, every))  # else read as JSON


def _needs_no_escape(article: str) -> bool:
    return article.isascii() and article.isprintable() and '"' not in article and "\\" not in article


@settings(max_examples=60, deadline=None)
@given(train=st.lists(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12), max_size=30), test=PLAIN_IDS, new=PLAIN_IDS, block=st.integers(1, 40))
def test_splits_rendered_layout_in_any_order_gives_what_render_splits_writes(tmp_path_factory, train, test, new, block):
    """The layout render_splits writes, but lists in any order (and an id twice): sorted on the way, repeats kept."""
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    (root / layout.SPLITS_PATH).write_text(json.dumps({"train": train, "test": test}, indent=2) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splits, "_BLOCK", block)
        assigned = splits.record_new_articles(root, new)
    assert assigned == {article: splits.split_for(article) for article in set(new) - set(train) - set(test)}
    if assigned:
        expected = {"train": train + [a for a, split in assigned.items() if split == "train"], "test": test + [a for a, split in assigned.items() if split == "test"]}
        assert (root / layout.SPLITS_PATH).read_text(encoding="utf-8") == splits.render_splits(expected)
