"""The release reader (wirecorpus.rows): Arrow-parsed files give exactly schema.to_row."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus import rows, schema

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
    assert list(records.ids) == sorted(placed)
    wanted = sorted(placed, reverse=True)
    assert records.paths(wanted) == [str(tmp_path / "corpus" / placed[article] / f"{article}.json") for article in wanted]
