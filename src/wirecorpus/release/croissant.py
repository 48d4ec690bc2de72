"""The Croissant description of a release: ``croissant.json``.

MLCommons Croissant 1.0 JSON-LD, written by the build beside the card and listed
in ``MANIFEST.json``. Decisions and quirks:

- ``distribution``: a ``cr:FileObject`` for every file it describes (the card
  and each Parquet shard) with its size and SHA-256, and for each config with
  rows a ``cr:FileSet`` of its shards (``data/<config>/*.parquet``). A field's
  source names one file object or file set, and a config may have several
  shards, so the record sets read the file sets.
- ``recordSet``: one per config with rows (a config without rows has no shard
  and is left out, as in the card's ``configs``). Its fields are walked from
  :func:`wirecorpus.schema.row_fields`, the one source of the columns: a record
  becomes a field with ``subField`` read by ``jsonPath`` transforms, a list
  becomes ``repeated``. A list inside a list of records (an event's
  ``arguments``) is left out and named in its parent's description: Croissant
  1.0 has no agreed reading for it, and mlcroissant fails on the whole record
  set if it is there. Each record set also has ``split``, from the shard's name.
- mlcroissant gives ``sc:Text`` values as bytes and ``sc:Date`` as timestamps;
  it reads one level of records in a list (entities, quotes, events) as
  records, and a record inside those (a quote's ``content`` span) as lists
  beside them.
- ``datePublished`` is the date of this version's ``CHANGELOG.md`` entry, and
  left out without one, never the day of the build: the same repository builds
  the same bytes. ``citeAs`` is the BibTeX the card shows (from ``CITATION.cff``).
- The Responsible-AI fields (``rai:``) that apply are filled from the
  ``DATASET_CARD.md`` sections they correspond to, from the annotation sets of
  the release (per article counts, the spaCy pipelines of the model sets) and
  from the tools wirecorpus imports annotations from.
"""

from __future__ import annotations

import inspect
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import card, layout, schema
from .._version import __version__
from ..sorted_ids import SortedIds
from ..sorted_runs import groups, merge_sorted
from ..splits import SPLITS
from ..stats import Stats

CROISSANT_NAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
# The Croissant 1.0 @context, as mlcroissant expects it (it warns about any key missing).
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
DATA_TYPES = {"string": "sc:Text", "int": "sc:Integer", "bool": "sc:Boolean", "date": "sc:Date", schema.TAG: "sc:Integer"}
ENCODINGS = {".parquet": "application/x-parquet", ".md": "text/markdown"}
PARQUET = ENCODINGS[".parquet"]
RECORD_SETS = {
    "articles": "One row per article.",
    "hand": "One row per article and hand annotation set (made by people).",
    "model": "One row per article and model annotation set (predicted by a spaCy pipeline).",
    "ner": "One row per sentence of an article with a gold hand set, or with one hand set covering entities: tokens and IOB2 tag ids (the names are in the card).",
}
MAINTENANCE_PLAN = (
    f"Versioned releases: each is built by `wirecorpus build` from the repository, deterministically, and published "
    f"to the Hugging Face Hub as one commit tagged v<version>, so every release stays loadable by its tag. "
    f"`{card.CHANGELOG_PATH}` lists the changes of each version. An article never moves between splits across "
    "releases; annotation sets are added or re-made by new releases, not edited in place."
)


@dataclass(frozen=True)
class DescribedFile:
    """A file of the release: path relative to its folder, size in bytes, SHA-256 in hex."""

    path: str
    size: int
    sha256: str


