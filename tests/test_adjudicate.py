"""wirecorpus adjudicate: crafted sets over the seed with results worked out by hand, layers, refusals,
the command, and the six PolNeAR annotators of a real article."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import SEED_ID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_importer import polnear  # noqa: F401  (a fixture: PolNeAR imported as six quote-only hand sets)

from wirecorpus import cli, corpus, layout, schema, storage
from wirecorpus.adjudicate import MAJORITY, UNANIMOUS, AdjudicationResult, adjudicate, render
from wirecorpus.errors import AdjudicationError
from wirecorpus.validate import validate

SOURCES = ["hand/a1", "hand/b1", "hand/c1"]


def a1_data(root: Path) -> dict:
    return json.loads(layout.annotation_path(root, kind="hand", name="a1", article_id=SEED_ID).read_text(encoding="utf-8"))


def write_set(root: Path, name: str, data: dict, article_id: str = SEED_ID) -> None:
    data = {**data, "annotator": {"kind": "hand", "name": name}}
    storage.write_text_atomic(layout.annotation_path(root, kind="hand", name=name, article_id=article_id), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def by_id(items: list[dict], item_id: str) -> dict:
    return next(item for item in items if item["id"] == item_id)


def drop(items: list[dict], *ids: str) -> None:
    items[:] = [item for item in items if item["id"] not in ids]


def edit_b1(data: dict) -> None:
    """b1: TASS removed, Rossiya-1 relabelled, 'September 14' moved to 'September'; Q2 without a cue,
    Q5 mixed; E5 removed, E8 a directive, E11 without its beneficiary."""
    drop(data["entities"], "T3")
    by_id(data["entities"], "T9")["label"] = "WORK_OF_ART"
    by_id(data["entities"], "T13").update(end=321, text="September")
    by_id(data["quotes"], "Q2")["cue"] = None
    by_id(data["quotes"], "Q5")["kind"] = "mixed"
    drop(data["events"], "E5")
    by_id(data["events"], "E8")["type"] = "Policy:Directive"
    by_id(data["events"], "E11")["arguments"] = [{"role": "Agent", "entity": "T39"}]


def edit_c1(data: dict) -> None:
    """c1: TASS and 'Monday' removed (and E12's Time with it); Q3 without its speaker_span, Q6 said by
    the other 'Peskov', Q9 removed."""
    drop(data["entities"], "T3", "T43")
    by_id(data["events"], "E12")["arguments"] = [a for a in by_id(data["events"], "E12")["arguments"] if a["entity"] != "T43"]
    by_id(data["quotes"], "Q3")["speaker_span"] = None
    by_id(data["quotes"], "Q6")["speaker"] = "T34"
    drop(data["quotes"], "Q9")


@pytest.fixture
def three_sets(repo_copy: Path) -> Path:
    """hand/a1 (the seed's set), and hand/b1 and hand/c1 made from it by edit_b1 and edit_c1."""
    for name, edit in (("b1", edit_b1), ("c1", edit_c1)):
        data = a1_data(repo_copy)
        edit(data)
        write_set(repo_copy, name, data)
    assert validate(None, root=repo_copy).ok
    return repo_copy


def content(record: schema.AnnotationFile) -> dict[str, set]:
    """A set's layers without ids: references become the spans of their entities."""
    spans = {e.id: (e.start, e.end) for e in record.entities}
    bounds = lambda span: None if span is None else (span.start, span.end)  # noqa: E731
    return {
        "entities": {((e.start, e.end), e.label) for e in record.entities},
        "quotes": {(bounds(q.content), q.kind, bounds(q.cue), spans.get(q.speaker), bounds(q.speaker_span)) for q in record.quotes},
        "events": {(bounds(e.trigger), e.type, frozenset((a.role, spans[a.entity]) for a in e.arguments)) for e in record.events},
    }


def seed_content(root: Path) -> dict[str, set]:
    return content(schema.from_dict(schema.AnnotationFile, a1_data(root)))


# What each rule keeps, worked out by hand from edit_b1 and edit_c1 (spans of the seed's text).
TASS, ROSSIYA, SEPT14, SEPTEMBER, MONDAY = (23, 27), (224, 233), (312, 324), (312, 321), (2159, 2165)
Q2, Q3, Q5, Q6, Q9 = (548, 760), (791, 844), (1033, 1171), (1248, 1366), (1765, 2070)
E1, E4, E5, E8, E11, E12 = (325, 330), (645, 650), (713, 721), (1192, 1201), (2041, 2050), (2102, 2107)


def expected(root: Path, rule: str) -> dict[str, set]:
    seed = seed_content(root)
    entities = {(span, label) for span, label in seed["entities"] if span != TASS}
    quotes, events = set(seed["quotes"]), set(seed["events"])
    if rule == MAJORITY:  # every change is made in one set only, bar TASS, which only a1 has
        return {"entities": entities, "quotes": quotes, "events": events}
    entities = {(span, label) for span, label in entities if span not in (ROSSIYA, SEPT14, MONDAY)}
    kept_spans = {span for span, _ in entities}
    quotes = {q for q in quotes if q[0] not in (Q5, Q9)}
    quotes = {(c, k, None if c == Q2 else cue, None if c == Q6 else speaker, None if c == Q3 else speaker_span) for c, k, cue, speaker, speaker_span in quotes}
    events = {(t, type_, frozenset(a for a in args if a[1] in kept_spans and not (t == E11 and a[0] == "Beneficiary"))) for t, type_, args in events if t not in (E5, E8)}
    return {"entities": entities, "quotes": quotes, "events": events}


# Every disagreement: (layer, span, about, what a1, b1 and c1 say, outcome unanimous, outcome majority).
DISAGREEMENTS = [
    ("entities", TASS, "label", ("ORG", "absent", "absent"), "left out", "left out"),
    ("entities", ROSSIYA, "label", ("ORG", "WORK_OF_ART", "ORG"), "left out", "kept as ORG"),
    ("entities", SEPTEMBER, "label", ("absent", "DATE", "absent"), "left out", "left out"),
    ("entities", SEPT14, "label", ("DATE", "absent", "DATE"), "left out", "kept as DATE"),
    ("entities", MONDAY, "label", ("DATE", "DATE", "absent"), "left out", "kept as DATE"),
    ("quotes", Q2, "mixed cue", ("768-772 'said'", "none", "768-772 'said'"), "null", "kept 768-772 'said'"),
    ("quotes", Q3, "indirect speaker_span", ("774-776 'He'", "774-776 'He'", "none"), "null", "kept 774-776 'He'"),
    ("quotes", Q5, "kind", ("indirect", "mixed", "indirect"), "left out", "kept as indirect"),
    ("quotes", Q6, "indirect speaker", ("1368-1374 'Peskov'", "1368-1374 'Peskov'", "1608-1614 'Peskov'"), "null", "kept 1368-1374 'Peskov'"),
    ("quotes", Q9, "kind", ("direct", "direct", "absent"), "left out", "kept as direct"),
    ("events", E1, "Contact:Meet argument Time -> 312-324 'September 14'", ("present", "absent", "present"), "left out", "kept"),
    ("events", E1, "Contact:Meet argument Time -> 312-321 'September'", ("absent", "present", "absent"), "left out", "left out"),
    ("events", E4, "Contact:Meet argument Time -> 312-324 'September 14'", ("present", "absent", "present"), "left out", "kept"),
    ("events", E4, "Contact:Meet argument Time -> 312-321 'September'", ("absent", "present", "absent"), "left out", "left out"),
    ("events", E5, "type", ("Economy:Change", "absent", "Economy:Change"), "left out", "kept as Economy:Change"),
    ("events", E8, "type", ("Policy:Proposal", "Policy:Directive", "Policy:Proposal"), "left out", "kept as Policy:Proposal"),
    ("events", E11, "Policy:Support argument Beneficiary -> 1878-1888 'Lukashenko'", ("present", "absent", "present"), "left out", "kept"),
    ("events", E12, "Contact:Meet argument Time -> 2159-2165 'Monday'", ("present", "present", "absent"), "left out", "kept"),
]


def disagreements(result: AdjudicationResult) -> list[tuple]:
    return [(d.layer, (d.span.start, d.span.end), d.about, tuple(what for _, what in d.says), d.outcome) for d in result.disagreements]


@pytest.mark.parametrize("rule", [UNANIMOUS, MAJORITY])
def test_adjudicate_crafted_sets_by_hand(three_sets: Path, rule: str) -> None:
    result = adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target=f"hand/{rule}", rule=rule)
    assert result.status == "written" and result.path == f"annotations/hand/{rule}/{SEED_ID}.json"
    written = corpus.read_annotation(three_sets / result.path)
    assert written == result.record and written.layers == list(schema.LAYERS)
    assert content(written) == expected(three_sets, rule)
    outcome = 4 if rule == UNANIMOUS else 5
    assert disagreements(result) == [(*row[:4], row[outcome]) for row in DISAGREEMENTS]
    assert all(d.says[0][0] == "hand/a1" and [name for name, _ in d.says] == SOURCES for d in result.disagreements)
    assert validate(None, root=three_sets).ok


def test_adjudicate_ids_in_text_order_and_canonical_file(three_sets: Path) -> None:
    result = adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=UNANIMOUS)
    record = result.record
    for prefix, items, start in (("T", record.entities, lambda e: e.start), ("Q", record.quotes, lambda q: q.content.start), ("E", record.events, lambda e: e.trigger.start)):
        assert [item.id for item in items] == [f"{prefix}{n}" for n in range(1, len(items) + 1)]
        assert [start(item) for item in items] == sorted(start(item) for item in items)
    assert (three_sets / result.path).read_text(encoding="utf-8") == schema.dumps(record)
    assert record.annotator == schema.Annotator(kind="hand", name="adj")


