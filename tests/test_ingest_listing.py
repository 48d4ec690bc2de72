"""The listing an ingest run keeps: tables on disk that give what a dict of every record by hash gives."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus import layout, sorted_runs, splits
from wirecorpus.ingest_listing import Listing

# Rows in runs of two on disk, merged two at a time, and the run's additions put in a table file every two or more.
TINY_RUNS = {"RUN_ROWS": 2, "BLOCK_ROWS": 2, "FAN_IN": 2}
PREFIXES = ["00000000", "0000abcd", "12345678", "ffffffff"]  # few, so that texts share the start of a hash
ARTICLE_IDS = st.builds(
    "{}-{}-{}".format, st.sampled_from(["ap", "tass", "x-1"]), st.sampled_from(["20200101", "20200102", "20210305"]), st.sampled_from(PREFIXES)
)


def _write_records(root: Path, article_ids: list[str]) -> None:
    for article in article_ids:
        path = root / layout.article_relpath_of_id(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")  # the listing reads names, never records


def _by_hash(article_ids: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for article in sorted(article_ids):
        found.setdefault(article[-8:], []).append(article)
    return found


@settings(max_examples=60, deadline=None)
@given(
    on_disk=st.sets(ARTICLE_IDS, max_size=20),
    recorded=st.sets(ARTICLE_IDS | st.just("gone-20200101-00000000"), max_size=20),
    by_hand=st.booleans(),
    batches=st.lists(st.sets(ARTICLE_IDS, max_size=6), max_size=3),
)
def test_ingest_listing_finds_what_a_model_of_the_corpus_finds(tmp_path_factory, on_disk, recorded, by_hand, batches):
    root = tmp_path_factory.mktemp("repo")
    (root / "corpus").mkdir()
    _write_records(root, sorted(on_disk))
    (root / "corpus" / "ap" / "2020").mkdir(parents=True, exist_ok=True)
    (root / "corpus" / "ap" / "2020" / "notes.json").write_text("{}", encoding="utf-8")  # not an id: left out
    (root / "corpus" / "ap" / "2020" / ".ap-20200101-00000000.json").write_text("{}", encoding="utf-8")  # hidden: left out
    lists = {name: [article for article in sorted(recorded) if splits.split_for(article) == name] for name in splits.SPLITS}
    text = json.dumps({name: lists[name][::-1] for name in reversed(splits.SPLITS)}) if by_hand else splits.render_splits(lists)
    (root / layout.SPLITS_PATH).write_text(text, encoding="utf-8")
    scratch = tmp_path_factory.mktemp("scratch")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(scratch))
        for name, size in TINY_RUNS.items():
            patch.setattr(sorted_runs, name, size)
        listing, unsplit = Listing.take(root, splits.RecordedSplits.read(root))
        with listing:
            assert unsplit == sorted(on_disk - recorded)
            assert listing.with_hashes(set(PREFIXES)) == _by_hash(on_disk)
            every = set(on_disk)
            for batch in batches:
                new = batch - every
                _write_records(root, sorted(new))
                listing.add(root, new)
                every |= new
                assert listing.is_current(root)
                assert listing.with_hashes({"0000abcd", "ffffffff"}) == {k: v for k, v in _by_hash(every).items() if k in ("0000abcd", "ffffffff")}
            if len(every - on_disk) >= 2:
                assert len(listing.tables) > (len(on_disk) > 0)  # the run's additions went to a table file
        assert not list(scratch.iterdir())  # the tables' files are gone with the listing
