"""The components' lexicons: data files under ``annotations/lexicons/``, read and checked once.

Lookups are precompiled into sets and dicts keyed the way the components ask
(lemma and POS of a token), so that a pipeline run does no parsing of data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import layout
from ..errors import RepositoryError, SchemaError
from ..schema import Inventory

LEXICON_DIR = Path("annotations") / "lexicons"
SPEECH_VERBS = LEXICON_DIR / "speech_verbs.json"
EVENT_TRIGGERS = LEXICON_DIR / "event_triggers.json"

# The dependency slots a frame may map to roles (see event_triggers.json).
FRAME_SLOTS = frozenset({"subj", "obj", "dative", "poss", "npadvmod"})
PREP_SLOT = "prep:"


def repository_root(root: str | Path | None) -> Path:
    """The repository whose lexicons and schema the components read.

    An explicit root wins; otherwise the repository holding the working folder,
    then the one holding this package (an editable install lives in it).
    """
    if root:
        return Path(root)
    for start in (Path.cwd(), Path(__file__).parent):
        try:
            return layout.find_root(start)
        except RepositoryError:
            continue
    return layout.find_root(Path.cwd())


def _read(root: Path, relative: Path) -> dict[str, Any]:
    path = root / relative
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{relative}: the lexicon file is missing under {root}") from None
    except ValueError as exc:
        raise SchemaError(f"{relative}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaError(f"{relative}: expected a JSON object at the top level")
    return data


@dataclass(frozen=True)
class SpeechLexicon:
    """Speech-verb lemmas, multi-word cues, pronoun/label compatibility and speaker-naming nouns."""

    verbs: frozenset[str]
    multiword_cues: tuple[tuple[str, ...], ...]
    speaker_labels: frozenset[str]
    pronouns: dict[str, frozenset[str]]
    quoting_verbs: frozenset[str]  # cues whose object is the speaker: "Interfax quoted Peskov as saying"
    organisation_nouns: frozenset[str]  # subjects that stand for the last organisation named: "the company said"

    @classmethod
    def load(cls, root: Path, inventory: Inventory) -> SpeechLexicon:
        data = _read(root, SPEECH_VERBS)
        try:
            lexicon = cls(
                verbs=frozenset(str(v).lower() for v in data["verbs"]),
                multiword_cues=tuple(tuple(str(c).lower().split()) for c in data["multiword_cues"]),
                speaker_labels=frozenset(data["speaker_labels"]),
                pronouns={str(p).lower(): frozenset(labels) for p, labels in data["pronouns"].items()},
                quoting_verbs=frozenset(str(v).lower() for v in data["quoting_verbs"]),
                organisation_nouns=frozenset(str(n).lower() for n in data["organisation_nouns"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise SchemaError(f"{SPEECH_VERBS}: missing or malformed field: {exc}") from None
        used = lexicon.speaker_labels.union(*lexicon.pronouns.values())
        _check_labels(SPEECH_VERBS, used, inventory)
        return lexicon


@dataclass(frozen=True)
class TriggerRule:
    """One trigger entry: what a token must look like, its event type and frame."""

    type: str
    frame: dict[str, str]
    tags: frozenset[str] = frozenset()
    requires_child: frozenset[str] = frozenset()
    forbids_child: frozenset[str] = frozenset()
    object_lemmas: frozenset[str] = frozenset()
    subject_lemmas: frozenset[str] = frozenset()
    modifier_lemmas: frozenset[str] = frozenset()
    excluded_object_lemmas: frozenset[str] = frozenset()
    object_labels: frozenset[str] = frozenset()
    subject_labels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TriggerLexicon:
    """Trigger rules keyed by (lemma, coarse POS), and the role-filling data."""

    rules: dict[tuple[str, str], tuple[TriggerRule, ...]]
    place_prepositions: frozenset[str]
    role_labels: dict[str, frozenset[str]]
    event_roles: dict[str, frozenset[str]] = field(default_factory=dict)

    def labels_for(self, role: str) -> frozenset[str]:
        return self.role_labels.get(role, self.role_labels["*"])

    @classmethod
    def load(cls, root: Path, inventory: Inventory) -> TriggerLexicon:
        data = _read(root, EVENT_TRIGGERS)
        try:
            frames = {name: dict(slots) for name, slots in data["frames"].items()}
            rules: dict[tuple[str, str], list[TriggerRule]] = {}
            for number, entry in enumerate(data["triggers"], start=1):
                rule = _trigger_rule(number, entry, frames, inventory)
                for lemma in entry["lemmas"]:
                    rules.setdefault((str(lemma).lower(), entry["pos"]), []).append(rule)
            role_labels = {role: frozenset(labels) for role, labels in data["role_labels"].items()}
            place_prepositions = frozenset(data["place_prepositions"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise SchemaError(f"{EVENT_TRIGGERS}: missing or malformed field: {exc}") from None
        if "*" not in role_labels:
            raise SchemaError(f"{EVENT_TRIGGERS}: role_labels needs a '*' entry for the other roles")
        _check_labels(EVENT_TRIGGERS, frozenset().union(*role_labels.values()), inventory)
        return cls(
            rules={key: tuple(value) for key, value in rules.items()},
            place_prepositions=place_prepositions,
            role_labels=role_labels,
            event_roles={t: frozenset(r) for t, r in inventory.event_roles.items()},
        )


def _trigger_rule(number: int, entry: dict, frames: dict, inventory: Inventory) -> TriggerRule:
    where = f"{EVENT_TRIGGERS}: trigger {number} ({entry.get('type')}, {entry.get('lemmas')})"
    if entry["type"] not in inventory.event_roles:
        raise SchemaError(f"{where}: event type {entry['type']!r} is not in annotations/schema.json")
    if entry["frame"] not in frames:
        raise SchemaError(f"{where}: frame {entry['frame']!r} is not defined under 'frames'")
    frame = frames[entry["frame"]]
    allowed = set(inventory.event_roles[entry["type"]])
    for slot, role in frame.items():
        if slot not in FRAME_SLOTS and not slot.startswith(PREP_SLOT):
            raise SchemaError(f"{where}: frame slot {slot!r} is not one of {sorted(FRAME_SLOTS)} or prep:<word>")
        if role not in allowed:
            raise SchemaError(f"{where}: role {role!r} of frame {entry['frame']!r} is not a role of {entry['type']}")
    return TriggerRule(
        type=entry["type"],
        frame=frame,
        tags=frozenset(entry.get("tags", ())),
        requires_child=frozenset(entry.get("requires_child", ())),
        forbids_child=frozenset(entry.get("forbids_child", ())),
        object_lemmas=frozenset(entry.get("object_lemmas", ())),
        subject_lemmas=frozenset(entry.get("subject_lemmas", ())),
        modifier_lemmas=frozenset(entry.get("modifier_lemmas", ())),
        excluded_object_lemmas=frozenset(entry.get("excluded_object_lemmas", ())),
        object_labels=frozenset(entry.get("object_labels", ())),
        subject_labels=frozenset(entry.get("subject_labels", ())),
    )


def _check_labels(relative: Path, labels: frozenset[str], inventory: Inventory) -> None:
    unknown = sorted(labels - inventory.entity_labels)
    if unknown:
        raise SchemaError(f"{relative}: entity labels {unknown} are not in annotations/schema.json")
