"""Helpers for the release tests: a repository copy that can be released, and changes to make in it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from wirecorpus import corpus, layout, schema, storage
from wirecorpus.ingest import ingest

REPO = Path(__file__).resolve().parents[1]
SEED_HAND = "annotations/hand/a1/tass-20200920-693f2c16.json"


def copy_repository(root: Path) -> Path:
    """A copy of the repository's data and card body, as the ``release_repo`` fixture makes, that can be released."""
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "DATASET_CARD.md", root / "DATASET_CARD.md")
    return make_releasable(root)


def make_releasable(root: Path) -> Path:
    """Give a data copy the files a release keeps in step: the package's ``_version.py`` and ``CITATION.cff``."""
    (root / "src" / "wirecorpus").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "src" / "wirecorpus" / "_version.py", root / "src" / "wirecorpus" / "_version.py")
    shutil.copy(REPO / "CITATION.cff", root / "CITATION.cff")
    return root


def ingest_stories(root: Path, numbers: range) -> list[str]:
    """Ingest one small TASS story per number, each with a hand annotation in set a1; return their ids."""
    incoming = root / "incoming"
    incoming.mkdir(exist_ok=True)
    paths = []
    for number in numbers:
        path = incoming / f"story-{number}.txt"
        day = number % 28 + 1
        path.write_text(f"date 2021-03-{day:02d}\nMOSCOW, March {day}. /TASS/. Story {number} came from Kazan.\n", encoding="utf-8")
        paths.append(path)
    report = ingest(paths, root=root, source="tass")
    assert report.ok and len(report.added) == len(paths), report.refused
    for article_id in report.added:
        write_hand_annotation(root, article_id)
    return sorted(report.added)


def write_hand_annotation(root: Path, article_id: str) -> None:
    """Entities MOSCOW and Kazan (GPE) over an ingested story, in hand set a1."""
    text = corpus.read_article(root / layout.article_relpath_of_id(article_id)).text
    kazan = text.index("Kazan")
    annotation = schema.AnnotationFile(
        article=article_id,
        text_sha256=layout.text_sha256(text),
        annotator=schema.Annotator(kind="hand", name="a1"),
        schema_version="1.1",
        layers=["entities"],
        entities=[schema.Entity("T1", 0, 6, "MOSCOW", "GPE"), schema.Entity("T2", kazan, kazan + 5, "Kazan", "GPE")],
    )
    storage.write_text_atomic(layout.annotation_path(root, kind="hand", name="a1", article_id=article_id), schema.dumps(annotation))


def edit_json(root: Path, relpath: str, change: Callable[[dict], None], *, indent: int = 2) -> None:
    """Change a JSON file of the repository in place."""
    path = root / relpath
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under a folder by its relative path (the lock file left out)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".wirecorpus.lock"}
