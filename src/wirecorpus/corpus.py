"""Reading the repository's records: article records and annotation files.

Where they are is :mod:`wirecorpus.layout`'s business; this module reads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from . import layout, schema
from .errors import WirecorpusError


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_article(path: Path) -> schema.Article:
    """An article record from a file the validator has passed."""
    return schema.from_dict(schema.Article, read_json(path))


def read_annotation(path: Path) -> schema.AnnotationFile:
    """An annotation set from a file the validator has passed."""
    return schema.from_dict(schema.AnnotationFile, read_json(path))


_RECORD_NAMES = {schema.Article: "article record", schema.AnnotationFile: "annotation file"}


def read_record(root: Path, path: Path, record: type, *, error: type[WirecorpusError]):
    """A record from a file that should be valid; otherwise ``error``, naming the file."""
    try:
        return schema.from_dict(record, read_json(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise error(
            f"{layout.relative(root, path)}: not a readable {_RECORD_NAMES[record]} ({type(exc).__name__}: {exc}); "
            "run `wirecorpus validate` for the details"
        ) from None


def iter_articles(root: Path) -> Iterator[schema.Article]:
    for path in layout.article_files(root):
        yield read_article(path)
