"""The dataset card of a release: ``README.md`` with a YAML header and a body.

The header's ``dataset_info`` features come from :func:`wirecorpus.schema.features`
through ``datasets``' own YAML serialisation; ``configs`` point each config's
splits at their Parquet shards. The body is the repository's ``DATASET_CARD.md``
followed by generated sections: the release (its ``CHANGELOG.md`` entry, how to
load exactly this version, how to cite it from ``CITATION.cff``), statistics
(:mod:`wirecorpus.stats`), the scores of every model annotation set against
every hand set it shares articles with (:mod:`wirecorpus.evaluate`), the
agreement of the hand sets on the articles two or more of them annotate
(:mod:`wirecorpus.agree`), and the ``ner`` config's sources and counts
(:mod:`wirecorpus.ner`).

Everything is read from files of the repository, never from the clock, so that
a build stays byte-identical: the release date is the date of the version's
changelog entry. The Hub repository in the loading examples is the one
``CITATION.cff`` names (``repository-artifact`` or ``url`` on huggingface.co),
else a placeholder the card explains.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ner, schema
from ._version import __version__
from .errors import BuildError
from .splits import SPLITS
from .stats import Stats, stat_tables

BODY_PATH = Path("DATASET_CARD.md")
CHANGELOG_PATH = Path("CHANGELOG.md")
CITATION_PATH = Path("CITATION.cff")
# The repository files the card quotes, besides the corpus: inputs of the build.
INPUT_PATHS = (BODY_PATH, CHANGELOG_PATH, CITATION_PATH)
PRETTY_NAME = "wirecorpus"
# (what, licence, its URL): the card's licence_name and Croissant's license.
LICENSES = (
    ("article texts", "their agencies' copyright", None),
    ("annotations", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
)
DEFAULT_CONFIG = "hand"
# What the corpus is for in the Hub's vocabulary; the layers are described in the body.
TASK_CATEGORIES = ["token-classification"]
TASK_IDS = ["named-entity-recognition"]
TAGS = ["news", "named-entity-recognition", "quotation-attribution", "event-extraction", "stand-off"]
CREATORS = {"hand": "expert-generated", "model": "machine-generated"}
SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")]


@dataclass(frozen=True)
class SplitOutput:
    """What the build wrote for one config and split."""

    config: str
    split: str
    num_examples: int
    num_bytes: int  # of the rows uncompressed, as the Parquet files' footers count them
    download_size: int  # of the Parquet files
    files: tuple[str, ...]  # relative to the release folder


def data_pattern(config: str, split: str) -> str:
    """A glob of the shards of a config's split (``*``: of every split)."""
    return f"data/{config}/{split}-*.parquet"


def shard_regex(config: str) -> str:
    """A regular expression of a config's shard paths, with the split as its group."""
    return rf"^data/{re.escape(config)}/({'|'.join(SPLITS)})-\d+-of-\d+\.parquet$"


