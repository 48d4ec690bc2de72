"""The diff between a release record and the repository: what counts as which change, at which level."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus.errors import ReleaseError
from wirecorpus.release.diff import Diff, check_bump, compare
from wirecorpus.release.record import Snapshot, compact, layer_items, schema_entry, take_snapshot
from wirecorpus.release.versioning import Level

from release_repos import REPO, SEED_HAND, edit_json, ingest_stories

SEED_ARTICLE = "corpus/tass/2020/tass-20200920-693f2c16.json"


def diff_after(root: Path, edit: Callable[[Path], None]) -> Diff:
    before = take_snapshot(root)
    edit(root)
    return compare(before, take_snapshot(root), previous="0.2.0")


def described(diff: Diff) -> dict[str, Level]:
    return {f"{change.section}: {change.describe()}": change.level for change in diff.changes}


def relabel_first_entity(root: Path) -> None:
    edit_json(root, SEED_HAND, lambda data: data["entities"][0].update(label="LOC"))


def move_first_cue(root: Path) -> None:
    edit_json(root, SEED_HAND, lambda data: data["quotes"][0].update(cue=None))


def drop_an_argument(root: Path) -> None:
    edit_json(root, SEED_HAND, lambda data: data["events"][0]["arguments"].pop())


def stop_covering_events(root: Path) -> None:
    def change(data: dict) -> None:
        data["layers"], data["events"] = ["entities", "quotes"], []

    edit_json(root, SEED_HAND, change)


def name_the_annotator_version(root: Path) -> None:
    edit_json(root, SEED_HAND, lambda data: data["annotator"].update(version="2"))


def reindent(root: Path) -> None:
    edit_json(root, SEED_HAND, lambda data: None, indent=4)
    edit_json(root, SEED_ARTICLE, lambda data: None, indent=1)


def edit_dateline(root: Path) -> None:
    edit_json(root, SEED_ARTICLE, lambda data: data["dateline"].update(place="Moscow"))


def edit_card(root: Path) -> None:
    with open(root / "DATASET_CARD.md", "a", encoding="utf-8") as card:
        card.write("\nA note on this release.\n")


def add_an_entity_label(root: Path) -> None:
    edit_json(root, "annotations/schema.json", lambda data: data["entity_labels"].append({"label": "VESSEL", "description": "Ships."}))


def drop_a_role(root: Path) -> None:
    edit_json(root, "annotations/schema.json", lambda data: data["event_types"][0]["roles"].remove("Place"))


def reword_a_description(root: Path) -> None:
    edit_json(root, "annotations/schema.json", lambda data: data["entity_labels"][0].update(description="People."))


def new_schema_major(root: Path) -> None:
    edit_json(root, "annotations/schema.json", lambda data: data.update(schema_version="2.0"))


def remove_the_model_set(root: Path) -> None:
    for path in (root / "annotations" / "model").rglob("*.json"):
        path.unlink()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (relabel_first_entity, {"Changed: 1 entity (GPE -> LOC 1)": Level.MAJOR}),
        (move_first_cue, {"Changed: 1 quote (indirect 1)": Level.MAJOR}),
        (drop_an_argument, {"Changed: 1 event (Contact:Meet 1)": Level.MAJOR}),
        (
            stop_covering_events,
            {
                "Removed: 1 layer no longer covered by an annotation file (events 1)": Level.MAJOR,
                "Removed: 12 events (Contact:Meet 4, Economy:Change 2, Policy:Directive 2, Policy:Proposal 3, Policy:Support 1)": Level.MAJOR,
            },
        ),
        (name_the_annotator_version, {"Changed: 1 annotation file with another annotator or schema version (hand/a1 1)": Level.PATCH}),
        (reindent, {}),
        (edit_dateline, {"Changed: 1 article with another dateline, language or licence (test 1)": Level.MAJOR}),
        (edit_card, {"Changed: the dataset card body (DATASET_CARD.md)": Level.PATCH}),
        (add_an_entity_label, {"Added: 1 entity label (VESSEL)": Level.MINOR}),
        (drop_a_role, {"Removed: 1 event role (Life:Be-Born Place)": Level.MAJOR}),
        (reword_a_description, {"Changed: 1 description in annotations/schema.json (entity_labels PERSON)": Level.PATCH}),
        (new_schema_major, {"Changed: schema version (1.1 -> 2.0)": Level.MAJOR}),
    ],
    ids=lambda case: case.__name__ if callable(case) else None,
)
def test_diff_kinds_of_change(release_repo: Path, edit: Callable[[Path], None], expected: dict[str, Level]) -> None:
    diff = diff_after(release_repo, edit)
    assert described(diff) == expected
    assert diff.level == max(expected.values(), default=None)


def test_diff_removed_set_counts_its_files_and_spans(release_repo: Path) -> None:
    (model_file,) = (release_repo / "annotations" / "model").rglob("*.json")
    model = json.loads(model_file.read_text(encoding="utf-8"))
    diff = diff_after(release_repo, remove_the_model_set)
    removed = {c.noun[1]: c.count for c in diff.changes if c.section == "Removed"}
    spans = {layer: len(model[layer]) for layer in ("entities", "quotes", "events")}
    assert removed == {"annotation sets": 1, "annotation files": 1, **spans} and all(spans.values())
    assert diff.level is Level.MAJOR


def test_diff_ids_renumbered_around_a_new_entity_are_no_change(release_repo: Path) -> None:
    """An entity inserted early renames every later id; only the new entity is a change."""

    def insert_entity(data: dict) -> None:
        text = json.loads((release_repo / SEED_ARTICLE).read_text(encoding="utf-8"))["text"]
        start = text.index("enterprises")
        data["entities"].append({"id": "new", "start": start, "end": start + 11, "text": "enterprises", "label": "ORG"})
        data["entities"].sort(key=lambda e: (e["start"], e["end"]))
        renamed = {e["id"]: f"T{number}" for number, e in enumerate(data["entities"], 1)}
        for entity in data["entities"]:
            entity["id"] = renamed[entity["id"]]
        for quote in data["quotes"]:
            quote["speaker"] = renamed.get(quote["speaker"], quote["speaker"])
        for event in data["events"]:
            for argument in event["arguments"]:
                argument["entity"] = renamed[argument["entity"]]
        assert any(old != new for old, new in renamed.items() if old != "new")  # later ids did move

    diff = diff_after(release_repo, lambda root: edit_json(root, SEED_HAND, insert_entity))
    assert described(diff) == {"Added: 1 entity (ORG 1)": Level.MINOR}


def test_diff_new_articles_are_minor(release_repo: Path) -> None:
    ids = []
    diff = diff_after(release_repo, lambda root: ids.extend(ingest_stories(root, range(5))))
    counted = {c.noun[1]: (c.section, c.count, c.level) for c in diff.changes}
    assert counted["articles"] == ("Added", 5, Level.MINOR)
    assert counted["annotation files"] == ("Added", 5, Level.MINOR)
    assert counted["entities"] == ("Added", 10, Level.MINOR)
    assert diff.level is Level.MINOR and len(ids) == 5


def test_diff_split_move_is_refused_at_any_bump(release_repo: Path) -> None:
    def move(data: dict) -> None:
        data["train"], data["test"] = data["test"], []

    diff = diff_after(release_repo, lambda root: edit_json(root, "corpus/splits.json", move))
    assert diff.moves == {"tass-20200920-693f2c16": ("test", "train")}
    for bump in Level:
        with pytest.raises(ReleaseError, match=r"1 article\(s\) moved to another split .*tass-20200920-693f2c16 \(test -> train\); splits never move"):
            check_bump(diff, bump)


def test_diff_check_bump(release_repo: Path) -> None:
    diff = diff_after(release_repo, relabel_first_entity)
    for bump in (Level.PATCH, Level.MINOR):
        with pytest.raises(ReleaseError, match=rf"--bump {bump.word} is too small: since release 0.2.0 \(releases/0.2.0.json\) .* need a major version .*changed: 1 entity \(GPE -> LOC 1\)"):
            check_bump(diff, bump)
    check_bump(diff, Level.MAJOR)
    check_bump(diff_after(release_repo, edit_card), Level.MAJOR)  # larger than needed: allowed
    with pytest.raises(ReleaseError, match=r"nothing changed since release 0.2.0"):
        check_bump(diff_after(release_repo, reindent), Level.MAJOR)


def test_diff_first_release_counts_everything_as_added(release_repo: Path) -> None:
    diff = compare(None, take_snapshot(release_repo), previous=None)
    assert {c.section for c in diff.changes} == {"Added"}
    assert {c.noun[1]: c.count for c in diff.changes if c.count} == {
        "articles": 1, "annotation sets": 2, "annotation files": 2, "entities": 84, "quotes": 18, "events": 20,
    }
    with pytest.raises(ReleaseError, match=r"--bump patch is too small: since no earlier release"):
        check_bump(diff, Level.PATCH)


SCHEMA = schema_entry(REPO)
# Entities as (start, length, label); ids are given in list order, as a file would number them.
ENTITIES = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4), st.sampled_from(["PERSON", "ORG", "GPE"])), max_size=12)


def _snapshot(entities: list[tuple[int, int, str]]) -> Snapshot:
    items = [{"id": f"T{n}", "start": s, "end": s + length, "text": "x", "label": label} for n, (s, length, label) in enumerate(entities, 1)]
    entry = {"sha256": compact(entities), "meta": "m", "layers": ["entities"], **layer_items({"entities": items})}
    return Snapshot(schema=SCHEMA, card_sha256=None, articles={}, annotations={"hand/a1/x": compact(entry)})


@given(ENTITIES, ENTITIES, st.randoms())
def test_diff_entity_counts_add_up(old: list, new: list, random) -> None:
    """Added minus removed is the change in number; the order of the entities (their ids) is no change."""
    counts = {"Added": 0, "Removed": 0, "Changed": 0}
    for change in compare(_snapshot(old), _snapshot(new), previous="1.0.0").changes:
        counts[change.section] += change.count
    assert counts["Added"] - counts["Removed"] == len(new) - len(old)
    assert counts["Changed"] + counts["Removed"] <= len(old) and counts["Changed"] + counts["Added"] <= len(new)
    shuffled = list(old)
    random.shuffle(shuffled)
    assert compare(_snapshot(old), _snapshot(shuffled), previous="1.0.0").changes == []
