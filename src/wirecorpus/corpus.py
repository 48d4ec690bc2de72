"""Reading the repository's records: article records and annotation files.

Where they are is :mod:`wirecorpus.layout`'s business; this module reads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from . import layout, schema
from .errors import RepositoryError, WirecorpusError


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_article(path: Path) -> schema.Article:
    """An article record from a file the validator has passed."""
    return schema.from_dict(schema.Article, read_json(path))


def read_annotation(path: Path) -> schema.AnnotationFile:
    """An annotation set from a file the validator has passed."""
    return schema.from_dict(schema.AnnotationFile, read_json(path))


_RECORD_NAMES = {schema.Article: "article record", schema.AnnotationFile: "annotation file"}


def read_record(root: Path, path: Path, record: type, *, error: type[WirecorpusError], article: schema.Article | None = None):
    """A record from a file that should be valid; otherwise ``error``, naming the file and its first error.

    The file must pass the validator's checks of the record's shape (its fields, their
    types and inventory values), and an annotation
    file given its ``article`` those against the article (ids, references, spans): what reads a
    record relies on them, and a file that breaks them is named here rather than failing later.
    """
    from .validate.runner import record_errors  # the validator reads articles through modules that import this one

    relpath = layout.relative(root, path)
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise error(
            f"{relpath}: not a readable {_RECORD_NAMES[record]} ({type(exc).__name__}: {exc}); "
            "run `wirecorpus validate` for the details"
        ) from None
    _refuse_errors(relpath, record, record_errors(root, text, data, record, path=relpath, article=article), error)
    return schema.from_dict(record, data)


def check_against_article(root: Path, path: Path, annotation: schema.AnnotationFile, article: schema.Article, *, error: type[WirecorpusError]) -> None:
    """An annotation file read by :func:`read_record` without its article, checked against it now
    (for a reader that first tells files made on another text apart, and passes those over)."""
    from .validate.runner import record_errors

    relpath = layout.relative(root, path)
    errors = record_errors(root, None, schema.to_dict(annotation), schema.AnnotationFile, path=relpath, article=article)
    _refuse_errors(relpath, schema.AnnotationFile, errors, error)


def _refuse_errors(relpath: str, record: type, errors: list, error: type[WirecorpusError]) -> None:
    if errors:
        first = errors[0]
        where = f"{first.place}: " if first.place else ""
        line = f", line {first.line}" if first.line else ""
        raise error(
            f"{relpath}: not a valid {_RECORD_NAMES[record]} ({len(errors)} validation error(s), the first "
            f"[{first.id}] {where}{first.message}{line}); run `wirecorpus validate {relpath}`"
        )


def iter_articles(root: Path, *, error: type[WirecorpusError] = RepositoryError) -> Iterator[schema.Article]:
    """Every article record of the corpus, each checked as :func:`read_record` checks it."""
    for path in layout.article_files(root):
        yield read_record(root, path, schema.Article, error=error)
