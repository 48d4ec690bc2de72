"""Shared fixtures: the real repository, a scratch copy of it, and ../shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No deadline for any example: the suite runs on 2 busy cores, where a first call that imports or
# warms a cache can take longer than Hypothesis's 200 ms without anything being wrong. Speed is
# measured by benchmarks/, never by a test.
settings.register_profile("wirecorpus", deadline=None)
settings.load_profile("wirecorpus")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "seeds" / "000_bad78a261f8b8f9e.txt"
SEED_ID = "tass-20200920-693f2c16"
GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare text with tests/golden/<name>; WIRECORPUS_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("WIRECORPUS_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    assert actual == expected, f"{path} is stale; rerun with WIRECORPUS_UPDATE_GOLDEN=1 and review the diff"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository itself (read only)."""
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository: seeds and external files made by other projects."""
    if not (SHARED / "external").is_dir():
        pytest.fail(f"{SHARED}/external is missing; the tests need ../shared beside the repository")
    return SHARED


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    """A repository with the schema's data (inventories, ner tags) and no articles or annotations."""
    (tmp_path / "annotations").mkdir()
    for name in ("schema.json", "ner_tags.json"):
        shutil.copy(REPO / "annotations" / name, tmp_path / "annotations" / name)
    (tmp_path / "corpus").mkdir()
    return tmp_path


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A scratch copy of the repository's data (seeds, corpus, annotations)."""
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small spaCy pipeline saved to disk (no trained model): a sentencizer and an
    entity ruler named "ner" that finds the seed's people, places and organisations."""
    import spacy

    nlp = spacy.blank("en")
    nlp.meta.update(name="tiny_rules", version="0.1.0")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Dmitry Peskov"},
            {"label": "PERSON", "pattern": "Peskov"},
            {"label": "PERSON", "pattern": "Vladimir Putin"},
            {"label": "ORG", "pattern": "Kremlin"},
            {"label": "GPE", "pattern": "MOSCOW"},
        ]
    )
    path = tmp_path_factory.mktemp("pipelines") / "en_tiny_rules"
    nlp.to_disk(path)
    return path


@pytest.fixture
def evaluation_repo(repo_copy: Path) -> Path:
    """The repository copy plus two crafted annotation sets over the seed from
    tests/data/evaluate/: hand/g1 (gold) and model/p1 (predicted)."""
    shutil.copytree(REPO / "tests" / "data" / "evaluate", repo_copy / "annotations", dirs_exist_ok=True)
    return repo_copy


@pytest.fixture
def valid_repo(empty_repo: Path) -> Path:
    """A small valid repository: one article, its hand annotation and the splits (tests/fixtures/valid_repo)."""
    shutil.copytree(REPO / "tests" / "fixtures" / "valid_repo", empty_repo, dirs_exist_ok=True)
    return empty_repo


@pytest.fixture
def offline_hf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`datasets` and the Hub offline, with caches in a scratch folder; returns HF_HOME."""
    import datasets
    import huggingface_hub

    home = tmp_path / "hf_home"
    for name, value in {"HF_HOME": str(home), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}.items():
        monkeypatch.setenv(name, value)
    # Both libraries read these once at import; set what they read.
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", home / "datasets")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    return home


@pytest.fixture
def release_repo(repo_copy: Path) -> Path:
    """The repository copy with the dataset card body, ready to build."""
    shutil.copy(REPO / "DATASET_CARD.md", repo_copy / "DATASET_CARD.md")
    return repo_copy
