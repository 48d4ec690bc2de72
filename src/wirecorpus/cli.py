"""The ``wirecorpus`` command: a thin shell over the library API.

Each subcommand parses its arguments, calls one library function with
keyword arguments, and prints. A :class:`~wirecorpus.errors.WirecorpusError`
becomes a one-line message on stderr and exit status 1; a usage error exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .layout import find_root
from .errors import WirecorpusError


def cmd_ingest(args: argparse.Namespace, root: Path) -> int:
    from .ingest import ingest

    report = ingest(args.files, root=root, source=args.source, lang=args.lang, license=args.license)
    for article in report.added:
        print(f"added {article}")
    for name in report.unchanged:
        print(f"unchanged {name}")
    for _name, message in report.refused:
        print(f"refused {message}", file=sys.stderr)
    print(f"ingest: {len(report.added)} added, {len(report.unchanged)} unchanged, {len(report.refused)} refused")
    return 0 if report.ok else 1


def cmd_validate(args: argparse.Namespace, root: Path) -> int:
    from .validate import render, validate

    if args.changed_since is None:
        report = validate(args.paths or None, root=root)
    else:
        from .validate.changes import validate_changes

        scope, report = validate_changes(root=root, since=args.changed_since)
        print(f"wirecorpus: {scope.describe()}", file=sys.stderr)
    sys.stdout.write(render(report, format=args.format))
    return 0 if report.ok else 1


def cmd_build(args: argparse.Namespace, root: Path) -> int:
    from .build import build, release_path

    existed = release_path(root, args.out).exists()
    release = build(root=root, out=args.out, progress=not args.quiet)
    print(f"{'up to date' if existed else 'built'} {release}")
    return 0


def cmd_stats(args: argparse.Namespace, root: Path) -> int:
    from .stats import corpus_stats, render_stats

    print(render_stats(corpus_stats(root=root), format=args.format), end="")
    return 0


def cmd_annotate(args: argparse.Namespace, root: Path) -> int:
    from .annotate import annotate

    report = annotate(
        args.articles or None,
        root=root,
        model=args.model,
        engine=args.engine,
        n_process=args.n_process,
        actors=args.actors,
        address=args.address,
        batch_size=args.batch_size,
        progress=not args.quiet,
    )
    print(report.summary())
    return 0


def cmd_evaluate(args: argparse.Namespace, root: Path) -> int:
    from .evaluate import evaluate, render

    result = evaluate(root=root, gold=args.gold, pred=args.pred)
    sys.stdout.write(render(result, format=args.format))
    return 0


def cmd_import(args: argparse.Namespace, root: Path) -> int:
    from .importer import NewArticles, import_annotations, render_report

    new_articles = None
    if args.ingest:
        if not args.source:
            raise WirecorpusError("--ingest needs --source NAME (the source of the new articles, e.g. ap)")
        new_articles = NewArticles(source=args.source, license=args.license, lang=args.lang, date=args.date)
    report = import_annotations(
        args.format, args.paths, root=root, annotator=args.annotator, map_path=args.map, new_articles=new_articles,
        skip_unconvertible=args.skip_unconvertible, dry_run=args.dry_run, replace=args.replace,
    )
    sys.stdout.write(render_report(report, verbose=args.verbose))
    return 1 if report.refused else 0


def cmd_export(args: argparse.Namespace, root: Path) -> int:
    from .exporter import export_annotations

    written = export_annotations(args.format, root=root, set_name=args.set, article_ids=args.articles or None, out=args.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def _iso_date(value: str):
    import datetime

    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirecorpus",
        description="Ingest, annotate, validate and build the wirecorpus dataset.",
    )
    parser.add_argument("--version", action="version", version=f"wirecorpus {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="the repository (default: the one around the current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", parents=[common], help="add raw wire articles to corpus/")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="raw article files ('date YYYY-MM-DD' header, then the text)")
    p.add_argument("--source", help="source name, e.g. tass (default: from the dateline's agency)")
    p.add_argument("--lang", default="en", help="language code of the articles (default: en)")
    p.add_argument("--license", default="other", help="licence of the article texts (default: other)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("validate", parents=[common], help="check articles and annotation files")
    targets = p.add_mutually_exclusive_group()
    targets.add_argument("paths", nargs="*", type=Path, default=[], metavar="PATH", help="files or folders (default: the whole repository)")
    targets.add_argument(
        "--changed-since",
        metavar="REF",
        help="the files changed since a git ref (working tree against REF, untracked files too), "
        "with the corpus checks those changes can break",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format: text, JSON Lines, or GitHub Actions annotations (default: text)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", parents=[common], help="build the Hugging Face dataset release")
    p.add_argument("--out", type=Path, help="release folder (default: dist/wirecorpus-<version>)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("stats", parents=[common], help="counts per layer, label, split and annotation set")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_stats)

    from .executor import ENGINES

    p = sub.add_parser("annotate", parents=[common], help="write model annotations with a spaCy pipeline")
    p.add_argument("articles", nargs="*", metavar="ARTICLE-ID", help="articles to annotate (default: all)")
    p.add_argument("--model", default=None, help="installed spaCy pipeline (default: the pinned en_core_web_sm)")
    p.add_argument("--engine", choices=ENGINES, default="local", help="where the pipeline runs: this machine's processes, or a Ray cluster's actors (default: local)")
    p.add_argument("--n-process", type=int, default=None, help="with --engine local: worker processes (default: 1, this process)")
    p.add_argument("--actors", type=int, default=None, metavar="N", help="with --engine ray: actors, each with its own pipeline (default: one per CPU of the cluster)")
    p.add_argument("--address", default=None, help="with --engine ray: the cluster to join, ray://HOST:PORT or auto (default: start Ray on this machine)")
    p.add_argument("--batch-size", type=int, default=64, help="texts per batch sent to a worker (default: 64)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_annotate)

    p = sub.add_parser("evaluate", parents=[common], help="score one annotation set against another")
    p.add_argument("--gold", required=True, help="gold set, e.g. hand/a1")
    p.add_argument("--pred", required=True, help="predicted set, e.g. model/en_core_web_sm-3.8.0")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_evaluate)

    from .exporter import FORMATS as EXPORT_FORMATS
    from .importer import FORMATS as IMPORT_FORMATS

    p = sub.add_parser("import", parents=[common], help="bring annotations in from an annotation tool's export")
    p.add_argument("format", choices=tuple(IMPORT_FORMATS), metavar="FORMAT", help=f"the tool: {', '.join(IMPORT_FORMATS)}")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="export files or folders")
    p.add_argument("--annotator", required=True, metavar="NAME", help="the annotation set to write; {annotator} is replaced by the annotator the tool names")
    p.add_argument("--map", type=Path, metavar="MAP.json", help="how the tool's labels become layers (default: inventory labels map to themselves)")
    p.add_argument("--ingest", action="store_true", help="add a document that matches no article as a new article")
    p.add_argument("--source", help="with --ingest: the source of new articles, e.g. ap")
    p.add_argument("--license", default="other", help="with --ingest: the licence of new article texts (default: other)")
    p.add_argument("--lang", default="en", help="with --ingest: their language (default: en)")
    p.add_argument("--date", type=_iso_date, help="with --ingest: their date (default: the YYYY-MM-DD date in each document's name)")
    p.add_argument("--skip-unconvertible", action="store_true", help="write what converts and list everything skipped")
    p.add_argument("--replace", action="store_true", help="overwrite annotation files that hold other content")
    p.add_argument("--dry-run", action="store_true", help="report what would be written; write nothing")
    p.add_argument("--verbose", action="store_true", help="a line per document, not only the totals and the problems")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help="write an annotation set out for another tool")
    p.add_argument("format", choices=tuple(EXPORT_FORMATS), metavar="FORMAT", help=f"one of {', '.join(EXPORT_FORMATS)}")
    p.add_argument("articles", nargs="*", metavar="ARTICLE-ID", help="articles to export (default: all the set covers)")
    p.add_argument("--set", required=True, metavar="SET", help="the annotation set, e.g. hand/a1")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="the folder to write into")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, find_root(args.root))
    except WirecorpusError as exc:
        print(f"wirecorpus: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wirecorpus: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