def croissant_text(
    root: Path,
    stats: Stats,
    outputs: list[card.SplitOutput],
    files: Iterable[DescribedFile],
    sets: dict[str, dict[str, SortedIds]],
    *,
    version: str = __version__,
) -> str:
    """``croissant.json`` for a release of ``root``.

    ``files`` are the files it describes (card and shards), ``outputs`` what
    the build wrote per config and split, ``sets`` the articles each annotation
    set covers, by kind and name.
    """
    configs = [c for c in schema.CONFIGS if any(o.config == c and o.files for o in outputs)]
    inventory = schema.Inventory.load(root)
    sections = card.body_sections(root)
    document = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        **_about(root, sections[""], stats, version),
        **_responsible_ai(sections, stats, sets),
        "distribution": [*map(_file_object, files), *map(_file_set, configs)],
        "recordSet": [_record_set(config, inventory) for config in configs],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _about(root: Path, description: str, stats: Stats, version: str) -> dict[str, Any]:
    """Name, description, version, licences, citation, date, languages, keywords, URL."""
    cff = card.read_citation(root)
    entry = card.changelog_entry(root, version)
    repo_id = card.hub_repo_id(cff)
    about: dict[str, Any] = {
        "name": card.PRETTY_NAME,
        "description": _unwrap(description),
        "version": version,
        "license": [_licence(*licence) for licence in card.LICENSES],
        "inLanguage": stats.values("lang"),
        "keywords": card.TAGS,
    }
    if cff is not None:
        about["citeAs"] = card.citation_bibtex(cff)
    if entry is not None and entry.date:
        about["datePublished"] = entry.date
    if repo_id is not None:
        about["url"] = f"https://huggingface.co/datasets/{repo_id}"
    return about


def _licence(what: str, licence: str, url: str | None) -> dict[str, str]:
    return {"@type": "sc:CreativeWork", "name": f"{what}: {licence}", **({"url": url} if url else {})}


def _responsible_ai(sections: dict[str, str], stats: Stats, sets: dict[str, dict[str, SortedIds]]) -> dict[str, Any]:
    """The ``rai:`` fields that apply; those drawn from a ``DATASET_CARD.md`` section are left out without it."""
    from ..formats import IMPORT_FORMATS

    pipelines = [name.split("/", 1)[1] for name in stats.sets if name.startswith("model/")]
    articles = sum(stats.articles_in(split) for split in SPLITS)
    fields = {
        "rai:dataCollection": _unwrap(sections.get("Sources", "")),
        "rai:dataAnnotationProtocol": [
            "Hand annotation sets follow the project's annotation guidelines, annotations/GUIDELINES.md in the "
            "repository the release is built from; every file of every set passes `wirecorpus validate`.",
            *_bullets(sections.get("Annotation process")),
        ],
        "rai:dataAnnotationPlatform": [
            f"Annotation tools whose exports `wirecorpus import` reads: {', '.join(IMPORT_FORMATS)}; or the JSON files edited by hand.",
            "spaCy, run by `wirecorpus annotate`, for the model annotation sets.",
        ],
        "rai:annotationsPerItem": annotations_per_item(sets, articles),
        "rai:machineAnnotationTools": [f"spaCy pipeline {name} (annotation set model/{name}; each row's annotator names the components that ran)" for name in pipelines],
        "rai:dataUseCases": _bullets(sections.get("Intended uses")),
        "rai:dataLimitations": _bullets(sections.get("Limitations")),
        "rai:dataReleaseMaintenancePlan": MAINTENANCE_PLAN,
    }
    return {name: value for name, value in fields.items() if value}


def annotations_per_item(sets: dict[str, dict[str, SortedIds]], articles: int) -> str:
    """How many annotation sets of each kind cover an article, e.g. ``hand: 1 set on 12 articles, 2 sets on 3``;
    groups from the sets' sorted streams of ids, merged."""
    parts = []
    for kind in layout.ANNOTATOR_KINDS:
        per_article: Counter[int] = Counter()
        for _, sets_per_article in groups(merge_sorted([found.blocks() for found in sets.get(kind, {}).values()])):
            per_article.update(dict(enumerate(np.bincount(sets_per_article).tolist())))
        per_article[0] = articles - sum(count for covering, count in per_article.items() if covering)
        counts = [f"{n} set{'s' if n != 1 else ''} on {count} article{'s' if count != 1 else ''}" for n, count in sorted(per_article.items()) if count]
        parts.append(f"{kind}: {', '.join(counts)}")
    return "; ".join(parts) + " (a set is one annotator's, or one pipeline's, annotations of the article)"


