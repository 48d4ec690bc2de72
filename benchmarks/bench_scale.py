"""Time every step of the pipeline at N synthetic articles, each step run as a user runs it.

    .venv/bin/python benchmarks/bench_scale.py 1000000 --workdir /work/scale/1m [--steps validate,build]

The steps, in order (``--steps`` runs a subset on an existing workdir, so one
step can be measured again without writing a million files anew):

    generate    N raw files (``date YYYY-MM-DD`` header, then the text of
                bench_build's ``synthetic_article``) under DIR/incoming/, 1,000
                a folder, and the repository skeleton in DIR/repo
    ingest      ``wirecorpus ingest DIR/incoming --source tass``
    annotate    the model annotation file of every article (and a hand set every
                1,000th), as bench_build.generate writes them; the ids come from
                layout.article_id over source, date and text hash
    validate    ``wirecorpus validate``
    build       ``wirecorpus build --out DIR/release`` (the full build)
    load        ``wirecorpus.load("model", "train", path=DIR/release)``, then every
                row read in Arrow batches (the datasets cache goes to DIR/hf-cache)
    git-add     ``git init && git add -A`` in DIR/repo
    git-commit  ``git commit``
    git-status  ``git status --porcelain`` twice: the first run after the commit, then again
    du          disk used (blocks) and apparent size (bytes) of corpus/, annotations/,
                raw/, .git, the release and DIR/incoming; the git index and
                corpus/splits.json; the time to list the largest folders

Article ``number`` is made with ``random.Random(number)``, so any step can make
it again alone. Each Python step runs in a fresh interpreter through a small
launcher that runs the module or script in-process and, at exit, records
``getrusage(RUSAGE_SELF)`` (the step's own process) and ``getrusage(RUSAGE_CHILDREN)``.
On Linux the latter's ``ru_maxrss`` is the peak of the single largest
descendant that was waited for (a pool worker, or a worker's own child), not a
sum of them. A peak counts file pages mapped in as well as the process's own
memory (a memory-mapped Arrow file that is read end to end is all resident), so
the launcher also records the step's anonymous and file-backed RSS at exit. For git and du only ``os.wait4``'s figure exists: the peak of the
process or of its largest waited-for descendant. Neither adds up the workers, and a forked worker's
RSS counts the pages it shares with its parent; so while a step runs, this script also samples
its whole process tree twice a second (``/proc/<pid>/smaps_rollup``) and records the peak of the
sum of the processes' proportional set sizes, anonymous (``Pss_Anon``: the memory the step holds,
each shared page counted once) and all (with the file pages mapped in). Prints a table and one JSON
line per step, and appends the JSON lines to DIR/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

STEPS = ("generate", "ingest", "annotate", "validate", "build", "load", "git-add", "git-commit", "git-status", "du")
FILES_PER_FOLDER = 1000
SOURCE = "tass"
REPO = Path(__file__).resolve().parents[1]
MODEL_SET = "annotations/model/en_core_web_sm-3.8.0"  # bench_build.ANNOTATORS["model"]["name"]
# Runs a module (-m) or a script (-p) in this interpreter and records the peak RSS figures in a file at exit.
LAUNCHER = """\
import json, resource, runpy, sys
record, kind, target, *args = sys.argv[1:]
sys.argv = [target, *args]
code = 0
try:
    if kind == "-m":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        runpy.run_path(target, run_name="__main__")
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
finally:
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if line.startswith(("RssAnon", "RssFile")))
    with open(record, "w") as handle:
        json.dump({"self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                   **{key: int(value.split()[0]) for key, value in status.items()}}, handle)
sys.exit(code)
"""


class Workdir:
    """The folders of one run: raw files, the repository, the release, logs."""

    def __init__(self, folder: Path, n: int) -> None:
        self.folder = folder.resolve()
        self.n = n
        self.incoming = self.folder / "incoming"
        self.repo = self.folder / "repo"
        self.release = self.folder / "release"
        self.logs = self.folder / "logs"
        self.hf_cache = self.folder / "hf-cache"

    def env(self) -> dict[str, str]:
        """The environment of every step: this checkout's package and benchmarks first, git's identity, datasets' cache here."""
        paths = (str(REPO / "src"), str(REPO / "benchmarks"), os.environ.get("PYTHONPATH"))
        return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths)),
                "HF_DATASETS_CACHE": str(self.hf_cache), "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
                "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


# --------------------------------------------------------------------------
# The steps that this script does itself (run in a fresh interpreter too).


# This script's own process imports neither wirecorpus nor bench_build (pyarrow and all): a child's
# peak RSS starts from its parent's at the fork, so a large parent would raise every step's figure.


def article(number: int) -> tuple[dict, dict]:
    from bench_build import synthetic_article

    return synthetic_article(random.Random(number), number)


