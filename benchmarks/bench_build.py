"""Time ``validate`` + ``build`` end to end on a synthetic corpus of N articles.

    .venv/bin/python benchmarks/bench_build.py 100000 [--hand-every 1000] [--keep DIR]

The corpus is generated in the repository layout in a temporary folder:
articles of about 2 KB of text, each with a model annotation set holding 40
entities, 5 quotes and 5 events (valid: spans match the text, references
resolve, roles fit the event type), every thousandth article also with a hand
set (hand gold is scarce; the build scores the model set against it for the
dataset card), ``corpus/splits.json`` and the card body. Times ``build``,
which validates the repository as it reads it and refuses it if
``wirecorpus validate`` would report errors, so the figure is validate +
build end to end. Prints articles/s and the peak RSS of this process and of
its largest child. Target (issue 2): >= 5,000 articles/s and peak RSS < 1 GB
at N = 100,000 on two cores.

Then the incremental cases, each as a ratio to that full build: ``build``
again on the unchanged repository ("up to date"), and after one model
annotation file changed (its last event removed). The rebuilt release is
compared with a full build of the changed repository into another folder
(no record there), which must give the same bytes. Targets (issue 8), at
N = 100,000: up to date in under 5 % of the full build, one changed
annotation file in under 15 %.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from wirecorpus import card, layout, schema, splits
from wirecorpus.build import build
from wirecorpus.errors import ValidationFailed

REPO = Path(__file__).resolve().parents[1]

PEOPLE = ["Dmitry Peskov", "Vladimir Putin", "Alexander Lukashenko", "Angela Merkel", "Emmanuel Macron",
          "Xi Jinping", "Narendra Modi", "Olaf Scholz", "Sergey Lavrov", "Antony Blinken"]
ORGS = ["Gazprom", "the European Commission", "Rosneft", "the World Bank", "the United Nations",
        "Sberbank", "the Kremlin", "NATO", "the State Duma", "Aeroflot"]
PLACES = ["Moscow", "Sochi", "Minsk", "Berlin", "Paris", "Beijing", "New Delhi", "Geneva", "Brussels", "Kazan"]
DATES = ["Monday", "Tuesday", "September 14", "last week", "on Sunday", "March 3", "2020", "this year"]
MONEY = ["$2 billion", "500 million rubles", "$45 million", "1.2 billion euros"]
PERCENTS = ["21%", "3.5%", "12 percent", "0.4%"]
FILLER = ("The sides discussed bilateral trade, energy supplies and regional security, and agreed to "
          "continue the consultations at the level of experts in the coming months.")
# (event type, trigger, roles filled by the four entity slots of a sentence)
EVENTS = [
    ("Contact:Meet", "met", ("Entity", "Entity", "Place", "Time")),
    ("Economy:Agreement", "signed a deal with", ("Party", "Party", "Place", "Time")),
    ("Policy:Sanction", "imposed sanctions on", ("Agent", "Target", "Place", "Time")),
    ("Policy:Support", "backed", ("Agent", "Beneficiary", "Place", "Time")),
    ("Personnel:Nominate", "nominated", ("Agent", "Person", "Place", "Time")),
]
SLOT_LABELS = {"Entity": "PERSON", "Party": "ORG", "Agent": "PERSON", "Target": "ORG",
               "Beneficiary": "ORG", "Person": "PERSON", "Place": "GPE", "Time": "DATE"}
POOLS = {"PERSON": PEOPLE, "ORG": ORGS, "GPE": PLACES, "DATE": DATES, "MONEY": MONEY, "PERCENT": PERCENTS}


class Writer:
    """Appends text and records entity mentions with their offsets."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[dict] = []

    def text(self, piece: str) -> dict:
        span = {"start": self.length, "end": self.length + len(piece), "text": piece}
        self.parts.append(piece)
        self.length += len(piece)
        return span

    def entity(self, label: str) -> dict:
        span = self.text(self.rng.choice(POOLS[label]))
        entity = {"id": f"T{len(self.entities) + 1}", **span, "label": label}
        self.entities.append(entity)
        return entity


