"""What a pull request changed, and what validating those changes takes (``validate --changed-since REF``).

The changed files are the working tree against REF, as git sees them from the
repository root: ``git diff --name-status -M REF`` (added, modified, renamed,
deleted, committed or not) plus the untracked files git does not ignore
(``git ls-files --others --exclude-standard``). A rename is the removal of its
old path and the addition of its new one: an article moved elsewhere is an id
that went away and one that came. In a pull request's checkout, REF is the
base branch (``origin/main``) and the working tree its merge with the branch.

Only files in the data layout count (article records, annotation files,
corpus/splits.json, annotations/gold.json, misplaced JSON files under corpus/ and
annotations/hand|model/); hidden files are left out, as a full run leaves
them out. Each change is checked with the files whose corpus-level checks it
can break:

    article added or changed     its annotation files (stale against a new text), corpus/splits.json
                                 (the article's split) and every article whose name ends with the same
                                 text-hash prefix: an id ends with the first 8 hex digits of its text's
                                 SHA-256, so two articles with one text always share it (duplicate-text)
    article deleted              the annotation files named after it (article-missing),
                                 corpus/splits.json (splits-unknown-article) and annotations/gold.json
                                 (gold-unknown-article)
    annotation file              itself; its article is read from where its id puts it
    annotation file deleted      annotations/gold.json (gold-set-missing)
    corpus/splits.json changed   the whole splits check: the file, and every article it leaves out
                                 (split-missing)

When what decides validity changes (the inventories in annotations/schema.json,
the record definitions, the layout or the checks themselves) or
corpus/splits.json is deleted, every file may be judged anew: the whole
repository is validated, and :attr:`Scope.full_because` says why.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import layout, splits
from ..errors import RepositoryError
from .corpus_checks import SplitsListing
from .runner import ValidationReport, article_ids_on_disk, validate
from .splits_file import NotPlain, recorded_blocks
from .targets import ARTICLE, layout_kind

# What decides validity: a change to any of these (a path or a folder's prefix) validates everything.
RULE_PATHS = (
    layout.SCHEMA_PATH.as_posix(),
    "src/wirecorpus/schema.py",
    "src/wirecorpus/layout.py",
    "src/wirecorpus/validate/",
)
_SPLITS = layout.SPLITS_PATH.as_posix()
_GOLD = layout.GOLD_PATH.as_posix()
_HASH_PREFIX = 8  # hex digits of the text's SHA-256 at the end of an article id (layout.ID_PATTERN)


class GitError(RepositoryError):
    """git could not say what changed: no git, not a git repository, or a ref git does not know."""


@dataclass(frozen=True)
class ChangedFiles:
    """Repository-relative POSIX paths that differ in the working tree from ``since``."""

    since: str
    present: tuple[str, ...] = ()  # added, modified, untracked, and the new path of a rename
    removed: tuple[str, ...] = ()  # deleted, and the old path of a rename


@dataclass(frozen=True)
class Scope:
    """The files that validating a change takes.

    ``paths`` are absolute, for :func:`.runner.validate`; None means the whole
    repository (``full_because`` names the change that asks for it).
    ``changed`` and ``deleted`` count the changed files in the data layout;
    ``context`` the unchanged files among ``paths``, there for what the changes can break.
    """

    since: str
    paths: tuple[Path, ...] | None
    changed: int = 0
    deleted: int = 0
    context: int = 0
    full_because: str | None = None

    def describe(self) -> str:
        """One line for people: what changed and what is checked."""
        if self.full_because is not None:
            return f"{self.full_because} since {self.since}: validating the whole repository"
        if not self.changed:
            return f"no article or annotation file changed since {self.since}"
        deleted = f" ({self.deleted} deleted)" if self.deleted else ""
        context = f" ({self.context} of them unchanged, for what the changes can break)" if self.context else ""
        return f"{_files(self.changed)} changed since {self.since}{deleted}; validating {_files(len(self.paths))}{context}"


def _files(number: int) -> str:
    return f"{number} file{'' if number == 1 else 's'}"


def changed_files(*, root: Path, since: str) -> ChangedFiles:
    """The files of the working tree under ``root`` that differ from the commit ``since`` names.

    Raises :class:`GitError` when git is missing, ``root`` is not in a git
    repository, or git does not know ``since``.
    """
    root = Path(root).resolve()
    if _git(root, "rev-parse", "--is-inside-work-tree", check=False) is None:
        raise GitError(f"{root}: not in a git repository; --changed-since compares with a git ref, so it needs a clone (or name the files to validate)")
    commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}", check=False)
    if commit is None:
        raise GitError(
            f"{since!r} is not a commit git knows in {root}; fetch it first "
            "(a CI checkout needs the whole history, e.g. actions/checkout with fetch-depth: 0)"
        )
    status = _git(root, "diff", "--name-status", "-M", "-z", "--relative", "--no-ext-diff", commit.strip(), "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    present, removed = _parse_name_status(status)
    present += [path for path in untracked.split("\0") if path]
    # A file taken out of the index but left on disk is both deleted (for git diff) and untracked: it is there.
    return ChangedFiles(since, tuple(sorted(set(present))), tuple(sorted(set(removed) - set(present))))


def _git(root: Path, *args: str, check: bool = True) -> str | None:
    """git's standard output; None when it fails and ``check`` is off."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed; --changed-since needs it to list the changed files") from None
    if done.returncode != 0:
        if check:
            raise GitError(f"git {' '.join(args[:1])} failed in {root}: {os.fsdecode(done.stderr).strip()}")
        return None
    return os.fsdecode(done.stdout)