def test_adjudicate_agreeing_copies_give_the_set_back(repo_copy: Path) -> None:
    for name in ("b1", "c1"):
        write_set(repo_copy, name, a1_data(repo_copy))
    for rule in (UNANIMOUS, MAJORITY):
        result = adjudicate(root=repo_copy, article_id=SEED_ID, sources=SOURCES, target=f"hand/{rule}", rule=rule)
        assert result.disagreements == ()
        assert schema.to_dict(result.record) == {**a1_data(repo_copy), "annotator": {"kind": "hand", "name": rule}}
        assert "no disagreement" in render(result)


def quote_only(data: dict) -> dict:
    """A quote-only set as an import writes it: speakers by their span alone."""
    speakers = {e["id"]: e for e in data["entities"]}
    quotes = [{**q, "speaker": None, "speaker_span": q.get("speaker_span") or {k: speakers[q["speaker"]][k] for k in ("start", "end", "text")}} for q in data["quotes"]]
    return {**data, "layers": ["quotes"], "entities": [], "events": [], "quotes": quotes}


def test_adjudicate_layers_by_the_rule(repo_copy: Path) -> None:
    """b1 covers quotes only: unanimous keeps quotes alone, majority all three layers."""
    write_set(repo_copy, "b1", quote_only(a1_data(repo_copy)))
    write_set(repo_copy, "c1", a1_data(repo_copy))
    unanimous = adjudicate(root=repo_copy, article_id=SEED_ID, sources=SOURCES, target="hand/u", rule=UNANIMOUS)
    assert unanimous.record.layers == ["quotes"] and unanimous.record.entities == unanimous.record.events == []
    coverage = [(d.layer, d.says, d.outcome) for d in unanimous.disagreements if d.about == "coverage"]
    says = (("hand/a1", "covers it"), ("hand/b1", "does not cover it"), ("hand/c1", "covers it"))
    assert coverage == [(layer, says, "left out, with all its content") for layer in ("entities", "events")]
    seed_quotes = a1_data(repo_copy)["quotes"]
    # Each quote's speaker: a1 and c1 name an entity, b1 none; quotes without a speaker_span differ there too.
    speakers = [d for d in unanimous.disagreements if d.about.endswith(" speaker")]
    assert len(speakers) == len(seed_quotes) and all(d.outcome == "null" for d in speakers)
    assert all(q.speaker is None for q in unanimous.record.quotes)
    majority = adjudicate(root=repo_copy, article_id=SEED_ID, sources=SOURCES, target="hand/m", rule=MAJORITY)
    assert majority.record.layers == list(schema.LAYERS)
    assert content(majority.record)["entities"] == seed_content(repo_copy)["entities"]
    assert content(majority.record)["events"] == seed_content(repo_copy)["events"]
    assert [q.speaker for q in majority.record.quotes] != [None] * len(seed_quotes)
    assert {d.outcome for d in majority.disagreements if d.about == "coverage"} == {"covered"}
    assert validate(None, root=repo_copy).ok


