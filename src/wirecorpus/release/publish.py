"""Publish a built release to the Hugging Face Hub: ``wirecorpus publish``.

A release folder (``wirecorpus build``) is uploaded as it is, as one commit on
the ``main`` branch of a dataset repository, then tagged ``v<version>`` so that
``load_dataset(repo_id, config, revision="v<version>")`` gives exactly it.
Decisions:

- The folder is checked against its ``MANIFEST.json`` first (every listed file
  present with its size and SHA-256, no file that is not listed): what is
  published is what the build wrote, and nothing else.
- In a repository that has cut the folder's version (``releases/<version>.json``),
  the folder must be that release: a build brings its folder up to date with
  the repository, so a build made after later changes holds other files
  under the same version.
- The tag must not exist yet, checked before anything is committed: a
  published release is never replaced.
- The commit names the head of ``main`` it was planned on as its parent
  (``parent_commit``), so a push by someone else in between makes the Hub
  refuse it (HTTP 412) instead of mixing two releases. The head comes from
  the repository's refs, which are not cached like its info.
- Files in the repository that the release does not have (the shards of an
  older release, say) are deleted in the same commit, since the card's
  ``configs`` glob ``data/<config>/<split>-*.parquet`` would load them too;
  ``.gitattributes``, which the Hub keeps for itself, stays.
- The tag is created on the commit's own id, not on ``main``, which may have
  moved on.
- ``huggingface_hub`` skips files whose content the Hub already has at that
  path; a release whose every file is unchanged makes no commit, and the tag
  goes on the current head, which holds the same files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import card, layout
from ..build import CARD_NAME, MANIFEST_NAME, file_sha256
from ..errors import PublishError, ReleaseError, RepositoryError
from .record import read_record, record_relpath
from .versioning import parse_version

REPO_TYPE = "dataset"
BRANCH = "main"
KEPT = frozenset({".gitattributes"})  # in the repository, but not the release's
MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class ReleaseFile:
    path: str  # in the release folder and in the repository
    size: int


@dataclass(frozen=True)
class PublishPlan:
    """What publishing a release folder to a repository does."""

    folder: Path
    repo_id: str
    version: str
    files: tuple[ReleaseFile, ...]  # every file of the release, MANIFEST.json included

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def commit_message(self) -> str:
        return f"{card.PRETTY_NAME} {self.version}"

    @property
    def commit_description(self) -> str:
        return f"Release {self.version}, built by `wirecorpus build`; {MANIFEST_NAME} lists the size and SHA-256 of every file."

    def describe(self) -> str:
        """The planned operations, as printed before publishing (and alone by a dry run)."""
        lines = [
            f"publish {self.folder} to the Hub {REPO_TYPE} repository {self.repo_id}",
            f'  one commit on {BRANCH}, "{self.commit_message}", whose parent is the head of {BRANCH} when publishing:',
            *(f"    {file.size:>14,}  {file.path}" for file in self.files),
            f"    and deleting the repository's files that are not in the release, except {', '.join(sorted(KEPT))}",
            f"  then tag {self.tag} on that commit",
        ]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Published:
    commit: str  # the id of the commit the tag is on
    commit_url: str
    tag: str
    deleted: tuple[str, ...]  # files of the repository the commit deleted


def plan_publish(folder: Path | str, repo_id: str) -> PublishPlan:
    """Check a release folder against its manifest and plan its publication; nothing is sent."""
    folder = Path(folder)
    for name in (MANIFEST_NAME, CARD_NAME):
        if not (folder / name).is_file():
            raise PublishError(f"{folder}: not a release (no {name}); build one with `wirecorpus build`")
    version, listed = _read_manifest(folder)
    problems = _mismatches(folder, listed)
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS] + ([f"and {len(problems) - MAX_LISTED_PROBLEMS} more"] if len(problems) > MAX_LISTED_PROBLEMS else [])
        raise PublishError(f"{folder}: does not match its {MANIFEST_NAME}, so nothing was published: " + "; ".join(shown))
    _check_recorded(folder, version, listed)
    files = [ReleaseFile(path, size) for path, (size, _) in listed.items()]
    files.append(ReleaseFile(MANIFEST_NAME, (folder / MANIFEST_NAME).stat().st_size))
    return PublishPlan(folder, repo_id, version, tuple(sorted(files, key=lambda f: f.path)))


def _read_manifest(folder: Path) -> tuple[str, dict[str, tuple[int, str]]]:
    """The version and the files (path -> size, SHA-256) a manifest lists."""
    where = folder / MANIFEST_NAME
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
        listed = {entry["path"]: (int(entry["size"]), str(entry["sha256"])) for entry in manifest["files"]}
        version = manifest["version"]
    except (ValueError, KeyError, TypeError) as problem:
        raise PublishError(f"{where}: not a release manifest ({type(problem).__name__}: {problem})") from None
    if not isinstance(version, str) or not version:
        raise PublishError(f"{where}: no version")
    try:
        parse_version(version)  # the tag v<version> names the release for good
    except ReleaseError as problem:
        raise PublishError(f"{where}: {problem}") from None
    return version, listed


def _check_recorded(folder: Path, version: str, listed: dict[str, tuple[int, str]]) -> None:
    """A folder in a repository that has cut this version must be that release: a build replaces
    its folder whenever the repository changes, so a later build of the same version differs."""
    try:
        root = layout.find_root(folder)
    except RepositoryError:
        return  # a folder outside any repository: its manifest is all there is to check against
    if not (root / record_relpath(version)).is_file():
        return
    recorded = {entry["path"]: (int(entry["size"]), str(entry["sha256"])) for entry in read_record(root, version).manifest}
    if recorded != listed:
        differ = sorted(path for path in recorded.keys() | listed.keys() if recorded.get(path) != listed.get(path))
        raise PublishError(
            f"{folder}: is not release {version} as {record_relpath(version)} records it ({', '.join(differ[:MAX_LISTED_PROBLEMS])} differ), "
            "so nothing was published: the repository changed since that release; cut a new one with "
            "`wirecorpus release --bump patch|minor|major` and publish that"
        )


def _mismatches(folder: Path, listed: dict[str, tuple[int, str]]) -> list[str]:
    """Every way the folder differs from the files its manifest lists."""
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    problems = [f"{path} is not in the manifest" for path in sorted(present - listed.keys())]
    for path, (size, sha256) in sorted(listed.items()):
        if path not in present:
            problems.append(f"{path} is missing")
        elif (folder / path).stat().st_size != size:
            problems.append(f"{path} has {(folder / path).stat().st_size} bytes, the manifest says {size}")
        elif file_sha256(folder / path) != sha256:
            problems.append(f"{path} has other bytes than the manifest's SHA-256 {sha256[:12]}…")
    return problems


def publish(plan: PublishPlan, *, token: str, endpoint: str | None = None) -> Published:
    """Commit the release to ``plan.repo_id`` (created if missing) and tag the commit.

    ``endpoint``: the Hub's address (default: huggingface_hub's, ``HF_ENDPOINT``).
    """
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi

    api = HfApi(endpoint=endpoint, token=token)
    with _hub_errors(plan, "nothing was committed"):
        api.create_repo(plan.repo_id, repo_type=REPO_TYPE, exist_ok=True)
        refs = api.list_repo_refs(plan.repo_id, repo_type=REPO_TYPE)
        if any(tag.name == plan.tag for tag in refs.tags):
            raise PublishError(
                f"{plan.repo_id}: tag {plan.tag} exists already, and a published release is never replaced; "
                "bump the version in src/wirecorpus/_version.py and build again"
            )
        head = next((branch.target_commit for branch in refs.branches if branch.name == BRANCH), None)
        remote = set(api.list_repo_files(plan.repo_id, repo_type=REPO_TYPE, revision=head)) if head else set()
        stale = tuple(sorted(remote - {file.path for file in plan.files} - KEPT))
        operations = [CommitOperationAdd(path_in_repo=file.path, path_or_fileobj=plan.folder / file.path) for file in plan.files]
        operations += [CommitOperationDelete(path_in_repo=path) for path in stale]
        commit = api.create_commit(
            plan.repo_id, operations, commit_message=plan.commit_message, commit_description=plan.commit_description,
            repo_type=REPO_TYPE, revision=BRANCH, parent_commit=head,
        )
    with _hub_errors(plan, f"commit {commit.oid} was made but not tagged; tag it with "
                           f"`hf repos tag create {plan.repo_id} {plan.tag} --revision {commit.oid} --repo-type {REPO_TYPE}`"):
        api.create_tag(plan.repo_id, tag=plan.tag, revision=commit.oid, repo_type=REPO_TYPE)
    return Published(commit=commit.oid, commit_url=commit.commit_url, tag=plan.tag, deleted=stale)


@contextmanager
def _hub_errors(plan: PublishPlan, state: str) -> Iterator[None]:
    """Turns what the Hub (or the way to it) refuses into a :class:`PublishError` that says ``state``: what was done."""
    from huggingface_hub.utils import httpx

    try:
        yield
    except (httpx.HTTPError, OSError, ValueError) as problem:  # HfHubHTTPError is both of the first two
        status = getattr(getattr(problem, "response", None), "status_code", None)
        if status == 412:
            why = f"{BRANCH} moved while publishing (someone else pushed); run `wirecorpus publish` again"
        elif status in (401, 403):
            why = f"the token may not write to {plan.repo_id} (HTTP {status})"
        else:
            why = f"{type(problem).__name__}: {str(problem).splitlines()[0] if str(problem) else status}"
        raise PublishError(f"{plan.repo_id}: {why}; {state}") from None
