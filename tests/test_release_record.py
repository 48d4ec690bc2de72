"""releases/<version>.json: what it keeps of the repository, its file form, and reading it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus.errors import ReleaseError
from wirecorpus.release import record

from release_repos import SEED_HAND

MANIFEST = [{"path": "README.md", "size": 10, "sha256": "0" * 64}]


def write_record(root: Path, version: str, snapshot: record.Snapshot) -> Path:
    path = root / record.record_relpath(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record.render_record(record.Record(version, "2026-12-01", None, MANIFEST, snapshot)), encoding="utf-8")
    return path


def test_record_reads_back_what_was_written(release_repo: Path) -> None:
    snapshot = record.take_snapshot(release_repo)
    path = write_record(release_repo, "0.2.0", snapshot)
    made = record.read_record(release_repo, "0.2.0")
    assert made == record.Record("0.2.0", "2026-12-01", None, MANIFEST, snapshot)
    lines = path.read_text(encoding="utf-8").splitlines()
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in data["annotations"]:  # one line per annotation file, so that a release's record is a small delta of the last
        assert sum(line.startswith(f'    "{key}": {{') for line in lines) == 1


def test_record_is_compact(release_repo: Path) -> None:
    """Per annotated item (entity, quote, event) the seed's record needs under 20 bytes, plus the schema's inventories."""
    path = write_record(release_repo, "0.2.0", record.take_snapshot(release_repo))
    data = json.loads(path.read_text(encoding="utf-8"))
    files = [json.loads(p.read_text(encoding="utf-8")) for p in (release_repo / "annotations").glob("*/*/*.json")]
    items = sum(len(f[layer]) for f in files for layer in ("entities", "quotes", "events"))
    annotations = sum(len(json.dumps({k: v}, separators=(", ", ": "))) for k, v in data["annotations"].items())
    assert items > 100 and annotations - 200 * len(files) < 20 * items  # 200 bytes: a file's key, digests and layers


def test_record_items_keep_spans_and_labels(release_repo: Path) -> None:
    data = json.loads((release_repo / SEED_HAND).read_text(encoding="utf-8"))
    items = record.layer_items(data)
    spans = {(label, start, end) for label, text in items["entities"].items() for start, end, _ in record.parse_items(text)}
    assert spans == {(e["label"], e["start"], e["end"]) for e in data["entities"]}
    triggers = [(label, start, end) for label, text in items["events"].items() for start, end, _ in record.parse_items(text)]
    assert sorted(triggers) == sorted((e["type"], e["trigger"]["start"], e["trigger"]["end"]) for e in data["events"])


@given(st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 10**4), st.booleans()), max_size=20))
def test_record_items_parse_back(spans: list[tuple[int, int, bool]]) -> None:
    entities = [{"id": f"T{n}", "start": s, "end": s + length, "label": "ORG" if org else "GPE"} for n, (s, length, org) in enumerate(spans)]
    items = record.layer_items({"entities": entities}).get("entities", {})
    parsed = sorted((label, start, end) for label, text in items.items() for start, end, rest in record.parse_items(text) if rest == "")
    assert parsed == sorted((e["label"], e["start"], e["end"]) for e in entities)


def test_record_versions_in_version_order(release_repo: Path) -> None:
    snapshot = record.take_snapshot(release_repo)
    for version in ("0.9.0", "0.10.0", "0.2.1"):
        write_record(release_repo, version, snapshot)
    assert record.recorded_versions(release_repo) == ["0.2.1", "0.9.0", "0.10.0"]
    assert record.latest_record(release_repo).version == "0.10.0"


def test_record_none_before_the_first_release(release_repo: Path) -> None:
    assert record.recorded_versions(release_repo) == [] and record.latest_record(release_repo) is None


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("notes.json", "{}", r"releases/notes.json: a release record is named <MAJOR.MINOR.PATCH>.json"),
        ("0.2.0.json", '{"record": 9}', r"releases/0.2.0.json: not a readable release record \(ValueError: expected record format 1"),
        ("0.2.0.json", "{", r"releases/0.2.0.json: not a readable release record \(JSONDecodeError"),
    ],
)
def test_record_unreadable_records_are_named(release_repo: Path, name: str, text: str, reason: str) -> None:
    (release_repo / "releases").mkdir()
    (release_repo / "releases" / name).write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError, match=reason):
        record.latest_record(release_repo)


@pytest.mark.parametrize(
    ("part", "key", "field", "value"),
    [("articles", "tass-20200920-693f2c16", "split", None), ("annotations", "hand/a1/tass-20200920-693f2c16", "layers", "entities")],
)
def test_record_entry_without_a_field_is_named(release_repo: Path, part: str, key: str, field: str, value) -> None:
    path = write_record(release_repo, "0.2.0", record.take_snapshot(release_repo))
    data = json.loads(path.read_text(encoding="utf-8"))
    data[part][key][field] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReleaseError, match=rf"releases/0.2.0.json: not a readable release record \(ValueError: {part} entry '{key}': {field} missing or of another type"):
        record.latest_record(release_repo)


def test_record_unreadable_annotation_file_is_named(release_repo: Path) -> None:
    (release_repo / SEED_HAND).write_text('{"article": "x"', encoding="utf-8")
    with pytest.raises(ReleaseError, match=rf"{SEED_HAND}: not a readable record \(JSONDecodeError: .*run `wirecorpus validate`"):
        record.take_snapshot(release_repo)
