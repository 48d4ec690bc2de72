"""Hand-annotated quotation marks of the MEANTIME texts, and quote scores against them.

The gold file (``tests/data/meantime_direct_quotes.json``) lists, for every
MEANTIME document, every pair of quotation marks in the text that
:mod:`wirecorpus.meantime` rebuilds, with its kind (``direct``, ``fragment``,
``other``), its content span and, for a direct quote, its cue span and the
span of a mention of the speaker's name (or null). Spans hold offsets and a
short check string (the text, or its first and last characters), so a file
that no longer fits the rebuilt texts is refused rather than misread.

Scores (:func:`score_quotes`), on the direct quotes of the gold:

- recall and precision of predicted ``direct`` quotes, paired with gold direct
  quotes by content overlap (``compare.align.match``, one-to-one);
- speaker accuracy on the paired quotes whose gold speaker is named: right
  when the predicted speaker entity's text names the same party
  (:func:`same_name`);
- counts of predicted indirect and mixed quotes, and how many gold fragments
  (quoted phrases in the writer's sentence) a predicted mixed quote covers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .formats import meantime
from .errors import ExternalFileError
from .compare.align import OVERLAP, match, overlap
from .compare.scores import Accuracy, Counts

DIRECT, FRAGMENT, OTHER = "direct", "fragment", "other"
KINDS = (DIRECT, FRAGMENT, OTHER)

Bounds = tuple[int, int]


@dataclass(frozen=True)
class GoldPair:
    """One pair of quotation marks: its kind, content, and for a direct quote cue and speaker."""

    kind: str
    content: Bounds
    cue: Bounds | None
    speaker: str | None


@dataclass(frozen=True)
class GoldDocument:
    """A MEANTIME document's rebuilt text and its annotated quotation-mark pairs."""

    name: str
    text: str
    pairs: tuple[GoldPair, ...]

    @property
    def direct(self) -> list[GoldPair]:
        return [p for p in self.pairs if p.kind == DIRECT]


def read_gold(path: Path, folder: Path) -> list[GoldDocument]:
    """The gold of every MEANTIME document under ``folder``, each span checked against its rebuilt text."""
    try:
        documents = json.loads(Path(path).read_text(encoding="utf-8"))["documents"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ExternalFileError(f"{path}: not a readable quote gold file: {exc}") from None
    texts = {t.doc_name: t.text for t in meantime.iter_texts(folder)}
    missing = sorted(set(texts) - set(documents))
    if missing:
        raise ExternalFileError(f"{path}: no entry for MEANTIME documents {missing}")
    gold = []
    for name, text in texts.items():
        pairs = tuple(_pair(path, name, number, item, text) for number, item in enumerate(documents[name], start=1))
        gold.append(GoldDocument(name, text, pairs))
    return gold


def _pair(path: Path, name: str, number: int, item: dict, text: str) -> GoldPair:
    where = f"{path}: {name}, pair {number}"
    if item.get("kind") not in KINDS:
        raise ExternalFileError(f"{where}: kind {item.get('kind')!r} is not one of {KINDS}")
    content = _span(where, "content", item["content"], text)
    cue = None if item.get("cue") is None else _span(where, "cue", item["cue"], text)
    speaker = None if item.get("speaker") is None else item["speaker"]["text"]
    if speaker is not None:
        _span(where, "speaker", item["speaker"], text)
    return GoldPair(item["kind"], content, cue, speaker)


def _span(where: str, field: str, span: dict, text: str) -> Bounds:
    start, end = span["start"], span["end"]
    covered = text[start:end] if 0 <= start < end <= len(text) else None
    fits = covered is not None and (
        covered == span["text"] if "text" in span else covered.startswith(span["begins"]) and covered.endswith(span["ends"])
    )
    if not fits:
        expected = span.get("text") or f"{span.get('begins')}...{span.get('ends')}"
        raise ExternalFileError(f"{where}: {field} [{start}, {end}) covers {covered!r}, expected {expected!r}")
    return start, end


def same_name(gold: str, predicted: str) -> bool:
    """Whether two mentions name the same party: equal, the same last word (a surname), or one opens the other.

    ("Jobs" / "Steve Jobs", "Apple" / "Apple Computer"; case and a possessive 's ignored.)
    """
    words = [name.casefold().removesuffix("'s").split() for name in (gold, predicted)]
    if not all(words):
        return False
    shorter, longer = sorted(words, key=len)
    return words[0][-1] == words[1][-1] or longer[: len(shorter)] == shorter


@dataclass(frozen=True)
class QuoteScores:
    """Direct-quote counts, speaker accuracy, and what was found besides direct quotes."""

    direct: Counts
    speakers: Accuracy
    indirect: int
    mixed: int
    fragments_in_mixed: Accuracy


def paired_direct(
    gold: GoldDocument, quotes: Sequence[schema.Quote]
) -> tuple[list[GoldPair], list[schema.Quote], dict[int, int]]:
    """The gold and predicted direct quotes of a document, and their pairs by content overlap (gold -> predicted index)."""
    direct = [q for q in quotes if q.kind == DIRECT]
    wanted = gold.direct
    return wanted, direct, match([p.content for p in wanted], [(q.content.start, q.content.end) for q in direct], mode=OVERLAP)


def score_document(gold: GoldDocument, entities: Sequence[schema.Entity], quotes: Sequence[schema.Quote]) -> QuoteScores:
    """One document's scores (see the module docstring)."""
    names = {e.id: e.text for e in entities}
    wanted, direct, pairs = paired_direct(gold, quotes)
    speakers = Accuracy()
    for i, j in pairs.items():
        if wanted[i].speaker is not None:
            predicted = names.get(direct[j].speaker)
            speakers += Accuracy(int(predicted is not None and same_name(wanted[i].speaker, predicted)), 1)
    mixed = [(q.content.start, q.content.end) for q in quotes if q.kind == "mixed"]
    fragments = [p.content for p in gold.pairs if p.kind == FRAGMENT]
    covered = sum(1 for f in fragments if any(overlap(f, m) for m in mixed))
    return QuoteScores(
        direct=Counts.of(matched=len(pairs), gold=len(wanted), pred=len(direct)),
        speakers=speakers,
        indirect=sum(1 for q in quotes if q.kind == "indirect"),
        mixed=len(mixed),
        fragments_in_mixed=Accuracy(covered, len(fragments)),
    )


def score_quotes(scores: Iterable[QuoteScores]) -> QuoteScores:
    """The sum of documents' scores (micro-averaged)."""
    total = QuoteScores(Counts(), Accuracy(), 0, 0, Accuracy())
    for s in scores:
        total = QuoteScores(
            total.direct + s.direct,
            total.speakers + s.speakers,
            total.indirect + s.indirect,
            total.mixed + s.mixed,
            total.fragments_in_mixed + s.fragments_in_mixed,
        )
    return total
