"""wirecorpus build is incremental: up to date reads nothing, a change remakes only its chunk, and the
release is byte for byte what a full build writes."""

from __future__ import annotations

import difflib
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from test_build_release import add_articles, file_bytes, write_annotation

from wirecorpus import build as build_module
from wirecorpus import card, corpus, layout, rows, splits
from wirecorpus.build import build, inputs, record
from wirecorpus.build import shards as shard_module
from wirecorpus.build.reuse import Reuse
from wirecorpus.errors import ValidationFailed
from wirecorpus.gold import read_gold, render_gold

CHUNK_ARTICLES = 4
full_chunk_work = rows.chunk_work


@pytest.fixture
def small_chunks(release_repo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """The release repository with 12 more articles, in chunks of 4 articles and shards of 3 rows,
    so that a change touches one chunk of several and shards around it. Articles 2, 3, 5 and 7
    have no hand set, so the card's scores do not read them. The input files are listed and
    matched with the record in runs of 16 files on disk."""
    ids = add_articles(release_repo, 12)
    for number in (2, 3, 5, 7):
        annotation_file(release_repo, "hand", "a2", ids[number]).unlink()
    monkeypatch.setattr(shard_module, "SHARD_ROWS", 3)
    monkeypatch.setattr(inputs, "RUN_ROWS", 16)
    monkeypatch.setattr(inputs, "LIST_BLOCK", 5)
    monkeypatch.setattr(rows, "chunk_work", functools.partial(full_chunk_work, chunk_articles=CHUNK_ARTICLES))
    return release_repo, ids


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[Reuse]:
    """Every reuse plan the builds make, in order."""
    made: list[Reuse] = []

    def spy(*args, **kwargs) -> Reuse:
        made.append(build_module.reuse.plan_reuse(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(build_module, "plan_reuse", spy)
    return made


def annotation_file(root: Path, kind: str, name: str, article_id: str) -> Path:
    return layout.annotation_path(root, kind=kind, name=name, article_id=article_id)


def drop_last_entity(path: Path) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    body["entities"].pop()
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def edit_model(root: Path, ids: list[str]) -> None:
    drop_last_entity(annotation_file(root, "model", "copy-1.0", ids[5]))


def edit_hand(root: Path, ids: list[str]) -> None:
    drop_last_entity(annotation_file(root, "hand", "a2", ids[6]))


def add_model_file(root: Path, ids: list[str]) -> None:
    text = corpus.read_article(root / layout.article_relpath_of_id(ids[2])).text
    write_annotation(root, "model", "copy-2.0", ids[2], text)


def remove_model_file(root: Path, ids: list[str]) -> None:
    annotation_file(root, "model", "copy-1.0", ids[7]).unlink()


def edit_two_chunks(root: Path, ids: list[str]) -> None:
    drop_last_entity(annotation_file(root, "model", "copy-1.0", ids[0]))
    drop_last_entity(annotation_file(root, "model", "copy-1.0", ids[-1]))


def touch(root: Path, ids: list[str]) -> None:
    path = annotation_file(root, "model", "copy-1.0", ids[3])
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def name_gold(root: Path, ids: list[str]) -> None:
    (root / layout.GOLD_PATH).write_text(render_gold({**read_gold(root), ids[1]: "a2"}), encoding="utf-8")


def edit_card_body(root: Path, ids: list[str]) -> None:
    with open(root / card.BODY_PATH, "a", encoding="utf-8") as body:
        body.write("\nOne more line.\n")


# (change, chunks remade (None: a full build), survey needed, card scores taken again)
CHANGES: list[tuple[Callable[[Path, list[str]], None], int | None, bool, bool]] = [
    (edit_model, 1, False, True),
    (edit_hand, 1, False, False),
    (add_model_file, 1, True, False),
    (remove_model_file, 1, True, False),
    (edit_two_chunks, 2, False, False),
    (touch, 0, False, True),
    (name_gold, None, True, False),
    (edit_card_body, None, True, False),
]


@pytest.mark.parametrize(("change", "remade", "survey", "scores_kept"), CHANGES, ids=[c[0].__name__ for c in CHANGES])
def test_build_incremental_gives_the_full_build(
    small_chunks: tuple[Path, list[str]], plans: list[Reuse], tmp_path: Path, change, remade: int | None, survey: bool, scores_kept: bool
) -> None:
    root, ids = small_chunks
    release = build(root=root)
    change(root, ids)
    assert build(root=root) == release
    (plan,) = plans[1:]
    if remade is None:
        assert plan.previous is None
    else:
        assert plan.previous is not None and len(plan.dirty) == remade
        assert len(plan.previous.chunks) == len(rows.chunk_work(rows.plan(root))) > remade
        assert plan.survey == survey and (plan.scores is not None) == scores_kept
    assert_same_files(release, build(root=root, out=tmp_path / "full"))


def assert_same_files(release: Path, full: Path) -> None:
    """The same files with the same bytes; a text file that differs is shown as a diff."""
    ours, theirs = file_bytes(release), file_bytes(full)
    assert sorted(ours) == sorted(theirs)
    for path, data in sorted(ours.items(), key=lambda item: item[0] in ("MANIFEST.json", "croissant.json")):
        if data != theirs[path] and path.endswith((".md", ".json")):
            diff = difflib.unified_diff(theirs[path].decode().splitlines(), data.decode().splitlines(), "full build", "incremental", lineterm="")
            pytest.fail(f"{path} differs:\n" + "\n".join(diff))
        assert data == theirs[path], f"{path} differs"


def test_build_incremental_up_to_date_reads_no_file(release_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = build(root=release_repo)
    before = {path: path.stat().st_mtime_ns for path in release.rglob("*")}

    def no_reading(*args, **kwargs):
        raise AssertionError("an up-to-date build read the corpus")

    monkeypatch.setattr(rows, "read_files", no_reading)
    monkeypatch.setattr(rows, "plan", no_reading)
    assert build(root=release_repo) == release
    assert {path: path.stat().st_mtime_ns for path in release.rglob("*")} == before


def test_build_incremental_refuses_an_invalid_change_and_keeps_the_release(small_chunks: tuple[Path, list[str]], plans: list[Reuse]) -> None:
    root, ids = small_chunks
    release = build(root=root)
    before = file_bytes(release)
    path = annotation_file(root, "model", "copy-1.0", ids[5])
    good = path.read_text(encoding="utf-8")
    body = json.loads(good)
    body["entities"][0]["text"] = "Minsk!"
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        build(root=root)
    assert file_bytes(release) == before
    path.write_text(good, encoding="utf-8")
    build(root=root)
    # The record outlived the refused build; the file is back as it was built, so nothing is remade.
    assert plans[-1].previous is not None and not plans[-1].dirty
    assert file_bytes(release) == before


@pytest.mark.parametrize("damage", ["record", "format", "inputs", "manifest", "shard", "code"])
def test_build_incremental_full_build_without_a_fitting_record(
    small_chunks: tuple[Path, list[str]], plans: list[Reuse], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    root, ids = small_chunks
    release = build(root=root)
    kept = layout.build_record_path(release)
    if damage == "record":
        (kept / record.RECORD_NAME).write_text("{", encoding="utf-8")
    elif damage == "format":  # a record of the last format, whose input files were in another order
        data = json.loads((kept / record.RECORD_NAME).read_text(encoding="utf-8"))
        (kept / record.RECORD_NAME).write_text(json.dumps({**data, "format": inputs.RECORD_FORMAT - 1}), encoding="utf-8")
    elif damage == "inputs":
        (kept / record.INPUTS_NAME).write_bytes((kept / record.INPUTS_NAME).read_bytes()[:-1])
    elif damage == "manifest":
        (release / build_module.MANIFEST_NAME).write_text("{}\n", encoding="utf-8")
    elif damage == "shard":
        next((release / "data").rglob("*.parquet")).unlink()
    else:
        monkeypatch.setattr(inputs, "fingerprint", lambda version: "other code")
    edit_model(root, ids)
    build(root=root)
    assert plans[-1].previous is None
    assert_same_files(release, build(root=root, out=tmp_path / "full"))


def copy_to_another_day(root: Path, article_id: str) -> str:
    """Put article ``article_id``'s text in the corpus again, as the same day's article a year later, with its annotation files."""
    data = json.loads((root / layout.article_relpath_of_id(article_id)).read_text(encoding="utf-8"))
    data["date"] = str(int(data["date"][:4]) + 1) + data["date"][4:]
    data["id"] = layout.article_id(source=data["source"], date=data["date"], sha256=data["text_sha256"])
    path = root / layout.article_relpath(source=data["source"], date=data["date"], article_id=data["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    splits.record_new_articles(root, [data["id"]])
    for kind, name in (("hand", "a2"), ("model", "copy-1.0")):
        write_annotation(root, kind, name, data["id"], data["text"])
    return data["id"]


@pytest.mark.parametrize("built_before", [False, True], ids=["full", "incremental"])
def test_build_incremental_refuses_a_text_in_two_chunks(small_chunks: tuple[Path, list[str]], built_before: bool) -> None:
    root, ids = small_chunks
    release = build(root=root) if built_before else None
    before = file_bytes(release) if release else None
    copy = copy_to_another_day(root, ids[0])
    with rows.plan(root) as corpus_plan:
        chunks = rows.chunk_ids(corpus_plan, rows.chunk_work(corpus_plan))
        chunk_of = {article: position for position, (_, chunk) in enumerate(chunks) for article in chunk}
    assert chunk_of[ids[0]] != chunk_of[copy]  # the screen of each chunk alone cannot see it
    with pytest.raises(ValidationFailed, match="validation error"):
        build(root=root)
    if release:
        assert file_bytes(release) == before


def test_build_incremental_writes_a_splits_last_shard_once_its_chunks_are_in(small_chunks: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """A split's last, partial shard is not held while the other split's chunks are made: each writer
    finishes right after its split's last chunk (and the release is what a full build writes, above)."""
    root, _ = small_chunks
    events: list[tuple[str, str]] = []
    add_chunk, finish = build_module._add_chunk, shard_module.ShardWriter.finish
    monkeypatch.setattr(build_module, "_add_chunk", lambda writers, chunk, *rest: events.append(("chunk", chunk.split)) or add_chunk(writers, chunk, *rest))
    monkeypatch.setattr(shard_module.ShardWriter, "finish", lambda writer: events.append(("finish", writer.split)) or finish(writer))
    build(root=root)
    chunk_splits = [split for kind, split in events if kind == "chunk"]
    assert set(chunk_splits) == set(splits.SPLITS)  # both splits have chunks, else there is nothing to check
    for split in splits.SPLITS:
        last_chunk = max(place for place, event in enumerate(events) if event == ("chunk", split))
        finished = [place for place, event in enumerate(events) if event == ("finish", split)]
        assert finished and min(finished) > last_chunk
        assert all(event[0] != "chunk" for event in events[last_chunk + 1 : min(finished)])  # finished before any other chunk
