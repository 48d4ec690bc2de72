"""Quality of the quote layer on the 60 MEANTIME articles, against the hand gold of their quotation marks.

    .venv/bin/python benchmarks/score_quotes.py [--model NAME] [--meantime DIR] [--gold FILE] [--errors]

Runs the pipeline as ``wirecorpus annotate`` does (the installed spaCy
pipeline with wirecorpus's components added) over the MEANTIME texts rebuilt
by ``wirecorpus.meantime``, turns each Doc into schema layers, and scores the
quotes against ``tests/data/meantime_direct_quotes.json`` as
``wirecorpus.meantime_quotes`` describes: direct-quote recall and precision
(content overlap), speaker accuracy on the found direct quotes, and counts of
the indirect and mixed quotes found. ``--errors`` also lists every missed gold
quote, every predicted direct quote that pairs with none, and every wrong
speaker, with the text around it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wirecorpus.annotate import DEFAULT_MODEL, load_pipeline
from wirecorpus.components import layers_from_doc
from wirecorpus.errors import WirecorpusError
from wirecorpus.meantime_quotes import GoldDocument, paired_direct, read_gold, same_name, score_document, score_quotes

REPO = Path(__file__).resolve().parents[1]
MEANTIME = REPO.parent / "shared" / "external" / "meantime_dev"
GOLD = REPO / "tests" / "data" / "meantime_direct_quotes.json"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _excerpt(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : min(len(text), end + 40)].split())


def error_lines(gold: GoldDocument, layers: tuple) -> list[str]:
    """Missed gold direct quotes, unpaired predicted direct quotes and wrong speakers of one document."""
    entities, quotes, _ = layers
    names = {e.id: e.text for e in entities}
    wanted, direct, pairs = paired_direct(gold, quotes)
    lines = []
    for i, pair in enumerate(wanted):
        if i not in pairs:
            lines.append(f"  missed   {_excerpt(gold.text, *pair.content)[:160]}")
        elif pair.speaker and not same_name(pair.speaker, names.get(direct[pairs[i]].speaker) or ""):
            found = names.get(direct[pairs[i]].speaker)
            lines.append(f"  speaker  {found!r} for {pair.speaker!r}: {_excerpt(gold.text, *pair.content)[:120]}")
    paired = set(pairs.values())
    for j, quote in enumerate(direct):
        if j not in paired:
            lines.append(f"  spurious {_excerpt(gold.text, quote.content.start, quote.content.end)[:160]}")
    return [f"{gold.name}:", *lines] if lines else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"installed spaCy pipeline (default: {DEFAULT_MODEL})")
    parser.add_argument("--meantime", type=Path, default=MEANTIME, help="folder of MEANTIME .xml files")
    parser.add_argument("--gold", type=Path, default=GOLD, help="quote gold file (default: tests/data/meantime_direct_quotes.json)")
    parser.add_argument("--errors", action="store_true", help="list the misses, spurious quotes and wrong speakers")
    args = parser.parse_args(argv)
    try:
        gold = read_gold(args.gold, args.meantime)
        nlp = load_pipeline(args.model, root=REPO)
        layers = [layers_from_doc(doc) for doc in nlp.pipe([g.text for g in gold])]
    except WirecorpusError as exc:
        print(f"score_quotes: error: {exc}", file=sys.stderr)
        return 1
    if args.errors:
        for document, layer in zip(gold, layers):
            for line in error_lines(document, layer):
                print(line)
    total = score_quotes(score_document(g, entities, quotes) for g, (entities, quotes, _) in zip(gold, layers))
    direct, speakers = total.direct, total.speakers
    print(f"MEANTIME ({len(gold)} articles), pipeline {args.model}, gold {args.gold.name}")
    print(f"direct quotes   recall {_ratio(direct.recall)}  precision {_ratio(direct.precision)}  "
          f"(found {direct.tp} of {direct.tp + direct.fn} gold; {direct.tp + direct.fp} predicted)")
    print(f"speaker         accuracy {_ratio(speakers.value)}  ({speakers.correct} of {speakers.total} found quotes with a named speaker)")
    print(f"also found      {total.indirect} indirect and {total.mixed} mixed quotes; "
          f"{total.fragments_in_mixed.correct} of {total.fragments_in_mixed.total} gold quoted fragments inside a mixed quote")
    return 0


if __name__ == "__main__":
    sys.exit(main())
