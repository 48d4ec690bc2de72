"""Quality of the model layers on MEANTIME, and of the model set against the seed's hand gold.

    .venv/bin/python benchmarks/score_meantime.py [--model NAME] [--meantime DIR]
    .venv/bin/python benchmarks/score_meantime.py --hand-gold [--gold hand/a1] [--pred model/NAME] [--root DIR]

MEANTIME mode (default) runs the pipeline twice over the 60 MEANTIME articles
(texts rebuilt by ``wirecorpus.meantime``): bare, as installed, and with
wirecorpus's components added as ``wirecorpus annotate`` adds them. Only the
annotated first sentences of each article count: a prediction that starts
after them is ignored. It prints:

- entities: precision and recall per group for the bare pipeline's NER and
  for wirecorpus's entity layer. Gold are the MEANTIME mentions marked as
  names (``syntactic_type`` NAM or PRE.NAM) of type PER, ORG or LOC;
  predicted labels are grouped by ``meantime.ENTITY_LABELS`` (PERSON; ORG;
  GPE, LOC and FAC); pairs are made by ``evaluate.match`` in overlap mode
  within a group. MEANTIME names often include a determiner or a modifier
  (``the US``), which overlap matching tolerates.
- event triggers: a predicted trigger is right when ``evaluate.match``
  (overlap, one-to-one) pairs it with a MEANTIME event mention. MEANTIME marks
  every event mention while wirecorpus's inventory covers a few types, so
  recall is low by design; precision is the figure that matters.
- arguments: of the events whose trigger was paired, an argument is right
  when its entity overlaps an entity mention that a HAS_PARTICIPANT link
  ties to the paired event mention (any role: the role inventories differ).
  MEANTIME links times and amounts to events by other relations (TLINK) or
  to VALUE markables, which are not entity mentions, so the accuracy is also
  shown for the arguments whose entity is a person, organisation or place.

Hand-gold mode scores an existing model set against the seed's hand gold with
``wirecorpus.evaluate`` and prints its text report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from wirecorpus.formats import meantime
from wirecorpus.annotate import DEFAULT_MODEL, load_pipeline
from wirecorpus.components import layers_from_doc
from wirecorpus.layout import annotation_sets
from wirecorpus.errors import WirecorpusError
from wirecorpus.evaluate import OVERLAP, Accuracy, Counts, evaluate, match, overlap, render

REPO = Path(__file__).resolve().parents[1]
MEANTIME = REPO.parent / "shared" / "external" / "meantime_dev"
# The MEANTIME types scored, with the name their group of predicted labels is shown under.
SCORED_TYPES = ("PER", "ORG", "LOC")
GROUP_NAMES = {t: "/".join(meantime.ENTITY_LABELS[t]) for t in SCORED_TYPES}
LABEL_GROUPS = {label: t for t in SCORED_TYPES for label in meantime.ENTITY_LABELS[t]}

Bounds = tuple[int, int]


def entity_counts(
    documents: Sequence[meantime.MeantimeDocument], predicted: Sequence[Sequence[tuple[Bounds, str]]]
) -> dict[str, Counts]:
    """Per MEANTIME type: overlap pairs of named gold mentions and predicted entities of its group."""
    totals = {t: Counts() for t in SCORED_TYPES}
    for doc, entities in zip(documents, predicted):
        gold = [((m.start, m.end), m.ent_type) for m in doc.entities if m.is_name and m.ent_type in SCORED_TYPES]
        pred = [(b, LABEL_GROUPS[label]) for b, label in entities if label in LABEL_GROUPS and b[0] < doc.annotated_end]
        pairs = match([b for b, _ in gold], [b for b, _ in pred], mode=OVERLAP, compatible=lambda i, j: gold[i][1] == pred[j][1])
        for t in SCORED_TYPES:
            matched = sum(1 for i in pairs if gold[i][1] == t)
            totals[t] += Counts.of(
                matched=matched, gold=sum(1 for _, g in gold if g == t), pred=sum(1 for _, p in pred if p == t)
            )
    return totals


def event_scores(
    documents: Sequence[meantime.MeantimeDocument], layers: Sequence[tuple]
) -> tuple[Counts, Accuracy, Accuracy]:
    """Trigger counts and argument accuracy (all, and persons/organisations/places) in the annotated sentences."""
    triggers, arguments, participants = Counts(), Accuracy(), Accuracy()
    for doc, (entities, _quotes, events) in zip(documents, layers):
        events = [e for e in events if e.trigger.start < doc.annotated_end]
        gold = [(m.start, m.end) for m in doc.events]
        pairs = match(gold, [(e.trigger.start, e.trigger.end) for e in events], mode=OVERLAP)
        triggers += Counts.of(matched=len(pairs), gold=len(gold), pred=len(events))
        spans = {e.id: (e.start, e.end) for e in entities}
        labels = {e.id: e.label for e in entities}
        mentions = {m.m_id: (m.start, m.end) for m in doc.entities}
        for i, j in pairs.items():
            linked = [mentions[p.entity] for p in doc.participants if p.event == doc.events[i].m_id]
            for argument in events[j].arguments:
                right = Accuracy(int(any(overlap(spans[argument.entity], span) for span in linked)), 1)
                arguments += right
                if labels[argument.entity] in LABEL_GROUPS:
                    participants += right
    return triggers, arguments, participants


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _counts_line(name: str, counts: Counts) -> str:
    return (
        f"  {name:<22} P {_ratio(counts.precision)}  R {_ratio(counts.recall)}  F1 {_ratio(counts.f1)}"
        f"  (matched {counts.tp}, predicted {counts.tp + counts.fp}, gold {counts.tp + counts.fn})"
    )


def score_meantime(*, model: str, folder: Path) -> str:
    """The MEANTIME report (see the module docstring)."""
    import spacy

    documents = list(meantime.iter_documents(folder))
    texts = [doc.text.text for doc in documents]
    bare = [[((e.start_char, e.end_char), e.label_) for e in doc.ents] for doc in spacy.load(model).pipe(texts)]
    layers = [layers_from_doc(doc) for doc in load_pipeline(model, root=REPO).pipe(texts)]
    ours = [[((e.start, e.end), e.label) for e in entities] for entities, _, _ in layers]
    lines = [f"MEANTIME ({len(documents)} articles, annotated sentences only), pipeline {model}", "", "entities (names, overlap):"]
    for system, predicted in (("bare NER", bare), ("wirecorpus", ours)):
        counts = entity_counts(documents, predicted)
        for t in SCORED_TYPES:
            lines.append(_counts_line(f"{system} {GROUP_NAMES[t]}", counts[t]))
        lines.append(_counts_line(f"{system} all three", sum(counts.values(), Counts())))
    triggers, arguments, participants = event_scores(documents, layers)
    lines += ["", "events:", _counts_line("triggers", triggers)]
    for name, accuracy in (("all", arguments), ("persons/orgs/places", participants)):
        lines.append(
            f"  argument accuracy, {name:<19} {_ratio(accuracy.value)}  "
            f"({accuracy.correct} of {accuracy.total} arguments of paired events)"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"installed spaCy pipeline (default: {DEFAULT_MODEL})")
    parser.add_argument("--meantime", type=Path, default=MEANTIME, help="folder of MEANTIME .xml files")
    parser.add_argument("--hand-gold", action="store_true", help="score a model set against the hand gold instead")
    parser.add_argument("--gold", default="hand/a1", help="hand-gold mode: the gold set (default: hand/a1)")
    parser.add_argument("--pred", help="hand-gold mode: the model set (default: the only one in annotations/model/)")
    parser.add_argument("--root", type=Path, default=REPO, help="hand-gold mode: the repository (default: this one)")
    args = parser.parse_args(argv)
    try:
        if args.hand_gold:
            sets = annotation_sets(args.root, "model")
            pred = args.pred or (f"model/{sets[0]}" if len(sets) == 1 else None)
            if pred is None:
                parser.error(f"pass --pred: annotations/model/ holds {len(sets)} sets ({', '.join(sets) or 'none'})")
            sys.stdout.write(render(evaluate(root=args.root, gold=args.gold, pred=pred), format="text"))
        else:
            sys.stdout.write(score_meantime(model=args.model, folder=args.meantime))
    except WirecorpusError as exc:
        print(f"score_meantime: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
