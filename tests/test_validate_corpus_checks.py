"""The corpus checks of level 4 on a whole run: splits.json against the corpus, duplicate texts, and which files a run checks.

The tests of a whole run run twice: with the sorted rows in memory, and with runs of two rows on
disk, merged two at a time, so that every run, merge and block boundary of the sorted streams is crossed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validate_fixtures import FIXTURES, broken_repo

from wirecorpus import splits, sorted_runs
from wirecorpus.validate import validate
from wirecorpus.validate.corpus_checks import SplitsListing, TextRegister
from wirecorpus.sorted_ids import SortedIds

ARTICLE_ID = "tass-20200920-c7a333b7"
ARTICLE = Path(f"corpus/tass/2020/{ARTICLE_ID}.json")


TINY_RUNS = {"run_rows": 2, "block_rows": 2, "fan_in": 2}


def runs_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sorted_runs.ExternalSort.__init__, "__kwdefaults__", dict(TINY_RUNS))


@pytest.fixture(params=["in memory", "in runs on disk"])
def sorted_rows(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "in runs on disk":
        runs_on_disk(monkeypatch)


def write_splits(root: Path, train: list[str], test: list[str]) -> None:
    (root / "corpus/splits.json").write_text(json.dumps({"train": train, "test": test}, indent=2), encoding="utf-8")


def copy_under(root: Path, source: str) -> str:
    """The valid article again, from another source (so another id, the same text); returns its id."""
    record = json.loads((root / ARTICLE).read_text(encoding="utf-8"))
    record["source"], record["id"] = source, ARTICLE_ID.replace("tass", source)
    path = root / f"corpus/{source}/2020/{record['id']}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return record["id"]


@pytest.mark.usefixtures("sorted_rows")
def test_validate_corpus_checks_compare_split_ids_as_strings(valid_repo: Path) -> None:
    long_id = "y" * 100
    write_splits(valid_repo, [ARTICLE_ID, "a", "a\u0000", "a", "ü", long_id, long_id], ["ü"])
    found = [(f.id, f.line, f.message) for f in validate(None, root=valid_repo).findings]
    assert found == [
        ("splits-unknown-article", 4, "'a' has no article record in corpus/"),
        ("splits-unknown-article", 5, "'a\\x00' has no article record in corpus/"),
        ("splits-duplicate", 6, "'a' is listed again; it is already in train, expected exactly one split"),
        ("splits-unknown-article", 7, "'ü' has no article record in corpus/"),
        ("splits-unknown-article", 8, f"'{long_id}' has no article record in corpus/"),
        ("splits-duplicate", 9, f"'{long_id}' is listed again; it is already in train, expected exactly one split"),
        ("splits-duplicate", 12, "'ü' is listed again; it is already in train, expected exactly one split"),
    ]


@pytest.mark.usefixtures("sorted_rows")
def test_validate_corpus_checks_name_the_smallest_id_of_a_text_seen_twice(valid_repo: Path) -> None:
    later, first = copy_under(valid_repo, "zeta"), copy_under(valid_repo, "afp")
    write_splits(valid_repo, [first, later], [ARTICLE_ID])
    found = [(f.id, f.path, f.message) for f in validate(None, root=valid_repo, workers=1).findings]
    expected = f"is the text of '{first}' (corpus/afp/2020/{first}.json); expected each text once"
    assert found == [
        ("duplicate-text", ARTICLE.as_posix(), f"the text of '{ARTICLE_ID}' {expected}"),
        ("duplicate-text", f"corpus/zeta/2020/{later}.json", f"the text of '{later}' {expected}"),
    ]


@pytest.mark.usefixtures("sorted_rows")
def test_validate_corpus_checks_report_an_article_in_no_split_at_its_id(valid_repo: Path) -> None:
    write_splits(valid_repo, [], [])
    [finding] = validate(None, root=valid_repo).findings
    line = next(n for n, text in enumerate((valid_repo / ARTICLE).read_text(encoding="utf-8").splitlines(), 1) if '"id"' in text)
    assert (finding.id, finding.path, finding.line) == ("split-missing", ARTICLE.as_posix(), line)


@pytest.mark.usefixtures("sorted_rows")
def test_validate_corpus_checks_check_each_file_once_however_the_paths_overlap(valid_repo: Path) -> None:
    whole = validate(None, root=valid_repo)
    overlapping = [valid_repo / ARTICLE, valid_repo / "corpus/tass", valid_repo / "corpus", valid_repo / "annotations", valid_repo / ARTICLE]
    again = validate(overlapping, root=valid_repo)
    assert (again.files, again.findings) == (whole.files, whole.findings) == (3, [])


@pytest.mark.parametrize("name", FIXTURES)
def test_validate_corpus_checks_find_the_same_with_runs_on_disk(valid_repo: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, paths = broken_repo(valid_repo, name)
    in_memory = validate(paths, root=root)
    runs_on_disk(monkeypatch)
    on_disk = validate(paths, root=root)
    assert (on_disk.files, on_disk.findings) == (in_memory.files, in_memory.findings)


listed_ids = st.lists(st.tuples(st.sampled_from(splits.SPLITS), st.sampled_from(["a", "b", "c", "d", "ü", "a\x00", "y" * 70])), max_size=14)


@settings(max_examples=200, deadline=None)
@given(listed=listed_ids, on_disk=st.sets(st.sampled_from(["a", "c", "ü", "e"])))
def test_validate_corpus_checks_splits_faults_are_those_of_a_dict(listed: list[tuple[str, str]], on_disk: set[str]) -> None:
    """Each id listed again (with the split that lists it first) or not on disk, as a dict of first listings finds them."""
    expected, first = [], {}
    places = sorted(((splits.SPLITS.index(split), index, article_id) for split in splits.SPLITS for index, article_id in enumerate(i for s, i in listed if s == split)))
    for split, index, article_id in places:
        if article_id in first:
            expected.append((split, index, article_id, first[article_id]))
        else:
            first[article_id] = split
            if article_id not in on_disk:
                expected.append((split, index, article_id, None))
    with pytest.MonkeyPatch.context() as patch:
        runs_on_disk(patch)
        with SplitsListing() as listing, SortedIds() as known, SortedIds() as assigned:
            known.add(list(on_disk))
            assigned.add(["a", "b", "c", "d", "e"])
            for split, article_id in listed:
                listing.add(split, [article_id], [0])
            got = sorted((split, index, article_id, already) for split, index, _, article_id, already in listing.faults(known))
            assert got == expected
            assert list(listing.unassigned(assigned)) == sorted({"a", "b", "c", "d", "e"} - {i for _, i in listed})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([f"src-2020010{n}-0000000{n}" for n in range(1, 10)]), st.sampled_from("0123")))
def test_validate_corpus_checks_texts_seen_twice_name_the_smallest_id(texts: dict[str, str]) -> None:
    by_text: dict[str, list[str]] = {}
    for article_id, text in texts.items():
        by_text.setdefault(text, []).append(article_id)
    expected = sorted((article_id, min(ids)) for ids in by_text.values() for article_id in ids if article_id != min(ids))
    with pytest.MonkeyPatch.context() as patch:
        runs_on_disk(patch)
        with TextRegister() as register:
            for article_id, text in texts.items():
                register.add(article_id, text * 64)
            assert sorted(register.repeated()) == expected
