"""The HTML of a review page and of the index of several pages.

A page is one file: the style sheet inline, no script, no external resource,
so it opens from disk (``file://``) without a network. Its parts, top down:
the article and the sets shown, the legend, the validator's findings on the
files shown, then one section per layer with one panel per set, side by side.
A panel draws its layer on its own copy of the text, or says why it does not:
the set does not cover the layer, its file was made on another text, or its
file could not be read.

Element ids: a panel's marks are ``s<N>-<layer>-<anchor>`` (``s1`` the first
set), e.g. ``s1-quotes-T12``; sections are ``layer-<layer>``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .. import layout, schema
from ..validate.output import finding_line
from ..validate.registry import Finding
from .diff import DIFFERENCES, EXTRA, LABEL, MISSING, SPAN, count_differences, mark_differences
from .marks import ARGUMENT, CUE, SPEAKER, LayerMarks, Mark, layer_marks
from .sources import Review
from .style import CSS
from .text import BADGES, FIXED_COLOURS, colour, render_text

NOT_COVERED = "not covered by this set"
STALE = "made on another text (its text_sha256 is not the article's): its spans are not drawn; re-annotate it"
UNREADABLE = "this file could not be read; see the validation findings"
DIFF_NAMES = {MISSING: "missing", EXTRA: "extra", LABEL: "different label", SPAN: "different boundaries"}
# What the legend says of the marks drawn in one colour whatever their label.
FIXED_MEANINGS = {
    CUE: "the words that introduce a quote",
    SPEAKER: "who said it; the link in a quote's label box leads here",
    ARGUMENT: "an entity filling roles (E1 Place …) of events",
}


@dataclass(frozen=True)
class Panel:
    """One set's rendering of one layer: its marks, or why there are none."""

    name: str
    prefix: str  # of its element ids
    count: int  # records of the layer in the file
    marks: LayerMarks | None
    note: str | None = None


def _panel(review: Review, index: int, layer: str) -> Panel:
    set_file = review.shown[index]
    prefix = f"s{index + 1}-{layer}-"
    annotation = set_file.annotation
    if annotation is None:
        return Panel(set_file.name, prefix, 0, None, UNREADABLE)
    count = len(getattr(annotation, layer))
    if layer not in annotation.layers:
        return Panel(set_file.name, prefix, count, None, NOT_COVERED)
    if annotation.text_sha256 != review.article.text_sha256:
        return Panel(set_file.name, prefix, count, None, STALE)
    return Panel(set_file.name, prefix, count, layer_marks(annotation, layer, len(review.article.text)))


def _compared(panels: Sequence[Panel]) -> bool:
    """Whether two sets' marks are compared: two panels, both drawn."""
    return len(panels) == 2 and all(p.marks is not None for p in panels)


def layer_panels(review: Review, layer: str) -> list[Panel]:
    """The panels of a layer; with two drawn sets, their marks carry their differences."""
    panels = [_panel(review, index, layer) for index in range(len(review.shown))]
    if _compared(panels):
        first, second = mark_differences(panels[0].marks.marks, panels[1].marks.marks)
        panels = [
            dataclasses.replace(panel, marks=dataclasses.replace(panel.marks, marks=marks))
            for panel, marks in zip(panels, (first, second))
        ]
    return panels


# --------------------------------------------------------------------------
# Parts of a page.


def _set(name: str) -> str:
    return f'<span class="set">{escape(name)}</span>'


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    )


def _header(review: Review, root: Path) -> str:
    article = review.article
    dateline = article.dateline
    where = ", ".join(p for p in (dateline.place, dateline.agency) if p) if dateline else ""
    facts = [article.source, article.date.isoformat(), where, layout.relative(root, review.selection.article_path)]
    lines = [
        f"<h1>Review of {escape(article.id)}</h1>",
        f'<p class="meta">{" · ".join(escape(f) for f in facts if f)}</p>',
    ]
    if review.shown:
        shown = " beside ".join(f"{_set(f.name)} ({escape(layout.relative(root, f.path))})" for f in review.shown)
        lines.append(f'<p class="meta">Sets shown: {shown}</p>')
    else:
        lines.append('<p class="meta">No annotation set has a file for this article.</p>')
    if review.selection.not_shown:
        others = " ".join(_set(name) for name in review.selection.not_shown)
        lines.append(f'<p class="note">Also annotated by: {others} (choose the sets to show with --sets)</p>')
    links = [f'<a href="#layer-{layer}">{layer}</a>' for layer in schema.LAYERS if review.shown]
    lines.append(f'<nav>{"".join(links)}<a href="#validation">validation</a></nav>')
    return "<header>\n" + "\n".join(lines) + "\n</header>\n"


def _chip(kind: str, label: str, text: str) -> str:
    return (
        f'<span class="chip" data-kind="{kind}" data-label="{escape(label)}" '
        f'style="--c:{colour(kind, label)}">{escape(text)}</span>'
    )


def _legend_chips(marks: Iterable[Mark]) -> str:
    """One chip per label drawn, and one per kind drawn in a fixed colour, with its meaning."""
    labelled = sorted({(m.kind, m.label) for m in marks if m.kind not in FIXED_COLOURS}, key=lambda kl: kl[1])
    fixed = sorted({m.kind for m in marks if m.kind in FIXED_COLOURS})
    chips = [_chip(kind, label, label) for kind, label in labelled]
    chips += [f'{_chip(kind, kind, kind)}<span class="meaning">{escape(FIXED_MEANINGS[kind])}</span>' for kind in fixed]
    return " ".join(chips) or '<span class="note">nothing drawn</span>'


