"""Agreement between annotation sets of the same articles: ``wirecorpus agree``.

Which sets and articles: the sets named (``--sets``; any kind), else every
hand set; the articles named, else every article that two or more of the sets
annotate. A set's file made on another text than the article's
(``text_sha256`` differs) is left out on that article, with a warning.

For each pair of sets, over the articles both annotate (the first set of a
pair plays gold for :mod:`wirecorpus.compare.scores`; F1 does not depend on
which one does, as precision and recall swap), pooled over the pair's
articles (counts summed):

- span F1, strict and overlap, per layer, per label and per measure (the
  rows of ``wirecorpus evaluate``: ``all``, ``content``, ``cue``, ``trigger``,
  ``arguments``);
- Cohen's kappa on the labels of the spans paired by overlap, the span alone
  (entities: label; quotes: kind, by content; events: type, by trigger);
- quotes: **speaker agreement**, the rule of evaluate's speaker accuracy
  (same entity by the alignment, overlapping speaker spans, or the same name),
  on the quotes paired by content overlap where either set names a speaker,
  so that it does not depend on which set plays gold;
- events: type accuracy on the paired triggers, and argument F1.

A layer counts for a pair only on the articles whose two files both cover it
(``layers`` of an annotation file); the others are left out for that layer and
named in the result. Krippendorff's alpha is taken per article and layer over
all the sets that cover the layer on it (not pairwise), on tokens
(:mod:`wirecorpus.compare.reliability`), and also pooled over the tokens of
every article (a set that did not annotate an article is a missing coder there).

Averages are macro: each pair's figure (pooled over its articles) counts once,
whatever its number of articles; a pair whose figure is undefined (say no
quote in either set) is left out of the mean, and the table says how many
pairs count. Alpha is averaged over articles in the same way. A figure that is
undefined is shown ``n/a``. The sets of a hand repository are small, so the
files of the compared articles are held in memory.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import corpus, layout, schema
from .compare import sets as annotation_sets
from .compare.align import LABELLED, MODES, OVERLAP, FileAlignment, align_files
from .compare.reliability import cohen_kappa, krippendorff_alpha, token_values, tokens, value_counts
from .compare.render import accuracy_json, check_format, markdown_table, number, row_json, some, text_table
from .compare.scores import Accuracy, LayerScores, Row, row_order, score_alignments, speaker_accuracy
from .errors import AgreementError

# The measure whose overlap pairs have their labels compared by kappa, the label's name, and the pairs in words.
KAPPA_PAIRS = {
    "entities": ("span", "label", "the entities paired by span overlap"),
    "quotes": ("content", "kind", "the quotes paired by content overlap"),
    "events": ("trigger", "type", "the events paired by trigger overlap"),
}


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa on the labels of paired spans, and how many pairs it was taken on."""

    value: float | None
    pairs: int


@dataclass(frozen=True)
class PairAgreement:
    """Two sets compared over the articles both annotate."""

    first: str
    second: str
    articles: tuple[str, ...]
    layers: tuple[LayerScores, ...]  # the layers compared; quotes' "speaker" is speaker agreement
    kappas: dict[str, Kappa]
    uncovered: dict[str, tuple[str, ...]]  # layer -> articles where one of the two does not cover it

    def layer(self, name: str) -> LayerScores | None:
        return next((layer for layer in self.layers if layer.layer == name), None)

    @property
    def name(self) -> str:
        return f"{self.first} ~ {self.second}"


@dataclass(frozen=True)
class ArticleAlpha:
    """Krippendorff's alpha of one layer on one article, over the sets that cover it."""

    article: str
    layer: str
    sets: tuple[str, ...]
    tokens: int
    alpha: float | None


@dataclass(frozen=True)
class Mean:
    """A macro average, and how many figures (pairs or articles) went into it."""

    value: float | None
    count: int

    @classmethod
    def of(cls, values: Iterable[float | None]) -> Mean:
        defined = [value for value in values if value is not None]
        return cls(sum(defined) / len(defined) if defined else None, len(defined))


