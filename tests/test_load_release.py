"""Loading a release: with `datasets.load_dataset` alone (offline, fresh cache) and with wirecorpus.load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pytest

import wirecorpus
from wirecorpus import corpus, layout, ner, schema, storage
from wirecorpus.build import build
from wirecorpus.errors import LoadError
from wirecorpus.gold import render_gold
from wirecorpus.splits import SPLITS

from conftest import SEED_ID

# Loads every config and split of a release in a fresh, offline process and prints the rows as JSON.
LOAD_SCRIPT = """
import json, sys
from datasets import load_dataset
release, configs, splits = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
rows = {c: {s: load_dataset(release, c, split=s).to_list() for s in splits} for c in configs}
features = {c: load_dataset(release, c, split=splits[0]).features.to_dict() for c in configs}
print(json.dumps({"rows": rows, "features": features}, default=str))
"""


@pytest.fixture
def full_release(release_repo: Path) -> Path:
    """A release with rows in every config and split: the seed (test) plus a copy of its hand
    set as a model set, and a second article (train) with both sets; hand/a1 is the seed's gold."""
    seed = corpus.read_article(next((release_repo / "corpus").glob(f"*/*/{SEED_ID}.json")))
    model_dir = release_repo / "annotations" / "model" / "copy-1.0"
    model_dir.mkdir(parents=True)
    hand = json.loads((release_repo / "annotations" / "hand" / "a1" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    hand["annotator"] = {"kind": "model", "name": "copy-1.0", "version": "1.0", "components": ["ner"]}
    (model_dir / f"{SEED_ID}.json").write_text(json.dumps(hand, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert seed.id in json.loads((release_repo / "corpus" / "splits.json").read_text())["test"]
    add_train_article(release_repo)
    storage.write_text_atomic(release_repo / layout.GOLD_PATH, render_gold({SEED_ID: "a1"}))
    return build(root=release_repo)


def add_train_article(root: Path) -> None:
    from wirecorpus.ingest import ingest

    # Stories are tried until one hashes into train (about four in five do).
    for number in range(50):
        raw = root / "raw" / f"{number}.txt"
        raw.parent.mkdir(exist_ok=True)
        raw.write_text(f"date 2021-05-04\nKAZAN, May 4. /TASS/. Story {number} from Minsk.\n", encoding="utf-8")
        report = ingest([raw], root=root, source="tass")
        (article_id,) = report.added
        if article_id in json.loads((root / "corpus" / "splits.json").read_text())["train"]:
            break
    text = corpus.read_article(next((root / "corpus").glob(f"*/*/{article_id}.json"))).text
    minsk = text.index("Minsk")
    for kind, name in (("hand", "a1"), ("model", "copy-1.0")):
        annotation = schema.AnnotationFile(
            article=article_id,
            text_sha256=layout.text_sha256(text),
            annotator=schema.Annotator(kind=kind, name=name, version="1.0" if kind == "model" else None),
            schema_version="1.0",
            entities=[schema.Entity("T1", 0, 5, "KAZAN", "GPE"), schema.Entity("T2", minsk, minsk + 5, "Minsk", "GPE")],
            quotes=[],
            events=[],
        )
        storage.write_text_atomic(layout.annotation_path(root, kind=kind, name=name, article_id=article_id), schema.dumps(annotation))


def spans_of(row: dict) -> list[dict]:
    """Every span of an annotated row: entities, quote content, cue and speaker spans, event triggers."""
    spans = list(row["entities"])
    for quote in row["quotes"]:
        spans += [s for s in (quote["content"], quote["cue"], quote["speaker_span"]) if s is not None]
    spans += [event["trigger"] for event in row["events"]]
    return spans


def test_load_release_end_to_end_offline(full_release: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(full_release), ",".join(schema.CONFIGS), ",".join(SPLITS)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    for config in schema.CONFIGS:
        assert datasets.Features.from_dict(loaded["features"][config]) == schema.features(config, ner_tags=ner.read_tags(full_release.parents[1]))
        for split in SPLITS:
            rows = loaded["rows"][config][split]
            assert rows, (config, split)
            for row in rows:
                if config not in ("hand", "model"):  # the stand-off spans; ner's have tests of their own
                    continue
                assert spans_of(row)
                for span in spans_of(row):
                    assert row["text"][span["start"] : span["end"]] == span["text"]
                entity_ids = {e["id"] for e in row["entities"]}
                assert {q["speaker"] for q in row["quotes"]} - {None} <= entity_ids
                assert {a["entity"] for e in row["events"] for a in e["arguments"]} <= entity_ids
    assert loaded["rows"]["hand"]["test"][0]["quotes"], "the seed's hand gold has quotes"
    # Only hand rows say whether their set is the article's gold: the seed's a1 is, the train article's a1 is not.
    assert [(row["id"], row["gold"]) for row in loaded["rows"]["hand"]["test"]] == [(SEED_ID, True)]
    assert [row["gold"] for row in loaded["rows"]["hand"]["train"]] == [False]
    assert all("gold" not in row for split in SPLITS for row in loaded["rows"]["model"][split])


@pytest.mark.parametrize("config", schema.CONFIGS)
def test_load_release_every_config(full_release: Path, offline_hf: Path, config: str) -> None:
    loaded = wirecorpus.load(config, path=full_release)
    assert isinstance(loaded, datasets.DatasetDict) and list(loaded) == list(SPLITS)
    test = wirecorpus.load(config, split="test", path=str(full_release))
    assert test.features == schema.features(config, ner_tags=ner.read_tags(full_release.parents[1]))
    assert test.num_rows == loaded["test"].num_rows
    assert SEED_ID in test["article" if config == schema.NER_CONFIG else "id"]


def test_load_release_empty_split(release_repo: Path, offline_hf: Path) -> None:
    """The seed repository without its model set has no model row and no train article: empty datasets."""
    shutil.rmtree(release_repo / "annotations" / "model")
    release = build(root=release_repo)
    model = wirecorpus.load("model", path=release)
    assert {s: d.num_rows for s, d in model.items()} == {"train": 0, "test": 0}
    assert model["train"].features == schema.features("model")
    assert wirecorpus.load("hand", split="train", path=release).num_rows == 0
    assert wirecorpus.load("hand", split="test", path=release).num_rows == 1


def test_load_release_default_is_repository_build(release_repo: Path, offline_hf: Path, monkeypatch) -> None:
    (release_repo / "sub").mkdir()
    monkeypatch.chdir(release_repo / "sub")
    with pytest.raises(LoadError) as caught:
        wirecorpus.load()
    assert "no release here" in str(caught.value) and "`make dataset` or `wirecorpus build`" in str(caught.value)
    build(root=release_repo)
    assert wirecorpus.load(split="test")["id"] == [SEED_ID]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"config": "silver"}, "no config 'silver'; the configs are articles, hand, model, ner"),
        ({"split": "dev"}, "no split 'dev'; the splits are train, test"),
        ({"path": "no/such/folder"}, "no/such/folder: no release here (no README.md)"),
        ({"path": "dist/wirecorpus-9.9.9"}, "dist/wirecorpus-9.9.9: no release here (no README.md); build it with"),
        ({"revision": "v1"}, "revision= applies to a Hub repository id"),
    ],
)
def test_load_release_errors(release_repo: Path, offline_hf: Path, monkeypatch, kwargs: dict, message: str) -> None:
    build(root=release_repo)
    monkeypatch.chdir(release_repo)
    with pytest.raises(LoadError) as caught:
        wirecorpus.load(**kwargs)
    assert message in str(caught.value)


def test_load_release_hub_arguments(offline_hf: Path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(datasets, "load_dataset", lambda *args, **kwargs: calls.append((args, kwargs)) or "loaded")
    assert wirecorpus.load("model", split="test", path="org/wirecorpus", revision="v0.1.0") == "loaded"
    assert calls == [(("org/wirecorpus", "model"), {"split": "test", "revision": "v0.1.0"})]


def test_load_release_hub_offline_error(offline_hf: Path) -> None:
    with pytest.raises(LoadError) as caught:
        wirecorpus.load("hand", path="org/wirecorpus", revision="v0.1.0")
    assert str(caught.value).startswith("org/wirecorpus@v0.1.0: could not load config 'hand' from the Hugging Face Hub:")


def test_load_release_folder_copy(full_release: Path, offline_hf: Path, tmp_path: Path) -> None:
    """A release is self-contained: a copied folder loads the same rows."""
    copy = tmp_path / "elsewhere" / "wirecorpus"
    shutil.copytree(full_release, copy)
    assert wirecorpus.load("hand", split="test", path=copy).to_list() == wirecorpus.load("hand", split="test", path=full_release).to_list()