def generate(work: Workdir) -> None:
    """N raw files under incoming/, and the repository's schema, tags and card body."""
    from wirecorpus import card, layout

    for data in (layout.SCHEMA_PATH, layout.NER_TAGS_PATH, card.BODY_PATH):
        (work.repo / data).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / data, work.repo / data)
    (work.repo / ".gitignore").write_text(".wirecorpus.lock\n")
    for number in range(work.n):
        record, _ = article(number)
        path = work.incoming / f"{number // FILES_PER_FOLDER:05d}" / f"{number:08d}.txt"
        if number % FILES_PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"date {record['date']}\n{record['text']}\n", encoding="utf-8")


def annotate(work: Workdir) -> None:
    """The annotation files bench_build.generate writes, for the articles ingest made of the raw files."""
    from bench_build import ANNOTATORS

    from wirecorpus import layout

    folders: set[Path] = set()
    refused = refused_numbers(work)
    for number in range(work.n):
        if number in refused:
            continue
        record, layers = article(number)
        article_id = layout.article_id(source=SOURCE, date=record["date"], sha256=record["text_sha256"])
        for kind in ("model", "hand") if number % 1000 == 0 else ("model",):
            annotator = ANNOTATORS[kind]
            path = layout.annotation_path(work.repo, kind=kind, name=annotator["name"], article_id=article_id)
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            body = {"article": article_id, "text_sha256": record["text_sha256"], "annotator": annotator,
                    "schema_version": "1.0", **layers}
            path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def refused_numbers(work: Workdir) -> set[int]:
    """The articles ingest refused (an id that 8 hex digits of the hash share with another text of that day, say):
    they get no annotation file, which would stand on the other article's path."""
    errors = work.logs / "ingest.err"
    lines = errors.read_text(encoding="utf-8").splitlines() if errors.exists() else []
    return {int(Path(line.split()[1].rstrip(":")).stem) for line in lines if line.startswith("refused ")}


def load(work: Workdir) -> None:
    """The train split of the model config, every row read."""
    import wirecorpus

    train = wirecorpus.load("model", "train", path=work.release)
    rows = entities = 0
    for batch in train.iter(batch_size=1000):
        rows += len(batch["id"])
        entities += sum(map(len, batch["entities"]))
    print(f"load: {rows} rows, {entities} entities")


INSIDE = {"generate": generate, "annotate": annotate, "load": load}


# --------------------------------------------------------------------------
# Running and measuring a step.


