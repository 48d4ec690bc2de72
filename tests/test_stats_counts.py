"""wirecorpus stats: counts per split, source, annotation set, layer and label, read from the repository."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirecorpus import corpus, layout, schema, storage
from wirecorpus.cli import main
from wirecorpus.errors import RepositoryError
from wirecorpus.splits import assignment
from wirecorpus.stats import corpus_stats, layer_key, render_stats

from conftest import assert_golden


def expected_items(root: Path) -> Counter:
    """The same counts, by reading every annotation file as records."""
    split_of = assignment(root)
    counts: Counter = Counter()
    for path in layout.annotation_files(root):
        annotation = corpus.read_annotation(path)
        name = f"{annotation.annotator.kind}/{annotation.annotator.name}"
        for layer in schema.LAYERS:
            for item in getattr(annotation, layer):
                counts[name, layer, getattr(item, layer_key(layer)), split_of[annotation.article]] += 1
    return counts


def test_stats_counts_layer_keys() -> None:
    assert [layer_key(layer) for layer in schema.LAYERS] == ["label", "kind", "type"]


def test_stats_counts_repository(repo_root: Path) -> None:
    stats = corpus_stats(root=repo_root)
    assert stats.items == expected_items(repo_root)
    assert sum(stats.articles[key] for key in stats.articles if key[0] == "source") == len(layout.article_files(repo_root))
    assert "hand/a1" in stats.sets


def test_stats_counts_text_golden(valid_repo: Path) -> None:
    assert_golden("stats_valid_repo.txt", render_stats(corpus_stats(root=valid_repo), format="text"))


def test_stats_counts_json(valid_repo: Path) -> None:
    data = json.loads(render_stats(corpus_stats(root=valid_repo), format="json"))
    assert data["Articles"]["articles"] == {"total": 1, "train": 0, "test": 1}
    entities = data["Annotation set hand/a1"]["entities"]
    assert entities["total"] == entities["test"] == len(corpus.read_annotation(layout.annotation_files(valid_repo)[0]).entities)


labels = st.sampled_from(["GPE", "ORG", "PERSON", "DATE"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label_lists=st.lists(st.lists(labels, max_size=6), min_size=1, max_size=4))
def test_stats_counts_any_sets(valid_repo: Path, label_lists: list[list[str]]) -> None:
    """Any number of sets with any labels over the article: counted as the records say."""
    (article_path,) = layout.article_files(valid_repo)
    article = corpus.read_article(article_path)
    for number, set_labels in enumerate(label_lists):
        annotation = schema.AnnotationFile(
            article=article.id,
            text_sha256=article.text_sha256,
            annotator=schema.Annotator(kind="model", name=f"m{number}", version="1"),
            schema_version="1.0",
            entities=[schema.Entity(f"T{i}", i, i + 1, article.text[i], label) for i, label in enumerate(set_labels)],
        )
        path = layout.annotation_path(valid_repo, kind="model", name=f"m{number}", article_id=article.id)
        storage.write_text_atomic(path, schema.dumps(annotation))
    assert corpus_stats(root=valid_repo).items == expected_items(valid_repo)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_stats_counts_cli(repo_root: Path, capsys, fmt: str) -> None:
    assert main(["stats", "--root", str(repo_root), "--format", fmt]) == 0
    assert capsys.readouterr().out == render_stats(corpus_stats(root=repo_root), format=fmt)


def test_stats_counts_unreadable_file_is_named(valid_repo: Path) -> None:
    (path,) = layout.annotation_files(valid_repo)
    path.write_text('{"article": "x", "entities": [1, 2', encoding="utf-8")
    with pytest.raises(RepositoryError) as caught:
        corpus_stats(root=valid_repo)
    assert str(caught.value).startswith(f"annotations/hand/a1/{path.name}: cannot be read (")
    assert str(caught.value).endswith("run `wirecorpus validate`")


def test_stats_counts_article_in_no_split(valid_repo: Path) -> None:
    (valid_repo / "corpus" / "splits.json").write_text('{"train": [], "test": []}\n', encoding="utf-8")
    with pytest.raises(RepositoryError, match="article\\(s\\) are in no split"):
        corpus_stats(root=valid_repo)

