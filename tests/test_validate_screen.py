"""The screen passes only what the level-by-level checks find nothing in.

The screen (wirecorpus.validate.screen) lets validate and build pass clean
files in bulk. It may be unsure of a clean file (the full checks then run),
but it must never pass a file with a finding: every invalid fixture, and
any mutation of a valid annotation file that the full checks object to, is
refused by it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_build_release import add_articles
from test_validate_fixtures import FIXTURES, broken_repo, read_problem

from wirecorpus import card, layout, schema, splits
from wirecorpus.build import build
from wirecorpus.errors import ValidationFailed
from wirecorpus.validate import REGISTRY, validate
from wirecorpus.validate.runner import Context, _screen, check_unit, survey
from wirecorpus.validate.targets import collect

ARTICLE = Path("corpus/tass/2020/tass-20200920-693f2c16.json")
GOLD = Path("annotations/hand/a1/tass-20200920-693f2c16.json")


def fast_path_passes(root: Path, paths: list[Path] | None) -> bool:
    """Whether the screen would pass these files whole, with the repository's layout and splits
    (each article's split is checked as its result comes back, as are duplicate texts)."""
    targets = collect(paths, root)
    context = survey(root)
    if context is None or targets.missing or targets.misplaced:
        return False
    screened = _screen(list(targets.units()), context)
    assigned = splits.assignment(root)
    return screened is not None and len(set(screened.hashes)) == len(screened.hashes) and all(i in assigned for i in screened.ids)


def test_validate_screen_passes_the_valid_repo(valid_repo: Path) -> None:
    assert fast_path_passes(valid_repo, None)


def test_validate_screen_passes_files_with_an_empty_layer(release_repo: Path) -> None:
    """Annotation files with entities alone: no quote and no event in the whole batch."""
    ids = add_articles(release_repo, 3)
    paths = [release_repo / layout.article_relpath_of_id(article) for article in ids]
    paths += [layout.annotation_path(release_repo, kind=kind, name=name, article_id=article) for article in ids for kind, name in (("hand", "a2"), ("model", "copy-1.0"))]
    assert fast_path_passes(release_repo, paths)


@pytest.mark.parametrize("name", FIXTURES)
def test_validate_screen_refuses_every_invalid_fixture(valid_repo: Path, name: str) -> None:
    root, paths = broken_repo(valid_repo, name)
    assert not fast_path_passes(root, paths)
    assert {f.id for f in validate(paths, root=root).findings} == set(read_problem(name)["expect"])


@pytest.mark.parametrize("name", [n for n in FIXTURES if "args" not in read_problem(n)])
def test_build_refuses_every_fixture_with_errors(valid_repo: Path, tmp_path: Path, name: str) -> None:
    root, _ = broken_repo(valid_repo, name)
    shutil.copy(REPO / layout.NER_TAGS_PATH, root / layout.NER_TAGS_PATH)  # the repository's, like the schema's
    if all(REGISTRY[i].severity == "warning" for i in read_problem(name)["expect"]):
        shutil.copy(REPO / card.BODY_PATH, root / card.BODY_PATH)
        assert build(root=root, out=tmp_path / "release").is_dir()
        return
    with pytest.raises(ValidationFailed):
        build(root=root, out=tmp_path / "release")
    assert not (tmp_path / "release").exists()


# --------------------------------------------------------------------------
# Mutations of a valid annotation file (the seed's hand gold, with its many records).


@pytest.fixture(scope="module")
def gold_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("screen")
    (root / "annotations").mkdir()
    shutil.copy(REPO / layout.SCHEMA_PATH, root / layout.SCHEMA_PATH)
    for path in (ARTICLE, GOLD):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / path, root / path)
    return root


def records_of(document: dict) -> list[tuple]:
    """Paths to every object in the layers (records and their spans and arguments)."""
    found = []
    for layer in schema.LAYERS:
        for index, record in enumerate(document[layer]):
            found.append((layer, index))
            for key, value in record.items():
                if isinstance(value, dict):
                    found.append((layer, index, key))
                if isinstance(value, list):
                    found.extend((layer, index, key, number) for number in range(len(value)))
    return found