@dataclass(frozen=True)
class AgreementResult:
    """Pairwise agreement of annotation sets, alpha per article, and their averages."""

    sets: tuple[str, ...]
    articles: tuple[str, ...]  # those compared: two or more of the sets annotate them
    pairs: tuple[PairAgreement, ...]
    alphas: tuple[ArticleAlpha, ...]
    pooled_alphas: dict[str, float | None]  # layer -> alpha over the tokens of every article
    text_mismatch: tuple[tuple[str, str], ...]  # (set, article) left out

    @property
    def layers(self) -> tuple[str, ...]:
        """The layers some pair compares, in schema order."""
        compared = {layer.layer for pair in self.pairs for layer in pair.layers}
        return tuple(layer for layer in schema.LAYERS if layer in compared)

    @property
    def uncompared_layers(self) -> tuple[str, ...]:
        return tuple(layer for layer in schema.LAYERS if layer not in self.layers)

    def covering(self, layer: str) -> list[tuple[PairAgreement, LayerScores]]:
        """The pairs that compare a layer, with their scores of it."""
        return [(pair, scores) for pair in self.pairs if (scores := pair.layer(layer)) is not None]

    def mean_f1(self, layer: str, row: str, mode: str) -> Mean:
        rows = (_row(scores, row) for _, scores in self.covering(layer))
        return Mean.of(getattr(found, mode).f1 if found else None for found in rows)

    def mean_accuracy(self, layer: str, name: str) -> Mean:
        return Mean.of(scores.accuracies[name].value for _, scores in self.covering(layer))

    def mean_kappa(self, layer: str) -> Mean:
        return Mean.of(pair.kappas[layer].value for pair, _ in self.covering(layer))

    def mean_alpha(self, layer: str) -> Mean:
        return Mean.of(alpha.alpha for alpha in self.alphas if alpha.layer == layer)

    def row_names(self, layer: str) -> list[str]:
        return row_order(row.name for _, scores in self.covering(layer) for row in scores.rows)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(
            f"{name}: {article}: made on a different text than the article's (text_sha256 differs); left out"
            for name, article in self.text_mismatch
        )


def _row(scores: LayerScores, name: str) -> Row | None:
    return next((row for row in scores.rows if row.name == name), None)


# --------------------------------------------------------------------------
# Choosing the sets and the articles, reading the files.


def agree(*, root: Path, articles: Sequence[str] | None = None, sets: Sequence[str] | None = None) -> AgreementResult:
    """The agreement of annotation sets (default: every hand set) on the articles two or more of them annotate."""
    root = Path(root)
    names = _set_names(root, sets)
    paths = {name: annotation_sets.set_files(root, name, error=AgreementError) for name in names}
    chosen = _articles_to_compare(paths, articles)
    mismatch: list[tuple[str, str]] = []
    aligned: dict[tuple[str, str], list[tuple[str, FileAlignment]]] = {}
    alphas: list[ArticleAlpha] = []
    pooled: dict[str, Counter] = {layer: Counter() for layer in schema.LAYERS}
    compared = []
    for article, article_sets in chosen.items():
        text, files = _read_article(root, article, {name: paths[name][article] for name in article_sets}, mismatch)
        if len(files) < 2:
            continue
        compared.append(article)
        for first, second in itertools.combinations(files, 2):
            aligned.setdefault((first, second), []).append((article, align_files(files[first], files[second])))
        alphas += _article_alphas(article, text, files, pooled)
    if not aligned:
        raise AgreementError(
            "no article is left with two sets made on its text (text_sha256 differs): "
            + "; ".join(f"{name} on {article}" for name, article in mismatch)
        )
    return AgreementResult(
        sets=tuple(names),
        articles=tuple(compared),
        pairs=tuple(_pair_agreement(first, second, found) for (first, second), found in aligned.items()),
        alphas=tuple(alphas),
        pooled_alphas={layer: krippendorff_alpha(counts) for layer, counts in pooled.items() if counts},
        text_mismatch=tuple(mismatch),
    )


