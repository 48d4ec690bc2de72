"""Tables of scores as aligned text, JSON or Markdown, and the report of ``wirecorpus evaluate``.

An undefined ratio (None) is shown as ``n/a``, a defined one with three decimals.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .align import MODES
from .scores import Accuracy, Counts, Row

if TYPE_CHECKING:
    from ..evaluate import EvaluationResult

FORMATS = ("text", "json", "markdown")
# How many article ids a text or Markdown report names before it counts the rest.
COVERAGE_SHOWN = 5

_ACCURACY_NAMES = {"speaker": "speaker accuracy on matched quotes", "type": "type accuracy on matched triggers"}
_HEADER = ("gold", "pred", "strict P", "strict R", "strict F1", "overlap P", "overlap R", "overlap F1")


# --------------------------------------------------------------------------
# Cells and tables.


def check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")


def number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def text_table(table: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as aligned lines: the first column to the left, the others to the right."""
    widths = [max(len(cells[k]) for cells in table) for k in range(len(table[0]))]
    lines = []
    for cells in table:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:]))
        lines.append("  ".join((first, *rest)).rstrip())
    return lines


def markdown_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table, the first column to the left, the others to the right."""
    lines = [f"| {' | '.join(header)} |", "|---" + "|---:" * (len(header) - 1) + "|"]
    return lines + [f"| {' | '.join(cells)} |" for cells in body]


def some(articles: Sequence[str]) -> str:
    """The first few ids and a count of the rest: a large set must not swell a report."""
    shown = ", ".join(articles[:COVERAGE_SHOWN])
    rest = len(articles) - COVERAGE_SHOWN
    return f"{shown} and {rest} more ({len(articles)} articles)" if rest > 0 else shown


def counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "precision": counts.precision,
        "recall": counts.recall,
        "f1": counts.f1,
    }


def row_json(row: Row) -> dict[str, Any]:
    return {"gold": row.gold, "pred": row.pred, **{m: counts_json(getattr(row, m)) for m in MODES}}


def accuracy_json(accuracy: Accuracy) -> dict[str, Any]:
    return {"correct": accuracy.correct, "total": accuracy.total, "value": accuracy.value}


# --------------------------------------------------------------------------
# The evaluation report.


def render_evaluation(result: EvaluationResult, *, format: str = "text") -> str:
    """The result as an aligned text report, a JSON object or Markdown tables."""
    check_format(format)
    if format == "json":
        return json.dumps(_evaluation_json(result), ensure_ascii=False, indent=2) + "\n"
    if format == "markdown":
        return _evaluation_markdown(result)
    return _evaluation_text(result)


def _cells(row: Row) -> list[str]:
    cells = [str(row.gold), str(row.pred)]
    for counts in (row.strict, row.overlap):
        cells += [number(counts.precision), number(counts.recall), number(counts.f1)]
    return [row.name, *cells]


def _accuracy_line(name: str, accuracy: Accuracy) -> str:
    return f"{_ACCURACY_NAMES.get(name, name)}: {number(accuracy.value)} ({accuracy.correct} of {accuracy.total})"


def _coverage_lines(result: EvaluationResult) -> list[str]:
    lines = [f"articles scored: {len(result.articles)}"]
    for name, articles in ((result.gold, result.gold_only), (result.pred, result.pred_only)):
        if articles:
            lines.append(f"only in {name} (not scored): {some(articles)}")
    lines += [
        f"{layer.layer} scored on {layer.articles} of them (the others' files do not both cover it)"
        for layer in result.layers
        if layer.articles != len(result.articles)
    ]
    if result.unscored_layers:
        lines.append(f"not scored, as no article's two files both cover them: {', '.join(result.unscored_layers)}")
    return lines + [f"warning: {warning}" for warning in result.warnings]


def _evaluation_text(result: EvaluationResult) -> str:
    lines = [f"{result.pred} scored against {result.gold}", *_coverage_lines(result)]
    for layer in result.layers:
        lines.append("")
        lines += text_table([[layer.layer, *_HEADER], *(_cells(row) for row in layer.rows)])
        lines += [_accuracy_line(name, accuracy) for name, accuracy in layer.accuracies.items()]
    return "\n".join(lines) + "\n"


def _evaluation_markdown(result: EvaluationResult) -> str:
    lines = [f"Scores of `{result.pred}` against `{result.gold}`."]
    lines += [f"- {line}" for line in _coverage_lines(result)]
    for layer in result.layers:
        lines += ["", *markdown_table([layer.layer, *_HEADER], [_cells(row) for row in layer.rows])]
        if layer.accuracies:
            lines += ["", "; ".join(_accuracy_line(n, a) for n, a in layer.accuracies.items()).capitalize() + "."]
    return "\n".join(lines) + "\n"


def _evaluation_json(result: EvaluationResult) -> dict[str, Any]:
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
                "rows": {row.name: row_json(row) for row in layer.rows},
                "accuracies": {name: accuracy_json(a) for name, a in layer.accuracies.items()},
            }
            for layer in result.layers
        },
    }
