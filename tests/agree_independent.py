"""An independent computation of agreement figures, for the agreement tests: plain Python over
the JSON of annotation files (and ``krippendorff`` for alpha, on a reliability matrix built here).

Strict F1 comes from multisets of spans; overlap F1 and kappa from the overlapping
pairs, which the crafted sets make unambiguous (checked); speakers agree when their
spans overlap or their names are equal.
"""

from __future__ import annotations

import re
from collections import Counter

import krippendorff
import numpy as np


def spans(data: dict, layer: str, labelled: bool) -> list[tuple[int, int, str | None]]:
    if layer == "entities":
        return [(e["start"], e["end"], e["label"] if labelled else None) for e in data["entities"]]
    if layer == "events":
        return [(e["trigger"]["start"], e["trigger"]["end"], e["type"] if labelled else None) for e in data["events"]]
    return [(q["content"]["start"], q["content"]["end"], q["kind"] if labelled else None) for q in data["quotes"]]


def cues(data: dict) -> list[tuple[int, int, None]]:
    return sorted({(q["cue"]["start"], q["cue"]["end"], None) for q in data["quotes"] if q["cue"]})


def strict_f1(a: list, b: list) -> float:
    return 2 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b))


def overlapping(a: list, b: list) -> list[tuple[int, int]]:
    """Pairs of spans with a shared character and the same label; the crafted sets pair one-to-one."""
    pairs = [(i, j) for i, x in enumerate(a) for j, y in enumerate(b) if x[2] == y[2] and x[0] < y[1] and y[0] < x[1]]
    assert len(pairs) == len({i for i, _ in pairs}) == len({j for _, j in pairs}), "ambiguous pairs"
    return pairs


def overlap_f1(a: list, b: list) -> float:
    return 2 * len(overlapping(a, b)) / (len(a) + len(b))


def kappa(labels: list[tuple[str, str]]) -> float:
    n = len(labels)
    observed = sum(x == y for x, y in labels) / n
    first, second = Counter(x for x, _ in labels), Counter(y for _, y in labels)
    expected = sum(first[k] / n * second[k] / n for k in set(first) | set(second))
    return (observed - expected) / (1 - expected)


def layer_kappa(a: dict, b: dict, layer: str) -> float:
    labelled_a, labelled_b = spans(a, layer, True), spans(b, layer, True)
    pairs = overlapping(spans(a, layer, False), spans(b, layer, False))
    return kappa([(labelled_a[i][2], labelled_b[j][2]) for i, j in pairs])


def speaker_of(data: dict, quote: dict) -> tuple[int, int, str] | None:
    entity = next((e for e in data["entities"] if e["id"] == quote["speaker"]), None)
    span = entity or quote.get("speaker_span")
    return (span["start"], span["end"], span["text"]) if span else None


def speaker_agreement(a: dict, b: dict) -> tuple[int, int]:
    right = total = 0
    for i, j in overlapping(spans(a, "quotes", False), spans(b, "quotes", False)):
        x, y = speaker_of(a, a["quotes"][i]), speaker_of(b, b["quotes"][j])
        if x is None and y is None:
            continue
        total += 1
        right += x is not None and y is not None and (x[0] < y[1] and y[0] < x[1] or x[2].lower() == y[2].lower())
    return right, total


def token_values(data: dict, layer: str, tokens: list[tuple[int, int]]) -> list[str]:
    if layer == "quotes":
        labelled = [(q["cue"]["start"], q["cue"]["end"], "cue") for q in data["quotes"] if q["cue"]]
        labelled += [(s[0], s[1], "speaker") for q in data["quotes"] if (s := speaker_of(data, q))]
        labelled += [(s, e, "content") for s, e, _ in spans(data, "quotes", False)]
    else:
        labelled = spans(data, layer, True)
    return [next((label for s, e, label in labelled if s < end and start < e), "O") for start, end in tokens]


def alpha(sets: list[dict], layer: str, text: str) -> float:
    tokens = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    matrix = np.array([token_values(data, layer, tokens) for data in sets])
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
