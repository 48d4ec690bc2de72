"""User mistakes through the command line, run in-process: each is one line ``wirecorpus: error: ...``
naming the file (or the option), exit status 1, no traceback, and nothing written anywhere."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SEED_ID
from release_repos import make_releasable
from wirecorpus.cli import main

SEED_FILE = f"annotations/hand/a1/{SEED_ID}.json"
ARTICLE_FILE = f"corpus/tass/2020/{SEED_ID}.json"


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``, but the repository's lock file."""
    return {
        path.relative_to(folder).as_posix(): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.name != ".wirecorpus.lock"
    }


def assert_refused(capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str], names: str) -> str:
    """Run the command; it must exit 1 with one error line naming ``names`` and leave ``folder`` as it was."""
    before = tree(folder)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("wirecorpus: error: "), err
    assert names in err, err
    assert tree(folder) == before
    return err


@pytest.fixture
def repo(repo_copy: Path) -> Path:
    """The repository copy with a second hand set (a copy of hand/a1 named b1), so that agree and adjudicate run."""
    data = json.loads((repo_copy / SEED_FILE).read_text(encoding="utf-8"))
    data["annotator"]["name"] = "b1"
    (repo_copy / "annotations/hand/b1").mkdir()
    (repo_copy / f"annotations/hand/b1/{SEED_ID}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return repo_copy


def _first_entity(field: str, value: object) -> Callable[[dict], None]:
    return lambda data: data["entities"][0].update({field: value})


BROKEN_ANNOTATIONS = {
    "entities null": lambda data: data.update(entities=None),
    "offset a string": _first_entity("start", "0"),
    "event arguments an object": lambda data: data["events"][0].update(arguments={}),
    "a quote null": lambda data: data["quotes"].__setitem__(0, None),
    "span past the end": lambda data: data["entities"][0].update(start=90000, end=90006),
}
COMMANDS_READING_A_SET = {
    "export conll": ["export", "conll", "--set", "hand/a1", "--out", "{tmp}/out"],
    "export brat": ["export", "brat", "--set", "hand/a1", "--out", "{tmp}/out"],
    "export spacy": ["export", "spacy", "--set", "hand/a1", "--out", "{tmp}/out"],
    "agree": ["agree", "--sets", "hand/a1", "hand/b1"],
    "adjudicate": ["adjudicate", SEED_ID, "--from", "hand/a1", "hand/b1", "--to", "hand/c1"],
}


def _argv(template: list[str], repo: Path, tmp: Path) -> list[str]:
    return [part.replace("{tmp}", str(tmp)) for part in template] + ["--root", str(repo)]


@pytest.mark.parametrize("command", COMMANDS_READING_A_SET)
@pytest.mark.parametrize("broken", BROKEN_ANNOTATIONS)
def test_cli_annotation_file_that_does_not_validate(repo, tmp_path_factory, capsys, command, broken) -> None:
    path = repo / SEED_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    BROKEN_ANNOTATIONS[broken](data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    outside = tmp_path_factory.mktemp("outside")
    err = assert_refused(capsys, repo, _argv(COMMANDS_READING_A_SET[command], repo, outside), f"{SEED_FILE}: not a valid annotation file")
    assert "validation error(s), the first [" in err
    assert not (outside / "out").exists()


@pytest.mark.parametrize("content", ["", "null", '{"text": 5}', "[]"])
@pytest.mark.parametrize(
    "command",
    [
        ["import", "doccano", "{tmp}/export.jsonl", "--annotator", "x"],
        ["export", "conll", "--set", "hand/a1", "--out", "{tmp}/out"],
        ["agree", "--sets", "hand/a1", "hand/b1"],
        ["review", SEED_ID, "--out", "{tmp}/out"],
        ["adjudicate", SEED_ID, "--from", "hand/a1", "hand/b1", "--to", "hand/c1"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_cli_article_record_that_does_not_validate(repo, tmp_path_factory, capsys, command, content) -> None:
    (repo / ARTICLE_FILE).write_text(content, encoding="utf-8")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "export.jsonl").write_text(json.dumps({"text": "MOSCOW, September 20. /TASS/."}) + "\n", encoding="utf-8")
    assert_refused(capsys, repo, _argv(command, repo, outside), ARTICLE_FILE)
    assert not (outside / "out").exists()


@pytest.mark.parametrize("format", ["brat", "spacy", "conll"])
@pytest.mark.parametrize("where", ["a file", "inside a file"])
def test_cli_export_out_is_a_file(repo, tmp_path, capsys, format, where) -> None:
    (tmp_path / "taken").write_text("mine\n", encoding="utf-8")
    out = tmp_path / "taken" if where == "a file" else tmp_path / "taken" / "sub"
    err = assert_refused(capsys, tmp_path, ["export", format, "--set", "hand/a1", "--out", str(out), "--root", str(repo)], str(out))
    assert f"{tmp_path / 'taken'} is a file, not a folder" in err


@pytest.mark.parametrize(("format", "name"), [("brat", "annotation.conf"), ("brat", f"{SEED_ID}.ann"), ("conll", "corpus.ids.txt"), ("spacy", "corpus.spacy")])
def test_cli_export_a_folder_where_a_file_goes(repo, tmp_path, capsys, format, name) -> None:
    (tmp_path / "out" / name).mkdir(parents=True)
    argv = ["export", format, "--set", "hand/a1", "--out", str(tmp_path / "out"), "--root", str(repo)]
    assert_refused(capsys, tmp_path, argv, f"{tmp_path / 'out' / name}: a folder is where this file is to be written")


def _file_in_place_of(relpath: str) -> Callable[[Path], None]:
    return lambda root: (root / relpath).write_text("in the way\n", encoding="utf-8")


def _folder_in_place_of(relpath: str) -> Callable[[Path], None]:
    return lambda root: (root / relpath).mkdir(parents=True)


@pytest.mark.parametrize(
    ("command", "block", "names"),
    [
        (["adjudicate", SEED_ID, "--from", "hand/a1", "hand/b1", "--to", "hand/c1"], _file_in_place_of("annotations/hand/c1"), "annotations/hand/c1 is a file, not a folder"),
        (["adjudicate", SEED_ID, "--from", "hand/a1", "hand/b1", "--to", "hand/c1"], _folder_in_place_of(f"annotations/hand/c1/{SEED_ID}.json"), "a folder is where this file is to be written"),
        (["import", "brat", "{tmp}/brat", "--map", "{tmp}/brat/map.json", "--annotator", "c1"], _file_in_place_of("annotations/hand/c1"), "annotations/hand/c1 is a file, not a folder"),
        (["ingest", "{tmp}/reuters.txt"], _file_in_place_of("raw"), "raw is a file, not a folder"),
        (["ingest", "{tmp}/reuters.txt"], _file_in_place_of("corpus/reuters"), "corpus/reuters is a file, not a folder"),
        (["review", SEED_ID, "--out", "{repo}/page.html"], _folder_in_place_of("page.html"), "a folder is where this page is to be written"),
        (["review", "--all", "--out", "{repo}/pages"], _file_in_place_of("pages"), "pages is a file, not a folder"),
    ],
    ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else None,
)
def test_cli_write_target_in_the_way(repo, tmp_path_factory, capsys, command, block, names) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "reuters.txt").write_text("date 2020-01-02\nLONDON, Jan 2 (Reuters) - Markets rose on Thursday.\n", encoding="utf-8")
    assert main(["export", "brat", "--set", "hand/a1", "--out", str(outside / "brat"), "--root", str(repo)]) == 0
    capsys.readouterr()
    block(repo)
    argv = [part.replace("{tmp}", str(outside)).replace("{repo}", str(repo)) for part in command] + ["--root", str(repo)]
    assert_refused(capsys, repo, argv, names)


SEED_TEXT = "MOSCOW, September 20. /TASS/."
# name of the export under the scratch folder -> its bytes (None: a folder); the words the error must hold.
BAD_EXPORTS = [
    ("label-studio", {"x.json": json.dumps([{"id": 1, "data": {"text": SEED_TEXT}, "annotations": 5}])}, "x.json#task-1: its annotations is not a list"),
    ("label-studio", {"x.json": json.dumps([{"id": None, "data": {"text": SEED_TEXT}, "annotations": []}])}, "x.json: a task without an id"),
    ("label-studio", {"x.json": "[]"}, "x.json: no label-studio document to import"),
    ("label-studio", {"x.json": b"\xff\xfe"}, "x.json: cannot be read as UTF-8 text"),
    ("label-studio", {}, "missing.json: no such file or folder"),
    ("doccano", {"x.jsonl": "\n\n"}, "x.jsonl: no doccano document to import"),
    ("doccano", {"x.jsonl": None}, "x.jsonl: no doccano document to import"),
    ("prodigy", {"x.jsonl": json.dumps({"text": SEED_TEXT, "answer": "accept", "spans": 0})}, "x.jsonl:1: 'spans' is not a list"),
    ("brat", {"x.txt": SEED_TEXT}, "x.txt: no brat document to import"),
    ("brat", {}, "missing.ann: no such file or folder"),
    ("inception", {"x.tsv": None}, "no INCEpTION document (.xmi or .tsv) in"),
]


@pytest.mark.parametrize(("format", "files", "names"), BAD_EXPORTS, ids=[f"{f} {names}" for f, _, names in BAD_EXPORTS])
def test_cli_import_bad_export(repo, tmp_path_factory, capsys, format, files, names) -> None:
    outside = tmp_path_factory.mktemp("outside")
    for name, content in files.items():
        if content is None:
            (outside / name).mkdir()
        else:
            (outside / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    given = next(iter(files), "missing." + {"brat": "ann"}.get(format, "json"))
    assert_refused(capsys, repo, ["import", format, str(outside / given), "--annotator", "x", "--root", str(repo)], names)


BAD_MAPS = [
    ({"events": {"Attack": {"type": ["Conflict:Attack"]}}}, "events.Attack.type: ['Conflict:Attack'] is not an event type"),
    ({"events": {"Attack": {"type": {"a": 1}}}}, "events.Attack.type: {'a': 1} is not an event type"),
    (None, "expected an object with one or more of the keys entities, quotes, events; got null"),
    (b"\xff", "not UTF-8 text"),
]


@pytest.mark.parametrize(("content", "names"), BAD_MAPS, ids=[names for _, names in BAD_MAPS])
def test_cli_import_bad_map(repo, tmp_path_factory, capsys, content, names) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "x.jsonl").write_text(json.dumps({"text": SEED_TEXT}) + "\n", encoding="utf-8")
    (outside / "MAP.json").write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode("utf-8"))
    argv = ["import", "doccano", str(outside / "x.jsonl"), "--map", str(outside / "MAP.json"), "--annotator", "x", "--root", str(repo)]
    assert_refused(capsys, repo, argv, f"MAP.json: {names}")


@pytest.mark.parametrize(
    ("relpath", "content", "names"),
    [
        ("src/wirecorpus/_version.py", b"\xff\xfe", "src/wirecorpus/_version.py: cannot be read as UTF-8 text"),
        ("src/wirecorpus/_version.py", b'__version__ = "x.y"\n', "src/wirecorpus/_version.py: 'x.y' is not a version MAJOR.MINOR.PATCH"),
        ("CITATION.cff", b"\xff", "CITATION.cff: cannot be read as UTF-8 text"),
        ("CHANGELOG.md", b"# Changelog\n\xff\n", "CHANGELOG.md: cannot be read as UTF-8 text"),
        ("releases", b"not a folder\n", "releases: a file where the folder of release records belongs"),
    ],
)
def test_cli_release_unreadable_file(release_repo, capsys, relpath, content, names) -> None:
    make_releasable(release_repo)
    (release_repo / relpath).write_bytes(content)
    assert_refused(capsys, release_repo, ["release", "--bump", "minor", "--quiet", "--root", str(release_repo)], names)


@pytest.mark.parametrize(("version", "names"), [("banana", "'banana' is not a version MAJOR.MINOR.PATCH"), (5, "no version")])
def test_cli_publish_manifest_without_a_version(tmp_path, capsys, monkeypatch, version, names) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    card = b"# wirecorpus\n"
    (tmp_path / "README.md").write_bytes(card)
    files = [{"path": "README.md", "size": len(card), "sha256": hashlib.sha256(card).hexdigest()}]
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"name": "wirecorpus", "version": version, "files": files}), encoding="utf-8")
    assert_refused(capsys, tmp_path, ["publish", str(tmp_path), "--repo-id", "org/name", "--dry-run"], f"{tmp_path / 'MANIFEST.json'}: {names}")


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["import", "doccano", "x.jsonl", "--annotator", "x", "--ingest"], "--ingest needs --source NAME"),
        (["import", "doccano", "x.jsonl", "--annotator", "x", "--ingest", "--source", ""], "--ingest needs --source NAME"),
        (["import", "doccano", "x.jsonl", "--annotator", "x", "--ingest", "--source", "ap", "--date", "2020-02-30"], "'2020-02-30' is not a date written YYYY-MM-DD"),
        (["review", "--out", "pages"], "give the articles to review or --all, one of the two"),
        (["publish", "dist/x", "--repo-id", "org/name/x"], "'org/name/x' is not a Hub repository id (ORG/NAME)"),
    ],
)
def test_cli_usage_mistake_exits_2(repo, capsys, argv, names) -> None:
    before = tree(repo)
    with pytest.raises(SystemExit) as exited:
        main(argv + (["--root", str(repo)] if argv[0] != "publish" else []))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"wirecorpus {argv[0]}: error: " in err and names in err and "Traceback" not in err
    assert tree(repo) == before


