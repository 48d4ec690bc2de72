"""Time ``validate`` alone on a synthetic corpus of N articles, with 1 and with 2 worker processes.

    .venv/bin/python benchmarks/bench_validate.py 20000 [--keep DIR] [--workers 1 2]

The corpus is the one bench_build.py generates (articles of about 2 KB, 40
entities, 5 quotes and 5 events each). Prints wall and CPU time, articles/s
and peak RSS for each worker count. Wall time depends on what else runs on
the machine; CPU seconds per 1,000 articles is the steadier figure.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench_build import generate, peak_rss_mb

from wirecorpus.validate import validate


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it (reused when it exists)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to time")
    args = parser.parse_args(argv)
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="bench_validate."))
    root = scratch / "repo"
    try:
        if not root.exists():
            generate(root, args.n, hand_every=10)
        for workers in args.workers:
            wall, cpu = time.perf_counter(), cpu_seconds()
            report = validate(None, root=root, workers=workers)
            wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
            print(
                f"workers {workers}: {report.files:,} files, {report.errors} errors; "
                f"{wall:.2f} s wall, {args.n / wall:,.0f} articles/s; {cpu / args.n * 1000:.2f} CPU s per 1,000 articles"
            )
        own, children = peak_rss_mb()
        print(f"peak RSS: {own:,.0f} MB (process), {children:,.0f} MB (largest worker)")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
