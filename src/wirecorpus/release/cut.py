"""Cut a release: ``wirecorpus release --bump major|minor|patch [--dry-run]``.

The steps, all under the repository's write lock:

1. read the version (``src/wirecorpus/_version.py`` of the repository) and
   the newest record in ``releases/``, which must be of that version;
2. take a snapshot of the repository and diff it with the record
   (:mod:`.diff`); refuse a split move, an empty diff or a bump too small;
3. make the new text of ``CHANGELOG.md``, ``_version.py`` and
   ``CITATION.cff`` (so that a missing or malformed one refuses the release
   before anything is built or written); a dry run stops here;
4. write the three files, each atomically: the build reads the changelog
   entry and the citation into the card and ``croissant.json``;
5. build the release with the new version, passed to the build (the
   package's ``__version__`` was imported before the release began and stays
   the old one in this process); if the build fails, the three files are put
   back as they were;
6. write ``releases/<version>.json`` (the snapshot and the built release's
   manifest).

The first release of a repository has no record to compare with, so its diff
counts everything as added and it needs at least a minor bump; the version it
bumps is the one in ``_version.py``. So 0.1.0, which may have been built
and shared before releases were recorded, is followed by 0.2.0, and no
version number ever names two different datasets. The date is today's in UTC unless
given, so the files a release writes hold nothing of the machine: no path,
time zone or locale. A build refused by the validator leaves the repository
as it was.
"""

from __future__ import annotations

import datetime
import json
import shlex
from dataclasses import dataclass
from pathlib import Path

from .. import layout, storage
from ..build import MANIFEST_NAME, build
from ..card import BODY_PATH
from ..errors import ReleaseError
from . import changelog, record, versioning
from .diff import Diff, check_bump, compare
from .versioning import Level

# Repository paths that hold the released data and the raw files it came from (seeds/ by custom):
# the release commit takes all of them as they are.
DATA_PATHS = (layout.CORPUS_DIR.as_posix(), layout.ANNOTATIONS_DIR.as_posix(), layout.RAW_DIR.as_posix(), "seeds", BODY_PATH.as_posix())


@dataclass(frozen=True)
class ReleasePlan:
    """What a release will be: its version, date, diff and changelog entry."""

    current: str  # the version in _version.py before the release
    version: str
    bump: Level
    date: datetime.date
    diff: Diff
    entry: str
    snapshot: record.Snapshot


@dataclass(frozen=True)
class ReleaseResult:
    plan: ReleasePlan
    folder: Path | None  # the built release; None after a dry run
    written: tuple[str, ...]  # repository files written, relative to the root


def today() -> datetime.date:
    """Today in UTC: the same date wherever the release runs."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def cut_release(
    root: Path, *, bump: Level | str, date: datetime.date | None = None, dry_run: bool = False, progress: bool = False
) -> ReleaseResult:
    """Diff, check the bump, build and record a release (see the module docstring); ``dry_run`` writes nothing."""
    root = Path(root).resolve()
    level = bump if isinstance(bump, Level) else Level[bump.upper()]
    with storage.repository_lock(root):
        plan = plan_release(root, bump=level, date=date or today())
        texts = {
            changelog.CHANGELOG_FILE.as_posix(): changelog.changelog_text(root, plan.version, plan.entry),
            versioning.VERSION_FILE.as_posix(): versioning.version_file_text(root, plan.version),
            versioning.CITATION_FILE.as_posix(): versioning.citation_text(root, plan.version, plan.date),
        }
        if dry_run:
            return ReleaseResult(plan, None, ())
        # The card and croissant.json quote the changelog entry and the citation, so they are
        # written before the build, and put back as they were if the build fails.
        before = {relpath: (root / relpath).read_bytes() if (root / relpath).exists() else None for relpath in texts}
        for relpath, text in texts.items():
            storage.write_text_atomic(root / relpath, text)
        try:
            folder = build(root=root, version=plan.version, progress=progress)
        except BaseException:
            _restore(root, before)
            raise
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
        made = record.Record(plan.version, plan.date.isoformat(), plan.diff.previous, manifest, plan.snapshot)
        storage.write_text_atomic(root / record.record_relpath(plan.version), record.render_record(made))
    return ReleaseResult(plan, folder, (record.record_relpath(plan.version), *texts))


def _restore(root: Path, before: dict[str, bytes | None]) -> None:
    for relpath, data in before.items():
        if data is None:
            (root / relpath).unlink(missing_ok=True)
        else:
            storage.write_bytes_atomic(root / relpath, data)


def plan_release(root: Path, *, bump: Level, date: datetime.date) -> ReleasePlan:
    """The release's version and diff; refused (:class:`ReleaseError`) if the bump does not fit the diff."""
    current = versioning.read_version(root)
    last = record.latest_record(root)
    if last is not None and last.version != current:
        raise ReleaseError(
            f"{versioning.VERSION_FILE.as_posix()}: says {current}, but the newest release is {last.version} "
            f"({record.record_relpath(last.version)}); the version changes only with `wirecorpus release`: set it back to {last.version}"
        )
    snapshot = record.take_snapshot(root)
    diff = compare(last.snapshot if last else None, snapshot, previous=last.version if last else None)
    check_bump(diff, bump)
    version = versioning.bump(current, bump)
    return ReleasePlan(current, version, bump, date, diff, changelog.entry(version, date, diff, bump), snapshot)


def git_commands(root: Path, result: ReleaseResult) -> list[str]:
    """What to run after a release: commit the data it describes and the files it wrote, and tag the commit."""
    paths = [path for path in DATA_PATHS if (Path(root) / path).exists()] + sorted(result.written)
    version = result.plan.version
    return [
        f"git add -A -- {' '.join(shlex.quote(path) for path in paths)}",
        f'git commit -m "Release {version}"',
        f"git tag v{version}",
    ]
