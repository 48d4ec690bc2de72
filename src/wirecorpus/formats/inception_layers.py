"""Which INCEpTION layers the ``inception`` reader takes in, and how it labels them.

Both export formats (UIMA CAS XMI and WebAnno TSV) name layers by their UIMA
type, so one set of rules serves both:

- Span layers are ``de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity``
  and its subtypes (DKPro Core's ``Person``, ``Organization``, ...; label: the
  ``value`` feature, else the type's short name) and INCEpTION's custom layers
  ``webanno.custom.*`` (label: the first feature, in the order of feature
  names, that holds a non-empty text; the layer's short name when none does).
  The other features that are set become the span's attributes.
- DKPro Core's segmentation, morphology, syntax and metadata types (sentences,
  tokens, lemmas, POS, dependencies, document metadata, tag sets), the XML and
  PDF structure INCEpTION keeps for such documents, and UIMA's document
  annotation are the document's structure, not annotation content: they are
  skipped without a word.
- Anything else is a layer the reader has no place for; readers report each
  of its annotations as a Problem.

Feature names are sorted so that the same annotation gets the same label from
both formats (INCEpTION's TSV columns and a type system's declaration order
need not agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
NAMED_ENTITY_LABEL = "value"
CUSTOM_LAYER_PREFIX = "webanno.custom."

STRUCTURE_PREFIXES = (
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.",
    "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.",
    "org.dkpro.core.api.xml.type.",
    "org.dkpro.core.api.pdf.type.",
    "uima.tcas.DocumentAnnotation",
)


def is_structure(type_name: str) -> bool:
    """Whether annotations of this type are document structure (skipped without a Problem)."""
    return type_name.startswith(STRUCTURE_PREFIXES)


def is_known_layer(type_name: str) -> bool:
    """Whether the reader takes this layer in: NamedEntity or a custom layer (span, relation or slot host)."""
    return type_name == NAMED_ENTITY or type_name.startswith(CUSTOM_LAYER_PREFIX)


def short_name(type_name: str) -> str:
    """``webanno.custom.Quote`` -> ``Quote``."""
    return type_name.rsplit(".", 1)[-1]


def label_and_attributes(
    type_name: str, values: Mapping[str, str | None], candidates: Iterable[str], *, named_entity: bool
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The label of an annotation and its other set features as (name, value) attributes.

    ``values`` holds every feature the reader keeps, as text (None: not set);
    ``candidates`` names those that may hold the label (the text features);
    ``named_entity``: the type is NamedEntity or one of its subtypes.
    """
    set_values = {name: value for name, value in values.items() if value}
    if named_entity:
        label_feature = NAMED_ENTITY_LABEL if NAMED_ENTITY_LABEL in set_values else None
    else:
        label_feature = next((name for name in sorted(candidates) if name in set_values), None)
    label = set_values[label_feature] if label_feature else short_name(type_name)
    attributes = tuple((name, value) for name, value in sorted(set_values.items()) if name != label_feature)
    return label, attributes