def card_yaml(stats: Stats, outputs: list[SplitOutput], ner_tags: tuple[str, ...]) -> str:
    """The YAML header (without the ``---`` fences); ``ner_tags`` name the ``ner`` config's ClassLabel."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from huggingface_hub import DatasetCardData

    languages = stats.values("lang")
    kinds = sorted({name.split("/")[0] for name in stats.sets})
    data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        language=languages,
        license="other",
        license_name="; ".join(f"{what}: {licence}" for what, licence, _ in LICENSES),
        annotations_creators=[CREATORS[k] for k in kinds] or ["no-annotation"],
        language_creators=["found"],
        multilinguality="monolingual" if len(languages) <= 1 else "multilingual",
        size_categories=[_size_category(sum(stats.articles_in(s) for s in SPLITS))],
        source_datasets=["original"],
        task_categories=TASK_CATEGORIES,
        task_ids=TASK_IDS,
        tags=TAGS,
    )
    # Only splits with rows: `datasets` cannot load an empty split.
    written = {config: [o for o in outputs if o.config == config and o.files] for config in schema.CONFIGS}
    data["configs"] = [
        {
            "config_name": config,
            **({"default": True} if config == DEFAULT_CONFIG else {}),
            "data_files": [{"split": o.split, "path": data_pattern(config, o.split)} for o in mine],
        }
        for config, mine in written.items()
        if mine
    ]
    infos = {}
    for config, mine in written.items():
        if not mine:
            continue
        splits = SplitDict()
        for output in mine:
            splits.add(SplitInfo(name=output.split, num_bytes=output.num_bytes, num_examples=output.num_examples))
        infos[config] = DatasetInfo(
            features=schema.features(config, ner_tags=ner_tags),
            splits=splits,
            download_size=sum(o.download_size for o in mine),
            dataset_size=sum(o.num_bytes for o in mine),
        )
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data.to_yaml()


def _size_category(articles: int) -> str:
    return next((name for bound, name in SIZE_CATEGORIES if articles < bound), "1M<n<10M")


def card_body(
    root: Path, stats: Stats, evaluations: list[str], sentences: ner.Summary, agreement: str | None = None, *, version: str = __version__
) -> str:
    """``DATASET_CARD.md`` followed by the generated sections."""
    parts = [body_text(root).rstrip("\n"), "", *release_section(root, version), "", f"## Statistics of release {version}", ""]
    parts.append("Generated by `wirecorpus build` from the files of this release (`wirecorpus stats` prints the same).")
    for title, header, body in stat_tables(stats):
        parts += ["", f"### {title}", "", markdown_table(header, body)]
    parts += ["", "## Model annotations against hand gold", ""]
    if evaluations:
        parts.append("Generated by `wirecorpus build` with `wirecorpus evaluate`, over the articles both sets cover.")
        for evaluation in evaluations:
            parts += ["", evaluation.rstrip("\n")]
    else:
        parts.append("No model annotation set shares an article with a hand set in this release.")
    parts += ["", "## Annotator agreement", ""]
    if agreement:
        parts += ["Generated by `wirecorpus build` with `wirecorpus agree`, over the hand sets.", "", agreement.rstrip("\n")]
    else:
        parts.append("No article has two or more hand annotation sets in this release, so there is no agreement to report.")
    text, header, body = ner.card_section(sentences)
    parts += ["", "## Token-level config `ner`", "", text, "", markdown_table(header, body)]
    return "\n".join(parts) + "\n"


def body_text(root: Path) -> str:
    path = Path(root) / BODY_PATH
    if not path.is_file():
        raise BuildError(f"{BODY_PATH}: missing; the body of the dataset card is kept there")
    return path.read_text(encoding="utf-8")


def body_sections(root: Path) -> dict[str, str]:
    """``DATASET_CARD.md`` by its ``## `` headings (``""``: the text before the first), each stripped."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in body_text(root).splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif not line.startswith("# "):
            sections[current].append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}


def release_section(root: Path, version: str = __version__) -> list[str]:
    """The lines of the card's part on this release: its changes, how to load it pinned, how to cite it."""
    entry = changelog_entry(root, version)
    lines = [f"## Release {version}", ""]
    if entry is None:
        lines.append(f"`{CHANGELOG_PATH}` has no entry for version {version}.")
    else:
        lines.append(f"Released {entry.date}; its entry in `{CHANGELOG_PATH}`:" if entry.date else f"Its entry in `{CHANGELOG_PATH}`:")
        lines += ["", entry.body or "(empty)"]
    cff = read_citation(root)
    repo_id = hub_repo_id(cff)
    lines += ["", "### Loading this version", "", f"Each release is tagged `v{version}` on the Hub; without `revision` you get the latest."]
    if repo_id is None:
        repo_id = "ORG/NAME"
        lines.append(f"`{repo_id}` stands for the Hub repository this release is published to (`{CITATION_PATH}` names none).")
    lines += ["", "```python", "from datasets import load_dataset", ""]
    lines += [f'hand = load_dataset("{repo_id}", "hand", revision="v{version}")', "", "import wirecorpus", ""]
    lines += [f'hand = wirecorpus.load("hand", path="{repo_id}", revision="v{version}")', "```", "", "### Citation", ""]
    if cff is None:
        lines.append(f"The repository has no `{CITATION_PATH}`; cite the dataset as {PRETTY_NAME}, version {version}.")
    else:
        lines += ["```bibtex", citation_bibtex(cff), "```"]
    return lines


# --------------------------------------------------------------------------
# CHANGELOG.md (keep-a-changelog: ``## [<version>] - YYYY-MM-DD``) and CITATION.cff.

_ENTRY_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?:\s+-\s+(?P<date>\d{4}-\d{2}-\d{2}))?\s*$")
_LINK_DEFINITION = re.compile(r"^\[[^\]]+\]:\s")


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: str | None  # YYYY-MM-DD, as the heading gives it
    body: str  # the lines under the heading, without link definitions