def event_paragraph(w: Writer, events: list[dict]) -> None:
    kind, trigger_word, roles = w.rng.choice(EVENTS)
    first = w.entity(SLOT_LABELS[roles[0]])
    w.text(" ")
    trigger = w.text(trigger_word)
    w.text(" ")
    second = w.entity(SLOT_LABELS[roles[1]])
    w.text(" in ")
    place = w.entity("GPE")
    w.text(" on ")
    when = w.entity("DATE")
    w.text(", with a package worth ")
    w.entity("MONEY")
    w.text(". " + FILLER + "\n\n")
    slots = zip(roles, (first, second, place, when))
    events.append({"id": f"E{len(events) + 1}", "type": kind, "trigger": trigger,
                   "arguments": [{"role": role, "entity": e["id"]} for role, e in slots]})


def quote_paragraph(w: Writer, quotes: list[dict]) -> None:
    w.text("\u201c")
    start = w.length
    w.text("Trade between ")
    w.entity("GPE")
    w.text(" and ")
    w.entity("GPE")
    w.text(" grew by ")
    w.entity("PERCENT")
    w.text(" and will keep growing")
    content = {"start": start, "end": w.length, "text": "".join(w.parts)[start:]}
    w.text(",\u201d ")
    speaker = w.entity("PERSON")
    w.text(" ")
    cue = w.text("said")
    w.text(". " + FILLER + "\n\n")
    quotes.append({"id": f"Q{len(quotes) + 1}", "kind": "direct", "content": content, "cue": cue,
                   "speaker": speaker["id"]})


def synthetic_article(rng: random.Random, number: int) -> tuple[dict, dict]:
    """One article record and its layers (the JSON forms)."""
    w = Writer(rng)
    w.entity("GPE")
    w.text(f", {rng.choice(['March', 'May', 'June'])} {number % 28 + 1}. /TASS/. Report number {number}: ")
    events: list[dict] = []
    quotes: list[dict] = []
    for _ in range(5):
        event_paragraph(w, events)
        quote_paragraph(w, quotes)
    w.text("The talks ended in ")
    w.entity("GPE")
    w.text(".")
    text = "".join(w.parts)
    date = f"20{20 + number % 6}-0{1 + number % 9}-{1 + number % 28:02d}"
    sha = layout.text_sha256(text)
    article = {"id": layout.article_id(source="tass", date=date, sha256=sha), "source": "tass", "date": date,
               "dateline": {"place": w.entities[0]["text"], "agency": "TASS"}, "text": text, "text_sha256": sha,
               "origin": f"raw/{number}.txt", "lang": "en", "license": "other"}
    return article, {"entities": w.entities, "quotes": quotes, "events": events}


ANNOTATORS = {
    "model": {"kind": "model", "name": "en_core_web_sm-3.8.0", "version": "3.8.0", "spacy_version": "3.8.0",
              "components": ["ner", "wirecorpus_quotes", "wirecorpus_events"], "wirecorpus_version": "0.1.0"},
    "hand": {"kind": "hand", "name": "a1"},
}