def _set_names(root: Path, sets: Sequence[str] | None) -> list[str]:
    if sets is None:
        names = annotation_sets.all_sets(root, ("hand",))
        if len(names) < 2:
            raise AgreementError(
                f"agreement needs two or more hand annotation sets; this repository has {len(names)}"
                f"{': ' + ', '.join(names) if names else ''}; add another, or name the sets to compare"
            )
        return names
    names = list(dict.fromkeys(sets))
    if len(names) < 2:
        raise AgreementError(f"agreement needs two or more annotation sets; got {', '.join(names) or 'none'}")
    return names


def _articles_to_compare(paths: dict[str, dict[str, str]], articles: Sequence[str] | None) -> dict[str, list[str]]:
    """Article id -> the sets that annotate it, for the articles to compare."""
    by_article: dict[str, list[str]] = {}
    for name, files in paths.items():
        for article in files:
            by_article.setdefault(article, []).append(name)
    if articles is None:
        chosen = {article: found for article, found in sorted(by_article.items()) if len(found) >= 2}
        if not chosen:
            counts = ", ".join(f"{name} ({len(files)} files)" for name, files in paths.items())
            raise AgreementError(
                f"no article is annotated by two or more of {counts}; agreement needs two sets on one article"
            )
        return chosen
    for article in articles:
        found = by_article.get(article, [])
        if len(found) < 2:
            raise AgreementError(
                f"{article}: annotated by {', '.join(found) or 'none'} of {', '.join(paths)}; "
                "agreement needs two sets on an article"
            )
    return {article: by_article[article] for article in dict.fromkeys(articles)}


def _read_article(
    root: Path, article: str, files: dict[str, str], mismatch: list[tuple[str, str]]
) -> tuple[str, dict[str, schema.AnnotationFile]]:
    """The article's text, and the sets' files made on it (the others are added to ``mismatch``)."""
    relpath = layout.article_relpath_of_id(article)
    if relpath is None or not (root / relpath).is_file():
        raise AgreementError(
            f"{article}: annotated by {', '.join(files)}, but there is no article record "
            f"{relpath or 'for this id'}; run `wirecorpus validate`"
        )
    record = corpus.read_record(root, root / relpath, schema.Article, error=AgreementError)
    same_text = {}
    for name, path in files.items():
        annotation = corpus.read_record(root, Path(path), schema.AnnotationFile, error=AgreementError)
        if annotation.text_sha256 == record.text_sha256:
            corpus.check_against_article(root, Path(path), annotation, record, error=AgreementError)
            same_text[name] = annotation
        else:
            mismatch.append((name, article))
    return record.text, same_text


# --------------------------------------------------------------------------
# The figures.


def _article_alphas(
    article: str, text: str, files: dict[str, schema.AnnotationFile], pooled: dict[str, Counter]
) -> Iterator[ArticleAlpha]:
    """Alpha per layer over the sets covering it (two or more); their counts are added to ``pooled``."""
    units = tokens(text)
    for layer in schema.LAYERS:
        coders = [name for name, annotation in files.items() if layer in annotation.layers]
        if len(coders) < 2:
            continue
        counts = value_counts(article, [token_values(files[name], layer, units) for name in coders])
        pooled[layer].update(counts)
        yield ArticleAlpha(article, layer, tuple(coders), len(units), krippendorff_alpha(counts))


def _pair_agreement(first: str, second: str, aligned: list[tuple[str, FileAlignment]]) -> PairAgreement:
    alignments = [alignment for _, alignment in aligned]
    speakers = sum((speaker_accuracy(a, either=True) for a in alignments if "quotes" in a.layers), Accuracy())
    layers = tuple(
        replace(scores, accuracies={**scores.accuracies, "speaker": speakers}) if scores.layer == "quotes" else scores
        for scores in score_alignments(alignments)
    )
    uncovered = {
        layer: tuple(article for article, alignment in aligned if layer not in alignment.layers)
        for layer in schema.LAYERS
    }
    return PairAgreement(
        first=first,
        second=second,
        articles=tuple(article for article, _ in aligned),
        layers=layers,
        kappas={scores.layer: _kappa(alignments, scores.layer) for scores in layers},
        uncovered={layer: articles for layer, articles in uncovered.items() if articles},
    )


