"""The dataset card of a release: YAML header (golden for the seed repository) and generated body."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets
import yaml

from wirecorpus import card, ner, schema
from wirecorpus.build import build
from wirecorpus.stats import Stats, corpus_stats, stat_tables

from conftest import REPO, SEED_ID, assert_golden


def card_parts(release: Path) -> tuple[str, str]:
    _, header, body = (release / "README.md").read_text(encoding="utf-8").split("---\n", 2)
    return header, body.lstrip("\n")


def test_card_release_yaml_golden(release_repo: Path) -> None:
    """The header for the seed article and its hand gold (the model set, re-made as the components
    improve, is left out); rerun with WIRECORPUS_UPDATE_GOLDEN=1 when the gold or the schema changes."""
    shutil.rmtree(release_repo / "annotations" / "model")
    header, _ = card_parts(build(root=release_repo))
    assert_golden("card_release_yaml.txt", header)


def test_card_release_features_round_trip(release_repo: Path) -> None:
    """The dataset_info features of every config read back, with datasets' own reader, as schema.features."""
    header, _ = card_parts(build(root=release_repo))
    infos = yaml.safe_load(header)["dataset_info"]
    infos = infos if isinstance(infos, list) else [infos]
    for info in infos:
        features = datasets.Features._from_yaml_list(info["features"])
        assert features == schema.features(info["config_name"], ner_tags=ner.read_tags(release_repo))


def test_card_release_body_from_dataset_card(release_repo: Path) -> None:
    shutil.rmtree(release_repo / "annotations" / "model")
    _, body = card_parts(build(root=release_repo))
    assert body.startswith((REPO / "DATASET_CARD.md").read_text(encoding="utf-8").rstrip("\n"))
    assert "### Annotation set hand/a1" in body
    assert "No model annotation set shares an article with a hand set in this release." in body


def test_card_release_evaluation_table(release_repo: Path) -> None:
    """A model set over the hand set's articles gets its scores in the card."""
    model = release_repo / "annotations" / "model" / "copy-1.0"
    model.mkdir(parents=True)
    data = json.loads((release_repo / "annotations" / "hand" / "a1" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    data["annotator"] = {"kind": "model", "name": "copy-1.0", "version": "1.0"}
    (model / f"{SEED_ID}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _, body = card_parts(build(root=release_repo))
    assert "### model/copy-1.0 against hand/a1\n\nScores of `model/copy-1.0` against `hand/a1`." in body
    assert "| entities |" in body and "| events |" in body


def test_card_release_markdown_table() -> None:
    assert card.markdown_table(["", "total"], [["a", 1], ["b", 2]]) == "|  | total |\n|---|---:|\n| a | 1 |\n| b | 2 |"


def test_card_release_yaml_without_rows(empty_repo: Path) -> None:
    """Configs and dataset_info list only the config/splits that have rows."""
    outputs = [card.SplitOutput("articles", "test", 1, 10, 20, ("data/articles/test-00000-of-00001.parquet",))]
    outputs += [card.SplitOutput(c, s, 0, 0, 0, ()) for c in schema.CONFIGS for s in ("train", "test") if (c, s) != ("articles", "test")]
    header = yaml.safe_load(card.card_yaml(Stats(), outputs, ner.read_tags(REPO)))
    assert header["configs"] == [{"config_name": "articles", "data_files": [{"split": "test", "path": "data/articles/test-*.parquet"}]}]
    assert header["dataset_info"]["config_name"] == "articles"
    assert header["annotations_creators"] == ["no-annotation"]


def test_card_release_statistics_match_stats(release_repo: Path) -> None:
    """The card's statistics are wirecorpus stats of the same repository."""
    _, body = card_parts(build(root=release_repo))
    for title, header, rows in stat_tables(corpus_stats(root=release_repo)):
        assert f"### {title}\n\n{card.markdown_table(header, rows)}" in body
