"""The schema module: records, JSON round trips, Arrow schema and features."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, assert_golden
from wirecorpus import ner, schema
from wirecorpus.errors import SchemaError

NER_TAGS = ner.read_tags(REPO)


def test_schema_features_matchassert_golden():
    actual = {config: schema.features(config, ner_tags=NER_TAGS).to_dict() for config in schema.CONFIGS}
    assert_golden("schema_features.json", json.dumps(actual, indent=2, sort_keys=True) + "\n")


def test_schema_arrow_schema_matchesassert_golden():
    assert_golden("schema_arrow.txt", "".join(f"== {c}\n{schema.arrow_schema(c).to_string(show_schema_metadata=False)}\n" for c in schema.CONFIGS))


def test_schema_hand_config_is_the_model_config_and_gold():
    """The hand config has one column more, last: gold, which no file holds."""
    hand, model = schema.features("hand"), schema.features("model")
    assert list(hand) == [*model, "gold"] and hand["gold"].dtype == "bool"
    assert {name: hand[name] for name in model} == dict(model)
    assert schema.arrow_schema("hand").remove(len(model)) == schema.arrow_schema("model")
    assert [spec.name for spec in schema.row_only_fields("hand")] == ["gold"] and schema.row_only_fields("model") == ()


@pytest.mark.parametrize("config", schema.CONFIGS)
def test_schema_features_and_arrow_schema_agree(config):
    assert schema.features(config, ner_tags=NER_TAGS).arrow_schema == schema.arrow_schema(config)


def test_schema_inventory_of_the_repository():
    inventory = schema.Inventory.load(REPO)
    assert len(inventory.entity_labels) == 18
    assert {"PERSON", "WORK_OF_ART", "NORP", "CARDINAL"} <= inventory.entity_labels
    assert inventory.quote_kinds == {"direct", "indirect", "mixed"}
    assert inventory.event_roles["Contact:Meet"] == ("Entity", "Time", "Place")
    assert sum(1 for s in inventory.event_sources.values() if s == "ACE 2005") == 33
    assert {t for t, s in inventory.event_sources.items() if s == "wirecorpus"} == {
        "Economy:Change", "Economy:Agreement", "Policy:Directive", "Policy:Proposal", "Policy:Support", "Policy:Sanction",
    }
    assert inventory.values("roles") == inventory.roles


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "the schema file is missing"),
        ("{not json", "not a valid schema file"),
        ('{"schema_version": "1.0"}', "not a valid schema file: 'entity_labels'"),
    ],
)
def test_schema_inventory_load_errors_name_the_file(tmp_path, content, problem):
    if content is not None:
        (tmp_path / "annotations").mkdir()
        (tmp_path / "annotations" / "schema.json").write_text(content, encoding="utf-8")
    with pytest.raises(SchemaError, match=r"^annotations/schema.json: " + problem):
        schema.Inventory.load(tmp_path)


def test_schema_field_specs_see_optional_and_nullable_fields():
    specs = {s.name: s for s in schema.field_specs(schema.Quote)}
    assert specs["cue"].nullable and not specs["cue"].optional
    assert specs["speaker_span"].nullable and specs["speaker_span"].optional
    assert specs["content"].kind == "record" and specs["content"].record is schema.Span
    assert specs["kind"].inventory == "quote_kinds"
    events = {s.name: s for s in schema.field_specs(schema.Event)}
    assert (events["arguments"].kind, events["arguments"].item_kind, events["arguments"].record) == ("list", "record", schema.Argument)


_TEXT = st.text(max_size=12)
_OPT_TEXT = st.none() | _TEXT
_SPAN = st.builds(schema.Span, start=st.integers(0, 10**6), end=st.integers(0, 10**6), text=_TEXT)
_ANNOTATION = st.builds(
    schema.AnnotationFile,
    article=_TEXT,
    text_sha256=_TEXT,
    annotator=st.builds(schema.Annotator, kind=_TEXT, name=_TEXT, version=_OPT_TEXT, spacy_version=_OPT_TEXT,
                        components=st.lists(_TEXT, max_size=3), wirecorpus_version=_OPT_TEXT),
    schema_version=_TEXT,
    entities=st.lists(st.builds(schema.Entity, id=_TEXT, start=st.integers(0, 10**6), end=st.integers(0, 10**6), text=_TEXT, label=_TEXT), max_size=4),
    quotes=st.lists(st.builds(schema.Quote, id=_TEXT, kind=_TEXT, content=_SPAN, cue=st.none() | _SPAN, speaker=_OPT_TEXT,
                              speaker_span=st.none() | _SPAN), max_size=3),
    events=st.lists(st.builds(schema.Event, id=_TEXT, type=_TEXT, trigger=_SPAN,
                              arguments=st.lists(st.builds(schema.Argument, role=_TEXT, entity=_TEXT), max_size=3)), max_size=3),
)
_ARTICLE = st.builds(
    schema.Article, id=_TEXT, source=_TEXT, date=st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)),
    dateline=st.none() | st.builds(schema.Dateline, place=_OPT_TEXT, agency=_OPT_TEXT), text=_TEXT,
    text_sha256=_TEXT, origin=_TEXT, lang=_TEXT, license=_TEXT,
)


@settings(max_examples=150, deadline=None)
@given(record=_ANNOTATION | _ARTICLE)
def test_schema_json_round_trip(record):
    text = schema.dumps(record)
    assert text.endswith("\n")
    assert schema.from_dict(type(record), json.loads(text)) == record


@settings(max_examples=60, deadline=None)
@given(article=_ARTICLE, annotation=_ANNOTATION)
def test_schema_rows_fit_the_arrow_schema(article, annotation):
    import pyarrow as pa

    for config in schema.RECORD_CONFIGS:
        row = schema.to_row(config, article, annotation)
        table = pa.Table.from_pylist([row], schema=schema.arrow_schema(config))
        back = table.to_pylist()[0]
        assert back == row


def test_schema_to_dict_omits_unset_optional_fields():
    annotator = schema.Annotator(kind="hand", name="a1")
    assert schema.to_dict(annotator) == {"kind": "hand", "name": "a1"}
