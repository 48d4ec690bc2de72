"""One layer of one set drawn on the article text: nested ``<mark>`` elements.

Marks are opened outermost first (earlier start, then longer). A mark that
crosses another, rather than nesting in it, is closed where the other ends and
opened again after it, as brat splits such spans: only its first piece carries
the element id, and only its last the label box (displaCy style: the label
after the span, inside the coloured box). Every text and attribute is escaped.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from html import escape

from .diff import EXTRA, LABEL, MISSING, SPAN
from .marks import ARGUMENT, CONTENT, CUE, ENTITY, SPEAKER, TRIGGER, Mark

# displaCy's colours for the OntoNotes labels spaCy predicts; other labels get one from their name.
ENTITY_COLOURS = {
    "PERSON": "#aa9cfc", "NORP": "#c887fb", "FAC": "#9cc9cc", "ORG": "#7aecec", "GPE": "#feca74",
    "LOC": "#ff9561", "PRODUCT": "#bfeeb7", "EVENT": "#ffeb80", "WORK_OF_ART": "#f0d0ff", "LAW": "#ff8197",
    "LANGUAGE": "#ff8197", "DATE": "#bfe1d9", "TIME": "#bfe1d9", "PERCENT": "#e4e7d2", "MONEY": "#e4e7d2",
    "QUANTITY": "#e4e7d2", "ORDINAL": "#e4e7d2", "CARDINAL": "#e4e7d2",
}  # fmt: skip
QUOTE_COLOURS = {"direct": "#ffc9a3", "indirect": "#b9f0b0", "mixed": "#b3d7ff"}
FIXED_COLOURS = {CUE: "#ff9ea8", SPEAKER: "#aa9cfc", ARGUMENT: "#dcdcdc"}

# The badge in a label box for each difference (the legend explains them).
BADGES = {MISSING: "−", EXTRA: "+", LABEL: "≠", SPAN: "↔"}
DIFF_TITLES = {
    MISSING: "missing: not in the second set",
    EXTRA: "extra: not in the first set",
    LABEL: "different label",
    SPAN: "different boundaries",
}


def colour(kind: str, label: str) -> str:
    """The background colour of a mark."""
    if kind in FIXED_COLOURS:
        return FIXED_COLOURS[kind]
    known = {ENTITY: ENTITY_COLOURS, CONTENT: QUOTE_COLOURS}.get(kind, {})
    if label in known:
        return known[label]
    hue = int(hashlib.sha256(label.encode("utf-8")).hexdigest()[:6], 16) % 360
    return f"hsl({hue} 75% 80%)"


def _title(mark: Mark) -> str:
    named = mark.anchor and not mark.caption.startswith(mark.anchor)
    parts = [f"{mark.anchor} {mark.caption}" if named else mark.caption, f"characters {mark.start}-{mark.end}"]
    for diff in mark.diff:
        parts.append(DIFF_TITLES[diff] + (f" (other set: {mark.other})" if diff == LABEL else ""))
    return " · ".join(parts)


def _open(mark: Mark, prefix: str, *, first: bool) -> str:
    classes = ["m", f"m-{mark.kind}", *mark.diff, *(() if first else ("cont",))]
    element_id = f' id="{escape(prefix + mark.anchor)}"' if first and mark.anchor else ""
    return (
        f'<mark class="{" ".join(classes)}"{element_id} data-kind="{mark.kind}" data-label="{escape(mark.label)}"'
        f' style="--c:{colour(mark.kind, mark.label)}" title="{escape(_title(mark))}">'
    )


def _tag(mark: Mark, prefix: str) -> str:
    """The label box: caption, links, difference badges."""
    parts = [f'<span class="caption">{escape(mark.caption)}</span>']
    for link in mark.links:
        if link.anchor is None:
            parts.append(f'<span class="link">{escape(link.text)}</span>')
        else:
            parts.append(f'<a class="link" href="#{escape(prefix + link.anchor)}">{escape(link.text)}</a>')
    for diff in mark.diff:
        other = f" {mark.other}" if diff == LABEL and mark.other else ""
        parts.append(f'<span class="badge badge-{diff}">{BADGES[diff]}{escape(other)}</span>')
    return f'<span class="tag">{"".join(parts)}</span>'


def render_text(text: str, marks: Sequence[Mark], *, prefix: str) -> str:
    """The text with its marks; element ids and link targets are ``prefix`` + anchor."""
    order = sorted(range(len(marks)), key=lambda k: (marks[k].start, -marks[k].end, k))
    starting: dict[int, list[int]] = defaultdict(list)
    for k in order:
        starting[marks[k].start].append(k)
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    stack: list[int] = []
    for pos, following in zip(bounds, [*bounds[1:], len(text)]):
        _close_ending(marks, stack, pos, out, prefix)
        for k in starting[pos]:
            out.append(_open(marks[k], prefix, first=True))
            stack.append(k)
        out.append(escape(text[pos:following]))
    return "".join(out)


def _close_ending(marks: Sequence[Mark], stack: list[int], pos: int, out: list[str], prefix: str) -> None:
    """Close the marks that end at ``pos``; marks opened inside them that go on are cut and reopened."""
    depths = [d for d, k in enumerate(stack) if marks[k].end == pos]
    if not depths:
        return
    cut = stack[depths[0] :]
    del stack[depths[0] :]
    for k in reversed(cut):
        out.append(_tag(marks[k], prefix) + "</mark>" if marks[k].end == pos else "</mark>")
    for k in cut:
        if marks[k].end != pos:
            out.append(_open(marks[k], prefix, first=False))
            stack.append(k)
