"""Second and third hand sets over the seed, made from hand/a1 by the agreement tests.

hand/a2 changes a1 in every layer: a relabelled, a removed, a shortened and
an added entity; a removed quote, one with a shifted content, one with another
kind, one without and one with another speaker, one with a shorter cue; a
retyped, a removed and a shortened event trigger, and a dropped argument.
hand/a3 covers the quotes layer only (schema 1.1), speakers as speaker spans,
one quote fewer and one content shortened.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from conftest import SEED_ID


def _by_id(items: list[dict], item_id: str) -> dict:
    return next(item for item in items if item["id"] == item_id)


def _span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


def make_a2(a1: dict, text: str) -> dict:
    data = copy.deepcopy(a1) | {"annotator": {"kind": "hand", "name": "a2"}}
    entities = data["entities"]
    _by_id(entities, "T4")["label"] = "GPE"
    entities.remove(_by_id(entities, "T10"))
    _by_id(entities, "T17").update(_span(text, 388, 393))
    entities.append({"id": "T44", **_span(text, 1743, 1752), "label": "PERSON"})
    quotes = data["quotes"]
    quotes.remove(_by_id(quotes, "Q1"))
    _by_id(quotes, "Q3")["content"] = _span(text, 795, 844)
    _by_id(quotes, "Q5")["kind"] = "direct"
    _by_id(quotes, "Q6").update(speaker=None, speaker_span=None)
    _by_id(quotes, "Q7").update(speaker="T33")
    _by_id(quotes, "Q9")["cue"] = _span(text, 2079, 2085)
    events = data["events"]
    _by_id(events, "E2")["type"] = "Policy:Support"
    events.remove(_by_id(events, "E5"))
    _by_id(events, "E8")["trigger"] = _span(text, 1192, 1199)
    _by_id(events, "E12")["arguments"].pop()
    return data


def make_a3(a1: dict, text: str) -> dict:
    """Quotes only: a speaker is its entity's span, as there are no entities."""
    data = copy.deepcopy(a1) | {"annotator": {"kind": "hand", "name": "a3"}, "schema_version": "1.1", "layers": ["quotes"]}
    entities = {e["id"]: e for e in a1["entities"]}
    for quote in data["quotes"]:
        if quote["speaker"] is not None:
            entity = entities[quote["speaker"]]
            quote.update(speaker=None, speaker_span=_span(text, entity["start"], entity["end"]))
    data["quotes"] = [q for q in data["quotes"] if q["id"] != "Q4"]
    _by_id(data["quotes"], "Q2")["content"] = _span(text, 548, 700)
    data["entities"], data["events"] = [], []
    return data


def seed_text(root: Path) -> str:
    path = next((root / "corpus").rglob(f"{SEED_ID}.json"))
    return json.loads(path.read_text(encoding="utf-8"))["text"]


def add_sets(root: Path, *names: str) -> dict[str, dict]:
    """Write the named sets (a2, a3) beside hand/a1; all three sets' data by name."""
    a1 = json.loads((root / "annotations/hand/a1" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    text = seed_text(root)
    made = {"a1": a1}
    for name in names:
        made[name] = {"a2": make_a2, "a3": make_a3}[name](a1, text)
        folder = root / "annotations/hand" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{SEED_ID}.json").write_text(json.dumps(made[name], ensure_ascii=False, indent=2), encoding="utf-8")
    return made