def _parse_name_status(output: str) -> tuple[list[str], list[str]]:
    """``git diff --name-status -z``: a status, then one path (two for a rename or copy)."""
    fields = output.split("\0")
    present: list[str] = []
    removed: list[str] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][0]
        if status in "RC":
            old, new = fields[index + 1], fields[index + 2]
            present.append(new)
            if status == "R":
                removed.append(old)
            index += 3
            continue
        (removed if status == "D" else present).append(fields[index + 1])
        index += 2
    return present, removed


def scope_of(changes: ChangedFiles, *, root: Path) -> Scope:
    """The files that validating ``changes`` takes (see the module's docstring)."""
    root = Path(root).resolve()
    full = _rule_change(changes)
    if full is not None:
        return Scope(changes.since, None, full_because=full)
    present = {path: kind for path, kind in _data_kinds(changes.present)}
    removed = {path: kind for path, kind in _data_kinds(changes.removed)}
    if _SPLITS in removed:
        return Scope(changes.since, None, full_because=f"{_SPLITS} was deleted")
    articles = {_stem(path) for path, kind in present.items() if kind == ARTICLE}
    touched = articles | {_stem(path) for path, kind in removed.items() if kind == ARTICLE}
    paths = set(present) | set(_annotation_files_of(root, touched))
    paths |= _articles_on_disk(root, articles, splits_changed=_SPLITS in present)
    if touched and (root / _SPLITS).is_file():
        paths.add(_SPLITS)
    if removed and (root / _GOLD).is_file():
        paths.add(_GOLD)
    return Scope(
        changes.since,
        tuple(root / path for path in sorted(paths)),
        changed=len(present) + len(removed),
        deleted=len(removed),
        context=len(paths - set(present)),
    )


def _rule_change(changes: ChangedFiles) -> str | None:
    """Which change of what decides validity there is ("annotations/schema.json changed"), or None."""
    for path in (*changes.present, *changes.removed):
        if any(path == rule or (rule.endswith("/") and path.startswith(rule)) for rule in RULE_PATHS):
            return f"{path} {'changed' if path in changes.present else 'was deleted'}"
    return None


def _data_kinds(paths: Iterable[str]) -> Iterable[tuple[str, str]]:
    """The paths in the data layout with their kind (article, annotation, splits, misplaced)."""
    for path in paths:
        parts = tuple(path.split("/"))
        kind = layout_kind(parts)
        if kind is not None and not any(part.startswith(".") for part in parts):
            yield path, kind


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1][: -len(".json")]


def _annotation_files_of(root: Path, article_ids: set[str]) -> list[str]:
    """The annotation files named after these articles, in every set."""
    found = []
    for kind in layout.ANNOTATOR_KINDS:
        for name in layout.annotation_sets(root, kind):
            for article_id in article_ids:
                relpath = layout.annotation_relpath(kind=kind, name=name, article_id=article_id)
                if (root / relpath).is_file():
                    found.append(relpath)
    return found


def _articles_on_disk(root: Path, articles: set[str], *, splits_changed: bool) -> set[str]:
    """Articles the changes can break: those sharing a changed article's text-hash prefix and,
    when corpus/splits.json changed, those it leaves out. One pass over the file names."""
    prefixes = {article_id[-_HASH_PREFIX:] for article_id in articles if layout.ID_PATTERN.match(article_id)}
    left_out = _left_out_of_splits(root) if splits_changed else set()
    if not prefixes and not left_out:
        return set()
    found = set()
    for path in glob.iglob(layout.article_glob(root)):
        article_id = os.path.basename(path)[: -len(".json")]
        if article_id[-_HASH_PREFIX:] in prefixes or article_id in left_out:
            found.add(Path(path).relative_to(root).as_posix())
    return found


def _left_out_of_splits(root: Path) -> set[str]:
    """The ids of the articles on disk that corpus/splits.json does not list (each is a finding to
    come); none when the file is not an object of lists (its own checks say why)."""
    listing = _splits_listing(root)
    if listing is None:
        return set()
    with listing, article_ids_on_disk(root) as on_disk:
        return set(listing.unassigned(on_disk))


def _splits_listing(root: Path) -> SplitsListing | None:
    """The ids corpus/splits.json lists, read as a stream; a file that is not plainly sound is read whole,
    and its strings taken from each list; None when it is not an object of lists."""
    listing = SplitsListing()
    try:
        for split, ids, _ in recorded_blocks(root / _SPLITS):
            listing.add(split, ids, None)
        return listing
    except NotPlain:
        listing.close()
    try:
        data = json.loads((root / _SPLITS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if type(data) is not dict or not all(type(data.get(name)) is list for name in splits.SPLITS):
        return None
    listing = SplitsListing()
    for name in splits.SPLITS:
        listing.add(name, [article_id for article_id in data[name] if type(article_id) is str], None)
    return listing


def validate_changes(*, root: Path, since: str, workers: int | None = None) -> tuple[Scope, ValidationReport]:
    """Validate what changed since ``since``, with the files those changes can break."""
    scope = scope_of(changed_files(root=root, since=since), root=root)
    paths = None if scope.paths is None else list(scope.paths)
    return scope, validate(paths, root=root, workers=workers)