def _kappa(alignments: list[FileAlignment], layer: str) -> Kappa:
    """Kappa on the labels of the spans paired by overlap, the span alone."""
    measure, _, _ = KAPPA_PAIRS[layer]
    labels = []
    for alignment in alignments:
        if layer not in alignment.layers:
            continue
        labelled = alignment.get(layer, LABELLED, OVERLAP)  # the same items, with their labels
        pairs = alignment.get(layer, measure, OVERLAP).pairs
        labels += [(labelled.gold[i][1], labelled.pred[j][1]) for i, j in pairs.items()]
    return Kappa(cohen_kappa(labels), len(labels))


# --------------------------------------------------------------------------
# Rendering.

# Per layer: the accuracy shown, and the rows of the per-pair table.
_ACCURACY = {"quotes": ("speaker", "speaker agreement"), "events": ("type", "type accuracy")}
_PAIR_ROWS = {"entities": ("all",), "quotes": ("content", "cue"), "events": ("trigger", "arguments")}
_HOW = (
    "F1, kappa and accuracies are pooled over the articles a pair of sets shares, then averaged over the pairs "
    "(macro: each pair counts once; a pair whose figure is undefined is left out of the mean); "
    "alpha is taken per article over all the sets covering the layer, then averaged over articles"
)


def render(result: AgreementResult, *, format: str = "text") -> str:
    """The result as an aligned text report, a JSON object or Markdown tables."""
    check_format(format)
    if format == "json":
        return json.dumps(_as_json(result), ensure_ascii=False, indent=2) + "\n"
    markdown = format == "markdown"
    table = markdown_table if markdown else lambda header, body: text_table([header, *body])
    lines = [_title(result, markdown), *(f"- {line}" if markdown else line for line in _coverage_lines(result))]
    for layer in result.layers:
        lines += ["", *table(*_averages_table(result, layer)), ""]
        lines += [f"- {line}" if markdown else line for line in _agreement_lines(result, layer)]
        lines += ["", *table(*_pairs_table(result, layer))]
    if result.alphas:
        lines += ["", *table(*_alphas_table(result))]
    return "\n".join(lines) + "\n"


def _title(result: AgreementResult, markdown: bool) -> str:
    names = ", ".join(f"`{name}`" if markdown else name for name in result.sets)
    return f"Agreement of {names} over {_counted(len(result.articles), 'article')} that two or more of them annotate."


def _coverage_lines(result: AgreementResult) -> list[str]:
    lines = [f"articles: {some(result.articles)}", f"pairs of sets compared: {len(result.pairs)}", _HOW]
    if result.uncompared_layers:
        lines.append(f"not compared, as no two sets cover them on a shared article: {', '.join(result.uncompared_layers)}")
    for layer in result.layers:
        left_out = [
            f"{pair.name} ({_counted(len(pair.uncovered[layer]), 'article')})"
            for pair in result.pairs
            if layer in pair.uncovered
        ]
        if left_out:
            lines.append(f"{layer}: left out where one set of the pair does not cover it: {some(left_out)}")
    return lines + [f"warning: {warning}" for warning in result.warnings]


