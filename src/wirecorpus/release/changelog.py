"""``CHANGELOG.md``: a dated entry per release, generated from its diff.

The file follows Keep a Changelog: newest release first, each under
``## [<version>] - YYYY-MM-DD`` with ``### Added``, ``### Changed`` and
``### Removed`` lists of counts. A new entry goes above the newest one (below
an ``[Unreleased]`` section, which people may keep by hand); the file is made,
with a short preface, by the first release. An entry for a version that is
already there is refused, so a release is never written twice.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from ..errors import ReleaseError
from .diff import SECTIONS, Diff
from .versioning import LEVEL_MEANINGS, Level, read_repository_text

CHANGELOG_FILE = Path("CHANGELOG.md")
PREFACE = """# Changelog

All notable changes to the wirecorpus dataset, newest first. Each entry is written by
`wirecorpus release` from the differences with the release before (see README.md, "Releasing").
The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions are
MAJOR.MINOR.PATCH as Croissant versions datasets: MAJOR when records are edited or removed,
MINOR when records are only added, PATCH when the data stays the same.
"""
_VERSION_HEADING = re.compile(r"^## \[\d", re.MULTILINE)


def entry(version: str, date: datetime.date, diff: Diff, bump: Level) -> str:
    """The changelog entry of a release: heading, what it is compared with, then its changes by section."""
    needed = diff.level
    level = f"A {bump.word} release ({LEVEL_MEANINGS[bump]})"
    if needed is not None and needed < bump:
        level += f"; the changes alone need a {needed.word} one"
    lines = [f"## [{version}] - {date.isoformat()}", "", f"{level}. Compared with {diff.since()}."]
    for section in SECTIONS:
        changes = [change for change in diff.changes if change.section == section]
        if changes:
            lines += ["", f"### {section}", "", *(f"- {change.describe()}" for change in changes)]
    return "\n".join(lines) + "\n"


def changelog_text(root: Path, version: str, new_entry: str) -> str:
    """The repository's ``CHANGELOG.md`` (or a new one) with ``new_entry`` above the newest release."""
    text = read_repository_text(root, CHANGELOG_FILE)
    if text is None:
        text = PREFACE
    if re.search(rf"^## \[{re.escape(version)}\]", text, re.MULTILINE):
        raise ReleaseError(f"{CHANGELOG_FILE}: already has an entry for {version}; a version is released once")
    newest = _VERSION_HEADING.search(text)
    if newest is None:
        return text.rstrip("\n") + "\n\n" + new_entry
    return text[: newest.start()] + new_entry + "\n" + text[newest.start():]
