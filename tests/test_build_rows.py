"""The release reader (wirecorpus.rows): Arrow-parsed files give exactly schema.to_row."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_build_release import add_articles, file_bytes

from wirecorpus import rows, schema, sorted_ids, sorted_runs, splits
from wirecorpus.build import build
from wirecorpus.article_ids import ArticleIds
from wirecorpus.errors import RepositoryError
from wirecorpus.sorted_ids import decoded

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
names = st.text(alphabet="abcdefgh-0123456789", min_size=1, max_size=8)
ints = st.integers(min_value=0, max_value=2**31 - 1)
spans = st.builds(schema.Span, ints, ints, texts)
entities = st.builds(schema.Entity, names, ints, ints, texts, names)
quotes = st.builds(
    schema.Quote, names, names, spans, st.none() | spans, st.none() | names, speaker_span=st.none() | spans
)
events = st.builds(schema.Event, names, names, spans, st.lists(st.builds(schema.Argument, names, names), max_size=3))
annotators = st.builds(
    schema.Annotator,
    names,
    names,
    version=st.none() | names,
    spacy_version=st.none() | names,
    components=st.lists(names, max_size=3),
    wirecorpus_version=st.none() | names,
)
annotations = st.builds(
    schema.AnnotationFile,
    names,
    names,
    annotators,
    names,
    layers=st.lists(st.sampled_from(schema.LAYERS), min_size=1, max_size=3, unique=True),
    entities=st.lists(entities, max_size=4),
    quotes=st.lists(quotes, max_size=3),
    events=st.lists(events, max_size=3),
)
articles = st.builds(
    schema.Article,
    names,
    names,
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
    st.none() | st.builds(schema.Dateline, st.none() | texts, st.none() | texts),
    texts,
    names,
    texts,
    names,
    names,
)
# Pretty-printed as the repository writes files, and on one line as a person might.
layouts = st.sampled_from([lambda r: schema.dumps(r), lambda r: json.dumps(schema.to_dict(r), ensure_ascii=True)])


def parse(config: str, records: list, layout) -> list[dict]:
    contents = [layout(r).encode("utf-8").replace(b"\n", b" ") for r in records]
    paths = [Path(f"{i}.json") for i in range(len(records))]
    return rows.parse_files(Path("."), paths, contents, config).to_pylist()


@settings(max_examples=40, deadline=None)
@given(records=st.lists(articles, max_size=5), layout=layouts)
def test_build_rows_articles(records: list, layout) -> None:
    parsed = parse("articles", records, layout)
    assert [{k: row[k] for k in schema.ARTICLE_ROW_FIELDS} for row in parsed] == [schema.to_row("articles", a) for a in records]
    assert [(row["lang"], row["license"]) for row in parsed] == [(a.lang, a.license) for a in records]


@settings(max_examples=40, deadline=None)
@given(records=st.lists(annotations, max_size=5), article=articles, layout=layouts)
def test_build_rows_annotations(records: list, article, layout) -> None:
    not_in_files = {*schema.to_row("articles", article), *(spec.name for spec in schema.row_only_fields("hand"))}
    expected = [{k: v for k, v in schema.to_row("hand", article, r).items() if k not in not_in_files} for r in records]
    assert parse("hand", records, layout) == expected


def test_build_rows_plan_finds_each_record_where_the_listing_has_it(tmp_path: Path) -> None:
    """The plan's records are where the file names put them; of two records of one id, the later path's."""
    placed = {"tass-20200101-0000000a": "tass/2020", "tass-20210101-0000000b": "tass/2021", "xinhua-20210101-0000000c": "xinhua/2021"}
    for article, folder in {**placed, "tass-20210101-0000000b#": "tass/2020"}.items():
        (tmp_path / "corpus" / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / "corpus" / folder / f"{article.rstrip('#')}.json").write_text("{}", encoding="utf-8")
    records = rows.ArticleRecords.list(tmp_path)
    assert [article for block in records.ids() for article in decoded(block)] == sorted(placed)
    wanted = [ArticleIds.of(sorted(placed)[:1]), ArticleIds.of(sorted(placed)[1:])]
    paths = [records.paths(list(ids), folders) for ids, folders in zip(wanted, records.folders_of(wanted))]
    assert paths == [[str(tmp_path / "corpus" / placed[article] / f"{article}.json") for article in ids] for ids in wanted]


def test_build_rows_plan_from_runs_on_disk_gives_the_same_release(release_repo: Path, tmp_path: Path, monkeypatch) -> None:
    """Every listing of the plan, the text hashes and the card's sets sorted in runs of two ids on disk,
    read back two at a time: the release is byte for byte the one made in memory."""
    add_articles(release_repo, 12)
    in_memory = file_bytes(build(root=release_repo, out=tmp_path / "in-memory"))
    written = []
    write_run = sorted_runs.ExternalSort._write_run_blocks
    monkeypatch.setattr(sorted_runs.ExternalSort, "_write_run_blocks", lambda sorter, *args: written.append(1) or write_run(sorter, *args))
    monkeypatch.setattr(sorted_runs, "RUN_ROWS", 2)
    monkeypatch.setattr(sorted_runs, "BLOCK_ROWS", 2)
    monkeypatch.setattr(sorted_ids, "BLOCK", 3)
    assert file_bytes(build(root=release_repo, out=tmp_path / "on-disk")) == in_memory
    assert written


def test_build_rows_chunks_are_the_split_ids_cut_in_order(release_repo: Path, monkeypatch) -> None:
    """The chunks' spans and ids are each split's sorted ids cut into runs of CHUNK_ARTICLES, and a span
    holds exactly its own articles, whichever split the others are in."""
    add_articles(release_repo, 12)
    monkeypatch.setattr(sorted_runs, "RUN_ROWS", 3)
    monkeypatch.setattr(sorted_runs, "BLOCK_ROWS", 2)
    recorded = splits.read_splits(release_repo)
    with rows.plan(release_repo) as corpus_plan:
        work = rows.chunk_work(corpus_plan, chunk_articles=2)
        chunks = list(rows.chunk_ids(corpus_plan, work))
        every = [article for ids in recorded.values() for article in ids]
        expected = [(split, sorted(ids)[start : start + 2]) for split, ids in recorded.items() for start in range(0, len(ids), 2)]
        assert [(split, list(ids)) for split, ids in chunks] == expected
        for (split, span), (_, ids) in zip(work, chunks):
            assert (span.split, span[0], span[-1], len(span)) == (split, ids[0], ids[-1], len(ids))
            assert span.contains(every).tolist() == [article in list(ids) for article in every]


@pytest.mark.parametrize("odd", ["\u0000", "\ud800"])
def test_build_rows_plan_finds_no_file_for_an_id_no_file_can_have(valid_repo: Path, odd: str) -> None:
    """An id of corpus/splits.json that no file name can be (a NUL, a lone surrogate)
    is not taken for the article it starts with, nor does it stop the plan with a traceback."""
    path = valid_repo / "corpus" / "splits.json"
    listed = json.loads(path.read_text(encoding="utf-8"))
    article = next(article for ids in listed.values() for article in ids)
    listed["test"].append(article + odd)
    path.write_text(json.dumps(listed), encoding="utf-8")
    with pytest.raises(RepositoryError, match=r"lists 1 article\(s\) with no file under corpus/"):
        rows.plan(valid_repo)
