"""The corpus checks of level 4 on a whole run: splits.json against the corpus, duplicate texts, and which files a run checks."""

from __future__ import annotations

import json
from pathlib import Path

from wirecorpus.validate import validate

ARTICLE_ID = "tass-20200920-c7a333b7"
ARTICLE = Path(f"corpus/tass/2020/{ARTICLE_ID}.json")


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


def test_validate_corpus_checks_name_the_smallest_id_of_a_text_seen_twice(valid_repo: Path) -> None:
    later, first = copy_under(valid_repo, "zeta"), copy_under(valid_repo, "afp")
    write_splits(valid_repo, [first, later], [ARTICLE_ID])
    found = [(f.id, f.path, f.message) for f in validate(None, root=valid_repo, workers=1).findings]
    expected = f"is the text of '{first}' (corpus/afp/2020/{first}.json); expected each text once"
    assert found == [
        ("duplicate-text", ARTICLE.as_posix(), f"the text of '{ARTICLE_ID}' {expected}"),
        ("duplicate-text", f"corpus/zeta/2020/{later}.json", f"the text of '{later}' {expected}"),
    ]


def test_validate_corpus_checks_report_an_article_in_no_split_at_its_id(valid_repo: Path) -> None:
    write_splits(valid_repo, [], [])
    [finding] = validate(None, root=valid_repo).findings
    line = next(n for n, text in enumerate((valid_repo / ARTICLE).read_text(encoding="utf-8").splitlines(), 1) if '"id"' in text)
    assert (finding.id, finding.path, finding.line) == ("split-missing", ARTICLE.as_posix(), line)


def test_validate_corpus_checks_check_each_file_once_however_the_paths_overlap(valid_repo: Path) -> None:
    whole = validate(None, root=valid_repo)
    overlapping = [valid_repo / ARTICLE, valid_repo / "corpus/tass", valid_repo / "corpus", valid_repo / "annotations", valid_repo / ARTICLE]
    again = validate(overlapping, root=valid_repo)
    assert (again.files, again.findings) == (whole.files, whole.findings) == (3, [])
