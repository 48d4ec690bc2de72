"""The release's ner config: one row per sentence, tokens and IOB2 tags from one hand set per article."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

import wirecorpus
from wirecorpus import corpus, gold, layout, ner, schema, storage
from wirecorpus.build import build
from wirecorpus.errors import BuildError, SchemaError, ValidationFailed
from wirecorpus.validate import validate
from wirecorpus.formats.conll import tag_problem
from wirecorpus.ingest import ingest
from wirecorpus.splits import SPLITS

from conftest import GOLDEN, REPO, SEED_ID

STORY = "KAZAN, May 4. /TASS/. Story {number} from Minsk. Peskov said the talks went well.\n"
# The hand sets written over each crafted article: a1 and a2 differ in Minsk's label; q1 covers quotes only.
ENTITY_SETS = {"a1": {"KAZAN": "GPE", "Minsk": "GPE", "Peskov": "PERSON"}, "a2": {"KAZAN": "GPE", "Minsk": "LOC"}}
# case -> (its hand sets, its gold set, the set its rows come from or None, whether the card counts it as left out)
CASES = {
    "several sets, no gold": (("a1", "a2"), None, None, True),
    "several sets, gold": (("a1", "a2"), "a2", "a2", False),
    "one set, quotes only": (("q1",), None, None, False),
    "entities and quotes-only sets": (("a1", "q1"), None, "a1", False),
    "gold set covers quotes only": (("a1", "q1"), "q1", None, False),
}


def crafted_annotation(article: schema.Article, name: str) -> schema.AnnotationFile:
    def span(words: str) -> tuple[int, int, str]:
        start = article.text.index(words)
        return start, start + len(words), words

    common = {"article": article.id, "text_sha256": article.text_sha256, "annotator": schema.Annotator(kind="hand", name=name)}
    if name == "q1":
        quote = schema.Quote("Q1", "indirect", schema.Span(*span("the talks went well")), schema.Span(*span("said")), None,
                             schema.Span(*span("Peskov")))
        return schema.AnnotationFile(**common, schema_version="1.1", layers=["quotes"], quotes=[quote])
    entities = [schema.Entity(f"T{n}", *span(words), label) for n, (words, label) in enumerate(ENTITY_SETS[name].items(), start=1)]
    return schema.AnnotationFile(**common, schema_version="1.0", entities=entities)


@pytest.fixture(scope="module")
def case_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, schema.Article]]:
    """A release of the seed (hand/a1 alone) and an article per case: (repository, release, case -> article)."""
    root = tmp_path_factory.mktemp("ner_cases")
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "DATASET_CARD.md", root / "DATASET_CARD.md")
    (root / "raw").mkdir()
    articles, gold_sets = {}, {}
    for number, (case, (sets, gold_set, _, _)) in enumerate(CASES.items()):
        raw = root / "raw" / f"{number}.txt"
        raw.write_text(f"date 2021-05-04\n{STORY.format(number=number)}", encoding="utf-8")
        (article_id,) = ingest([raw], root=root, source="tass").added
        articles[case] = corpus.read_article(next((root / "corpus").glob(f"*/*/{article_id}.json")))
        for name in sets:
            path = layout.annotation_path(root, kind="hand", name=name, article_id=article_id)
            storage.write_text_atomic(path, schema.dumps(crafted_annotation(articles[case], name)))
        if gold_set:
            gold_sets[article_id] = gold_set
    storage.write_text_atomic(root / layout.GOLD_PATH, gold.render_gold(gold_sets))
    return root, build(root=root), articles


def ner_rows(release: Path) -> list[dict]:
    """Every ner row of a release, split by split, as the Parquet files hold them."""
    return [row for split in SPLITS for shard in sorted((release / "data" / "ner").glob(f"{split}-*.parquet"))
            for row in pq.read_table(shard).to_pylist()]


def tagged_spans(rows: list[dict], names: list[str]) -> list[tuple[int, int, str]]:
    """The (start, end, label) spans that the IOB2 tags of rows mark, read back through the token offsets."""
    spans: list[list] = []
    for row in rows:
        previous = "O"
        for tag_id, start, end in zip(row["ner_tags"], row["token_starts"], row["token_ends"], strict=True):
            tag = names[tag_id]
            assert tag_problem(previous, tag) is None, (row["id"], tag)
            if tag.startswith("B-"):
                spans.append([start, end, tag[2:]])
            elif tag.startswith("I-"):
                spans[-1][1] = end
            previous = tag
    return [tuple(span) for span in spans]


def entity_spans(annotation: schema.AnnotationFile) -> list[tuple[int, int, str]]:
    return sorted((e.start, e.end, e.label) for e in annotation.entities)


def test_ner_seed_rows_match_its_hand_entities(case_release, offline_hf: Path) -> None:
    root, release, _ = case_release
    loaded = datasets.load_dataset(str(release), "ner", split="test")
    names = loaded.features["ner_tags"].feature.names
    committed = json.loads((REPO / layout.NER_TAGS_PATH).read_text(encoding="utf-8"))["tags"]
    assert names == committed == list(ner.read_tags(root))
    rows = [row for row in loaded.to_list() if row["article"] == SEED_ID]
    article = next(a for a in corpus.iter_articles(root) if a.id == SEED_ID)
    hand = corpus.read_annotation(layout.annotation_path(root, kind="hand", name="a1", article_id=SEED_ID))
    assert [row["id"] for row in rows] == [f"{SEED_ID}-{n}" for n in range(1, len(rows) + 1)]
    assert len(rows) > 1 and {row["annotator"] for row in rows} == {"a1"}
    assert tagged_spans(rows, names) == entity_spans(hand)
    assert any(names[tag].startswith("I-") for row in rows for tag in row["ner_tags"])


def test_ner_tokens_are_the_text(case_release) -> None:
    """Each token is the text at its offsets, and the tokens in order are every non-space character of the article."""
    root, release, _ = case_release
    texts = {a.id: a.text for a in corpus.iter_articles(root)}
    rows = ner_rows(release)
    by_article: dict[str, list[dict]] = {}
    for row in rows:
        by_article.setdefault(row["article"], []).append(row)
    assert len(by_article) == 3  # the seed and two cases
    for article_id, mine in by_article.items():
        text = texts[article_id]
        starts = [start for row in mine for start in row["token_starts"]]
        assert starts == sorted(starts)
        for row in mine:
            assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"])] == row["tokens"]
        assert "".join(token for row in mine for token in row["tokens"]) == "".join(text.split())


@pytest.mark.parametrize("case", CASES)
def test_ner_rows_come_from_one_hand_set(case_release, case: str) -> None:
    root, release, articles = case_release
    article = articles[case]
    _, _, source, _ = CASES[case]
    rows = [row for row in ner_rows(release) if row["article"] == article.id]
    if source is None:
        assert rows == []
        return
    assert rows and {row["annotator"] for row in rows} == {source}
    expected = corpus.read_annotation(layout.annotation_path(root, kind="hand", name=source, article_id=article.id))
    assert tagged_spans(rows, list(ner.read_tags(root))) == entity_spans(expected)


def test_ner_card_counts_sentences_and_articles_left_out(case_release) -> None:
    root, release, articles = case_release
    body = (release / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    section = body.split("## Token-level config `ner`", 1)[1]
    assert "spaCy 3.8." in section and 'spacy.blank("en")' in section
    split_of = {article_id: split for split, ids in json.loads((root / "corpus" / "splits.json").read_text()).items() for article_id in ids}
    left_out = [split_of[articles[case].id] for case, (_, _, _, out) in CASES.items() if out]
    rows = ner_rows(release)
    expected = {
        "sentences": [len(rows), *(sum(1 for r in rows if split_of[r["article"]] == s) for s in SPLITS)],
        "articles": [len({r["article"] for r in rows}), *(len({r["article"] for r in rows if split_of[r["article"]] == s}) for s in SPLITS)],
        "articles left out: several hand sets, none gold": [len(left_out), *(left_out.count(s) for s in SPLITS)],
    }
    assert left_out
    for name, counts in expected.items():
        assert f"| {name} | {' | '.join(str(n) for n in counts)} |" in section


def test_ner_tags_are_only_appended() -> None:
    """The committed order (tests/golden/ner_tags_committed.txt, never regenerated) starts annotations/ner_tags.json."""
    committed = (GOLDEN / "ner_tags_committed.txt").read_text(encoding="utf-8").splitlines()
    tags = ner.read_tags(REPO)
    assert committed and list(tags[: len(committed)]) == committed


def test_ner_tags_cover_the_inventory() -> None:
    inventory = schema.Inventory.load(REPO)
    ner.check_tags(ner.read_tags(REPO), inventory)
    assert {tag[2:] for tag in ner.read_tags(REPO)[1:]} >= inventory.entity_labels


def test_ner_build_refuses_a_label_without_tags(release_repo: Path) -> None:
    path = release_repo / layout.SCHEMA_PATH
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entity_labels"].append({"label": "VESSEL", "description": "Named ships."})
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(root=release_repo)
    assert str(caught.value).startswith("annotations/ner_tags.json: the inventory's entity labels have no tag B-VESSEL, I-VESSEL; append")
    assert "never reorder" in str(caught.value)
    assert not (release_repo / "dist").exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "missing; it lists the ner config's tags"),
        ("[not json", "not readable as JSON"),
        ('["O", "B-PERSON"]', 'expected an object whose "tags" is a list of strings'),
        ('{"tags": ["B-PERSON", "O"]}', "the first tag must be 'O'"),
        ('{"tags": ["O", "B-PERSON", "B-PERSON"]}', "tag 'B-PERSON' comes twice"),
        ('{"tags": ["O", "PERSON"]}', "tag 'PERSON' is not B-<label> or I-<label>"),
        ('{"tags": []}', "the first tag must be 'O'"),
    ],
)
def test_ner_tags_file_problems(empty_repo: Path, content: str | None, problem: str) -> None:
    if content is None:
        (empty_repo / layout.NER_TAGS_PATH).unlink()
    else:
        (empty_repo / layout.NER_TAGS_PATH).write_text(content, encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        ner.read_tags(empty_repo)
    assert str(caught.value).startswith(f"annotations/ner_tags.json: {problem}")


def test_ner_empty_splits_load_with_the_tag_names(release_repo: Path, offline_hf: Path) -> None:
    """Train has no ner rows (features from the card); with no hand set, no split has (features from the repository)."""
    names = list(ner.read_tags(release_repo))
    release = build(root=release_repo)
    train = wirecorpus.load("ner", split="train", path=release)
    assert train.num_rows == 0 and train.features["ner_tags"].feature.names == names
    shutil.rmtree(release_repo / "annotations" / "hand")
    bare = build(root=release_repo, out=release_repo / "dist" / "bare")
    assert not (bare / "data" / "ner").exists()
    loaded = wirecorpus.load("ner", path=bare)
    assert {split: data.num_rows for split, data in loaded.items()} == {split: 0 for split in SPLITS}
    assert loaded["test"].features == schema.features("ner", ner_tags=names)


def test_ner_build_refuses_a_gold_set_without_a_file(release_repo: Path) -> None:
    storage.write_text_atomic(release_repo / layout.GOLD_PATH, gold.render_gold({SEED_ID: "b9"}))
    with pytest.raises(ValidationFailed):
        build(root=release_repo)
    assert [f.id for f in validate(None, root=release_repo).findings] == ["gold-set-missing"]