@pytest.mark.parametrize("out", ["corpus", "annotations/hand/zz", "raw/x", "releases"])
@pytest.mark.parametrize("command", [["export", "conll", "--set", "hand/a1"], ["review", "--all"]], ids=lambda command: command[0])
def test_cli_output_inside_the_dataset(repo, capsys, command, out) -> None:
    argv = [*command, "--out", str(repo / out), "--root", str(repo)]
    assert_refused(capsys, repo, argv, f"--out {repo / out}: inside {out.split('/')[0]}/, which holds the dataset itself")


@pytest.mark.parametrize(
    ("options", "names"),
    [(["--lang", ""], "language '' is not a language tag"), (["--lang", "x/y"], "language 'x/y' is not a language tag"), (["--license", ""], "licence '' is not a licence id")],
)
def test_cli_ingest_bad_article_options(repo, tmp_path_factory, capsys, options, names) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "reuters.txt").write_text("date 2020-01-02\nLONDON, Jan 2 (Reuters) - Markets rose on Thursday.\n", encoding="utf-8")
    before = tree(repo)
    assert main(["ingest", str(outside / "reuters.txt"), *options, "--root", str(repo)]) == 1
    captured = capsys.readouterr()
    assert f"refused {outside / 'reuters.txt'}: {names}" in captured.err and "Traceback" not in captured.err
    assert tree(repo) == before
