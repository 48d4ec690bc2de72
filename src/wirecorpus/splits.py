"""Train/test assignment by article, recorded in ``corpus/splits.json``.

A new article's split comes from a hash of its id (about 20 % test); an
assignment once recorded never changes, so an article never moves between
splits across releases. The file is shared by every command that adds
articles, so it is read, changed and written under the repository lock, and
any article found in no split (however that happened) gets its hashed split
the next time ingest runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from .errors import RepositoryError
from .layout import SPLITS_PATH
from .storage import repository_lock, write_text_atomic

SPLITS = ("train", "test")
TEST_PERCENT = 20


def split_for(article_id: str) -> str:
    """The split a new article gets: a stable function of its id alone."""
    bucket = int(hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "train"


def read_splits(root: Path) -> dict[str, list[str]]:
    """The recorded assignment, ``{"train": [ids], "test": [ids]}``; empty when there is none.

    A file that is not a splits file is a :class:`RepositoryError` naming it.
    """
    path = Path(root) / SPLITS_PATH
    if not path.exists():
        return {name: [] for name in SPLITS}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if type(data) is not dict or not all(_is_id_list(data.get(name, [])) for name in SPLITS):
            raise ValueError(f"expected an object with a list of article ids under each of {', '.join(SPLITS)}")
    except (OSError, ValueError) as exc:
        raise RepositoryError(f"{SPLITS_PATH.as_posix()}: not a readable splits file ({exc}); run `wirecorpus validate` for the details") from None
    return {name: list(data.get(name, [])) for name in SPLITS}


def _is_id_list(value: object) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def assignment(root: Path) -> dict[str, str]:
    """Article id -> split, from the recorded lists."""
    return {article: name for name, ids in read_splits(root).items() for article in ids}


def render_splits(splits: dict[str, list[str]]) -> str:
    """The file text: one id per line, sorted, so that a review diff shows each move."""
    return json.dumps({name: sorted(splits[name]) for name in SPLITS}, indent=2) + "\n"


def record_new_articles(root: Path, article_ids: Iterable[str]) -> dict[str, str]:
    """Give each id not yet in a split its hashed split and write the file; return the new assignments.

    Read, changed and written under the repository lock (re-entered if the caller holds it).
    """
    with repository_lock(root):
        recorded = read_splits(root)
        return record_unassigned(root, recorded, set(article_ids) - recorded_ids(recorded))


def recorded_ids(recorded: dict[str, list[str]]) -> set[str]:
    """Every article id of the recorded splits."""
    return {article for ids in recorded.values() for article in ids}


def record_unassigned(root: Path, recorded: dict[str, list[str]], article_ids: Iterable[str]) -> dict[str, str]:
    """Add ids that are in no split of ``recorded`` to their hashed split, and write the file if any were added.

    ``recorded`` is what :func:`read_splits` gave the caller under the repository
    lock it still holds (the lists are extended in place); returns the new assignments.
    """
    added = {article: split_for(article) for article in sorted(article_ids)}
    if added:
        for article, name in added.items():
            recorded[name].append(article)
        write_text_atomic(Path(root) / SPLITS_PATH, render_splits(recorded))
    return added