def _unwrap(text: str) -> str:
    """Markdown paragraphs with their lines joined: one line per paragraph."""
    return "\n\n".join(" ".join(line.strip() for line in paragraph.splitlines()) for paragraph in text.split("\n\n"))


def _bullets(text: str | None) -> list[str]:
    """The items of a Markdown bullet list, each on one line; the text itself if it has none."""
    items: list[str] = []
    for line in (text or "").splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.startswith(" ") and items:
            items[-1] += " " + line.strip()
    return items or ([text] if text else [])


# --------------------------------------------------------------------------
# Files and record sets.


def _file_object(file: DescribedFile) -> dict[str, Any]:
    return {
        "@type": "cr:FileObject",
        "@id": file.path,
        "name": file.path,
        "contentUrl": file.path,
        "encodingFormat": ENCODINGS.get(Path(file.path).suffix, "application/octet-stream"),
        "contentSize": f"{file.size} B",
        "sha256": file.sha256,
    }


def _file_set_id(config: str) -> str:
    return f"parquet-{config}"


def _file_set(config: str) -> dict[str, Any]:
    return {
        "@type": "cr:FileSet",
        "@id": _file_set_id(config),
        "name": _file_set_id(config),
        "description": f"The Parquet shards of the {config} config, each a file object above.",
        "encodingFormat": PARQUET,
        "includes": card.data_pattern(config, "*"),
    }


def _record_set(config: str, inventory: schema.Inventory) -> dict[str, Any]:
    walk = _Walk(config, _file_set_id(config), inventory)
    split = {
        "@type": "cr:Field",
        "@id": f"{config}/split",
        "name": "split",
        "description": f"The split of the row ({', '.join(SPLITS)}), from the name of its shard.",
        "dataType": DATA_TYPES["string"],
        "source": {
            "fileSet": {"@id": walk.file_set},
            "extract": {"fileProperty": "fullpath"},
            "transform": {"regex": card.shard_regex(config)},
        },
    }
    fields = [walk.field((name,), spec, in_list=False) for name, spec in schema.row_fields(config)]
    return {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": RECORD_SETS.get(config, f"The {config} config."),
        "field": [split, *(f for f in fields if f is not None)],
    }


@dataclass(frozen=True)
class _Walk:
    """The fields of one record set, walked from the schema's field specs."""

    record_set: str
    file_set: str
    inventory: schema.Inventory

    def field(self, path: tuple[str, ...], spec: schema.FieldSpec, *, in_list: bool) -> dict[str, Any] | None:
        """The field at ``path`` (column, then keys into it); None for a list inside a list of records."""
        if in_list and spec.kind == "list":
            return None
        field: dict[str, Any] = {"@type": "cr:Field", "@id": "/".join((self.record_set, *path)), "name": spec.name}
        if spec.record is not None:
            children = [(s.name, self.field((*path, s.name), s, in_list=in_list or spec.kind == "list")) for s in schema.field_specs(spec.record)]
            field["description"] = self._record_description(spec.record, [name for name, child in children if child is None])
            field["subField"] = [child for _, child in children if child is not None]
        else:
            if spec.inventory:
                values = ", ".join(sorted(self.inventory.values(spec.inventory)))
                field["description"] = f"One of the {spec.inventory} of annotations/schema.json: {values}."
            field["dataType"] = DATA_TYPES[spec.item_kind if spec.kind == "list" else spec.kind]
            field["source"] = self._source(path)
        if spec.kind == "list":
            field["repeated"] = True
        return field

    def _source(self, path: tuple[str, ...]) -> dict[str, Any]:
        source: dict[str, Any] = {"fileSet": {"@id": self.file_set}, "extract": {"column": path[0]}}
        if len(path) > 1:
            source["transform"] = [{"jsonPath": key} for key in path[1:]]
        return source

    @staticmethod
    def _record_description(record: type, left_out: list[str]) -> str:
        description = inspect.getdoc(record).split("\n\n")[0].replace("\n", " ")
        if left_out:
            description += (
                f" Not described here: {', '.join(left_out)}, a list inside a list of records, which Croissant 1.0 "
                "readers cannot read; the Parquet files hold it."
            )
        return description
