"""Several `wirecorpus ingest` processes at once lose nothing and add nothing twice.

Each process ingests its own raw files, from outside the repository, and the
same few shared texts under its own source (so under ids of its own). Each
waits for a common start time after its imports, so that the runs overlap as
much as they can. Without the repository lock, a run's read-modify-write of
corpus/splits.json can overwrite another's, and two runs can both find a
shared text new and add it twice.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import REPO

from wirecorpus import corpus, layout, splits
from wirecorpus.validate import render, validate

PROCESSES = 4
OWN_FILES = 50
SHARED_FILES = 10
# Imports, then sleep until the shared start time, then the command itself.
RUN_AT = "import sys, time; from wirecorpus import cli; time.sleep(max(0.0, float(sys.argv[1]) - time.time())); sys.exit(cli.main(sys.argv[2:]))"
SUMMARY = re.compile(r"^ingest: (?P<added>\d+) added, 0 unchanged, (?P<refused>\d+) refused$")


def write_raw(path: Path, date: str, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date {date}\n{text}\n", encoding="utf-8")
    return path


def raw_batches(folder: Path) -> list[list[Path]]:
    shared = [write_raw(folder / "shared" / f"{n:02d}.txt", "2021-06-01", f"SEOUL, June 1 -- Shared story {n}.") for n in range(SHARED_FILES)]
    return [
        [write_raw(folder / f"p{p}" / f"{n:02d}.txt", f"2021-{p + 1:02d}-{n % 28 + 1:02d}", f"SEOUL -- Story {n} of batch {p}.") for n in range(OWN_FILES)] + shared
        for p in range(PROCESSES)
    ]


def test_ingest_concurrent_runs_lose_nothing(empty_repo: Path, tmp_path_factory) -> None:
    batches = raw_batches(tmp_path_factory.mktemp("outside"))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    start = time.time() + 2.0
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_AT, str(start), "ingest", "--root", str(empty_repo), "--source", f"wire{p}", *map(str, batch)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for p, batch in enumerate(batches)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    summaries = [SUMMARY.match(out.splitlines()[-1]) for out, _ in outputs]
    assert all(summaries), outputs
    added = sum(int(s["added"]) for s in summaries)
    assert [int(s["added"]) + int(s["refused"]) for s in summaries] == [OWN_FILES + SHARED_FILES] * PROCESSES
    assert all(line.startswith("refused ") and "the same text is already in the corpus as " in line for _, err in outputs for line in err.splitlines())
    assert added == PROCESSES * OWN_FILES + SHARED_FILES  # each shared text added once, by one of the runs

    articles = list(corpus.iter_articles(empty_repo))
    assert len(articles) == added
    assert len(list((empty_repo / layout.RAW_DIR).rglob("*.txt"))) == added
    listed = Counter(article for ids in splits.read_splits(empty_repo).values() for article in ids)
    assert listed == Counter(article.id for article in articles)  # each in exactly one split
    assert splits.assignment(empty_repo) == {a.id: splits.split_for(a.id) for a in articles}
    report = validate(None, root=empty_repo)
    assert report.ok, render(report, format="text")


def brat_export(folder: Path, batch: int, count: int) -> Path:
    """A brat collection of ``count`` new stories, each with one entity; names carry the date for --ingest."""
    folder.mkdir(parents=True)
    for n in range(count):
        text = f"SEOUL -- Imported story {n} of export {batch} names Seoul."
        stem = f"story-2022-{batch + 1:02d}-{n % 28 + 1:02d}-{n}"
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        start = text.rindex("Seoul")
        (folder / f"{stem}.ann").write_text(f"T1\tGPE {start} {start + 5}\tSeoul\n", encoding="utf-8")
    return folder


def test_ingest_and_import_runs_at_once_lose_nothing(empty_repo: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    ingests = [batch[:30] for batch in raw_batches(outside)[:2]]
    exports = [brat_export(outside / f"export{p}", p, 30) for p in range(2)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    start = time.time() + 2.0
    commands = [["ingest", "--source", f"wire{p}", *map(str, batch)] for p, batch in enumerate(ingests)]
    commands += [["import", "brat", str(export), "--annotator", f"b{p}", "--ingest", "--source", f"tool{p}"] for p, export in enumerate(exports)]
    runs = [
        subprocess.Popen([sys.executable, "-c", RUN_AT, str(start), *command, "--root", str(empty_repo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for command in commands
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * len(runs), outputs

    articles = list(corpus.iter_articles(empty_repo))
    assert len(articles) == 2 * 30 + 2 * 30
    listed = Counter(article for ids in splits.read_splits(empty_repo).values() for article in ids)
    assert listed == Counter(article.id for article in articles)
    for p in range(2):
        files = layout.annotation_files(empty_repo, "hand")
        assert len([f for f in files if f.parent.name == f"b{p}"]) == 30
    report = validate(None, root=empty_repo)
    assert report.ok, render(report, format="text")
