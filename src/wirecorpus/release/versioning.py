"""Version numbers, the levels of change that bump them, and the files that hold the version.

Versions are ``MAJOR.MINOR.PATCH``, bumped as Croissant versions a dataset:

- MAJOR: existing records edited or removed, or a schema or inventory change
  that breaks readers (a label, kind, type or role removed, a new schema major
  version);
- MINOR: only additions (articles, annotation sets, spans, labels);
- PATCH: the same data; only the card, metadata or serialisation changed.

A bump smaller than the changes need is refused; a larger one is allowed (the
maintainers may know of a break the diff cannot see, say a guideline that now
reads a label differently) and the release says so.

The version's one place is ``__version__`` in ``src/wirecorpus/_version.py`` of
the repository being released, found from its root (not from the package that
runs, which may be installed elsewhere); ``CITATION.cff`` at the root repeats it
with its date, and the release keeps the two in step. Both are edited in place
by one pattern each, so every other line of theirs stays as people wrote it.
"""

from __future__ import annotations

import datetime
import enum
import re
from pathlib import Path

from ..errors import ReleaseError

VERSION_FILE = Path("src/wirecorpus/_version.py")
CITATION_FILE = Path("CITATION.cff")
VERSION_PATTERN = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_VERSION_LINE = re.compile(r'^__version__ = "(?P<version>[^"\n]*)"$', re.MULTILINE)
_CITATION_VERSION = re.compile(r"^version:.*$", re.MULTILINE)
_CITATION_DATE = re.compile(r"^date-released:.*$", re.MULTILINE)


class Level(enum.IntEnum):
    """How much a release changes, in the order of the version's parts it bumps."""

    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def word(self) -> str:
        return self.name.lower()


LEVEL_MEANINGS = {
    Level.MAJOR: "existing records edited or removed, or a schema or inventory change that breaks readers",
    Level.MINOR: "only additions",
    Level.PATCH: "the same data; only the card, metadata or serialisation changed",
}


def parse_version(version: str) -> tuple[int, int, int]:
    match = VERSION_PATTERN.fullmatch(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a version MAJOR.MINOR.PATCH (three numbers without leading zeros)")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def bump(version: str, level: Level) -> str:
    """``0.1.3`` bumped by MINOR is ``0.2.0``: the parts after the bumped one start again at 0."""
    major, minor, patch = parse_version(version)
    if level is Level.MAJOR:
        return f"{major + 1}.0.0"
    if level is Level.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


# --------------------------------------------------------------------------
# The files that hold the version.


def read_version(root: Path) -> str:
    """The version in the repository's ``src/wirecorpus/_version.py``."""
    _, match = _version_source(root)
    try:
        parse_version(match["version"])
    except ReleaseError as problem:
        raise ReleaseError(f"{VERSION_FILE.as_posix()}: {problem}") from None
    return match["version"]


def version_file_text(root: Path, version: str) -> str:
    """The repository's ``_version.py`` with ``version`` in place of the one it holds."""
    text, _ = _version_source(root)
    return _VERSION_LINE.sub(f'__version__ = "{version}"', text)


def _version_source(root: Path) -> tuple[str, re.Match]:
    text = _read_text(root, VERSION_FILE, why="the dataset version is kept there, and a release changes it")
    return text, _one_match(_VERSION_LINE, text, VERSION_FILE, 'one line __version__ = "MAJOR.MINOR.PATCH"')


def citation_text(root: Path, version: str, date: datetime.date) -> str:
    """The repository's ``CITATION.cff`` with ``version`` and ``date-released`` set.

    A ``date-released`` line is added after the version line if there is none
    yet (a version that was never released has no date).
    """
    text = _read_text(root, CITATION_FILE, why="it gives the version and date of the release to cite")
    _one_match(_CITATION_VERSION, text, CITATION_FILE, "one line version: ...")
    text = _CITATION_VERSION.sub(f'version: "{version}"', text)
    dated = f'date-released: "{date.isoformat()}"'
    if _CITATION_DATE.search(text):
        _one_match(_CITATION_DATE, text, CITATION_FILE, "one line date-released: ...")
        return _CITATION_DATE.sub(dated, text)
    return _CITATION_VERSION.sub(lambda line: f"{line.group()}\n{dated}", text)


def _read_text(root: Path, relpath: Path, *, why: str) -> str:
    text = read_repository_text(root, relpath)
    if text is None:
        raise ReleaseError(
            f"{relpath.as_posix()}: missing in the repository {root}; {why}. "
            "`wirecorpus release` runs on a wirecorpus repository, whose root holds the package source and CITATION.cff"
        )
    return text


def read_repository_text(root: Path, relpath: Path) -> str | None:
    """A file of the repository that a release rewrites, as text; None when there is no such file."""
    path = Path(root) / relpath
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{relpath.as_posix()}: cannot be read as UTF-8 text ({exc})") from None


def _one_match(pattern: re.Pattern, text: str, relpath: Path, expected: str) -> re.Match:
    matches = list(pattern.finditer(text))
    if len(matches) != 1:
        raise ReleaseError(f"{relpath.as_posix()}: expected exactly {expected}, found {len(matches)} such lines")
    return matches[0]
