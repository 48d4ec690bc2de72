"""jsonpos reads JSON like json.loads and knows the line of every value."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus.jsonpos import line_of, loads_with_lines

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


@given(JSON_VALUES, st.sampled_from([None, 0, 2]))
def test_jsonpos_round_trips_like_json_loads(value, indent) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    parsed, lines = loads_with_lines(text)
    assert json.dumps(parsed) == json.dumps(json.loads(text))
    assert lines[()] == 1


@given(st.text(max_size=40))
def test_jsonpos_rejects_what_json_loads_rejects(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            loads_with_lines(text)
    else:
        assert json.dumps(loads_with_lines(text)[0]) == json.dumps(expected)


def test_jsonpos_lines_of_nested_values() -> None:
    text = '{\n  "entities": [\n    {"id": "T1",\n     "text": "MOSCOW"}\n  ],\n  "a": {"a": 1, "a": 2}\n}'
    value, lines = loads_with_lines(text)
    assert value["a"] == {"a": 2}
    assert lines[("entities",)] == 2
    assert lines[("entities", 0)] == 3
    assert lines[("entities", 0, "text")] == 4
    assert line_of(lines, ("entities", 0, "label")) == 3
    assert line_of(lines, ("missing", 5)) == 1