def changelog_entry(root: Path, version: str) -> ChangelogEntry | None:
    """The ``CHANGELOG.md`` entry of ``version``; None if there is no file or no such entry."""
    path = Path(root) / CHANGELOG_PATH
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = _ENTRY_HEADING.match(line)
        if match is None or match["version"] != version:
            continue
        if match["date"]:
            try:
                datetime.date.fromisoformat(match["date"])
            except ValueError:
                raise BuildError(f"{CHANGELOG_PATH}:{number}: {match['date']!r} is not a date (YYYY-MM-DD)") from None
        body = []
        for following in lines[number:]:
            if following.startswith("## "):
                break
            if not _LINK_DEFINITION.match(following):
                body.append(following)
        return ChangelogEntry(version, match["date"], "\n".join(body).strip())
    return None


def read_citation(root: Path) -> dict[str, Any] | None:
    """``CITATION.cff`` as a mapping with at least a title; None without the file."""
    import yaml

    path = Path(root) / CITATION_PATH
    if not path.is_file():
        return None
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as problem:
        raise BuildError(f"{CITATION_PATH}: not readable YAML ({problem})") from None
    if not isinstance(cff, dict) or not isinstance(cff.get("title"), str):
        raise BuildError(f"{CITATION_PATH}: no title; a Citation File Format file needs one (https://citation-file-format.github.io)")
    return cff


_HUB_DATASET_URL = re.compile(r"^https://huggingface\.co/datasets/(?P<id>[\w.-]+/[\w.-]+?)/?$")


def hub_repo_id(cff: dict[str, Any] | None) -> str | None:
    """The Hub dataset repository ``CITATION.cff`` points at (``repository-artifact``, else ``url``)."""
    for key in ("repository-artifact", "url"):
        match = _HUB_DATASET_URL.match(str((cff or {}).get(key, "")))
        if match:
            return match["id"]
    return None


BIBTEX_TYPES = {"article": "article", "conference-paper": "inproceedings", "book": "book", "report": "techreport", "thesis": "phdthesis"}


def citation_bibtex(cff: dict[str, Any]) -> str:
    """A BibTeX entry for the CFF's ``preferred-citation``, else for the work the CFF describes."""
    work = cff.get("preferred-citation") or cff
    kind = BIBTEX_TYPES.get(work.get("type"), "misc")
    authors = [_bibtex_name(person) for person in work.get("authors") or []]
    dated = work.get("date-published") or work.get("date-released")
    year = work.get("year") or (str(dated)[:4] if dated else None)
    pages = "--".join(str(work[k]) for k in ("start", "end") if work.get(k))
    fields = {
        "title": work.get("title"),
        "author": " and ".join(authors),
        "year": year,
        "journal": work.get("journal") if kind == "article" else None,
        "booktitle": (work.get("collection-title") or (work.get("conference") or {}).get("name")) if kind == "inproceedings" else None,
        "publisher": (work.get("publisher") or {}).get("name"),
        "volume": work.get("volume"),
        "number": work.get("issue"),
        "pages": pages,
        "version": work.get("version") if kind == "misc" else None,
        "doi": work.get("doi"),
        "url": work.get("url") or work.get("repository-code"),
    }
    family = (work.get("authors") or [{}])[0]
    key = re.sub(r"[^a-z0-9]", "", str(family.get("family-names") or family.get("name") or PRETTY_NAME).lower()) + str(year or "")
    lines = [f"@{kind}{{{key},", *(f"  {name} = {{{value}}}," for name, value in fields.items() if value), "}"]
    return "\n".join(lines)


def _bibtex_name(person: dict[str, Any]) -> str:
    """``Family, Given`` for a person, ``{Name}`` (kept whole) for an entity."""
    if person.get("family-names"):
        family = " ".join(str(person[k]) for k in ("name-particle", "family-names") if person.get(k))
        given = ", ".join(str(person[k]) for k in ("name-suffix", "given-names") if person.get(k))
        return f"{family}, {given}" if given else family
    return f"{{{person.get('name', '')}}}"


def markdown_table(header: list[str], body: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines)


def card_text(
    root: Path,
    stats: Stats,
    outputs: list[SplitOutput],
    evaluations: list[str],
    sentences: ner.Summary,
    agreement: str | None = None,
    *,
    version: str = __version__,
) -> str:
    """The whole ``README.md`` of a release of ``version``; ``agreement``: the Markdown of ``wirecorpus agree``, if any."""
    return f"---\n{card_yaml(stats, outputs, sentences.tags)}\n---\n\n{card_body(root, stats, evaluations, sentences, agreement, version=version)}"