# --------------------------------------------------------------------------
# A property: entity-only sets made by removing entities, counted independently.


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kept=st.lists(st.sets(st.integers(min_value=0, max_value=42)), min_size=3, max_size=4))
def test_adjudicate_entities_kept_by_count(repo_copy: Path, kept: list[set[int]]) -> None:
    entities = a1_data(repo_copy)["entities"]
    names = [f"p{n}" for n in range(len(kept))]
    for name, indices in zip(names, kept):
        data = {**a1_data(repo_copy), "layers": ["entities"], "quotes": [], "events": [], "entities": [entities[i] for i in sorted(indices)]}
        write_set(repo_copy, name, data)
    holders = Counter(i for indices in kept for i in indices)
    sources = [f"hand/{name}" for name in names]
    for rule, enough in ((UNANIMOUS, lambda n: n == len(kept)), (MAJORITY, lambda n: 2 * n > len(kept))):
        result = adjudicate(root=repo_copy, article_id=SEED_ID, sources=sources, target="hand/adj", rule=rule, replace=True)
        assert [e.start for e in result.record.entities] == [entities[i]["start"] for i in sorted(holders) if enough(holders[i])]
        listed = [d.span.start for d in result.disagreements]
        assert listed == [entities[i]["start"] for i in sorted(holders) if holders[i] < len(kept)]


