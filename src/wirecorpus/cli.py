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
    from .ingest import ingest_batches

    counts = {"added": 0, "unchanged": 0, "refused": 0, "repaired": 0}  # not the reports: a run may take millions of files
    for report in ingest_batches(args.files, root=root, source=args.source, lang=args.lang, license=args.license):
        for article in report.added:
            print(f"added {article}")
        for name in report.unchanged:
            print(f"unchanged {name}")
        for _name, message in report.refused:
            print(f"refused {message}", file=sys.stderr)
        for article, split in report.repaired.items():
            print(f"split {article}: {split} (it was in no split)")
        for key, items in (("added", report.added), ("unchanged", report.unchanged), ("refused", report.refused), ("repaired", report.repaired)):
            counts[key] += len(items)
    repaired = f", {counts['repaired']} given a missing split" if counts["repaired"] else ""
    print(f"ingest: {counts['added']} added, {counts['unchanged']} unchanged, {counts['refused']} refused{repaired}")
    return 0 if not counts["refused"] else 1


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
    from .build import MANIFEST_NAME, build, release_path

    manifest = release_path(root, args.out) / MANIFEST_NAME
    before = manifest.read_bytes() if manifest.is_file() else None
    release = build(root=root, out=args.out, progress=not args.quiet)
    print(f"{'up to date' if before == (release / MANIFEST_NAME).read_bytes() else 'built'} {release}")
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


def cmd_agree(args: argparse.Namespace, root: Path) -> int:
    from .agree import agree, render

    result = agree(root=root, articles=args.articles or None, sets=args.sets)
    sys.stdout.write(render(result, format=args.format))
    return 0


def cmd_import(args: argparse.Namespace, root: Path) -> int:
    from .importer import NewArticles, import_annotations, render_report

    new_articles = None
    if args.ingest:
        if not args.source:
            args.usage_error("--ingest needs --source NAME (the source of the new articles, e.g. ap)")
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