def _counted(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"


def _mean(mean: Mean, of: str) -> str:
    return f"{number(mean.value)} (mean over {_counted(mean.count, of)})"


def _averages_table(result: AgreementResult, layer: str) -> tuple[list[str], list[list[str]]]:
    body = []
    for name in result.row_names(layer):
        strict, loose = (result.mean_f1(layer, name, mode) for mode in MODES)
        body.append([name, number(strict.value), number(loose.value), str(strict.count)])
    return [f"{layer}: mean over pairs", "strict F1", "overlap F1", "pairs"], body


def _agreement_lines(result: AgreementResult, layer: str) -> list[str]:
    _, label, paired = KAPPA_PAIRS[layer]
    lines = [f"{label} kappa on {paired}: {_mean(result.mean_kappa(layer), 'pair')}"]
    if layer in _ACCURACY:
        name, title = _ACCURACY[layer]
        lines.append(f"{title}: {_mean(result.mean_accuracy(layer, name), 'pair')}")
    if any(alpha.layer == layer for alpha in result.alphas):
        pooled = number(result.pooled_alphas.get(layer))
        lines.append(f"alpha over tokens: {_mean(result.mean_alpha(layer), 'article')}; pooled over all articles: {pooled}")
    return lines


def _pairs_table(result: AgreementResult, layer: str) -> tuple[list[str], list[list[str]]]:
    _, label, _ = KAPPA_PAIRS[layer]
    header = [f"{layer}: per pair", "articles"]
    header += [f"{row} {mode} F1" for row in _PAIR_ROWS[layer] for mode in MODES]
    header += [_ACCURACY[layer][1]] if layer in _ACCURACY else []
    header.append(f"{label} kappa")
    body = []
    for pair, scores in result.covering(layer):
        cells = [pair.name, str(scores.articles)]
        rows = [_row(scores, row) for row in _PAIR_ROWS[layer]]
        cells += [number(getattr(found, mode).f1) if found else "n/a" for found in rows for mode in MODES]
        cells += [number(scores.accuracies[_ACCURACY[layer][0]].value)] if layer in _ACCURACY else []
        body.append([*cells, number(pair.kappas[layer].value)])
    return header, body


def _alphas_table(result: AgreementResult) -> tuple[list[str], list[list[str]]]:
    layers = [layer for layer in schema.LAYERS if any(alpha.layer == layer for alpha in result.alphas)]
    found = {(alpha.article, alpha.layer): alpha for alpha in result.alphas}
    body = []
    for article in result.articles:
        alphas = [found.get((article, layer)) for layer in layers]
        present = [alpha for alpha in alphas if alpha is not None]
        if present:
            sets = max(len(alpha.sets) for alpha in present)
            cells = [number(alpha.alpha) if alpha else "-" for alpha in alphas]
            body.append([article, str(sets), str(present[0].tokens), *cells])
    return ["alpha per article", "sets", "tokens", *layers], body


def _as_json(result: AgreementResult) -> dict[str, Any]:
    return {
        "sets": list(result.sets),
        "articles": list(result.articles),
        "warnings": list(result.warnings),
        "uncompared_layers": list(result.uncompared_layers),
        "averages": {layer: _averages_json(result, layer) for layer in result.layers},
        "pairs": [_pair_json(pair) for pair in result.pairs],
        "alphas": [
            {"article": a.article, "layer": a.layer, "sets": list(a.sets), "tokens": a.tokens, "alpha": a.alpha}
            for a in result.alphas
        ],
    }


def _mean_json(mean: Mean) -> dict[str, Any]:
    return {"value": mean.value, "count": mean.count}


def _averages_json(result: AgreementResult, layer: str) -> dict[str, Any]:
    averages = {
        "rows": {
            name: {mode: _mean_json(result.mean_f1(layer, name, mode)) for mode in MODES}
            for name in result.row_names(layer)
        },
        "kappa": _mean_json(result.mean_kappa(layer)),
        "alpha": {**_mean_json(result.mean_alpha(layer)), "pooled": result.pooled_alphas.get(layer)},
    }
    if layer in _ACCURACY:
        averages[_ACCURACY[layer][0]] = _mean_json(result.mean_accuracy(layer, _ACCURACY[layer][0]))
    return averages


def _pair_json(pair: PairAgreement) -> dict[str, Any]:
    return {
        "first": pair.first,
        "second": pair.second,
        "articles": list(pair.articles),
        "uncovered": {layer: list(articles) for layer, articles in pair.uncovered.items()},
        "layers": {
            scores.layer: {
                "articles": scores.articles,
                "rows": {row.name: row_json(row) for row in scores.rows},
                "accuracies": {name: accuracy_json(a) for name, a in scores.accuracies.items()},
                "kappa": {"value": pair.kappas[scores.layer].value, "pairs": pair.kappas[scores.layer].pairs},
            }
            for scores in pair.layers
        },
    }