def node(document: dict, path: tuple) -> dict | None:
    """The object at ``path``, or None where an earlier mutation left none."""
    for step in path:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document if isinstance(document, dict) else None


def ids_of(document: dict) -> list[str]:
    return [record["id"] for layer in schema.LAYERS for record in document[layer]]


@st.composite
def mutations(draw, document: dict, inventory: schema.Inventory) -> dict:
    places, ids = records_of(document) + [()], ids_of(document)
    document = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        target = node(document, draw(st.sampled_from(places)))
        if target is None:
            continue
        key = draw(st.sampled_from(sorted(target) + ["extra"]))
        old = target.get(key)
        values = st.none() | st.text(max_size=4) | st.integers(-3, 5000) | st.sampled_from(ids)
        if isinstance(old, int):
            values = st.integers(old - 3, old + 3) | values
        if isinstance(old, str):
            values = st.sampled_from([old + " ", " " + old, old[:-1], old + "x", old.upper(), old.lower()]) | values
        values |= st.sampled_from(sorted(inventory.entity_labels | inventory.roles | inventory.event_types | inventory.quote_kinds))
        if draw(st.booleans()) and key in target:
            del target[key]
        else:
            target[key] = draw(values)
    return document


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_validate_screen_never_passes_a_mutation_with_findings(gold_repo: Path, data) -> None:
    original = json.loads((REPO / GOLD).read_text(encoding="utf-8"))
    context = Context.create(gold_repo, schema.Inventory.load(gold_repo))
    unit = (("article", str(gold_repo / ARTICLE)), ("annotation", str(gold_repo / GOLD)))
    document = data.draw(mutations(original, context.inventory))
    layout = data.draw(st.sampled_from([{"indent": 2}, {}]))
    (gold_repo / GOLD).write_text(json.dumps(document, ensure_ascii=data.draw(st.booleans()), **layout) + "\n", encoding="utf-8")
    findings = check_unit(unit, context).findings
    passed = _screen([unit], context) is not None
    event("findings" if findings else f"clean, screen {'passes' if passed else 'unsure'}")
    assert not (findings and passed), [f.id for f in findings]
    assert passed or document != original


MALFORMED = {
    "newline in a string": lambda raw: raw.replace(b'"MOSCOW"', b'"MOS\nCOW"', 1),
    "tab in a string": lambda raw: raw.replace(b'"MOSCOW"', b'"MOS\tCOW"', 1),
    "two objects": lambda raw: raw + raw,
    "top-level null": lambda raw: b"null",
    "empty": lambda raw: b"",
    "byte order mark": lambda raw: b"\xef\xbb\xbf" + raw,
    "not UTF-8": lambda raw: raw.replace(b"MOSCOW", b"MOSC\xffW", 1),
    "key before a colon with a space": lambda raw: raw.replace(b'"speaker": "T12"', b'"speaker" : null', 1),
    "missing nullable key": lambda raw: raw.replace(b'"speaker": "T21",', b"", 1).replace(b'"speaker": "T12"', b'"speaker": null', 1),
    "escaped lone surrogate": lambda raw: raw.replace(b'"MOSCOW"', b'"MOSCOW\\ud800"', 1),
    "a number as a string": lambda raw: raw.replace(b'"start": 0', b'"start": "0"', 1),
    "a float offset": lambda raw: raw.replace(b'"start": 0', b'"start": 0.0', 1),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_validate_screen_refuses_malformed_files(gold_repo: Path, name: str) -> None:
    raw = (REPO / GOLD).read_bytes()
    assert MALFORMED[name](raw) != raw
    context = Context.create(gold_repo, schema.Inventory.load(gold_repo))
    unit = (("article", str(gold_repo / ARTICLE)), ("annotation", str(gold_repo / GOLD)))
    (gold_repo / GOLD).write_bytes(MALFORMED[name](raw))
    try:
        findings = check_unit(unit, context).findings
        if findings:
            assert _screen([unit], context) is None, [f.id for f in findings]
    finally:
        (gold_repo / GOLD).write_bytes(raw)