def generate(root: Path, n: int, *, hand_every: int) -> None:
    """A valid repository of ``n`` synthetic articles under ``root``."""
    (root / "annotations").mkdir(parents=True)
    for data in (layout.SCHEMA_PATH, layout.NER_TAGS_PATH, card.BODY_PATH):
        shutil.copy(REPO / data, root / data)
    rng = random.Random(20261125)
    ids = []
    for number in range(n):
        article, layers = synthetic_article(rng, number)
        record = schema.from_dict(schema.Article, article)
        layout.article_path(root, record).parent.mkdir(parents=True, exist_ok=True)
        layout.article_path(root, record).write_text(json.dumps(article, ensure_ascii=False, indent=2) + "\n")
        kinds = ("model", "hand") if hand_every and number % hand_every == 0 else ("model",)
        for kind in kinds:
            annotator = ANNOTATORS[kind]
            path = layout.annotation_path(root, kind=kind, name=annotator["name"], article_id=article["id"])
            path.parent.mkdir(parents=True, exist_ok=True)
            body = {"article": article["id"], "text_sha256": article["text_sha256"], "annotator": annotator,
                    "schema_version": "1.0", **layers}
            path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        ids.append(article["id"])
    splits.record_new_articles(root, ids)


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident set size of this process and of its (waited-for) children, in MB (Linux: KB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def timed_build(root: Path, out: Path) -> float:
    started = time.perf_counter()
    build(root=root, out=out)
    return time.perf_counter() - started


def change_one_annotation(root: Path) -> Path:
    """Remove the last event of one model annotation file, from the middle article on the first that has
    one left (a kept corpus is changed once per run); the file stays valid."""
    files = sorted(layout.set_folder(root, kind="model", name=ANNOTATORS["model"]["name"]).iterdir())
    for path in files[len(files) // 2 :]:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body["events"]:
            body["events"].pop()
            path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            return path
    raise SystemExit("no model annotation file with an event left to remove: generate the corpus again")


def incremental_cases(root: Path, scratch: Path, full: float, *, check: bool) -> int:
    """Time the up-to-date and one-changed-file builds as ratios to the full build; check the bytes."""
    release = scratch / "release"
    up_to_date = timed_build(root, release)
    print(f"up to date: {up_to_date:.2f} s, {up_to_date / full:.1%} of the full build (target: under 5 %)")
    changed = change_one_annotation(root)
    one_changed = timed_build(root, release)
    print(f"one changed annotation file ({changed.name}): {one_changed:.2f} s, {one_changed / full:.1%} of the full build (target: under 15 %)")
    if not check:
        return 0
    shutil.rmtree(scratch / "full", ignore_errors=True)
    timed_build(root, scratch / "full")
    same = (release / "MANIFEST.json").read_bytes() == (scratch / "full" / "MANIFEST.json").read_bytes()
    print(f"same bytes as a full build of the changed repository: {'yes' if same else 'NO'}")
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--hand-every", type=int, default=1000, help="every k-th article also gets a hand set (0: none)")
    parser.add_argument("--keep", type=Path, help="keep the corpus in this folder (and reuse it if it is there)")
    parser.add_argument("--no-incremental", action="store_true", help="time the full build only")
    parser.add_argument("--no-check", action="store_true", help="do not compare the rebuilt release with a second full build (which takes as long as the first)")
    args = parser.parse_args(argv)
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="bench_build."))
    root = scratch / "repo"
    try:
        if (root / "corpus").is_dir():
            print(f"reusing the corpus in {root}", file=sys.stderr)
        else:
            started = time.perf_counter()
            generate(root, args.n, hand_every=args.hand_every)
            print(f"generated {args.n} articles in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for release in ("release", "full"):
            shutil.rmtree(scratch / release, ignore_errors=True)
            shutil.rmtree(layout.build_record_path(scratch / release), ignore_errors=True)
        started = time.perf_counter()
        try:
            release = build(root=root, out=scratch / "release")
        except ValidationFailed as error:
            print(f"the synthetic corpus does not validate: {error}", file=sys.stderr)
            return 1
        elapsed = time.perf_counter() - started
        own, children = peak_rss_mb()
        print(f"articles: {args.n}")
        print(f"validate + build: {elapsed:.2f} s")
        print(f"throughput: {args.n / elapsed:,.0f} articles/s (validate + build)")
        print(f"peak RSS: {own:,.0f} MB (process), {children:,.0f} MB (largest child)")
        print(f"release: {sum(p.stat().st_size for p in release.rglob('*') if p.is_file()) / 1e6:,.1f} MB")
        if not args.no_incremental:
            return incremental_cases(root, scratch, elapsed, check=not args.no_check)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
