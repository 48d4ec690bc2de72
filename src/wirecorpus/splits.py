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
import heapq
import itertools
import json
import operator
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import RepositoryError
from .layout import SPLITS_PATH
from .storage import repository_lock, write_lines_atomic, write_text_atomic

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
        wanted = set(article_ids)
        return record_unassigned(root, wanted - recorded_among(root, wanted))


def recorded_among(root: Path, article_ids: set[str]) -> set[str]:
    """The ids of ``article_ids`` that are in a split; the file read as a stream, so that memory holds these ids only.

    A file that is not a splits file is the :class:`RepositoryError` of :func:`read_splits`.
    """
    return {article for chunk in recorded_id_chunks(root) for article in chunk if article in article_ids}


def recorded_id_chunks(root: Path) -> Iterator[list[str]]:
    """Every id of the recorded splits, some thousands at a time; an id may come more than once.

    A file as :func:`render_splits` writes it is read line by line; any other
    (hand-edited) is read whole by :func:`read_splits`, whose error a file that
    is not a splits file gives, after the chunks read up to where it broke the rendered form.
    """
    path = Path(root) / SPLITS_PATH
    try:
        ids = (article for _, article in _rendered_ids(path))
        while chunk := list(itertools.islice(ids, _CHUNK)):
            yield chunk
    except (_NotRendered, OSError, ValueError):
        for ids in read_splits(root).values():
            yield ids


def record_unassigned(root: Path, article_ids: Iterable[str]) -> dict[str, str]:
    """Give ids that are in no split (the caller made sure, under the repository lock it still holds) their
    hashed split, and write the file if there are any; returns the new assignments.

    A file in the rendered form is merged with the new ids line by line into its
    new text, which is what :func:`render_splits` makes of all the ids; any other is read whole.
    """
    added = {article: split_for(article) for article in sorted(article_ids)}
    if not added:
        return added
    path = Path(root) / SPLITS_PATH
    new = {name: [article for article, split in added.items() if split == name] for name in SPLITS}
    try:
        write_lines_atomic(path, _merged_lines(_rendered_ids(path) if path.exists() else iter(()), new))
    except (_NotRendered, UnicodeDecodeError):
        recorded = read_splits(root)
        write_text_atomic(path, render_splits({name: recorded[name] + new[name] for name in SPLITS}))
    return added


# --------------------------------------------------------------------------
# The rendered form, read and written a line at a time.

_CHUNK = 8192


class _NotRendered(Exception):
    """The splits file is not exactly what render_splits writes (hand-edited, or not a splits file)."""


def _rendered_ids(path: Path) -> Iterator[tuple[str, str]]:
    """(split, id) for each line of a file in the form render_splits writes; :class:`_NotRendered` at the first line that is not."""
    with open(path, encoding="utf-8", newline="") as lines:
        if next(lines, None) != "{\n":
            raise _NotRendered
        for position, name in enumerate(SPLITS):
            comma = "," if position < len(SPLITS) - 1 else ""
            opening = next(lines, None)
            if opening == f"  {json.dumps(name)}: []{comma}\n":
                continue
            if opening != f"  {json.dumps(name)}: [\n":
                raise _NotRendered
            yield from ((name, article) for article in _rendered_list(lines, closing=f"  ]{comma}\n"))
        if lines.read() != "}\n":
            raise _NotRendered


def _rendered_list(lines: Iterator[str], *, closing: str) -> Iterator[str]:
    """The ids of one sorted, non-empty list, one a line, up to its closing line."""
    previous, last = None, False
    for line in lines:
        if line == closing and last:
            return
        plain = _PLAIN_LINE.match(line)
        article = plain[1] if plain else _unquoted(line)
        if article is None or (previous is not None and article < previous):
            raise _NotRendered
        last = not line.endswith(",\n")
        yield article
        previous = article
    raise _NotRendered


# A line of an id that json.dumps writes as it is (printable ASCII, no quote or backslash): the common case, in one match.
_PLAIN_LINE = re.compile(r'    "([\x20\x21\x23-\x5b\x5d-\x7e]*)",?\n\Z')


def _unquoted(line: str) -> str | None:
    """The id of a line ``    "id",`` (comma optional) where json.dumps writes ``"id"``; None when there is none."""
    quoted = line[4:-2] if line.endswith(",\n") else line[4:-1]
    if not line.startswith("    "):
        return None
    try:
        article = json.loads(quoted)
    except ValueError:
        return None
    return article if type(article) is str and json.dumps(article) == quoted else None


def _quoted_plainly(article: str) -> bool:
    """Whether json.dumps quotes the id as it is, with no escape: printable ASCII, without quote or backslash."""
    return article.isascii() and article.isprintable() and '"' not in article and "\\" not in article


def _quoted(article: str) -> str:
    return f'"{article}"' if _quoted_plainly(article) else json.dumps(article)


def _merged_lines(recorded: Iterator[tuple[str, str]], new: dict[str, list[str]]) -> Iterator[str]:
    """The lines render_splits writes for the recorded ids (in the rendered form's order) with the sorted new ones."""
    by_split = itertools.groupby(recorded, key=operator.itemgetter(0))
    pending = next(by_split, None)
    yield "{\n"
    for position, name in enumerate(SPLITS):
        comma = "," if position < len(SPLITS) - 1 else ""
        ids: Iterator[str] = iter(())
        if pending is not None and pending[0] == name:
            ids = (article for _, article in pending[1])
        merged = heapq.merge(ids, new[name])
        first = next(merged, None)
        if first is None:
            yield f"  {json.dumps(name)}: []{comma}\n"
        else:
            yield f"  {json.dumps(name)}: [\n"
            for article in merged:
                yield f"    {_quoted(first)},\n"
                first = article
            yield f"    {_quoted(first)}\n"
            yield f"  ]{comma}\n"
        if pending is not None and pending[0] == name:
            pending = next(by_split, None)
    yield "}\n"
