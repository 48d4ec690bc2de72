"""What changed since the last release, and how big a version bump that needs.

The repository (a :class:`~wirecorpus.release.record.Snapshot`) is compared
with the last release's record; with no record, with nothing, so everything
counts as added. Each kind of change has its changelog section and level:

| change | section | level |
|---|---|---|
| article, annotation set, annotation file, span added | Added | minor |
| a layer newly covered by an annotation file | Added | minor |
| entity label, quote kind, event type or role added | Added | minor |
| schema version, same major version | Changed | minor |
| article, annotation set, annotation file, span removed | Removed | major |
| a layer no longer covered by an annotation file | Removed | major |
| entity label, quote kind, event type or role removed | Removed | major |
| schema version, other major version | Changed | major |
| article with another text, or other dateline, language or licence | Changed | major |
| span changed | Changed | major |
| article moved to another split | Changed | refused |
| annotation file with another annotator or schema version, same items | Changed | patch |
| descriptions in annotations/schema.json, the dataset card body | Changed | patch |

Spans are matched within one annotation file (kind, set, article) and layer
by their anchor: the entity's span, the quote's content, the event's
trigger. At one anchor, an item of the same label and the same rest (a quote's
cue, speaker and speaker span; an event's arguments, by role and entity span)
is unchanged; an item with another label, or the same label and another
rest, is *changed* (counted under ``OLD -> NEW`` when the label changed); an
item left over on one side only is added or removed. Ids are not used: they
are renumbered in text order, so one new entity renames all after it. A file
re-indented or with its keys reordered is no change: the release would be the
same. A change in the build's code alone changes no repository file and so is
not seen; a patch release for it says why in ``DATASET_CARD.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import ReleaseError
from ..layout import SPLITS_PATH
from ..schema import LAYERS
from .record import Snapshot, parse_items, record_relpath
from .versioning import LEVEL_MEANINGS, Level

SECTIONS = ("Added", "Changed", "Removed")  # keep-a-changelog's headings, in its order
# What each change counts, singular and plural; the layers' and inventories' under their own names.
NOUNS = {
    "articles": ("article", "articles"),
    "texts": ("article with another text", "articles with another text"),
    "article metadata": ("article with another dateline, language or licence", "articles with another dateline, language or licence"),
    "moves": ("article moved to another split", "articles moved to another split"),
    "sets": ("annotation set", "annotation sets"),
    "files": ("annotation file", "annotation files"),
    "covered": ("layer newly covered by an annotation file", "layers newly covered by annotation files"),
    "uncovered": ("layer no longer covered by an annotation file", "layers no longer covered by annotation files"),
    "annotators": ("annotation file with another annotator or schema version", "annotation files with another annotator or schema version"),
    "entities": ("entity", "entities"),
    "quotes": ("quote", "quotes"),
    "events": ("event", "events"),
    "entity_labels": ("entity label", "entity labels"),
    "quote_kinds": ("quote kind", "quote kinds"),
    "event_types": ("event type", "event types"),
    "roles": ("event role", "event roles"),
    "descriptions": ("description in annotations/schema.json", "descriptions in annotations/schema.json"),
    "card": ("the dataset card body (DATASET_CARD.md)",) * 2,
    "schema version": ("schema version",) * 2,
}
INVENTORIES = ("entity_labels", "quote_kinds", "event_types")
EMPTY = Snapshot(schema={}, card_sha256=None, articles={}, annotations={})
_EXAMPLES = 3  # ids named in a refusal


@dataclass(frozen=True)
class Change:
    """One kind of change, counted: ``3 articles (train 2, test 1)`` under Added."""

    section: str
    level: Level
    count: int | None  # None: a single thing, named by the noun
    noun: tuple[str, str]  # singular, plural
    detail: str = ""

    def describe(self) -> str:
        if self.count is None:
            words = self.noun[0]
        else:
            words = f"{self.count} {self.noun[0] if self.count == 1 else self.noun[1]}"
        return f"{words} ({self.detail})" if self.detail else words


@dataclass(frozen=True)
class Diff:
    """The changes between the last release (``previous``; None: there is none) and the repository."""

    previous: str | None
    changes: list[Change]
    moves: dict[str, tuple[str, str]] = field(default_factory=dict)  # article -> (split then, split now)

    @property
    def level(self) -> Level | None:
        """The smallest bump the changes need; None when nothing changed."""
        return max((change.level for change in self.changes), default=None)

    def since(self) -> str:
        if self.previous is None:
            return "no earlier release (there is no record in releases/ yet, so everything counts as added)"
        return f"release {self.previous} ({record_relpath(self.previous)})"


def compare(old: Snapshot | None, new: Snapshot, *, previous: str | None) -> Diff:
    """The diff from ``old`` (the last release's record; None before the first) to ``new``."""
    old = old or EMPTY
    changes, moves = _article_changes(old.articles, new.articles)
    changes += _annotation_changes(old.annotations, new.annotations)
    changes += _schema_changes(old.schema, new.schema)
    if old.card_sha256 != new.card_sha256:
        section = "Added" if old.card_sha256 is None else "Changed"
        changes.append(Change(section, Level.PATCH, None, NOUNS["card"]))
    return Diff(previous, sorted(changes, key=lambda c: SECTIONS.index(c.section)), moves)


def check_bump(diff: Diff, bump: Level) -> None:
    """Refuse a release whose split assignments moved, that changes nothing, or whose bump is too small."""
    if diff.moves:
        examples = ", ".join(f"{a} ({was} -> {now})" for a, (was, now) in sorted(diff.moves.items())[:_EXAMPLES])
        raise ReleaseError(
            f"{len(diff.moves)} article(s) moved to another split since {diff.since()}: {examples}; splits never move, "
            f"so that no release trains on what an earlier one tested on: put them back in {SPLITS_PATH}"
        )
    needed = diff.level
    if needed is None:
        raise ReleaseError(f"nothing changed since {diff.since()}, so there is no release to cut")
    if bump < needed:
        reasons = "; ".join(f"{c.section.lower()}: {c.describe()}" for c in diff.changes if c.level == needed)
        raise ReleaseError(
            f"--bump {bump.word} is too small: since {diff.since()} there are changes that need a {needed.word} "
            f"version ({LEVEL_MEANINGS[needed]}): {reasons}"
        )


# --------------------------------------------------------------------------
# Articles and splits.


def _article_changes(old: dict[str, dict], new: dict[str, dict]) -> tuple[list[Change], dict[str, tuple[str, str]]]:
    common = sorted(old.keys() & new.keys())
    other_text = [a for a in common if old[a]["text_sha256"] != new[a]["text_sha256"]]
    other_meta = [a for a in common if old[a]["text_sha256"] == new[a]["text_sha256"] and old[a]["meta"] != new[a]["meta"]]
    moves = {a: (old[a]["split"], new[a]["split"]) for a in common if old[a]["split"] != new[a]["split"]}
    found = [  # each counted by split
        ("Added", Level.MINOR, "articles", [new[a]["split"] for a in new.keys() - old.keys()]),
        ("Removed", Level.MAJOR, "articles", [old[a]["split"] for a in old.keys() - new.keys()]),
        ("Changed", Level.MAJOR, "texts", [new[a]["split"] for a in other_text]),
        ("Changed", Level.MAJOR, "article metadata", [new[a]["split"] for a in other_meta]),
        ("Changed", Level.MAJOR, "moves", [f"{was} -> {now}" for was, now in moves.values()]),
    ]
    changes = [_counted_change(section, level, noun, Counter(splits)) for section, level, noun, splits in found]
    return [change for change in changes if change.count], moves


# --------------------------------------------------------------------------
# Annotation sets, files and spans.


def _set_name(key: str) -> str:
    return key.rsplit("/", 1)[0]


@dataclass
class _Tally:
    """Counts of the annotation files that differ, gathered in one pass (the entries are parsed one at a time)."""

    files_added: Counter = field(default_factory=Counter)  # set name -> files
    files_removed: Counter = field(default_factory=Counter)
    covered: Counter = field(default_factory=Counter)  # layer -> files that cover it now and did not
    uncovered: Counter = field(default_factory=Counter)
    other_meta: Counter = field(default_factory=Counter)  # set name -> files
    spans: Counter = field(default_factory=Counter)  # (section, layer, label) -> items

    def add(self, key: str, before: dict | None, after: dict | None) -> None:
        if before is None:
            self.files_added[_set_name(key)] += 1
        elif after is None:
            self.files_removed[_set_name(key)] += 1
        else:
            self.covered.update(set(after["layers"]) - set(before["layers"]))
            self.uncovered.update(set(before["layers"]) - set(after["layers"]))
            self.other_meta[_set_name(key)] += before["meta"] != after["meta"]
        for layer in LAYERS:
            _count_layer((before or {}).get(layer, {}), (after or {}).get(layer, {}), layer, self.spans)


def _annotation_changes(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    tally = _Tally()
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            tally.add(key, json.loads(old[key]) if key in old else None, json.loads(new[key]) if key in new else None)
    old_sets, new_sets = {_set_name(k) for k in old}, {_set_name(k) for k in new}
    changes = [
        _named_change("Added", Level.MINOR, "sets", new_sets - old_sets),
        _named_change("Removed", Level.MAJOR, "sets", old_sets - new_sets),
        _counted_change("Added", Level.MINOR, "files", tally.files_added),
        _counted_change("Removed", Level.MAJOR, "files", tally.files_removed),
        _counted_change("Added", Level.MINOR, "covered", tally.covered),
        _counted_change("Removed", Level.MAJOR, "uncovered", tally.uncovered),
        _counted_change("Changed", Level.PATCH, "annotators", tally.other_meta),
    ]
    return [change for change in changes if change.count] + _span_changes(tally.spans)


def _counted_change(section: str, level: Level, noun: str, counts: Counter) -> Change:
    """A change counted by what it is of: ``3 annotation files (hand/a2 2, model/m 1)``."""
    counts = +counts  # without the zero counts
    return Change(section, level, sum(counts.values()), NOUNS[noun], ", ".join(f"{name} {n}" for name, n in sorted(counts.items())))


def _named_change(section: str, level: Level, noun: str, names: Iterable[str]) -> Change:
    """A change of things named one by one: ``2 entity labels (FOO, BAR)``."""
    names = sorted(names)
    return Change(section, level, len(names), NOUNS[noun], ", ".join(names))


def _span_changes(counts: Counter) -> list[Change]:
    levels = {"Added": Level.MINOR, "Changed": Level.MAJOR, "Removed": Level.MAJOR}
    changes = []
    for section in SECTIONS:
        for layer in LAYERS:
            labels = Counter({label: n for (s, l, label), n in counts.items() if (s, l) == (section, layer)})
            if labels:
                changes.append(_counted_change(section, levels[section], layer, labels))
    return changes


def _count_layer(before: dict[str, str], after: dict[str, str], layer: str, counts: Counter) -> None:
    """Count a layer's added, removed and changed items (``before``/``after``: label -> items, as records keep them)."""
    if not before or not after:  # a whole side: no matching needed
        for section, side in (("Removed", before), ("Added", after)):
            for label, items in side.items():
                counts[section, layer, label] += len(items.split())
        return
    old_items, new_items = _by_anchor(before), _by_anchor(after)
    for anchor in old_items.keys() | new_items.keys():
        was, now = old_items.get(anchor, Counter()), new_items.get(anchor, Counter())
        same = was & now
        gone, came = sorted((was - same).elements()), sorted((now - same).elements())
        for (old_label, _), (new_label, _) in zip(gone, came):
            counts["Changed", layer, old_label if old_label == new_label else f"{old_label} -> {new_label}"] += 1
        for label, _ in gone[len(came):]:
            counts["Removed", layer, label] += 1
        for label, _ in came[len(gone):]:
            counts["Added", layer, label] += 1


def _by_anchor(labels: dict[str, str]) -> dict[tuple[int, int], Counter]:
    anchors: dict[tuple[int, int], Counter] = {}
    for label, items in labels.items():
        for start, end, rest in parse_items(items):
            anchors.setdefault((start, end), Counter())[label, rest] += 1
    return anchors


# --------------------------------------------------------------------------
# The schema's inventories.


def _schema_changes(old: dict, new: dict) -> list[Change]:
    if not old:  # the first release: the inventories in one line, not a hundred names
        sizes = ", ".join(f"{len(new[inventory])} {NOUNS[inventory][1]}" for inventory in INVENTORIES)
        return [Change("Added", Level.MINOR, None, (f"schema {new['version']}",) * 2, sizes)]
    changes = []
    for inventory in INVENTORIES:
        before, after = set(old[inventory]), set(new[inventory])
        changes += [_named_change("Added", Level.MINOR, inventory, after - before), _named_change("Removed", Level.MAJOR, inventory, before - after)]
    # The roles of the types both sides have; a type added or removed brings or takes its roles.
    shared = old["event_types"].keys() & new["event_types"].keys()
    before, after = ({f"{name} {role}" for name in shared for role in side["event_types"][name]} for side in (old, new))
    changes += [_named_change("Added", Level.MINOR, "roles", after - before), _named_change("Removed", Level.MAJOR, "roles", before - after)]
    if old["version"] != new["version"]:
        level = Level.MAJOR if old["version"].split(".")[0] != new["version"].split(".")[0] else Level.MINOR
        changes.append(Change("Changed", level, None, NOUNS["schema version"], f"{old['version']} -> {new['version']}"))
    described = old["descriptions"].keys() & new["descriptions"].keys()
    reworded = [key or "the file's" for key in described if old["descriptions"][key] != new["descriptions"][key]]
    changes.append(_named_change("Changed", Level.PATCH, "descriptions", reworded))
    return [change for change in changes if change.count != 0]