class TreeMemory:
    """Samples a process and its descendants every ``interval`` seconds until the block ends: the peak
    of the sum of their ``Pss_Anon``, and of their ``Pss`` (kB)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.peak_anon_kb = self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.is_set():
            anon = total = 0
            for pid in self._tree():
                figures = _pss_kb(pid)
                anon += figures.get("Pss_Anon", 0)
                total += figures.get("Pss", 0)
            self.peak_anon_kb, self.peak_kb = max(self.peak_anon_kb, anon), max(self.peak_kb, total)
            self._done.wait(self.interval)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat") as stat:
                        parent = int(stat.read().rpartition(")")[2].split()[1])
                except (OSError, ValueError, IndexError):  # gone meanwhile
                    continue
                children.setdefault(parent, []).append(int(entry.name))
        tree, pending = [], [self.pid]
        while pending:
            pid = pending.pop()
            tree.append(pid)
            pending += children.get(pid, [])
        return tree


def _pss_kb(pid: int) -> dict[str, int]:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            lines = rollup.read().splitlines()[1:]
    except OSError:  # gone meanwhile
        return {}
    return {key: int(value.split()[0]) for key, value in (line.split(":", 1) for line in lines)}


def run(work: Workdir, step: str, argv: list[str], *, python: bool, cwd: Path | None = None) -> dict:
    """Run one command to its end; its wall time and peak RSS figures (MB), its output kept under logs/."""
    work.logs.mkdir(parents=True, exist_ok=True)
    record = work.logs / f"{step}.rss.json"
    record.unlink(missing_ok=True)
    command = [sys.executable, "-c", LAUNCHER, str(record), *argv] if python else argv
    with open(work.logs / f"{step}.out", "ab") as out, open(work.logs / f"{step}.err", "ab") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd or work.repo, stdout=out, stderr=err, env=work.env())
        with TreeMemory(process.pid) as tree:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    figures = {"step": step, "n": work.n, "wall_s": round(wall, 2), "articles_per_s": round(work.n / wall) if wall else None,
               "exit": process.returncode, "tree_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
               "load_1min": round(os.getloadavg()[0], 2), "tree_peak_pss_anon_mb": round(tree.peak_anon_kb / 1024, 1),
               "tree_peak_pss_mb": round(tree.peak_kb / 1024, 1)}
    if python and record.exists():
        rss = json.loads(record.read_text())
        figures.update(main_rss_mb=round(rss["self_kb"] / 1024, 1), largest_child_rss_mb=round(rss["children_kb"] / 1024, 1),
                       exit_rss_anon_mb=round(rss["RssAnon"] / 1024, 1), exit_rss_file_mb=round(rss["RssFile"] / 1024, 1))
    return figures


def python_step(work: Workdir, step: str) -> list[dict]:
    """A step as a user runs it: the CLI (or this script's own step) in a fresh interpreter."""
    cli = {
        "ingest": ["ingest", str(work.incoming), "--source", SOURCE],
        "validate": ["validate"],
        "build": ["build", "--out", str(work.release), "--quiet"],
    }
    if step == "build":
        shutil.rmtree(work.release, ignore_errors=True)
    if step == "load":
        shutil.rmtree(work.hf_cache, ignore_errors=True)
    if step in cli:
        return [run(work, step, ["-m", "wirecorpus", *cli[step]], python=True)]
    return [run(work, step, ["-p", __file__, str(work.n), "--workdir", str(work.folder), "--inside", step], python=True)]


def git_steps(work: Workdir, step: str) -> list[dict]:
    if step == "git-add":
        shutil.rmtree(work.repo / ".git", ignore_errors=True)
        run(work, "git-init", ["git", "init", "-q"], python=False)
        return [run(work, step, ["git", "add", "-A"], python=False)]
    if step == "git-commit":
        return [run(work, step, ["git", "commit", "-q", "-m", "synthetic corpus"], python=False)]
    return [run(work, f"git-status-{which}", ["git", "status", "--porcelain"], python=False) for which in ("first", "again")]


def disk_usage(work: Workdir) -> list[dict]:
    """du of each part (blocks and bytes), with the time each du took, and the sizes of the one-file indexes."""
    parts = {"corpus": work.repo / "corpus", "annotations": work.repo / "annotations", "raw": work.repo / "raw",
             ".git": work.repo / ".git", "release": work.release, "incoming": work.incoming, "hf-cache": work.hf_cache}
    results = []
    for name, folder in parts.items():
        if not folder.exists():
            continue
        figures = run(work, f"du-{name}", ["du", "-s", "-B1", str(folder)], python=False)
        blocks = int((work.logs / f"du-{name}.out").read_text().split()[-2])
        apparent = subprocess.run(["du", "-s", "-b", str(folder)], capture_output=True, text=True, check=True).stdout.split()[0]
        results.append({**figures, "disk_bytes": blocks, "apparent_bytes": int(apparent)})
    results.append(sizes_and_listings(work))
    return results


def sizes_and_listings(work: Workdir) -> dict:
    """corpus/splits.json and .git/index sizes, and how long listing the largest folders takes (scandir, names only)."""
    figures = {"step": "files", "n": work.n}
    for name, path in (("splits_json_bytes", work.repo / "corpus" / "splits.json"), ("git_index_bytes", work.repo / ".git" / "index")):
        figures[name] = path.stat().st_size if path.exists() else None
    folders = {"list_model_set": work.repo / MODEL_SET, "list_raw_tass": work.repo / "raw" / SOURCE,
               "list_corpus_2020": work.repo / "corpus" / SOURCE / "2020"}
    for name, folder in folders.items():
        if folder.is_dir():
            started = time.perf_counter()
            with os.scandir(folder) as listing:
                figures[f"{name}_entries"] = sum(1 for _ in listing)
            figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
    return figures


def measure(work: Workdir, step: str) -> list[dict]:
    if step.startswith("git-"):
        return git_steps(work, step)
    if step == "du":
        return disk_usage(work)
    return python_step(work, step)


def print_table(results: list[dict]) -> None:
    print(f"{'step':<18} {'wall s':>9} {'art/s':>9} {'main MB':>9} {'child MB':>9} {'tree MB':>9} {'anon MB':>9} {'load':>5}  exit")
    for row in results:
        if "wall_s" in row:
            print(f"{row['step']:<18} {row['wall_s']:>9.1f} {row['articles_per_s'] or 0:>9,} {row.get('main_rss_mb', '-'):>9} "
                  f"{row.get('largest_child_rss_mb', '-'):>9} {row['tree_peak_rss_mb']:>9} {row['tree_peak_pss_anon_mb']:>9} {row['load_1min']:>5}  {row['exit']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--workdir", type=Path, required=True, help="where the raw files, the repository and the release go")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated steps to run (default: all: {','.join(STEPS)})")
    parser.add_argument("--inside", choices=tuple(INSIDE), help=argparse.SUPPRESS)  # the launcher runs a step of this script
    args = parser.parse_args(argv)
    work = Workdir(args.workdir, args.n)
    if args.inside:
        INSIDE[args.inside](work)
        return 0
    steps = args.steps.split(",")
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; the steps are {', '.join(STEPS)}")
    work.repo.mkdir(parents=True, exist_ok=True)
    results = []
    for step in steps:
        for figures in measure(work, step):
            results.append(figures)
            line = json.dumps(figures)
            print(line, flush=True)
            with open(work.folder / "results.jsonl", "a") as handle:
                handle.write(line + "\n")
            if figures.get("exit"):
                print(f"{figures['step']} failed (exit {figures['exit']}); see {work.logs}", file=sys.stderr)
                print_table(results)
                return 1
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