# --------------------------------------------------------------------------
# Refusals and the file already there.


def test_adjudicate_never_overwrites_without_replace(three_sets: Path) -> None:
    first = adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=UNANIMOUS)
    path = three_sets / first.path
    assert adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=UNANIMOUS).status == "unchanged"
    before = path.read_bytes()
    with pytest.raises(AdjudicationError, match=r"is there already with other content; pass --replace"):
        adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=MAJORITY)
    assert path.read_bytes() == before
    assert adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=MAJORITY, replace=True).status == "replaced"
    assert path.read_bytes() != before


def test_adjudicate_writes_whole_under_the_repository_lock(three_sets: Path, monkeypatch) -> None:
    from filelock import FileLock, Timeout

    held = []

    def write(path: Path, text: str) -> None:
        with pytest.raises(Timeout):  # another command could not take the lock now
            FileLock(str(three_sets / storage.LOCK_NAME), timeout=0).acquire()
        held.append(path)
        storage.write_bytes_atomic(path, text.encode("utf-8"))

    monkeypatch.setattr(storage, "write_text_atomic", write)
    result = adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=MAJORITY)
    assert held == [three_sets.resolve() / result.path]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rule": "plurality"}, "unknown rule 'plurality'; expected one of unanimous, majority"),
        ({"target": "model/adj"}, "the new set must be a hand set"),
        ({"target": "adj"}, "'adj' is not an annotation set name"),
        ({"target": "hand/b1"}, "--to hand/b1 is one of the sources"),
        ({"sources": ["hand/a1"]}, "name two or more different sets"),
        ({"sources": ["hand/a1", "hand/a1"]}, "name two or more different sets"),
        ({"sources": ["hand/a1", "hand/zz"]}, f"hand/zz has no file for {SEED_ID} (no annotations/hand/zz/{SEED_ID}.json)"),
        ({"article_id": "tass-20200920-00000000"}, "no article 'tass-20200920-00000000' in corpus/"),
        ({"article_id": "no-such-id"}, "no article 'no-such-id' in corpus/"),
    ],
)
def test_adjudicate_refusals(three_sets: Path, change: dict, message: str) -> None:
    arguments = {"root": three_sets, "article_id": SEED_ID, "sources": SOURCES, "target": "hand/adj", "rule": UNANIMOUS, **change}
    with pytest.raises(AdjudicationError) as caught:
        adjudicate(**arguments)
    assert message in str(caught.value)
    assert not (three_sets / "annotations" / "hand" / "adj").exists()


