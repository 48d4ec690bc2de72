"""corpus/splits.json read as a stream: the ids and lines json.loads and jsonpos give, or "not plain" for a file
that the checks reading it whole must look at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirecorpus import jsonpos
from wirecorpus.validate import splits_file
from wirecorpus.validate.corpus_checks import check_splits_shape
from wirecorpus.validate.files import read_json_file
from wirecorpus.validate.registry import Collector

ids = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(["tass-20200920-693f2c16", "a", "e\u0301", "\ud800"])
spaces = st.sampled_from(["", " ", "\n", "  \n    ", "\t", "\r\n"])


@st.composite
def splits_texts(draw: st.DrawFn) -> str:
    """JSON text of the splits' shape, laid out any way, sometimes with a fault (a key too many or twice,
    a number for an id, a trailing comma, text after the object)."""
    keys = draw(st.permutations(["train", "test"]))
    keys += draw(st.lists(st.sampled_from(["train", "other"]), max_size=1))
    keys = keys[: draw(st.integers(1, len(keys)))] if draw(st.booleans()) else keys
    parts = []
    for key in keys:
        items = [json.dumps(item, ensure_ascii=draw(st.booleans())) for item in draw(st.lists(ids, max_size=5))]
        if draw(st.integers(0, 9)) == 0:
            items.append(draw(st.sampled_from(["1", "null", '"a",'])))
        body = ",".join(draw(spaces) + item + draw(spaces) for item in items)
        parts.append(f'{draw(spaces)}"{key}"{draw(spaces)}:{draw(spaces)}[{body}{draw(spaces)}]')
    return draw(spaces) + "{" + ",".join(parts) + draw(spaces) + "}" + draw(st.sampled_from(["", "\n", " x"]))


def _streamed(path: Path) -> dict[str, list[tuple[str, int]]] | None:
    try:
        found: dict[str, list[tuple[str, int]]] = {}
        for split, block, lines in splits_file.recorded_blocks(path, block=2):
            found.setdefault(split, []).extend(zip(block, lines))
        return found
    except splits_file.NotPlain:
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=splits_texts(), read=st.sampled_from([1, 2, 3, 5, 64]))
def test_validate_splits_file_streams_what_json_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, read: int) -> None:
    monkeypatch.setattr(splits_file, "_READ", read)  # blocks of a few bytes: every token and character cut somewhere
    path = tmp_path / "splits.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    found = Collector("corpus/splits.json")
    whole_text, data = read_json_file(path, found)
    sound = whole_text is not None and check_splits_shape(data, found) is not None
    streamed = _streamed(path)
    if streamed is None:
        # Not plain: a fault, or a split given twice (json.loads keeps the last).
        assert not sound or whole_text.count('"train"') + whole_text.count('"test"') > 2
        return
    assert sound
    lines = jsonpos.loads_with_lines(whole_text)[1]
    assert {split: [item for item, _ in found] for split, found in streamed.items()} == {split: items for split, items in data.items() if items}
    assert all(line == lines[(split, index)] for split, found in streamed.items() for index, (_, line) in enumerate(found))


def test_validate_splits_file_refuses_what_level_1_refuses(tmp_path: Path) -> None:
    path = tmp_path / "splits.json"
    for raw in [b'\xef\xbb\xbf{"train": [], "test": []}', b'{"train": ["\xff"], "test": []}', b'{"train": ["e\xcc\x81"], "test": []}', b'{"train": ["\\ud800"], "test": []}']:
        path.write_bytes(raw)
        assert _streamed(path) is None
        assert read_json_file(path, Collector("corpus/splits.json"))[0] is None
