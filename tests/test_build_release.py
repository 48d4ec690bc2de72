"""wirecorpus build: the release folder, its shards, manifest and determinism."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import SEED_ID

from wirecorpus import build as build_module
from wirecorpus.build import shards as shard_module
from wirecorpus import corpus, layout, schema, storage
from wirecorpus.build import MANIFEST_NAME, build, release_path
from wirecorpus.gold import read_gold, render_gold
from wirecorpus.ingest import ingest
from wirecorpus.splits import read_splits

RECORD_CONFIGS = schema.RECORD_CONFIGS


def add_articles(root: Path, count: int) -> list[str]:
    """Ingest ``count`` small raw articles, each with a hand and a model annotation set; return their ids."""
    raw = root / "raw"
    raw.mkdir(exist_ok=True)
    for number in range(count):
        (raw / f"{number}.txt").write_text(
            f"date 2021-03-{number % 28 + 1:02d}\nMOSCOW, March {number % 28 + 1}. /TASS/. Story {number} from Kazan.\n",
            encoding="utf-8",
        )
    report = ingest(sorted(raw.iterdir()), root=root, source="tass")
    assert report.ok
    ids = sorted(report.added)
    for article_id in ids:
        text = corpus.read_article(next((root / "corpus").glob(f"*/*/{article_id}.json"))).text
        for kind, name in (("hand", "a2"), ("model", "copy-1.0")):
            write_annotation(root, kind, name, article_id, text)
    return ids


def write_annotation(root: Path, kind: str, name: str, article_id: str, text: str) -> None:
    kazan = text.index("Kazan")
    annotation = schema.AnnotationFile(
        article=article_id,
        text_sha256=layout.text_sha256(text),
        annotator=schema.Annotator(kind=kind, name=name, **({"version": "1.0"} if kind == "model" else {})),
        schema_version="1.0",
        entities=[
            schema.Entity("T1", 0, 6, "MOSCOW", "GPE"),
            schema.Entity("T2", kazan, kazan + 5, "Kazan", "GPE"),
        ],
    )
    path = layout.annotation_path(root, kind=kind, name=name, article_id=article_id)
    storage.write_text_atomic(path, schema.dumps(annotation))


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_release_layout(release_repo: Path) -> None:
    release = build(root=release_repo)
    assert release == release_repo / "dist" / f"wirecorpus-{build_module.__version__}"
    configs = ["articles", *(kind for kind in ("hand", "model") if layout.annotation_sets(release_repo, kind)), "ner"]
    shards = [f"data/{config}/test-00000-of-00001.parquet" for config in configs]  # the seed is the one article
    assert sorted(file_bytes(release)) == sorted(["MANIFEST.json", "README.md", "croissant.json", *shards])
    assert sorted(p.name for p in release.parent.iterdir()) == sorted([build_module.BUILD_LOCK_NAME, release.name, layout.build_record_path(release).name])  # no staging folder left
    umask = os.umask(0o022)
    os.umask(umask)
    assert {path.relative_to(release).as_posix(): path.stat().st_mode & 0o777 for path in [release, *release.rglob("*")]} == {
        path.relative_to(release).as_posix(): (0o777 if path.is_dir() else 0o666) & ~umask for path in [release, *release.rglob("*")]
    }  # readable by whoever the user's umask lets read it, as a web server serving dist/ must


def test_build_manifest_lists_every_file(release_repo: Path) -> None:
    release = build(root=release_repo)
    manifest = json.loads((release / MANIFEST_NAME).read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    contents = file_bytes(release)
    del contents[MANIFEST_NAME]
    assert listed.keys() == contents.keys()
    for path, data in contents.items():
        assert listed[path]["size"] == len(data)
        assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest()


def test_build_deterministic(release_repo: Path, tmp_path: Path) -> None:
    add_articles(release_repo, 12)
    first = file_bytes(build(root=release_repo, out=tmp_path / "one"))
    second = file_bytes(build(root=release_repo, out=tmp_path / "two"))
    assert first == second


@pytest.mark.parametrize("shard_rows", [1, 3, 100])
def test_build_shards_by_rows_in_article_order(release_repo: Path, tmp_path: Path, monkeypatch, shard_rows: int) -> None:
    monkeypatch.setattr(shard_module, "SHARD_ROWS", shard_rows)
    add_articles(release_repo, 9)
    release = build(root=release_repo, out=tmp_path / "release")
    recorded = read_splits(release_repo)
    for config in RECORD_CONFIGS:
        files = layout.annotation_files(release_repo, config) if config != "articles" else layout.article_files(release_repo)
        covered = Counter(p.stem for p in files)
        for split, ids in recorded.items():
            expected_rows = sum(covered[i] for i in ids)
            shards = sorted((release / "data" / config).glob(f"{split}-*.parquet"))
            total = -(-expected_rows // shard_rows)
            assert [p.name for p in shards] == [f"{split}-{i:05d}-of-{total:05d}.parquet" for i in range(total)]
            assert [pq.read_metadata(s).num_rows for s in shards][:-1] == [shard_rows] * (total - 1)
            rows = [row for shard in shards for row in pq.read_table(shard).to_pylist()]
            keys = [(row["id"], (row.get("annotator") or {}).get("name", "")) for row in rows]
            assert keys == sorted(keys) and len(keys) == expected_rows


def test_build_empty_splits_have_no_shard(release_repo: Path) -> None:
    """The seed repository without its model set has no train article and no model rows: left out."""
    shutil.rmtree(release_repo / "annotations" / "model")
    release = build(root=release_repo)
    assert not list((release / "data" / "articles").glob("train-*"))
    assert not (release / "data" / "model").exists()
    header = (release / "README.md").read_text(encoding="utf-8").split("---")[1]
    assert "data/model/" not in header and "data/articles/train-" not in header


def test_build_default_release_path(tmp_path: Path) -> None:
    assert release_path(tmp_path) == tmp_path / "dist" / f"wirecorpus-{build_module.__version__}"
    assert release_path(tmp_path, tmp_path / "x") == tmp_path / "x"


def test_build_rows_equal_schema_rows(release_repo: Path) -> None:
    """The Arrow-parsed rows are exactly schema.to_row of the records (a hand row's gold from annotations/gold.json)."""
    add_articles(release_repo, 3)
    storage.write_text_atomic(release_repo / layout.GOLD_PATH, render_gold({SEED_ID: "a1"}))
    release = build(root=release_repo)
    articles = {a.id: a for a in corpus.iter_articles(release_repo)}
    for config in RECORD_CONFIGS:
        for shard in sorted((release / "data" / config).glob("*.parquet")):
            for row in pq.read_table(shard).to_pylist():
                article = articles[row["id"]]
                if config == "articles":
                    assert row == schema.to_row(config, article)
                    continue
                name = row["annotator"]["name"]
                path = layout.annotation_path(release_repo, kind=config, name=name, article_id=article.id)
                gold = config == "hand" and read_gold(release_repo).get(article.id) == name
                assert row == schema.to_row(config, article, corpus.read_annotation(path), gold=gold)