def _legend(review: Review, panels: dict[str, list[Panel]]) -> str:
    rows = []
    for layer, layer_panels_ in panels.items():
        marks = [m for p in layer_panels_ if p.marks is not None for m in p.marks.marks]
        rows.append(f"<dt>{layer.capitalize()}</dt><dd>{_legend_chips(marks)}</dd>")
    if len(review.shown) == 2:
        first, second = (_set(f.name) for f in review.shown)
        meanings = {
            MISSING: f"missing: in {first}, not in {second}",
            EXTRA: f"extra: in {second}, not in {first}",
            LABEL: "different label: the same span, another label (the badge gives the other set's)",
            SPAN: "different boundaries: overlapping spans that are not the same",
        }
        keys = "<br>".join(f'<span class="diff-key {d}">{BADGES[d]}</span> {meanings[d]}' for d in DIFFERENCES)
        rows.append(f"<dt>Differences</dt><dd>{keys}</dd>")
    return f'<h2 id="legend">Legend</h2>\n<dl class="legend">{"".join(rows)}</dl>\n'


def _finding_list(findings: Sequence[Finding]) -> str:
    """The findings as ``wirecorpus validate`` prints them, one item each."""
    items = "".join(f'<li class="finding-{f.severity}">{escape(finding_line(f))}</li>' for f in findings)
    return f'<ul class="findings">{items}</ul>' if items else ""


def severity_counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """How many errors and warnings."""
    return sum(1 for f in findings if f.severity == "error"), sum(1 for f in findings if f.severity == "warning")


def _findings(findings: Sequence[Finding], files: int) -> str:
    errors, warnings = severity_counts(findings)
    summary = f"wirecorpus validate on the {files} files shown: {errors} errors, {warnings} warnings"
    return f'<h2 id="validation">Validation</h2>\n<p class="summary">{escape(summary)}</p>\n{_finding_list(findings)}\n'


def _difference_summary(panels: Sequence[Panel]) -> str:
    if len(panels) < 2:
        return ""
    if not _compared(panels):
        return f'<p class="summary">Not compared: {" and ".join(f"{escape(p.name)} is {escape(p.note)}" for p in panels if p.note)}.</p>'
    first, second = (count_differences(p.marks.marks) for p in panels)
    counts = {MISSING: first[MISSING], EXTRA: second[EXTRA], LABEL: first[LABEL], SPAN: first[SPAN]}
    said = ", ".join(f"{n} {DIFF_NAMES[d]}" for d, n in counts.items() if n) or "no differences"
    return f'<p class="summary">{_set(panels[0].name)} against {_set(panels[1].name)}: {escape(said)}</p>'


def _panel_html(panel: Panel, layer: str, text: str) -> str:
    head = f'<div class="panel-head"><h3>{_set(panel.name)}</h3><span class="count">{panel.count} {layer}</span></div>'
    if panel.marks is None:
        css = "not-covered" if panel.note == NOT_COVERED else "unusable"
        return f'<div class="panel" data-set="{escape(panel.name)}">{head}<p class="{css}">{escape(panel.note)}</p></div>'
    body = f'<div class="text">{render_text(text, panel.marks.marks, prefix=panel.prefix)}</div>'
    problems = "".join(f"<li>{escape(p)}</li>" for p in panel.marks.problems)
    listing = f'<ul class="problems">{problems}</ul>' if problems else ""
    return f'<div class="panel" data-set="{escape(panel.name)}">{head}{body}{listing}</div>'


def _section(layer: str, panels: Sequence[Panel], text: str) -> str:
    columns = "".join(_panel_html(p, layer, text) for p in panels)
    return (
        f'<section class="layer" id="layer-{layer}">\n<h2>{layer.capitalize()}</h2>\n{_difference_summary(panels)}\n'
        f'<div class="columns" style="--n:{len(panels)}">{columns}</div>\n</section>\n'
    )


def render_page(review: Review, findings: Sequence[Finding], *, root: Path) -> str:
    """The review page of one article."""
    text = review.article.text
    panels = {layer: layer_panels(review, layer) for layer in schema.LAYERS}
    sections = [_section(layer, layer_panels_, text) for layer, layer_panels_ in panels.items() if layer_panels_]
    if not review.shown:
        sections.append(f'<section><h2>Text</h2><div class="panel"><div class="text">{escape(text)}</div></div></section>\n')
    main = _legend(review, panels) + _findings(findings, len(review.selection.paths)) + "".join(sections)
    return _head(f"Review of {review.article.id}") + _header(review, root) + f"<main>\n{main}</main>\n</body>\n</html>\n"


# --------------------------------------------------------------------------
# The index of a folder of pages.


@dataclass(frozen=True)
class IndexEntry:
    """One page of a folder, as the index lists it."""

    article_id: str
    href: str
    sets: tuple[str, ...]
    errors: int
    warnings: int


def render_index(entries: Sequence[IndexEntry], *, skipped: Sequence[str], findings: Sequence[Finding]) -> str:
    """The index page: every page written, the articles left out and why, findings on no page's files."""
    rows = "".join(
        f'<tr><td><a href="{escape(e.href)}">{escape(e.article_id)}</a></td>'
        f'<td>{" ".join(_set(s) for s in e.sets) or "none"}</td><td>{e.errors}</td><td>{e.warnings}</td></tr>'
        for e in entries
    )
    parts = [
        f"<h1>Review pages ({len(entries)} articles)</h1>",
        f'<table class="index"><tr><th>article</th><th>sets shown</th><th>errors</th><th>warnings</th></tr>{rows}</table>',
    ]
    if skipped:
        parts.append(f'<p class="note">Left out: {escape(", ".join(skipped))}</p>')
    if findings:
        parts.append(f"<h2>Other findings</h2>{_finding_list(findings)}")
    return _head("Review pages") + "<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
