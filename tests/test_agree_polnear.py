"""Agreement on real multi-annotator data: the PolNeAR train articles that 5 or 6 annotators annotated.

They are imported with ``wirecorpus import brat`` into a scratch repository as
quote-only hand sets, one per annotator (``hand/polnear-<annotator>``), the
articles ingested from the .txt files. The MAP makes a quote of every
attribution, with or without a source; a content in pieces becomes its outer
extent (PolNeAR splits contents around the cue and source). Discard and Discuss
spans, which are no attribution, are skipped (--skip-unconvertible).
The figures are checked against metadata.tsv (who annotated what) and an
independent computation from the imported files (tests/agree_independent.py).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from agree_independent import cues, spans, strict_f1, token_values
from conftest import REPO
from test_importer import POLNEAR_MAP
from wirecorpus import cli
from wirecorpus.agree import agree, render
from wirecorpus.compare.reliability import tokens

MAP = POLNEAR_MAP


def multi_annotated(sample: Path) -> dict[str, list[str]]:
    """metadata.tsv: file name -> annotators, for the articles with more than one."""
    with open(sample / "metadata.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row["filename"]: row["annotators"].split("|") for row in rows if "|" in row["annotators"]}


@pytest.fixture(scope="module")
def polnear(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    sample = shared_dir / "external" / "polnear_train_sample"
    annotated = multi_annotated(sample)
    root = tmp_path_factory.mktemp("polnear_repo")
    (root / "annotations").mkdir()
    (root / "corpus").mkdir()
    shutil.copy(REPO / "annotations" / "schema.json", root / "annotations" / "schema.json")
    map_path = tmp_path_factory.mktemp("polnear_map") / "map.json"
    map_path.write_text(json.dumps(MAP), encoding="utf-8")
    anns = [str(sample / "attributions" / f"{name}_{a}.ann") for name, annotators in annotated.items() for a in annotators]
    options = ["--annotator", "polnear-{annotator}", "--map", str(map_path), "--skip-unconvertible"]
    options += ["--ingest", "--source", "polnear", "--license", "research-only"]
    code = cli.main(["import", "brat", "--root", str(root), str(sample / "text"), *anns, *options])
    assert code == 0
    return root, annotated


@pytest.fixture(scope="module")
def result(polnear):
    return agree(root=polnear[0])


def files(root: Path) -> dict[str, dict[str, dict]]:
    """Set name -> article id -> the imported annotation file's JSON."""
    found: dict[str, dict[str, dict]] = {}
    for path in sorted((root / "annotations" / "hand").glob("*/*.json")):
        found.setdefault(f"hand/{path.parent.name}", {})[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def texts(root: Path) -> dict[str, str]:
    records = (json.loads(p.read_text(encoding="utf-8")) for p in (root / "corpus").glob("*/*/*.json"))
    return {record["id"]: record["text"] for record in records}


def test_agree_polnear_one_set_per_annotator(polnear, result):
    root, annotated = polnear
    assert len(annotated) == 16 and sum(map(len, annotated.values())) == 95
    assert result.sets == tuple(f"hand/polnear-{a}" for a in sorted({a for names in annotated.values() for a in names}))
    assert len(result.articles) == 16 and len(result.pairs) == 15
    coders = Counter(frozenset(a.sets) for a in result.alphas)
    assert coders == Counter(frozenset(f"hand/polnear-{a}" for a in names) for names in annotated.values())
    # A pair compares the articles metadata.tsv credits to both annotators.
    for pair in result.pairs:
        first, second = (name.removeprefix("hand/polnear-") for name in (pair.first, pair.second))
        assert len(pair.articles) == sum(1 for names in annotated.values() if first in names and second in names)


def test_agree_polnear_quotes_only(result):
    assert result.layers == ("quotes",) and result.uncompared_layers == ("entities", "events")
    # Every set covers quotes on every article, and nothing else.
    assert all(pair.uncovered == {"entities": pair.articles, "events": pair.articles} for pair in result.pairs)
    assert "not compared, as no two sets cover them on a shared article: entities, events" in render(result)


def test_agree_polnear_strict_f1_as_computed_independently(polnear, result):
    """Content and cue strict F1 per pair, counts pooled over the pair's articles, from the files themselves."""
    sets = files(polnear[0])
    checked = 0
    for pair in result.pairs:
        scores = pair.layer("quotes")
        for row, items in (("content", lambda d: spans(d, "quotes", False)), ("cue", cues)):
            a = [s + (article,) for article in pair.articles for s in items(sets[pair.first][article])]
            b = [s + (article,) for article in pair.articles for s in items(sets[pair.second][article])]
            assert scores.row(row).strict.f1 == pytest.approx(strict_f1(a, b)), (pair.name, row)
            checked += 1
    assert checked == 30


def test_agree_polnear_alpha_as_krippendorff_on_the_token_matrix(polnear, result):
    root = polnear[0]
    sets, text_of = files(root), texts(root)
    pooled: list[list[str]] = [[] for _ in result.sets]
    for article in result.articles:
        units = tokens(text_of[article])
        values = {name: token_values(made[article], "quotes", units) for name, made in sets.items() if article in made}
        (found,) = [a for a in result.alphas if a.article == article]
        matrix = np.array([values[name] for name in found.sets])
        assert found.alpha == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
        for row, name in zip(pooled, result.sets):
            row += values.get(name, [np.nan] * len(units))  # a string array turns nan into "nan": missing
    expected = krippendorff.alpha(reliability_data=np.array(pooled), level_of_measurement="nominal")
    assert result.pooled_alphas["quotes"] == pytest.approx(expected)


def test_agree_polnear_figures(result):
    """Trained annotators agree well above chance, and more by overlap than to the character."""
    content = {mode: result.mean_f1("quotes", "content", mode) for mode in ("strict", "overlap")}
    cue = {mode: result.mean_f1("quotes", "cue", mode) for mode in ("strict", "overlap")}
    assert content["strict"].count == content["overlap"].count == cue["strict"].count == 15
    assert 0.5 < content["strict"].value < content["overlap"].value < 1
    assert 0.5 < cue["strict"].value < cue["overlap"].value < 1
    assert 0.5 < result.mean_accuracy("quotes", "speaker").value < 1
    assert 0.5 < result.mean_alpha("quotes").value < 1 and result.mean_alpha("quotes").count == 16
    assert 0.5 < result.mean_kappa("quotes").value <= 1