def cmd_review(args: argparse.Namespace, root: Path) -> int:
    from .review import write_review

    if args.all == bool(args.articles):
        args.usage_error("give the articles to review or --all, one of the two")
    written = write_review(root=root, article_ids=None if args.all else args.articles, sets=args.sets, out=args.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_adjudicate(args: argparse.Namespace, root: Path) -> int:
    from .adjudicate import adjudicate, render

    result = adjudicate(root=root, article_id=args.article, sources=args.sources, target=args.target, rule=args.rule, replace=args.replace)
    sys.stdout.write(render(result, format=args.format))
    return 0


def cmd_publish(args: argparse.Namespace, root: None) -> int:
    import os

    from .release.publish import plan_publish, publish

    plan = plan_publish(args.folder, args.repo_id)
    token = os.environ.get(args.token_env) or None
    print(plan.describe(), end="")
    if args.dry_run or token is None:
        why = "--dry-run" if args.dry_run else f"no token in ${args.token_env}"
        print(f"dry run ({why}): nothing was sent to the Hub")
        return 0
    published = publish(plan, token=token)
    for path in published.deleted:
        print(f"deleted {path} (not in this release)")
    print(f"published {plan.repo_id}: commit {published.commit} tagged {published.tag} ({published.commit_url})")
    return 0


def _hub_repo_id(value: str) -> str:
    from .load import HUB_ID_PATTERN

    if not HUB_ID_PATTERN.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a Hub repository id (ORG/NAME)")
    return value


def cmd_release(args: argparse.Namespace, root: Path) -> int:
    from .layout import relative
    from .release.cut import cut_release, git_commands

    result = cut_release(root, bump=args.bump, date=args.date, dry_run=args.dry_run, progress=not args.quiet)
    plan = result.plan
    print(f"release {plan.current} -> {plan.version} (--bump {plan.bump.word}; the changes need {plan.diff.level.word})")
    for change in plan.diff.changes:
        print(f"  {change.level.word:<5}  {change.section.lower():<7}  {change.describe()}")
    print()
    sys.stdout.write(plan.entry)
    if result.folder is None:
        print("\ndry run: nothing written")
        return 0
    print(f"\nbuilt {relative(root, result.folder)}")
    for path in result.written:
        print(f"wrote {path}")
    print("\nthen commit the data and these files, tag the commit and publish the release:")
    for command in git_commands(root, result):
        print(f"  {command}")
    print(f"  wirecorpus publish {relative(root, result.folder)} --repo-id ORG/NAME")
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
    _add_input_commands(sub, common)
    _add_checking_and_release_commands(sub, common)
    _add_comparison_commands(sub, common)
    return parser


def _add_input_commands(sub, common: argparse.ArgumentParser) -> None:
    """The steps that bring data in, in the order it flows: ingest, import, annotate."""
    p = sub.add_parser(
        "ingest",
        parents=[common],
        help="add raw wire articles to corpus/",
        description="Add raw wire articles to corpus/ (a file from outside the repository is kept under raw/<source>/) "
        "and give every article that is in no split its split. A folder stands for every file under it, in path order, "
        "hidden files left out. With no FILE, only the splits are repaired.",
    )
    p.add_argument("files", nargs="*", type=Path, metavar="FILE", help="raw article files ('date YYYY-MM-DD' header, then the text) or folders of them")
    p.add_argument("--source", help="source name, e.g. tass (default: from the dateline's agency)")
    p.add_argument("--lang", default="en", help="language code of the articles (default: en)")
    p.add_argument("--license", default="other", help="licence of the article texts (default: other)")
    p.set_defaults(func=cmd_ingest)

    from .formats import IMPORT_FORMATS
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
    p.set_defaults(func=cmd_import, usage_error=p.error)

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


def _add_checking_and_release_commands(sub, common: argparse.ArgumentParser) -> None:
    """The steps after the data is in: validate, build, release, publish."""
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

    p = sub.add_parser(
        "build",
        parents=[common],
        help="build the Hugging Face dataset release",
        description="Validate the repository and build its release. Incremental: nothing is read if nothing changed since "
        "the last build (up to date), and only the chunks of articles whose files changed are made again.",
    )
    p.add_argument("--out", type=Path, help="release folder (default: dist/wirecorpus-<version>)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", parents=[common], help="cut a release: diff with the last one, bump the version, changelog, record, build")
    p.add_argument("--bump", required=True, choices=("major", "minor", "patch"), help="the version part to bump; refused if smaller than the changes need")
    p.add_argument("--dry-run", action="store_true", help="print the diff, the new version and the changelog entry; write nothing")
    p.add_argument("--date", type=_iso_date, help="the release date, YYYY-MM-DD (default: today in UTC)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("publish", help="upload a built release to the Hugging Face Hub and tag it v<version>")
    p.add_argument("folder", type=Path, metavar="DIR", help="the release folder, e.g. dist/wirecorpus-0.1.0")
    p.add_argument("--repo-id", required=True, type=_hub_repo_id, metavar="ORG/NAME", help="the Hub dataset repository")
    p.add_argument("--dry-run", action="store_true", help="print the planned commit and tag; send nothing (the default without a token)")
    p.add_argument("--token-env", default="HF_TOKEN", metavar="VAR", help="the environment variable holding the Hub token (default: HF_TOKEN)")
    p.set_defaults(func=cmd_publish, needs_root=False)


def _add_comparison_commands(sub, common: argparse.ArgumentParser) -> None:
    """The commands that count, compare, show, merge or export annotation sets."""
    p = sub.add_parser("stats", parents=[common], help="counts per layer, label, split and annotation set")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("evaluate", parents=[common], help="score one annotation set against another")
    p.add_argument("--gold", required=True, help="gold set, e.g. hand/a1")
    p.add_argument("--pred", required=True, help="predicted set, e.g. model/en_core_web_sm-3.8.0")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("agree", parents=[common], help="agreement between annotation sets of the same articles")
    p.add_argument("articles", nargs="*", metavar="ARTICLE-ID", help="articles to compare (default: every article two or more sets annotate)")
    p.add_argument("--sets", nargs="+", metavar="SET", help="sets to compare, e.g. hand/a1 hand/a2 (default: every hand set)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_agree)

    p = sub.add_parser("review", parents=[common], help="write HTML pages showing an article with one or two annotation sets")
    p.add_argument("articles", nargs="*", metavar="ARTICLE-ID", help="the articles to show")
    p.add_argument("--all", action="store_true", help="every article of the corpus")
    p.add_argument("--sets", nargs="+", metavar="SET", help="one or two sets side by side, e.g. hand/a1 (default: the first two by name that have the article)")
    p.add_argument("--out", type=Path, required=True, help="FILE.html for one article, else a folder: a page per article and index.html")
    p.set_defaults(func=cmd_review, usage_error=p.error)

    from .compare import RULES, UNANIMOUS
    p = sub.add_parser("adjudicate", parents=[common], help="merge annotation sets of an article into a new hand set by agreement")
    p.add_argument("article", metavar="ARTICLE-ID", help="the article, e.g. tass-20200920-693f2c16")
    p.add_argument("--from", dest="sources", nargs="+", required=True, metavar="SET", help="the sets to merge, e.g. hand/a1 hand/b1 hand/c1")
    p.add_argument("--to", dest="target", required=True, metavar="hand/NAME", help="the new hand set to write")
    p.add_argument("--rule", choices=RULES, default=UNANIMOUS, help="keep what all sources have, or more than half (default: unanimous)")
    p.add_argument("--replace", action="store_true", help="overwrite the new set's file if it holds other content")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_adjudicate)

    from .formats import EXPORT_FORMATS

    p = sub.add_parser("export", parents=[common], help="write an annotation set out for another tool")
    p.add_argument("format", choices=tuple(EXPORT_FORMATS), metavar="FORMAT", help=f"one of {', '.join(EXPORT_FORMATS)}")
    p.add_argument("articles", nargs="*", metavar="ARTICLE-ID", help="articles to export (default: all the set covers)")
    p.add_argument("--set", required=True, metavar="SET", help="the annotation set, e.g. hand/a1")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="the folder to write into")
    p.set_defaults(func=cmd_export)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # A release folder stands alone: publishing needs no repository around it.
        return args.func(args, find_root(args.root) if getattr(args, "needs_root", True) else None)
    except WirecorpusError as exc:
        print(f"wirecorpus: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wirecorpus: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