def test_adjudicate_refuses_a_source_that_does_not_validate(three_sets: Path) -> None:
    data = a1_data(three_sets)
    data["entities"][0]["text"] = "MOSCOU"
    write_set(three_sets, "b1", data)
    with pytest.raises(AdjudicationError, match=rf"annotations/hand/b1/{SEED_ID}.json: not a valid annotation file \(1 validation error\(s\), the first \[span-text-mismatch\]"):
        adjudicate(root=three_sets, article_id=SEED_ID, sources=SOURCES, target="hand/adj", rule=MAJORITY)


# --------------------------------------------------------------------------
# The command.


def test_adjudicate_cli_text_and_json(three_sets: Path, capsys) -> None:
    base = ["adjudicate", SEED_ID, "--from", *SOURCES, "--root", str(three_sets)]
    assert cli.main([*base, "--to", "hand/adj"]) == 0
    out = capsys.readouterr().out.splitlines()
    path = f"annotations/hand/adj/{SEED_ID}.json"
    assert out[0] == f"{path}: written (hand/adj from hand/a1, hand/b1, hand/c1, unanimous rule)"
    assert out[1] == "layers: entities, quotes, events; kept 39 entities, 7 quotes, 10 events"
    assert out[2] == f"{len(DISAGREEMENTS)} disagreement(s), for a person to decide:"
    assert out[3] == f"{path}: entities 23-27 'TASS' label: hand/a1 ORG; hand/b1 absent; hand/c1 absent -> left out"
    assert len(out) == 3 + len(DISAGREEMENTS)
    assert cli.main([*base, "--to", "hand/adj", "--rule", "majority", "--format", "json"]) == 1
    assert "pass --replace" in capsys.readouterr().err
    assert cli.main([*base, "--to", "hand/adj", "--rule", "majority", "--format", "json", "--replace"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["status"], report["file"], report["rule"], report["counts"]) == ("replaced", path, "majority", {"entities": 42, "quotes": 9, "events": 12})
    assert report["sources"] == {name: f"annotations/{name}/{SEED_ID}.json" for name in SOURCES}
    first = report["disagreements"][1]
    assert first == {
        "file": path, "layer": "entities", "span": {"start": 224, "end": 233, "text": "Rossiya-1"}, "about": "label",
        "says": {"hand/a1": "ORG", "hand/b1": "WORK_OF_ART", "hand/c1": "ORG"}, "outcome": "kept as ORG",
    }


# --------------------------------------------------------------------------
# Real multi-annotator data: PolNeAR, six annotators of one article, quotes only.


def test_adjudicate_polnear_majority_of_six(polnear) -> None:
    root = polnear[0]
    covered = Counter(path.stem for path in layout.annotation_files(root, "hand"))
    article_id = next(article for article, n in sorted(covered.items()) if n == 6)
    sources = [f"hand/{name}" for name in layout.annotation_sets(root, "hand") if layout.annotation_path(root, kind="hand", name=name, article_id=article_id).is_file()]
    files = [corpus.read_annotation(layout.annotation_path(root, kind="hand", name=name[5:], article_id=article_id)) for name in sources]
    result = adjudicate(root=root, article_id=article_id, sources=sources, target="hand/adjudicated", rule=MAJORITY)
    assert result.record.layers == ["quotes"] and result.record.quotes
    for quote in result.record.quotes:
        holders = [f for f in files if any((q.content, q.kind) == (quote.content, quote.kind) for q in f.quotes)]
        assert 2 * len(holders) > len(sources)
        if quote.cue is not None:
            assert 2 * sum(any((q.content, q.kind, q.cue) == (quote.content, quote.kind, quote.cue) for q in f.quotes) for f in files) > len(sources)
    # Nothing is left out silently: every content span that some but not all annotators have is listed.
    spans = Counter(q.content for f in files for q in {q.content: q for q in f.quotes}.values())
    partial = {span for span, n in spans.items() if n < len(sources)}
    listed = {d.span for d in result.disagreements if d.about == "kind"}
    assert partial and partial <= listed
    assert validate([root / result.path], root=root).ok
