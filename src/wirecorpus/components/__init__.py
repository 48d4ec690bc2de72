"""wirecorpus's spaCy components: quotes and events, and their conversion into schema layers.

Importing this package registers the factories ``wirecorpus_quotes`` and
``wirecorpus_events`` and the Doc extensions they fill.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from . import events, quotes
from .layers import layers_from_doc

COMPONENT_VERSIONS = {"wirecorpus_quotes": quotes.VERSION, "wirecorpus_events": events.VERSION}

__all__ = ["COMPONENT_VERSIONS", "add_components", "layers_from_doc"]


def add_components(nlp: Language, *, root: Path | str | None = None) -> Language:
    """Add the quote and event components after the pipeline's "ner" (or last), once."""
    config = {"root": None if root is None else str(root)}
    where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
    for name in COMPONENT_VERSIONS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=config, **where)
        where = {"after": name}
    return nlp
