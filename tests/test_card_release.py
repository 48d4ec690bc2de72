"""The dataset card of a release: YAML header (golden for the seed repository) and generated body."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import datasets
import pytest
import yaml

from wirecorpus import card, schema
from wirecorpus._version import __version__
from wirecorpus.build import build
from wirecorpus.errors import BuildError
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
        assert features == schema.features(info["config_name"])


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
    header = yaml.safe_load(card.card_yaml(Stats(), outputs))
    assert header["configs"] == [{"config_name": "articles", "data_files": [{"split": "test", "path": "data/articles/test-*.parquet"}]}]
    assert header["dataset_info"]["config_name"] == "articles"
    assert header["annotations_creators"] == ["no-annotation"]


def test_card_release_statistics_match_stats(release_repo: Path) -> None:
    """The card's statistics are wirecorpus stats of the same repository."""
    _, body = card_parts(build(root=release_repo))
    for title, header, rows in stat_tables(corpus_stats(root=release_repo)):
        assert f"### {title}\n\n{card.markdown_table(header, rows)}" in body


def test_card_release_section_from_changelog_and_citation(release_repo: Path) -> None:
    """The version's changelog entry (not another's), the BibTeX of CITATION.cff, and loading pinned to the tag
    of the Hub repository the CFF names."""
    (release_repo / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## [9.9.9] - 2030-01-01\n\n- Not this one.\n\n## [{__version__}] - 2025-02-03\n\n### Added\n- The seed.\n\n"
        f"[{__version__}]: https://example.org/v{__version__}\n",
        encoding="utf-8",
    )
    (release_repo / "CITATION.cff").write_text(
        "cff-version: 1.2.0\ntitle: wirecorpus\nauthors:\n  - family-names: Doe\n    given-names: Jane\n"
        "url: https://huggingface.co/datasets/wirelab/wirecorpus\n",
        encoding="utf-8",
    )
    _, body = card_parts(build(root=release_repo))
    section = body[body.index(f"## Release {__version__}") : body.index(f"## Statistics of release {__version__}")]
    assert f"Released 2025-02-03; its entry in `CHANGELOG.md`:\n\n### Added\n- The seed.\n\n### Loading" in section
    assert "Not this one" not in section and "example.org" not in section
    assert f'load_dataset("wirelab/wirecorpus", "hand", revision="v{__version__}")' in section
    assert f'wirecorpus.load("hand", path="wirelab/wirecorpus", revision="v{__version__}")' in section
    assert "```bibtex\n@misc{doe,\n  title = {wirecorpus},\n  author = {Doe, Jane},\n  url = {https://huggingface.co/datasets/wirelab/wirecorpus},\n}\n```" in section


def test_card_release_section_without_changelog_or_citation(release_repo: Path) -> None:
    _, body = card_parts(build(root=release_repo))
    assert f"`CHANGELOG.md` has no entry for version {__version__}." in body
    assert "`ORG/NAME` stands for the Hub repository this release is published to (`CITATION.cff` names none)." in body
    assert f'load_dataset("ORG/NAME", "hand", revision="v{__version__}")' in body
    assert f"The repository has no `CITATION.cff`; cite the dataset as wirecorpus, version {__version__}." in body


def test_card_release_parsed_by_huggingface_hub(release_repo: Path) -> None:
    """The card as the Hub's own client reads it (parsing only: validating asks the Hub)."""
    from huggingface_hub import DatasetCard, DatasetCardData
    from huggingface_hub.repocard import metadata_load

    release = build(root=release_repo)
    parsed = DatasetCard((release / "README.md").read_text(encoding="utf-8"))
    assert isinstance(parsed.data, DatasetCardData)
    header, body = card_parts(release)
    assert parsed.data.to_dict() == yaml.safe_load(header) == metadata_load(release / "README.md")
    assert parsed.data.pretty_name == "wirecorpus" and parsed.data.license == "other"
    assert [c["config_name"] for c in parsed.data.configs] == list(schema.CONFIGS)
    assert parsed.text.strip() == body.strip()


@pytest.mark.parametrize(
    ("cff", "bibtex"),
    [
        (
            {"title": "wirecorpus", "version": "0.1.0", "date-released": datetime.date(2025, 2, 3),
             "authors": [{"family-names": "Doe", "given-names": "Jane"}, {"name": "Wire Lab"}], "repository-code": "https://example.org/w"},
            "@misc{doe2025,\n  title = {wirecorpus},\n  author = {Doe, Jane and {Wire Lab}},\n  year = {2025},\n"
            "  version = {0.1.0},\n  url = {https://example.org/w},\n}",
        ),
        (
            {"title": "wirecorpus", "version": "0.1.0", "preferred-citation": {
                "type": "article", "title": "Quotes in wire news", "journal": "Corpora", "year": 2024, "volume": 3, "issue": 2,
                "start": 10, "end": 20, "doi": "10.1/x",
                "authors": [{"family-names": "Berg", "name-particle": "van den", "given-names": "Ans", "name-suffix": "Jr."}]}},
            "@article{berg2024,\n  title = {Quotes in wire news},\n  author = {van den Berg, Jr., Ans},\n  year = {2024},\n"
            "  journal = {Corpora},\n  volume = {3},\n  number = {2},\n  pages = {10--20},\n  doi = {10.1/x},\n}",
        ),
        (
            {"title": "wirecorpus", "preferred-citation": {"type": "conference-paper", "title": "T", "year": 2023,
                                                          "conference": {"name": "LREC"}, "authors": [{"name": "Wire Lab"}]}},
            "@inproceedings{wirelab2023,\n  title = {T},\n  author = {{Wire Lab}},\n  year = {2023},\n  booktitle = {LREC},\n}",
        ),
    ],
)
def test_card_release_citation_bibtex(cff: dict, bibtex: str) -> None:
    assert card.citation_bibtex(cff) == bibtex


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("CHANGELOG.md", f"# Changelog\n\n## [{__version__}] - 2025-02-30\n", "CHANGELOG.md:3: '2025-02-30' is not a date (YYYY-MM-DD)"),
        ("CITATION.cff", "cff-version: 1.2.0\nauthors: []\n", "CITATION.cff: no title"),
        ("CITATION.cff", "title: [unclosed\n", "CITATION.cff: not readable YAML"),
    ],
)
def test_card_release_refuses_bad_release_notes(release_repo: Path, name: str, text: str, message: str) -> None:
    (release_repo / name).write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(root=release_repo)
    assert str(caught.value).startswith(message)
