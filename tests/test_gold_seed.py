"""The hand gold of the seed article: properties annotations/GUIDELINES.md requires of it."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, SEED_ID
from wirecorpus import corpus, layout, schema

GOLD_PATH = layout.annotation_path(REPO, kind="hand", name="a1", article_id=SEED_ID)
PROGRAMME_TITLE = "Moscow. Kremlin. Putin"

# Role kinds whose fillers must carry one of these labels (GUIDELINES.md 4.2).
ROLE_LABELS = {
    "Time": {"DATE", "TIME"},
    "Place": {"GPE", "LOC", "FAC"},
    "Value": {"PERCENT", "MONEY", "QUANTITY", "CARDINAL"},
}
PARTICIPANT_LABELS = {"PERSON", "ORG", "GPE", "NORP"}


@pytest.fixture(scope="module")
def article() -> schema.Article:
    return next(a for a in corpus.iter_articles(REPO) if a.id == SEED_ID)


@pytest.fixture(scope="module")
def gold() -> schema.AnnotationFile:
    return corpus.read_annotation(GOLD_PATH)


@pytest.fixture(scope="module")
def entities(gold) -> dict[str, schema.Entity]:
    return {e.id: e for e in gold.entities}


def all_spans(gold: schema.AnnotationFile) -> list[tuple[str, schema.Span]]:
    spans = [(e.id, e.span) for e in gold.entities]
    for q in gold.quotes:
        spans += [(f"{q.id} {name}", s) for name in ("content", "cue", "speaker_span") if (s := getattr(q, name))]
    spans += [(f"{e.id} trigger", e.trigger) for e in gold.events]
    return spans


def test_gold_seed_file_is_canonical(gold):
    assert GOLD_PATH.read_text(encoding="utf-8") == schema.dumps(gold)
    assert gold.annotator == schema.Annotator(kind="hand", name="a1")
    assert gold.article == SEED_ID


def test_gold_seed_hash_matches_article(gold, article):
    assert gold.text_sha256 == article.text_sha256 == layout.text_sha256(article.text)


def test_gold_seed_spans_match_text(gold, article):
    for where, span in all_spans(gold):
        assert 0 <= span.start < span.end <= len(article.text), where
        assert article.text[span.start : span.end] == span.text, where
        assert span.text == span.text.strip(), where


@pytest.mark.parametrize(("layer", "prefix", "key"), [
    ("entities", "T", lambda r: r.start),
    ("quotes", "Q", lambda r: r.content.start),
    ("events", "E", lambda r: r.trigger.start),
])
def test_gold_seed_ids_number_records_in_text_order(gold, layer, prefix, key):
    records = getattr(gold, layer)
    assert [r.id for r in records] == [f"{prefix}{i}" for i in range(1, len(records) + 1)]
    assert [key(r) for r in records] == sorted(key(r) for r in records)


def test_gold_seed_entities_do_not_overlap(gold):
    for before, after in zip(gold.entities, gold.entities[1:]):
        assert before.end <= after.start, (before.id, after.id)


def test_gold_seed_labels_and_roles_are_in_the_inventory(gold, entities):
    inventory = schema.Inventory.load(REPO)
    assert {e.label for e in gold.entities} <= inventory.entity_labels
    assert {q.kind for q in gold.quotes} == inventory.quote_kinds
    for event in gold.events:
        for argument in event.arguments:
            assert argument.role in inventory.event_roles[event.type], (event.id, argument.role)
            label = entities[argument.entity].label
            assert label in ROLE_LABELS.get(argument.role, PARTICIPANT_LABELS), (event.id, argument)


def test_gold_seed_programme_title_is_one_work_of_art(gold, article):
    (title,) = [e for e in gold.entities if e.label == "WORK_OF_ART"]
    assert title.text == PROGRAMME_TITLE
    assert article.text[title.start - 1] == article.text[title.end] == '"'
    assert not [e for e in gold.entities if e is not title and title.start <= e.start < title.end]


@pytest.mark.parametrize(("word", "label"), [
    ("Putin", "PERSON"),
    ("Peskov", "PERSON"),
    ("Lukashenko", "PERSON"),
    ("Kremlin", "ORG"),
    ("Sochi", "GPE"),
    ("Russian", "NORP"),
    ("Belarusian", "NORP"),
    ("Belarus", "GPE"),
])
def test_gold_seed_every_mention_of_a_name_is_annotated(gold, article, word, label):
    title = next(e for e in gold.entities if e.label == "WORK_OF_ART")
    occurrences = [m.start() for m in re.finditer(rf"\b{word}\b", article.text)]
    outside_title = [o for o in occurrences if not title.start <= o < title.end]
    covering = {o: [e for e in gold.entities if e.start <= o < e.end] for o in outside_title}
    assert outside_title
    for offset, found in covering.items():
        assert [e.label for e in found] == [label], (word, offset)


def test_gold_seed_dateline_entities(gold):
    assert [(e.text, e.label) for e in gold.entities[:3]] == [
        ("MOSCOW", "GPE"), ("September 20", "DATE"), ("TASS", "ORG"),
    ]


def test_gold_seed_direct_quotes_are_peskov_inside_the_marks(gold, article, entities):
    direct = [q for q in gold.quotes if q.kind == "direct"]
    assert len(direct) == 3
    for quote in direct:
        assert entities[quote.speaker].text.endswith("Peskov")
        assert article.text[quote.content.start - 1] == article.text[quote.content.end] == '"'
        assert '"' not in quote.content.text


def test_gold_seed_indirect_quotes_have_no_marks_or_complementiser(gold, article):
    indirect = [q for q in gold.quotes if q.kind == "indirect"]
    assert len(indirect) == 5
    for quote in indirect:
        assert '"' not in quote.content.text
        assert not quote.content.text.startswith("that ")
        assert not quote.content.text.endswith((".", ","))


def test_gold_seed_mixed_quote_holds_its_quoted_fragment(gold):
    (mixed,) = [q for q in gold.quotes if q.kind == "mixed"]
    assert mixed.content.text.startswith("The heads of agencies")
    assert mixed.content.text.endswith('"in order to stop the trend of a downturn in bilateral trade and economic ties,"')
    assert mixed.cue.text == "said"


def test_gold_seed_quote_cues_are_speech_verbs(gold):
    assert [q.cue.text for q in gold.quotes] == [
        "recalled", "said", "stressed", "explained", "stated", "said", "said", "stressed", "recalled",
    ]


def test_gold_seed_pronoun_speakers_point_to_the_nearest_preceding_mention(gold, entities):
    with_span = [q for q in gold.quotes if q.speaker_span]
    assert [q.speaker_span.text for q in with_span] == ["He", "he", "Kremlin spokesman"]
    for quote in with_span:
        speaker = entities[quote.speaker]
        earlier = [e for e in gold.entities if e.label == "PERSON" and e.end <= quote.speaker_span.start]
        peskovs = [e for e in earlier if e.text.endswith("Peskov")]
        assert speaker == peskovs[-1], quote.id


def test_gold_seed_every_speaker_is_a_person(gold, entities):
    assert all(entities[q.speaker].label == "PERSON" for q in gold.quotes)


def arguments_of(event: schema.Event, entities: dict[str, schema.Entity]) -> set[tuple[str, str]]:
    return {(a.role, entities[a.entity].text) for a in event.arguments}


@pytest.mark.parametrize(("trigger", "event_type", "expected"), [
    ("talks", "Contact:Meet", {
        ("Entity", "Vladimir Putin"), ("Entity", "Alexander Lukashenko"),
        ("Time", "September 14"), ("Place", "Sochi"),
    }),
    ("instructed", "Policy:Directive", {("Agent", "Vladimir Putin"), ("Agent", "Alexander Lukashenko")}),
    ("dropped", "Economy:Change", {("Entity", "Russian"), ("Entity", "Belarusian"), ("Value", "more than 21%")}),
    ("suggested", "Policy:Proposal", {("Agent", "Putin")}),
    ("supported", "Policy:Support", {("Agent", "Putin"), ("Beneficiary", "Lukashenko")}),
])
def test_gold_seed_first_event_of_a_trigger(gold, entities, trigger, event_type, expected):
    event = next(e for e in gold.events if e.trigger.text == trigger)
    assert event.type == event_type
    assert arguments_of(event, entities) == expected


def test_gold_seed_event_counts(gold):
    types = [e.type for e in gold.events]
    assert {t: types.count(t) for t in types} == {
        "Contact:Meet": 4, "Policy:Directive": 2, "Economy:Change": 2, "Policy:Proposal": 3, "Policy:Support": 1,
    }
